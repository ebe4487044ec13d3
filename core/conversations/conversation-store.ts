import { Schema, type Connection, type Model } from "mongoose";
import { AppError } from "../errors/app-error.ts";

/** How many processed update keys a conversation remembers for dedupe (platforms redeliver recent updates only). */
export const REMEMBERED_UPDATES = 50;

export interface ConversationDoc {
  /** The chat: an identity key such as `tg:123`. */
  _id: string;
  userId: string;
  /** Active flow and step; null when the person is at the menu. */
  flow: string | null;
  step: string | null;
  /** Earlier steps of the active flow, for Back. */
  history: string[];
  data: Record<string, unknown>;
  /** Bumped on every write; buttons carry it to spot stale presses. */
  version: number;
  updatedAt: Date;
  /** Keys of the updates already handled; written together with the state they caused. */
  recentUpdates: string[];
  /** Platform id of the last menu message, to edit it in place. */
  lastMenuMessageId: string | null;
}

const conversationSchema = new Schema<ConversationDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    flow: { type: String, default: null },
    step: { type: String, default: null },
    history: { type: [String], default: [] },
    data: { type: Schema.Types.Mixed, default: {} },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    recentUpdates: { type: [String], default: [] },
    lastMenuMessageId: { type: String, default: null },
  },
  { versionKey: false, collection: "conversations", minimize: false },
);
conversationSchema.index({ userId: 1 });

export function conversationModel(connection: Connection): Model<ConversationDoc> {
  return (connection.models.Conversation as Model<ConversationDoc> | undefined) ?? connection.model<ConversationDoc>("Conversation", conversationSchema);
}

export function freshConversation(chatKey: string, userId: string, now: Date): ConversationDoc {
  return { _id: chatKey, userId, flow: null, step: null, history: [], data: {}, version: 0, updatedAt: now, recentUpdates: [], lastMenuMessageId: null };
}

/**
 * Persisted, versioned conversation state. The engine holds the chat lock
 * while it reads and writes, and every write is conditional on the version it
 * read, so a lost lock can never silently overwrite newer state.
 */
export class ConversationStore {
  private readonly model: Model<ConversationDoc>;
  constructor(connection: Connection) {
    this.model = conversationModel(connection);
  }

  async load(chatKey: string): Promise<ConversationDoc | null> {
    return this.model.findById(chatKey).lean<ConversationDoc>().exec();
  }

  /** Writes `next` if the stored version is still `next.version - 1` (or creates it at version 1). */
  async save(next: ConversationDoc): Promise<void> {
    const recentUpdates = next.recentUpdates.slice(-REMEMBERED_UPDATES);
    if (next.version === 1) {
      try {
        await this.model.create({ ...next, recentUpdates });
        return;
      } catch (error) {
        throw new AppError("conflict", "conversation_conflict", `conversation ${next._id} was created concurrently`, { cause: error });
      }
    }
    const { _id, ...fields } = next;
    const result = await this.model.updateOne({ _id, version: next.version - 1 }, { $set: { ...fields, recentUpdates } }).exec();
    if (result.matchedCount === 0) throw new AppError("conflict", "conversation_conflict", `conversation ${_id} changed concurrently`);
  }

  async reset(chatKey: string): Promise<void> {
    await this.model.updateOne({ _id: chatKey }, { $set: { flow: null, step: null, history: [], data: {} }, $inc: { version: 1 } }).exec();
  }
}
