import { parse } from "csv-parse/sync";
import { z } from "zod";
import type { JobDoc } from "./catalog-models.ts";
import { newJobId } from "./catalog-service.ts";
import { CATEGORY_IDS, EMPLOYMENT_TYPES, REGION_IDS, townshipsOf, type RegionId } from "./taxonomy.ts";

/** Import files are small tables; anything bigger is a mistake. */
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 2000;

const amount = z.preprocess(
  (value) =>
    value === "" || value === null || value === undefined
      ? null
      : typeof value === "string"
        ? Number(value.replace(/[,\s]/g, ""))
        : value,
  z
    .number({ message: "must be a whole number of kyat" })
    .int("must be a whole number of kyat")
    .min(0)
    .max(100_000_000)
    .nullable(),
);
const text = (max: number) =>
  z.string({ message: "is required" }).trim().min(1, "is required").max(max, `must be at most ${max} characters`);

/** One row of an import file (CSV header names = these keys). */
export const importRowSchema = z.object({
  company_id: text(20),
  title_en: text(120),
  title_my: text(120),
  description_en: text(2000),
  description_my: text(2000),
  category: z.enum(CATEGORY_IDS as [string, ...string[]], { message: `must be one of ${CATEGORY_IDS.join(", ")}` }),
  region: z.enum(REGION_IDS as [string, ...string[]], { message: `must be one of ${REGION_IDS.join(", ")}` }),
  township: text(40),
  salary_min: amount,
  salary_max: amount,
  employment: z.enum(Object.keys(EMPLOYMENT_TYPES) as [string, ...string[]], {
    message: `must be one of ${Object.keys(EMPLOYMENT_TYPES).join(", ")}`,
  }),
  bonus: amount.refine((value) => value !== null, "is required"),
  expires_in_days: z.preprocess(
    (value) => (value === "" || value === undefined ? 45 : Number(value)),
    z.number().int().min(1, "must be 1 to 180").max(180, "must be 1 to 180"),
  ),
});

/**
 * Rules between columns, checked on the raw row so they are reported together
 * with any field problems of the same row (one round of fixes, not several).
 */
function crossFieldProblems(row: unknown): string[] {
  if (typeof row !== "object" || row === null) return [];
  const raw = row as Record<string, unknown>;
  const problems: string[] = [];
  const region = typeof raw.region === "string" ? raw.region : "";
  const township = typeof raw.township === "string" ? raw.township.trim() : "";
  if (
    (REGION_IDS as string[]).includes(region) &&
    township !== "" &&
    !townshipsOf(region as RegionId).includes(township)
  ) {
    problems.push(`township is not a township of ${region} (${townshipsOf(region as RegionId).join(", ")})`);
  }
  const min = amount.safeParse(raw.salary_min);
  const max = amount.safeParse(raw.salary_max);
  if (min.success && max.success && min.data !== null && max.data !== null && min.data > max.data)
    problems.push("salary_max must not be below salary_min");
  return problems;
}

export interface ImportProblem {
  /** CSV: the line in the file (the header is line 1). JSON: the item's position (1-based). */
  line: number;
  message: string;
}

export type ImportResult = { ok: true; jobs: JobDoc[] } | { ok: false; problems: ImportProblem[] };

function rowsOf(
  bytes: Buffer,
  name: string | undefined,
): { rows: Array<{ line: number; row: unknown }>; problems: ImportProblem[] } {
  const content = bytes.toString("utf8").replace(/^\uFEFF/, "");
  const isJson = name?.toLowerCase().endsWith(".json") === true || /^\s*[[{]/.test(content);
  if (isJson) {
    let data: unknown;
    try {
      data = JSON.parse(content);
    } catch {
      return { rows: [], problems: [{ line: 0, message: "the file is not valid JSON" }] };
    }
    const items: unknown[] | null = Array.isArray(data)
      ? (data as unknown[])
      : typeof data === "object" && data !== null && Array.isArray((data as { jobs?: unknown }).jobs)
        ? (data as { jobs: unknown[] }).jobs
        : null;
    if (items === null)
      return { rows: [], problems: [{ line: 0, message: 'expected a JSON array of jobs (or { "jobs": [...] })' }] };
    return { rows: items.map((row, index) => ({ line: index + 1, row })), problems: [] };
  }
  try {
    const records: Array<{ record: Record<string, string>; info: { lines: number } }> = parse(content, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: false,
    });
    return { rows: records.map((entry) => ({ line: entry.info.lines, row: entry.record })), problems: [] };
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    return {
      rows: [],
      problems: [
        { line, message: `the CSV cannot be read: ${(error as Error).message.split(":")[0] ?? "format error"}` },
      ],
    };
  }
}

/**
 * Reads a CSV or JSON file of jobs and validates every row. Any bad row
 * rejects the whole file, with each problem's line and field, so nothing is
 * ever half-imported.
 */
export function parseJobImport(
  bytes: Buffer,
  name: string | undefined,
  context: { companyIds: ReadonlySet<string>; createdBy: string; now: Date },
): ImportResult {
  if (bytes.length > IMPORT_MAX_BYTES)
    return {
      ok: false,
      problems: [{ line: 0, message: `the file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB` }],
    };
  const { rows, problems } = rowsOf(bytes, name);
  if (problems.length > 0) return { ok: false, problems };
  if (rows.length === 0) return { ok: false, problems: [{ line: 0, message: "the file has no jobs" }] };
  if (rows.length > IMPORT_MAX_ROWS)
    return { ok: false, problems: [{ line: 0, message: `at most ${IMPORT_MAX_ROWS} jobs per file` }] };
  const jobs: JobDoc[] = [];
  const found: ImportProblem[] = [];
  for (const { line, row } of rows) {
    const parsed = importRowSchema.safeParse(row);
    const cross = crossFieldProblems(row);
    if (!parsed.success || cross.length > 0) {
      for (const issue of parsed.success ? [] : parsed.error.issues)
        found.push({ line, message: `${issue.path.join(".") || "row"} ${issue.message}` });
      for (const message of cross) found.push({ line, message });
      continue;
    }
    const value = parsed.data;
    if (!context.companyIds.has(value.company_id)) {
      found.push({ line, message: `company_id ${value.company_id} is not a known company` });
      continue;
    }
    jobs.push({
      _id: newJobId(),
      companyId: value.company_id,
      title: { en: value.title_en, my: value.title_my },
      description: { en: value.description_en, my: value.description_my },
      category: value.category as JobDoc["category"],
      region: value.region as RegionId,
      township: value.township,
      salaryMin: value.salary_min,
      salaryMax: value.salary_max,
      employment: value.employment as JobDoc["employment"],
      bonus: value.bonus ?? 0,
      status: "open",
      postedAt: context.now,
      expiresAt: new Date(context.now.getTime() + value.expires_in_days * 24 * 3600_000),
      createdBy: context.createdBy,
    });
  }
  return found.length > 0 ? { ok: false, problems: found } : { ok: true, jobs };
}
