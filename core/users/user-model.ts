import { Schema, type Connection, type Model } from "mongoose";

export const LANGUAGES = ["en", "my"] as const;
export type Language = (typeof LANGUAGES)[number];
export type Channel = "tg" | "vb";
export const ROLES = ["owner", "admin", "recruiter", "reviewer", "finance", "support"] as const;
export type Role = (typeof ROLES)[number];
/** How replies reach an identity: the real platform, or the local sandbox page. */
export type Transport = "telegram" | "viber" | "sandbox";

export interface UserDoc {
  /** Public id, e.g. `U4K7M2QX`; also the user's invite code. */
  _id: string;
  name: string;
  /** The name shown on the leaderboard, if the person chose one (otherwise their name is masked). */
  displayName: string | null;
  language: Language;
  /** False until the person picked a language themselves. */
  languageChosen: boolean;
  /** Who invited this user; set once, when the user is created, never changed. */
  invitedBy: string | null;
  /** `deleted`: the person deleted their account; personal fields are erased, the id stays for money records. */
  status: "active" | "banned" | "merged" | "deleted";
  /** When the person deleted their account. */
  deletedAt?: Date | null;
  /** For a `merged` user: the account its identities moved to. */
  mergedInto: string | null;
  /** E.164 (`+959…`) when the person gave a phone number; null until then. */
  phone: string | null;
  /** Keys of this user's chats (`tg:…`, `vb:…`), so they are read by `_id` (the only filter FerretDB pushes down). */
  identityKeys: string[];
  /** Admin roles; empty for almost everyone. */
  roles: Role[];
  /** A banned user is told once; this records that they were. */
  bannedNoticeSent: boolean;
  /** Why an admin banned them (a reason code from BAN_REASONS, or their own words); told to the person. */
  banReason?: string | null;
  createdAt: Date;
  lastSeenAt: Date;
}

/** A new, active person with no roles, phone or chats yet: the defaults every creator of a user starts from. */
export function newUserFields(
  fields: Pick<UserDoc, "name" | "language" | "languageChosen" | "invitedBy"> & Partial<Omit<UserDoc, "_id">>,
  now: Date,
): Omit<UserDoc, "_id"> {
  return {
    displayName: null,
    status: "active",
    mergedInto: null,
    phone: null,
    identityKeys: [],
    roles: [],
    bannedNoticeSent: false,
    banReason: null,
    deletedAt: null,
    createdAt: now,
    lastSeenAt: now,
    ...fields,
  };
}

export interface IdentityDoc {
  /** `tg:<telegram user id>` or `vb:<viber user id>`: the hot lookup path. */
  _id: string;
  userId: string;
  channel: Channel;
  externalId: string;
  transport: Transport;
  username: string | null;
  /** False once the person blocked or unsubscribed from the bot. */
  reachable: boolean;
  unreachableAt: Date | null;
  createdAt: Date;
}

const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true, maxlength: 128 },
    displayName: { type: String, default: null, maxlength: 32 },
    language: { type: String, enum: LANGUAGES, required: true },
    languageChosen: { type: Boolean, required: true, default: false },
    invitedBy: { type: String, default: null },
    status: { type: String, enum: ["active", "banned", "merged", "deleted"], required: true, default: "active" },
    deletedAt: { type: Date, default: null },
    mergedInto: { type: String, default: null },
    phone: { type: String, default: null },
    identityKeys: { type: [String], default: [] },
    roles: { type: [String], enum: ROLES, default: [] },
    bannedNoticeSent: { type: Boolean, default: false },
    banReason: { type: String, default: null },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
  },
  { versionKey: false, collection: "users" },
);
userSchema.index({ invitedBy: 1 });
userSchema.index({ phone: 1 }, { sparse: true });
userSchema.index({ createdAt: 1 });

const identitySchema = new Schema<IdentityDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    channel: { type: String, enum: ["tg", "vb"], required: true },
    externalId: { type: String, required: true },
    transport: { type: String, enum: ["telegram", "viber", "sandbox"], required: true },
    username: { type: String, default: null },
    reachable: { type: Boolean, required: true, default: true },
    unreachableAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: "identities" },
);
identitySchema.index({ userId: 1 });

export interface UserModels {
  User: Model<UserDoc>;
  Identity: Model<IdentityDoc>;
}

export function userModels(connection: Connection): UserModels {
  return {
    User: (connection.models.User as Model<UserDoc> | undefined) ?? connection.model<UserDoc>("User", userSchema),
    Identity:
      (connection.models.Identity as Model<IdentityDoc> | undefined) ??
      connection.model<IdentityDoc>("Identity", identitySchema),
  };
}

/** A user's chats, each read by `_id`. */
export async function identitiesOfUser(
  connection: Connection,
  user: Pick<UserDoc, "identityKeys">,
): Promise<IdentityDoc[]> {
  const { Identity } = userModels(connection);
  const found = await Promise.all(user.identityKeys.map((key) => Identity.findById(key).lean<IdentityDoc>().exec()));
  return found.filter((identity): identity is IdentityDoc => identity !== null);
}
