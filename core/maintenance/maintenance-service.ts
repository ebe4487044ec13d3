import { Schema, type Connection, type Model } from "mongoose";
import type { AuditLog } from "../admin/audit-log.ts";
import { AppError } from "../errors/app-error.ts";
import { withTimeout } from "../db/mongo-connection.ts";
import type { Logger } from "../logging/create-logger.ts";
import { inAllLanguages, type Translator } from "../i18n/translator.ts";
import type { NotificationService } from "../notifications/notification-service.ts";
import type { CallbackIntake } from "../payments/callback-intake.ts";
import { userModels, type Channel, type Role, type Transport } from "../users/user-model.ts";
import { YANGON_OFFSET_MS, yangonTime } from "../values/yangon-time.ts";

/** People are told this long before a window starts (the support plan's 48 hours). */
export const NOTICE_AHEAD_MS = 48 * 3600_000;
const ACTIVE_DAYS = 30;
const CACHE_MS = 5_000;
/** How long the read may take before updates go on with the window last known; and when it is tried again. */
const READ_TIMEOUT_MS = 1_000;
const RETRY_MS = 1_000;

export interface MaintenanceWindow {
  /** `M` + the start in Yangon time (`M202612060200`): one window per start. */
  _id: string;
  startsAt: Date;
  endsAt: Date;
  reason: string;
  createdBy: string;
  createdAt: Date;
  noticeSentAt: Date | null;
  /** Set when an owner ended it early (`/maintenance off`) or when it ran to its end. */
  endedAt: Date | null;
}

const windowSchema = new Schema<MaintenanceWindow>(
  {
    _id: String,
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    reason: { type: String, default: "" },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    noticeSentAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: "maintenance_windows" },
);
windowSchema.index({ endsAt: 1 });

export function maintenanceModel(connection: Connection): Model<MaintenanceWindow> {
  return (
    (connection.models.MaintenanceWindow as Model<MaintenanceWindow> | undefined) ??
    connection.model<MaintenanceWindow>("MaintenanceWindow", windowSchema)
  );
}

/** The notice 48 hours ahead and the window's end, as delayed jobs keyed by the window (once each). */
export interface MaintenanceQueue {
  scheduleNotice(windowId: string, at: Date): Promise<void>;
  scheduleEnd(windowId: string, at: Date): Promise<void>;
  /** Runs the end job now (an early `/maintenance off`). */
  endNow(windowId: string): Promise<void>;
}

/**
 * `/maintenance 2026-12-06 02:00 2h "reason"`: a start in Yangon time and a duration (`2h`, `90m`, `1h30m`), at most
 * 12 hours; null when either is wrong.
 */
export function parseWindow(args: string): { startsAt: Date; endsAt: Date; reason: string } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2})\s+((?:\d+h)?(?:\d+m)?)\s*(.*)$/i.exec(args.trim());
  if (match === null || match[6] === "") return null;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((index) => Number(match[index]));
  const utc = Date.UTC(year!, month! - 1, day, hour, minute) - YANGON_OFFSET_MS;
  const check = new Date(utc + YANGON_OFFSET_MS);
  if (check.getUTCDate() !== day || check.getUTCHours() !== hour || check.getUTCMinutes() !== minute) return null;
  const hours = Number(/(\d+)h/i.exec(match[6] ?? "")?.[1] ?? 0);
  const minutes = Number(/(\d+)m/i.exec(match[6] ?? "")?.[1] ?? 0);
  const duration = (hours * 60 + minutes) * 60_000;
  if (duration <= 0 || duration > 12 * 3600_000) return null;
  const reason = (match[7] ?? "").replace(/^["“]|["”]$/g, "").trim();
  return { startsAt: new Date(utc), endsAt: new Date(utc + duration), reason };
}

/**
 * Maintenance windows: scheduled by an owner, announced 48 hours ahead to everyone active in the last 30 days (once,
 * in their language, quiet hours and send limits respected), during which the bot answers people with a short notice
 * and the end time, and gateway callbacks are verified and stored, then settled when the window ends.
 */
export class MaintenanceService {
  private readonly model: Model<MaintenanceWindow>;
  private readonly connection: Connection;
  private readonly notifier: NotificationService;
  private readonly translator: Translator;
  private readonly audit: AuditLog;
  private readonly queue: MaintenanceQueue;
  private readonly callbacks: () => CallbackIntake;
  private readonly now: () => Date;
  private cached: { at: number; window: MaintenanceWindow | null } | undefined;
  /** The read in flight, shared by every update that found the memory stale; and what a change invalidates. */
  private reading: Promise<void> | undefined;
  private readonly logger: Logger | undefined;
  private generation = 0;

  constructor(deps: {
    connection: Connection;
    notifier: NotificationService;
    translator: Translator;
    audit: AuditLog;
    queue: MaintenanceQueue;
    callbacks: () => CallbackIntake;
    now: () => Date;
    logger?: Logger;
  }) {
    this.connection = deps.connection;
    this.model = maintenanceModel(deps.connection);
    this.notifier = deps.notifier;
    this.translator = deps.translator;
    this.audit = deps.audit;
    this.queue = deps.queue;
    this.callbacks = deps.callbacks;
    this.now = deps.now;
    this.logger = deps.logger;
  }

