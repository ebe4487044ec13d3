import { Schema, type Connection, type Model } from "mongoose";

interface DecisionDoc {
  /** The decision key, e.g. `link-code:123456:used`. Unique by being the _id. */
  _id: string;
  at: Date;
  meta: Record<string, unknown> | null;
}

const decisionSchema = new Schema<DecisionDoc>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    meta: { type: Schema.Types.Mixed, default: null },
  },
  { versionKey: false, collection: "decisions" },
);

export function decisionModel(connection: Connection): Model<DecisionDoc> {
  return (
    (connection.models.Decision as Model<DecisionDoc> | undefined) ??
    connection.model<DecisionDoc>("Decision", decisionSchema)
  );
}

export function isDuplicateKey(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === 11000;
}

/**
 * A decision that must happen once is an insert under a unique key: the first
 * insert wins, every later one learns "already decided". Correct on MongoDB
 * and on FerretDB (whose unique indexes are real but whose conditional updates
 * are not atomic). Returns true for the first caller only.
 */
export async function decideOnce(
  connection: Connection,
  key: string,
  meta: Record<string, unknown> | null = null,
  now = new Date(),
): Promise<boolean> {
  try {
    await decisionModel(connection).create({ _id: key, at: now, meta });
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
