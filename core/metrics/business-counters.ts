import type { Redis } from "ioredis";
import type { EventHub } from "../events/event-hub.ts";
import { RedisScript } from "../../core/db/redis-script.ts";

/** The business counters on /metrics, each with its one label (or none). */
export const BUSINESS_COUNTERS = {
  registrations: { help: "People who made first contact, by channel", label: "channel" },
  jobs_published: { help: "Jobs published (new or reopened)", label: null },
  referrals_submitted: { help: "Referrals and applications through shared links recorded", label: null },
  hires: { help: "Referrals that reached hired", label: null },
  rewards_released: { help: "Rewards (bonuses and commissions) that became available", label: null },
  rewards_released_kyat: { help: "Kyat of rewards that became available", label: null },
  invoices_created: { help: "Employer invoices created, by gateway", label: "gateway" },
  invoices_paid: { help: "Employer invoices settled, by gateway", label: "gateway" },
  invoice_payments_failed: { help: "Failed payment attempts on open invoices, by gateway", label: "gateway" },
  payouts_requested: { help: "Payouts people asked for", label: null },
  payouts_approved: { help: "Payouts finance approved", label: null },
  payouts_paid: { help: "Payouts paid out", label: null },
  payouts_failed: { help: "Payouts rejected by finance or failed at the provider, by outcome", label: "outcome" },
  kyc_submitted: { help: "Identity submissions", label: null },
  kyc_decided: { help: "Identity submissions decided, by outcome", label: "outcome" },
  tickets_opened: { help: "Support tickets opened, by priority", label: "priority" },
  tickets_resolved: { help: "Support tickets resolved, by priority", label: "priority" },
} as const;
export type BusinessCounter = keyof typeof BUSINESS_COUNTERS;

export interface CounterValue {
  name: BusinessCounter;
  label: string | null;
  value: number;
}

/** How long an event's key is remembered: repeats of an event (a retry, the sweeper) come within hours. */
const SEEN_SECONDS = 2 * 24 * 3600;

/**
 * Adds to a counter once per event key: `SET key NX` then `HINCRBY`, in one script so a crash cannot do one without
 * the other. Both keys carry the `{metrics}` hash tag (one Redis Cluster slot).
 */
const COUNT_ONCE = new RedisScript(`
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[3]) then
  return redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
end
return false`);

/**
 * Business counters shared by every process (web and worker alike count into one Redis hash, so one scrape of any
 * web process shows the whole platform) and kept across restarts. Each domain event counts once per key, however
 * often it is emitted again (subscribers run again on retries).
 */
export class BusinessCounters {
  private readonly redis: Redis;
  private readonly hash: string;
  private readonly seenPrefix: string;

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.hash = `${prefix}:{metrics}:counters`;
    this.seenPrefix = `${prefix}:{metrics}:seen:`;
  }

  async count(name: BusinessCounter, key: string, options: { label?: string; by?: number } = {}): Promise<void> {
    const field = options.label === undefined ? name : `${name}|${options.label}`;
    await COUNT_ONCE.run(
      this.redis,
      [this.hash, `${this.seenPrefix}${name}:${key}`],
      [field, String(options.by ?? 1), String(SEEN_SECONDS)],
    );
  }

  async values(): Promise<CounterValue[]> {
    const raw = await this.redis.hgetall(this.hash);
    return Object.entries(raw).flatMap(([field, value]) => {
      const [name, label] = field.split("|") as [string, string | undefined];
      if (!(name in BUSINESS_COUNTERS)) return [];
      return [{ name: name as BusinessCounter, label: label ?? null, value: Number(value) }];
    });
  }

  /** Counts what the domain announces. */
  subscribe(events: EventHub): void {
    events.on("user.registered", ({ userId, channel }) => this.count("registrations", userId, { label: channel }));
    events.on("job.published", ({ job }) =>
      this.count("jobs_published", `${job._id}:${new Date(job.postedAt).getTime()}`),
    );
    events.on("referral.submitted", ({ referral }) => this.count("referrals_submitted", referral._id));
    events.on("referral.hired", ({ referral }) => this.count("hires", referral._id));
    events.on("reward.released", async ({ reward }) => {
      await this.count("rewards_released", reward._id);
      await this.count("rewards_released_kyat", reward._id, { by: reward.amount });
    });
    events.on("invoice.created", ({ invoice }) =>
      this.count("invoices_created", invoice._id, { label: invoice.gateway }),
    );
    events.on("invoice.paid", ({ invoice }) => this.count("invoices_paid", invoice._id, { label: invoice.gateway }));
    events.on("invoice.payment_failed", ({ invoice, gatewayStatus }) =>
      this.count("invoice_payments_failed", `${invoice._id}:${gatewayStatus}`, { label: invoice.gateway }),
    );
    events.on("payout.requested", ({ payout }) => this.count("payouts_requested", payout._id));
    events.on("payout.approved", ({ payout }) => this.count("payouts_approved", payout._id));
    events.on("payout.paid", ({ payout }) => this.count("payouts_paid", payout._id));
    events.on("payout.returned", ({ payout }) => this.count("payouts_failed", payout._id, { label: payout.status }));
    events.on("ticket.opened", ({ ticket }) => this.count("tickets_opened", ticket._id, { label: ticket.priority }));
    events.on("ticket.resolved", ({ ticket }) =>
      this.count("tickets_resolved", `${ticket._id}:${new Date(ticket.resolvedAt ?? 0).getTime()}`, {
        label: ticket.priority,
      }),
    );
    events.on("kyc.submitted", ({ submission }) => this.count("kyc_submitted", submission._id));
    events.on("kyc.decided", ({ submission }) =>
      this.count("kyc_decided", submission._id, { label: submission.status }),
    );
  }
}
