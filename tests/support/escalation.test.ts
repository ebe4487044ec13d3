import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notificationModel } from "../../core/notifications/notification-service.ts";
import { userModels } from "../../core/users/user-model.ts";
import { closeRedis, createRedis } from "../../jobs/redis/create-redis.ts";
import { ESCALATION_QUEUE, escalationQueueDefinition } from "../../jobs/support/escalation-job.ts";
import { startWorkers, type Workers } from "../../jobs/worker-bootstrap.ts";
import { buildTestApp, type TestApp } from "../helpers/test-runtime.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * The escalation matrix on a pinned clock: a P1 ticket nobody answers is escalated to the admins at 15 minutes and
 * to the owners at 30, exactly once each, also when the worker is restarted in between and its jobs run again; an
 * answered ticket is not escalated. The jobs are BullMQ delayed jobs keyed by ticket, priority and step; the test
 * moves the clock and promotes them instead of waiting.
 */
let t: TestApp;
let now = new Date("2026-12-06T03:00:00.000Z");
const clock = () => now;
const agent = { userId: "UAGENT01", role: "support" as const, channel: "tg" as const };
let workers: Workers | undefined;
let connection: ReturnType<typeof createRedis> | undefined;

function startWorker(): void {
  connection = createRedis(t.runtime.config.redis.url ?? "", "worker", t.runtime.logger);
  workers = startWorkers({
    connection,
    prefix: t.runtime.config.redis.prefix,
    definitions: [escalationQueueDefinition()],
    queues: t.runtime.queues,
    deps: { core: t.core, config: t.runtime.config, redis: t.runtime.redis, senders: {} },
    logger: t.runtime.logger,
  });
}

async function stopWorker(): Promise<void> {
  await workers?.close();
  if (connection !== undefined) await closeRedis(connection);
  workers = undefined;
}

/** Runs every waiting escalation job now (as if its delay had passed) and waits until none is waiting or active. */
async function runDueJobs(): Promise<void> {
  const queue = t.runtime.queues.get(ESCALATION_QUEUE);
  for (const job of await queue.getDelayed()) await job.promote();
  await waitFor(async () => (await queue.getWaitingCount()) + (await queue.getActiveCount()) === 0, 10_000);
  // A job that woke before its time put itself back to wait (by the pinned clock).
  await new Promise((resolve) => setTimeout(resolve, 300));
}

const escalations = (ticketId: string) =>
  notificationModel(t.runtime.mongo)
    .find({ _id: { $regex: `^ticket:${ticketId}:escalated:` } })
    .lean()
    .then((docs) => docs.map((doc) => doc._id).sort());

beforeAll(async () => {
  t = await buildTestApp({ clock });
  const { User, Identity } = userModels(t.runtime.mongo);
  const people = [
    ["UADMIN01", ["admin"]],
    ["UADMIN02", ["admin"]],
    ["UOWNER01", ["owner"]],
    ["UAGENT01", ["support"]],
    ["UPERSON1", []],
  ] as const;
  for (const [id, roles] of people) {
    await User.create({
      _id: id,
      name: id,
      language: "en",
      languageChosen: true,
      invitedBy: null,
      identityKeys: [`tg:${id}`],
      roles: [...roles],
      status: "active",
      createdAt: now,
      lastSeenAt: now,
    });
    await Identity.create({
      _id: `tg:${id}`,
      userId: id,
      channel: "tg",
      externalId: id,
      transport: "telegram",
      username: null,
      reachable: true,
      unreachableAt: null,
      createdAt: now,
    });
  }
  startWorker();
});
afterAll(async () => {
  await stopWorker();
  await t.close();
});

describe("escalation matrix", () => {
  it("P1 unanswered: admins at 15 min, owners at 30 min, once each, across a worker restart", async () => {
    const opened = now;
    const ticket = await t.core.support.open({
      userId: "UPERSON1",
      channel: "tg",
      language: "en",
      topic: "account",
      text: "Someone else logged into my account and changed my wallet number",
      mediaId: null,
    });
    expect(ticket.priority).toBe("P2");
    await t.core.support.setPriority(ticket._id, agent, "P1");

    now = new Date(opened.getTime() + 14 * 60_000);
    await runDueJobs();
    expect(await escalations(ticket._id)).toEqual([]);

    now = new Date(opened.getTime() + 15 * 60_000);
    await runDueJobs();
    expect(await escalations(ticket._id)).toEqual([
      `ticket:${ticket._id}:escalated:P1:admins:UADMIN01`,
      `ticket:${ticket._id}:escalated:P1:admins:UADMIN02`,
    ]);

    // The worker restarts; the owners' step still waits in Redis and runs once at 30 minutes.
    await stopWorker();
    startWorker();
    now = new Date(opened.getTime() + 30 * 60_000);
    await runDueJobs();
    await runDueJobs();
    expect(await escalations(ticket._id)).toEqual([
      `ticket:${ticket._id}:escalated:P1:admins:UADMIN01`,
      `ticket:${ticket._id}:escalated:P1:admins:UADMIN02`,
      `ticket:${ticket._id}:escalated:P1:owners:UOWNER01`,
    ]);
    // The steps for its first priority (P2) never told anyone, and a replay of a finished step tells no one again.
    expect(await t.core.support.escalate(ticket._id, "P2", "admins")).toBe("skipped");
    const { AuditEntry } = { AuditEntry: (await import("../../core/admin/audit-log.ts")).auditModel(t.runtime.mongo) };
    await t.core.support.escalate(ticket._id, "P1", "admins");
    expect(await AuditEntry.countDocuments({ action: "ticket.escalate", target: ticket._id })).toBe(2);
    expect(await escalations(ticket._id)).toHaveLength(3);
  });

  it("an answered ticket does not escalate, and its pending steps are gone", async () => {
    const opened = now;
    const ticket = await t.core.support.open({
      userId: "UPERSON1",
      channel: "tg",
      language: "en",
      topic: "payment",
      text: "My payout is still pending",
      mediaId: null,
    });
    await t.core.support.setPriority(ticket._id, agent, "P1");
    expect((await t.core.support.take(ticket._id, agent)).kind).toBe("taken");
    now = new Date(opened.getTime() + 5 * 60_000);
    await t.core.support.agentReply(ticket._id, agent, "Looking at it now.");
    const queue = t.runtime.queues.get(ESCALATION_QUEUE);
    const pending = (await queue.getDelayed()).filter(
      (job) => (job.data as { ticketId: string }).ticketId === ticket._id,
    );
    expect(pending).toEqual([]);
    now = new Date(opened.getTime() + 60 * 60_000);
    await runDueJobs();
    expect(await escalations(ticket._id)).toEqual([]);
  });

  it("/tickets stats figures: counts by priority, first response, on-time share and ratings", async () => {
    const stats = await t.core.support.stats(now);
    expect(stats.total).toBe(2);
    expect(stats.byPriority).toEqual({ P1: 2, P2: 0, P3: 0, P4: 0 });
    expect(stats.medianFirstResponseMinutes).toBe(5);
    expect(stats.onTimeShare).toBe(0);
  });
});
