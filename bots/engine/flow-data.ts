/** Reads a string a flow stored in its data between steps (data round-trips through JSON, so check the type). */
export function stringField(data: Record<string, unknown>, key: string): string {
  const value = data[key];
  return typeof value === "string" ? value : "";
}
