import { Collection } from "mongodb";

/** Where a write fails: before it reaches the database, or after it was applied with its answer lost. */
export type FaultPoint = "before" | "after";

type Method = "insertOne" | "insertMany" | "updateOne" | "updateMany" | "findOne" | "find";
const WRITES: Method[] = ["insertOne", "insertMany", "updateOne", "updateMany"];

export class InjectedFault extends Error {
  readonly point: FaultPoint;
  constructor(method: string, point: FaultPoint) {
    super(`injected fault: ${method} ${point === "before" ? "failed" : "applied, answer lost"}`);
    this.point = point;
  }
}

/**
 * Fault injection at the database driver's boundary (the MongoDB driver's Collection, under mongoose and every module
 * of ours): while armed, each write fails before it is sent, or is applied and its answer is lost, as `decide`
 * chooses; reads (`findOne`) may fail before they are sent. Our own modules run unchanged.
 */
export function injectDatabaseFaults(decide: (method: Method) => FaultPoint | null): { disarm: () => void } {
  const prototype = Collection.prototype as unknown as Record<Method, (...args: unknown[]) => unknown>;
  const originals = new Map<Method, (...args: unknown[]) => unknown>();
  for (const method of [...WRITES, "findOne"] as Method[]) {
    const original = prototype[method];
    originals.set(method, original);
    prototype[method] = async function (this: unknown, ...args: unknown[]) {
      const point = decide(method);
      if (point === "before") throw new InjectedFault(method, point);
      const result = await original.apply(this, args);
      if (point === "after") throw new InjectedFault(method, point);
      return result;
    };
  }
  return {
    disarm() {
      for (const [method, original] of originals) prototype[method] = original;
    },
  };
}
