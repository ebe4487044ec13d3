import type { Collection, OptionalUnlessRequiredId } from "mongodb";
import type { Model } from "mongoose";
import { bulkWriteErrors, type DocumentError } from "./bulk-write-errors.ts";

interface Waiting<T> {
  doc: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A document the database refused, with the code it gave (11000 for a duplicate key, as a single insert's error). */
export class DocumentWriteError extends Error {
  readonly code: number | undefined;
  constructor(entry: DocumentError) {
    super(entry.message);
    this.name = "DocumentWriteError";
    this.code = entry.code;
  }
}

/**
 * Group commit for the inserts on a turn's path (a first contact's account and identity). An insert made while
 * nothing of its collection is on its way leaves at once; inserts made while one batch is on its way wait for it and
 * then leave together in one unordered `insertMany`. So a quiet process pays no added wait, and a busy one pays the
 * driver's per-command cost (session, pool, serialising, a socket write: 0.16-0.63 ms of CPU per single insert on
 * this machine) once per batch instead of once per person (0.02-0.06 ms per document in batches of 16-32).
 *
 * Each caller's promise settles with its own document's outcome: resolved once written, rejected with the error the
 * database gave that document (a duplicate key keeps code 11000, so an insert-once key still decides), or with the
 * command's error for every document of a batch that failed as a whole. Nothing is acknowledged before the database
 * acknowledged it. Documents are written as given (mongoose's casting, defaults and validation are skipped), so they
 * must be complete: callers build them from typed fields, and a test holds them equal to what the schema would store.
 */
export class InsertBatcher<T extends { _id: string }> {
  private waiting: Waiting<T>[] = [];
  private busy = false;
  private readonly collection: Collection<T>;
  private readonly maxBatch: number;

  constructor(model: Model<T>, maxBatch = 256) {
    // mongoose's collection is the driver's, typed for any document; this one holds T.
    this.collection = model.collection as unknown as Collection<T>;
    this.maxBatch = maxBatch;
  }

  insert(doc: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ doc, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      const outcomes = await this.write(batch);
      // Idle again before the callers hear back, so an insert one of them makes next leaves at once.
      if (this.waiting.length === 0) this.busy = false;
      batch.forEach((entry, index) => {
        const outcome = outcomes[index];
        if (outcome === undefined) entry.resolve();
        else entry.reject(outcome);
      });
    }
    this.busy = false;
  }

  /** Writes one batch; answers each document's error (undefined: written). Never throws. */
  private async write(batch: Waiting<T>[]): Promise<unknown[]> {
    try {
      await this.collection.insertMany(
        // T has its own `_id`, as OptionalUnlessRequiredId<T> asks; TypeScript cannot see it generically.
        batch.map(({ doc }) => doc as OptionalUnlessRequiredId<T>),
        { ordered: false },
      );
      return batch.map(() => undefined);
    } catch (error) {
      const refused = bulkWriteErrors(error);
      if (refused === null) return batch.map(() => error);
      return batch.map((_, index) => {
        const own = refused.get(index);
        return own === undefined ? undefined : new DocumentWriteError(own);
      });
    }
  }
}
