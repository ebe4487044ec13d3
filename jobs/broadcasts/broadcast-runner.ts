import type { Job } from "bullmq";
import type { KeyMove } from "../../core/db/redis-key-moves.ts";
import { AppError } from "../../core/errors/app-error.ts";
import { fillTemplate, type BroadcastQueue } from "../../core/broadcasts/broadcast-service.ts";
import type { ChannelSender, OutboundMessage } from "../../core/notifications/channel-sender.ts";
import type { Channel, Language, Transport } from "../../core/users/user-model.ts";
import { sendRate } from "../notifications/notify-queues.ts";
import type { JobContext, QueueDefinition, QueueRegistry } from "../queue-registry.ts";

export const BROADCAST_QUEUE = "broadcast";
/** Recipients taken from the list per round. Viber takes 300 per call. */
const BATCH = 300;
const PARALLEL_SENDS = 16;
const PROGRESS_EVERY_MS = 5_000;

interface Entry {
  transport: Transport;
  channel: Channel;
  externalId: string;
  userId: string;
  language: Language;
}

const encode = (entry: Entry) =>
  [entry.transport, entry.channel, entry.userId, entry.language, entry.externalId].join("|");
function decode(line: string): Entry {
  const [transport, channel, userId, language, ...rest] = line.split("|");
  return {
    transport: transport as Transport,
    channel: channel as Channel,
    userId: userId ?? "",
    language: language as Language,
    externalId: rest.join("|"),
  };
}

/** Runs `work` over `items` with at most `parallel` at once. */
async function pool<T>(items: T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/**
 * One broadcast, start to finish; resumable at any point. The recipient
 * list is taken once into Redis; each recipient is claimed with HSETNX right
 * before their message leaves and marked done after, so a run that resumes
 * after a crash skips everyone already claimed: nobody gets it twice. A
 * claim left by a killed worker counts as "uncertain" (the message may or
 * may not have left).
 */
export async function runBroadcast(job: Job<{ id: string }>, ctx: JobContext): Promise<string> {
  const { core, redis, config, senders } = ctx.deps;
  const { broadcasts, users } = core;
  const id = job.data.id;
  const keys = broadcastKeys(config.redis.prefix, id);
  let doc = await broadcasts.find(id);
  if (doc === null || doc.status === "done") return "nothing to do";

  if (doc.recipients === null) {
    await redis.del(keys.todo);
    // Page by page (a page grouped by transport and language, so a batch of Viber recipients fills a 300-person
    // call): the audience is never all in memory.
    const { recipients, unreachable } = await broadcasts.takeRecipients(id, doc.segment, async (page) => {
      if (page.length === 0) return;
      page.sort((a, b) => (a.identity.transport + a.language).localeCompare(b.identity.transport + b.language));
      const lines = page.map((recipient) =>
        encode({
          transport: recipient.identity.transport,
          channel: recipient.identity.channel,
          externalId: recipient.identity.externalId,
          userId: recipient.userId,
          language: recipient.language,
        }),
      );
      await redis.rpush(keys.todo, ...lines);
    });
    doc = { ...doc, recipients, skipped: unreachable };
    ctx.logger.info({ broadcast: id, recipients, skipped: unreachable }, "broadcast recipients taken");
  }

  // One runner per broadcast (its id is the job id): nothing of ours is in flight as it starts, so claims
  // still marked "sending" belong to a run that died; they count as uncertain and are never resent.
  await redis.hset(keys.counts, "inflight", 0);
  const { notifier } = ctx.deps.core;
  const total = doc.recipients ?? 0;
  const counts = async () => {
    const raw = await redis.hgetall(keys.counts);
    const sent = Number(raw.sent ?? 0);
    const failed = Number(raw.failed ?? 0);
    const claimed = await redis.hlen(keys.state);
    const uncertain = Math.max(0, claimed - sent - failed - Number(raw.inflight ?? 0));
    return {
      sent,
      failed,
      uncertain,
      skipped: doc?.skipped ?? 0,
      total,
      remaining: Math.max(0, total - sent - failed - uncertain),
    };
  };
  const tell = async (kind: "progress" | "summary" | "cancelled", seq: number | string) => {
    const values = await counts();
    const templates = doc?.templates[kind];
    if (templates === undefined) return;
    await notifier.notify({
      userId: doc?.adminUserId ?? "",
      key: `bc:${id}:${kind}:${seq}`,
      text: { en: fillTemplate(templates.en, { ...values, id }), my: fillTemplate(templates.my, { ...values, id }) },
      urgent: true,
    });
  };

  const message = (language: Language): OutboundMessage => ({
    text: doc?.text[language] ?? "",
    imageUrl: doc?.imageUrl ?? undefined,
  });

  /** Claim, send, record; when the platform asks us to slow down, release the claim, pause, and try again. */
  const sendOne = async (sender: ChannelSender, entry: Entry): Promise<void> => {
    const rate = sendRate(ctx.deps, entry.transport);
    for (;;) {
      await rate.acquire();
      if ((await redis.hsetnx(keys.state, entry.userId, "sending")) === 0) return;
      await redis.hincrby(keys.counts, "inflight", 1);
      try {
        const result = await sender.send(
          { channel: entry.channel, externalId: entry.externalId },
          message(entry.language),
        );
        if (result.kind === "rate_limited") {
          await redis.hdel(keys.state, entry.userId);
          await rate.pause(result.retryAfterMs);
          continue;
        }
        // No answer: it may have arrived. Kept claimed and counted in neither column, it shows as uncertain.
        if (result.kind === "uncertain") {
          await redis.hset(keys.state, entry.userId, "uncertain");
          return;
        }
        await redis
          .multi()
          .hset(keys.state, entry.userId, result.kind)
          .hincrby(keys.counts, result.kind === "sent" ? "sent" : "failed", 1)
          .exec();
        if (result.kind === "unreachable") await users.markUnreachable(`${entry.channel}:${entry.externalId}`);
        return;
      } catch (error) {
        // Transport failure: the request may not have left; release the claim and retry later.
        await redis.hdel(keys.state, entry.userId);
        throw error;
      } finally {
        await redis.hincrby(keys.counts, "inflight", -1);
      }
    }
  };

  /** Viber: up to 300 receivers per broadcast_message call, one send-rate slot per call. */
  const sendViberGroup = async (sender: ChannelSender, entries: Entry[], language: Language): Promise<void> => {
    const claimed: Entry[] = [];
    for (const entry of entries)
      if ((await redis.hsetnx(keys.state, entry.userId, "sending")) === 1) claimed.push(entry);
    if (claimed.length === 0 || sender.sendMany === undefined) return;
    await sendRate(ctx.deps, "viber").acquire();
    let unreachable: string[];
    try {
      ({ unreachable } = await sender.sendMany(
        claimed.map((entry) => entry.externalId),
        message(language),
      ));
    } catch (error) {
      // A call with no answer may have reached everyone in it: those stay claimed (uncertain), never sent again.
      if (error instanceof AppError && error.code === "send_uncertain") {
        for (const entry of claimed) await redis.hset(keys.state, entry.userId, "uncertain");
        return;
      }
      await redis.hdel(keys.state, ...claimed.map((entry) => entry.userId));
      throw error;
    }
    const failed = new Set(unreachable);
    const record = redis.multi();
    for (const entry of claimed)
      record.hset(keys.state, entry.userId, failed.has(entry.externalId) ? "unreachable" : "sent");
    record.hincrby(keys.counts, "sent", claimed.length - failed.size).hincrby(keys.counts, "failed", failed.size);
    await record.exec();
    for (const externalId of failed) await users.markUnreachable(`vb:${externalId}`);
  };

  let lastProgress = Date.now();
  for (;;) {
    if (await broadcasts.isCancelled(id)) {
      // Decided once; its notice is keyed, so a run repeated after a crash tells it (once) instead of skipping it.
      await broadcasts.decideEnd(id, "cancelled");
      await tell("cancelled", "end");
      await redis.del(keys.todo);
      return "cancelled";
    }
    const lines = await redis.lrange(keys.todo, 0, BATCH - 1);
    if (lines.length === 0) break;
    const entries = lines.map(decode);
    const viber = entries.filter((entry) => entry.transport === "viber");
    const others = entries.filter((entry) => entry.transport !== "viber");
    for (const language of ["en", "my"] as const) {
      const group = viber.filter((entry) => entry.language === language);
      const sender = senders.viber;
      if (group.length > 0 && sender !== undefined) await sendViberGroup(sender, group, language);
    }
    await pool(others, PARALLEL_SENDS, async (entry) => {
      const sender = senders[entry.transport];
      if (sender !== undefined) await sendOne(sender, entry);
    });
    await redis.ltrim(keys.todo, lines.length, -1);
    if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = Date.now();
      await tell("progress", await redis.hincrby(keys.counts, "progress", 1));
    }
  }

  // The end is decided once; its effects (the status, the summary, whose notice is keyed) are made true by every run
  // that gets here, so a runner killed between the decision and them leaves nothing undone.
  await broadcasts.decideEnd(id, "done");
  await broadcasts.markDone(id);
  await tell("summary", "end");
  return "done";
}