  /** The window in force now, if any (read at most every 5 s per process: it is asked on every update). */
  async active(now = this.now()): Promise<MaintenanceWindow | null> {
    if (this.cached !== undefined && Math.abs(now.getTime() - this.cached.at) < CACHE_MS) return this.inForce(now);
    // One read for every update that finds the memory stale at the same moment (under load, dozens at once).
    if (this.reading === undefined) {
      const generation = this.generation;
      const query = this.model
        .findOne({ endedAt: null, endsAt: { $gt: now } })
        .sort({ startsAt: 1 })
        .lean<MaintenanceWindow>()
        .exec();
      const reading = withTimeout(query, READ_TIMEOUT_MS, "maintenance window read timed out")
        .then(
          (window) => {
            // A window scheduled or ended while this read was on its way is read afresh by the next update.
            if (generation === this.generation) this.cached = { at: now.getTime(), window };
          },
          (error: unknown) => {
            // The notice is not worth failing updates over while the database is away (a person's turn needs no
            // database otherwise): they go on with the window last known, and it is read again in a second.
            this.logger?.warn({ err: error }, "maintenance window unreadable; using the one last known");
            if (generation === this.generation)
              this.cached = { at: now.getTime() - CACHE_MS + RETRY_MS, window: this.cached?.window ?? null };
          },
        )
        .finally(() => {
          if (this.reading === reading) this.reading = undefined;
        });
      this.reading = reading;
    }
    await this.reading;
    return this.inForce(now);
  }

  /** A window was scheduled, changed or ended here: the next update reads it afresh. */
  private forgetWindow(): void {
    this.cached = undefined;
    this.reading = undefined;
    this.generation++;
  }

  private inForce(now: Date): MaintenanceWindow | null {
    const window = this.cached?.window ?? null;
    return window !== null && new Date(window.startsAt) <= now && now < new Date(window.endsAt) ? window : null;
  }

  upcoming(): Promise<MaintenanceWindow[]> {
    return this.model
      .find({ endedAt: null, endsAt: { $gt: this.now() } })
      .sort({ startsAt: 1 })
      .lean<MaintenanceWindow[]>()
      .exec();
  }

  async schedule(input: {
    startsAt: Date;
    endsAt: Date;
    reason: string;
    actor: { userId: string; role: Role; channel: Channel };
  }): Promise<MaintenanceWindow> {
    const now = this.now();
    if (input.startsAt <= now) throw new AppError("invalid_input", "a maintenance window starts in the future");
    const id = `M${yangonTime(input.startsAt).replace(/\D/g, "")}`;
    const window: MaintenanceWindow = {
      _id: id,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      reason: input.reason,
      createdBy: input.actor.userId,
      createdAt: now,
      noticeSentAt: null,
      endedAt: null,
    };
    await this.model.create(window);
    this.forgetWindow();
    await this.queue.scheduleNotice(id, new Date(Math.max(now.getTime(), input.startsAt.getTime() - NOTICE_AHEAD_MS)));
    await this.queue.scheduleEnd(id, input.endsAt);
    await this.audit.record({
      actorId: input.actor.userId,
      actorRole: input.actor.role,
      channel: input.actor.channel,
      action: "maintenance.schedule",
      target: id,
      after: { startsAt: input.startsAt.toISOString(), endsAt: input.endsAt.toISOString(), reason: input.reason },
    });
    return window;
  }

  /** Tells everyone active in the last 30 days, once each (notification keys per window and person). */
  async sendNotice(windowId: string): Promise<number> {
    const window = await this.model.findById(windowId).lean<MaintenanceWindow>().exec();
    if (window === null || window.endedAt !== null) return 0;
    const since = new Date(this.now().getTime() - ACTIVE_DAYS * 24 * 3600_000);
    const people = await userModels(this.connection)
      .User.find({ status: "active", lastSeenAt: { $gte: since } }, { _id: 1 })
      .lean<Array<{ _id: string }>>()
      .exec();
    const text = inAllLanguages(this.translator, "maintenance:notice_ahead", () => ({
      start: yangonTime(new Date(window.startsAt)),
      end: yangonTime(new Date(window.endsAt)).slice(11),
      reason: window.reason,
    }));
    const { Identity } = userModels(this.connection);
    for (let i = 0; i < people.length; i += 500) {
      const page = people.slice(i, i + 500).map((person) => person._id);
      const identities = await Identity.find({ userId: { $in: page }, reachable: true })
        .lean<Array<{ _id: string; userId: string; transport: Transport }>>()
        .exec();
      const byUser = new Map(identities.map((identity) => [identity.userId, identity]));
      await this.notifier.notifyMany(
        page.flatMap((userId) => {
          const identity = byUser.get(userId);
          return identity === undefined
            ? []
            : [
                {
                  userId,
                  identityKey: identity._id,
                  transport: identity.transport,
                  key: `maintenance:${window._id}:${userId}`,
                  text,
                },
              ];
        }),
      );
    }
    await this.model.updateOne({ _id: window._id }, { $set: { noticeSentAt: this.now() } }).exec();
    return people.length;
  }

  /** The window's end (its time came, or an owner ended it): callbacks stored during it are settled. */
  async finish(windowId: string): Promise<number> {
    const now = this.now();
    const window = await this.model.findById(windowId).lean<MaintenanceWindow>().exec();
    if (window === null) return 0;
    if (window.endedAt === null && new Date(window.endsAt) > now) return -1;
    if (window.endedAt === null) await this.model.updateOne({ _id: windowId }, { $set: { endedAt: now } }).exec();
    this.forgetWindow();
    return this.callbacks().settleDeferred();
  }

  /** `/maintenance off`: ends the window in force (or the next one) now. */
  async off(actor: { userId: string; role: Role; channel: Channel }): Promise<MaintenanceWindow | null> {
    const [window] = await this.upcoming();
    if (window === undefined) return null;
    await this.model.updateOne({ _id: window._id }, { $set: { endedAt: this.now() } }).exec();
    this.forgetWindow();
    await this.audit.record({
      actorId: actor.userId,
      actorRole: actor.role,
      channel: actor.channel,
      action: "maintenance.off",
      target: window._id,
    });
    await this.queue.endNow(window._id);
    return window;
  }
}
