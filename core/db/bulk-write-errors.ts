import { isDuplicateKey } from "../decisions/decision-store.ts";

/** One document's own error from an unordered bulk insert. */
export interface DocumentError {
  code: number | undefined;
  message: string;
}

/** The driver's `WriteError` (its fields are getters over `err`; mongoose may hand the raw entry, hence both). */
interface WriteErrorEntry {
  index?: number;
  code?: number;
  errmsg?: string;
  err?: { index?: number; code?: number; errmsg?: string };
}

/**
 * The documents an unordered bulk insert (`insertMany(docs, { ordered: false })`) refused, by their index in the call,
 * each with its own error; the others were written. Null when the command failed as a whole (a network error, a
 * write concern error, a document the driver would not send): then no document's fate is known.
 */
export function bulkWriteErrors(error: unknown): Map<number, DocumentError> | null {
  if (typeof error !== "object" || error === null) return null;
  const { writeErrors, err } = error as { writeErrors?: unknown; err?: unknown };
  if (err !== undefined || !Array.isArray(writeErrors) || writeErrors.length === 0) return null;
  const refused = new Map<number, DocumentError>();
  for (const entry of writeErrors as WriteErrorEntry[]) {
    const index = entry.index ?? entry.err?.index;
    if (typeof index !== "number") return null;
    const message = entry.errmsg ?? entry.err?.errmsg ?? "the database refused the document";
    refused.set(index, { code: entry.code ?? entry.err?.code, message });
  }
  return refused;
}

/** Whether a (bulk) insert failed only because some of its documents were there already (insert-once keys). */
export function onlyDuplicates(error: unknown): boolean {
  const refused = bulkWriteErrors(error);
  if (refused === null) return isDuplicateKey(error);
  return [...refused.values()].every((entry) => entry.code === 11000);
}
