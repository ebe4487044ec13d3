import { randomUUID } from "node:crypto";
import { Schema, type Connection, type Model } from "mongoose";
import { isDuplicateKey } from "../decisions/decision-store.ts";
import type { Channel, Role } from "../users/user-model.ts";

export interface AuditEntry {
  _id: string;
  at: Date;
  /** Public id of the admin, or `system`. */
  actorId: string;
  actorRole: Role | "system";
  channel: Channel | "system";
  /** Machine name of what was done or read, e.g. `role.grant`, `user.view`, `user.ban`. */
  action: string;
  /** What it was done to: a public id, a broadcast id, … */
  target: string | null;
  /** Short before/after summary; never secrets or documents. */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const auditSchema = new Schema<AuditEntry>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    actorId: { type: String, required: true },
    actorRole: { type: String, required: true },
    channel: { type: String, required: true },
    action: { type: String, required: true },
    target: { type: String, default: null },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
  },
  { versionKey: false, collection: "audit_log", minimize: false },
);
auditSchema.index({ at: -1 });
auditSchema.index({ actorId: 1, at: -1 });
auditSchema.index({ target: 1, at: -1 });

export function auditModel(connection: Connection): Model<AuditEntry> {
  return (
    (connection.models.AuditEntry as Model<AuditEntry> | undefined) ??
    connection.model<AuditEntry>("AuditEntry", auditSchema)
  );
}

/**
 * The append-only audit log: every admin action and every sensitive read.
 * This class can only add and read entries; nothing in the product edits or
 * deletes them.
 */
export class AuditLog {
  private readonly model: Model<AuditEntry>;
  private readonly now: () => Date;

  constructor(connection: Connection, now: () => Date = () => new Date()) {
    this.model = auditModel(connection);
    this.now = now;
  }

  /**
   * Adds an entry. With `once` (a decision's key), the entry is written once however often the decision's effect is
   * finished again.
   */
  async record(
    entry: Omit<AuditEntry, "_id" | "at" | "before" | "after"> & {
      before?: Record<string, unknown> | null;
      after?: Record<string, unknown> | null;
      once?: string;
    },
  ): Promise<void> {
    const { once, ...fields } = entry;
    try {
      await this.model.create({
        _id: once === undefined ? randomUUID() : `once:${once}`,
        at: this.now(),
        ...fields,
        before: fields.before ?? null,
        after: fields.after ?? null,
      });
    } catch (error) {
      if (once === undefined || !isDuplicateKey(error)) throw error;
    }
  }

  /** Newest first, optionally by actor and/or target. */
  async recent(
    filter: { actorId?: string; target?: string; limit?: number; skip?: number } = {},
  ): Promise<AuditEntry[]> {
    const query: Record<string, string> = {};
    if (filter.actorId !== undefined) query.actorId = filter.actorId;
    if (filter.target !== undefined) query.target = filter.target;
    return this.model
      .find(query)
      .sort({ at: -1 })
      .skip(filter.skip ?? 0)
      .limit(filter.limit ?? 10)
      .lean<AuditEntry[]>()
      .exec();
  }
}
