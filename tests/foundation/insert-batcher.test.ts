import mongoose, { type Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { isDuplicateKey } from "../../core/decisions/decision-store.ts";
import { InsertBatcher } from "../../core/db/insert-batcher.ts";
import { newUserFields, userModels, type UserDoc } from "../../core/users/user-model.ts";
import { buildTestApp, uniqueName, type TestApp } from "../helpers/test-runtime.ts";

// A connection of its own with the driver's command monitoring on, to count the commands that reach the database.
let connection: Connection;
const inserts: number[] = [];
let t: TestApp;
beforeAll(async () => {
  connection = await mongoose
    .createConnection(inject("mongoUri"), { dbName: uniqueName("batch"), monitorCommands: true })
    .asPromise();
  connection.getClient().on("commandStarted", (event) => {
    if (event.commandName === "insert") inserts.push((event.command.documents as unknown[]).length);
  });
  t = await buildTestApp({ definitions: [] });
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
  await t.close();
});

const person = (id: string, name = `Person ${id}`): UserDoc => ({
  _id: id,
  ...newUserFields({ name, language: "en", languageChosen: false, invitedBy: null }, new Date("2026-12-02T03:00:00Z")),
});

describe("inserts on a turn's path, in batches", () => {
  it("go at once when nothing is on its way, then together; each caller learns its own document's fate", async () => {
    const { User } = userModels(connection);
    const batcher = new InsertBatcher(User);
    inserts.length = 0;
    await batcher.insert(person("UBATCH00"));
    expect(inserts).toEqual([1]);

    inserts.length = 0;
    const ids = Array.from({ length: 20 }, (_, i) => `UBATCH${String(i + 1).padStart(2, "0")}`);
    // The 8th is someone already written (another process registered them a moment ago).
    ids[7] = "UBATCH00";
    const outcomes = await Promise.allSettled(ids.map((id) => batcher.insert(person(id))));
    // The first left alone; the 19 made while it was on its way left in one command.
    expect(inserts).toEqual([1, 19]);
    const refused = outcomes.flatMap((outcome, i) => (outcome.status === "rejected" ? [i] : []));
    expect(refused).toEqual([7]);
    const duplicate = outcomes[7];
    expect(duplicate?.status === "rejected" && isDuplicateKey(duplicate.reason)).toBe(true);
    const stored = await User.find({ _id: { $in: ids } }, { _id: 1 }).lean();
    expect(stored.map(({ _id }) => _id).sort()).toEqual([...new Set(ids)].sort());
  });

  it("fails every caller of a batch the database did not take, and none of its documents is written", async () => {
    const { User } = userModels(connection);
    const batcher = new InsertBatcher(User);
    const first = batcher.insert(person("UWHOLE01"));
    // Over the 16 MiB a document may hold: the driver refuses the command, so no document of it is written.
    const tooBig = batcher.insert(person("UWHOLE02", "x".repeat(17 * 1024 * 1024)));
    const fine = batcher.insert(person("UWHOLE03"));
    const [a, b, c] = await Promise.allSettled([first, tooBig, fine]);
    expect([a?.status, b?.status, c?.status]).toEqual(["fulfilled", "rejected", "rejected"]);
    expect(await User.countDocuments({ _id: { $in: ["UWHOLE01", "UWHOLE02", "UWHOLE03"] } })).toBe(1);
    // The next batch is not held back by the failed one.
    await batcher.insert(person("UWHOLE04"));
    expect(await User.countDocuments({ _id: "UWHOLE04" })).toBe(1);
  });

  it("store a first contact's records as the schema would (every default written, nothing left to cast)", async () => {
    const { user, identity } = await t.core.users.resolve({
      channel: "tg",
      externalId: "555000111",
      transport: "telegram",
      profile: { name: "Ma Aye", username: "maaye", languageHint: "my" },
      likelyNew: true,
    });
    const { User, Identity } = userModels(t.runtime.mongo);
    const storedUser = await User.findById(user._id).lean<UserDoc>();
    const storedIdentity = await Identity.findById(identity._id).lean();
    expect(storedUser).not.toBeNull();
    expect(storedIdentity).not.toBeNull();
    // What mongoose would have written through `create`: its casts, defaults and validation over the same fields.
    const viaSchema = new User(storedUser);
    await expect(viaSchema.validate()).resolves.toBeUndefined();
    expect(storedUser).toEqual(viaSchema.toObject());
    const identityViaSchema = new Identity(storedIdentity);
    await expect(identityViaSchema.validate()).resolves.toBeUndefined();
    expect(storedIdentity).toEqual(identityViaSchema.toObject());
    expect(storedUser).toMatchObject({ name: "Ma Aye", language: "my", identityKeys: ["tg:555000111"] });
  });
});