export function broadcastQueueDefinition(): QueueDefinition<{ id: string }> {
  return {
    name: BROADCAST_QUEUE,
    concurrency: 2,
    // A killed worker's broadcast is taken over by another (or the restarted one) within seconds.
    lockDuration: 10_000,
    defaultJobOptions: {
      attempts: 20,
      backoff: { type: "fixed", delay: 2_000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
    },
    process: runBroadcast,
  };
}

/** The core BroadcastQueue port: one runner job per broadcast (the id is the job id). */
export function bullmqBroadcastQueue(queues: QueueRegistry): BroadcastQueue {
  return {
    async start(broadcastId) {
      await queues.get(BROADCAST_QUEUE).add("run", { id: broadcastId }, { jobId: broadcastId });
    },
  };
}

/** A broadcast's progress in Redis: what is left, each recipient's state, the counts; one hash slot per broadcast. */
export function broadcastKeys(prefix: string, id: string): { todo: string; state: string; counts: string } {
  return {
    todo: `${prefix}:bc:{${id}}:todo`,
    state: `${prefix}:bc:{${id}}:state`,
    counts: `${prefix}:bc:{${id}}:counts`,
  };
}

/** A running broadcast's keys before they carried the hash tag, and their new names (for the start-up move). */
export const broadcastKeyMove = (prefix: string): KeyMove => ({
  family: `${prefix}:bc:`,
  to: (rest) => {
    const match = /^([^:{}]+):(todo|state|counts)$/.exec(rest);
    return match === null ? undefined : `${prefix}:bc:{${match[1]}}:${match[2]}`;
  },
});
