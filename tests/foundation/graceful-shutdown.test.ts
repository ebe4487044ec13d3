import { Queue } from "bullmq";
import { describe, expect, it } from "vitest";
import type { QueueDefinition } from "../../jobs/queue-registry.ts";
import { attachWorkers } from "../../jobs/runtime/create-runtime.ts";
import { buildTestApp } from "../helpers/test-runtime.ts";

describe("graceful shutdown", () => {
  it("stops intake, lets the in-flight job finish, then closes connections, once", async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: QueueDefinition<{ id: string }> = {
      name: "slow",
      concurrency: 1,
      process: async (job) => {
        events.push(`job ${job.data.id} started`);
        release();
        await new Promise((resolve) => setTimeout(resolve, 700));
        events.push(`job ${job.data.id} finished`);
        return "done";
      },
    };
    const t = await buildTestApp({ definitions: [slow] });
    attachWorkers(t.runtime, t.core);
    t.app.addHook("onClose", async () => {
      events.push("http closed");
    });
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    t.runtime.mongo.on("close", () => events.push("mongodb closed"));
    t.runtime.redis.on("end", () => events.push("redis closed"));

    const job = await t.runtime.queues.get("slow").add("work", { id: "a1" });
    await started;

    const first = t.runtime.shutdown.run("SIGTERM");
    const second = t.runtime.shutdown.run("SIGINT");
    expect(second).toBe(first);
    await first;

    expect(events[0]).toBe("job a1 started");
    expect(events.indexOf("http closed")).toBeLessThan(events.indexOf("job a1 finished"));
    expect(events.indexOf("job a1 finished")).toBeLessThan(events.indexOf("redis closed"));
    expect(events.indexOf("job a1 finished")).toBeLessThan(events.indexOf("mongodb closed"));
    expect(events.filter((event) => event === "http closed")).toHaveLength(1);

    // The job was recorded as completed in Redis, not left active for a retry.
    const queue = new Queue("slow", {
      connection: { url: t.runtime.config.redis.url },
      prefix: t.runtime.config.redis.prefix,
    });
    expect(await queue.getJobState(job.id ?? "")).toBe("completed");
    await queue.close();
    await t.close();
  });
});
