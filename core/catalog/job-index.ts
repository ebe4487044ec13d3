import type { JobDoc } from "./catalog-models.ts";
import { searchForms, searchTokens } from "./search-text.ts";
import type { CategoryId, RegionId } from "./taxonomy.ts";

export interface JobFilters {
  keyword?: string | undefined;
  category?: CategoryId | undefined;
  region?: RegionId | undefined;
  township?: string | undefined;
  /** Jobs that may pay at least this much a month (negotiable ones included). */
  minSalary?: number | undefined;
}

interface Entry {
  job: JobDoc;
  title: Set<string>;
  body: Set<string>;
}

export interface SearchPage {
  total: number;
  page: number;
  pages: number;
  jobs: JobDoc[];
}

/**
 * The open jobs of the catalog, in memory, for ranked search. FerretDB
 * indexes only `_id`, so keyword search cannot run in the database; a few
 * thousand jobs fit easily in memory (10,000 take about 20 MB). Built per app
 * from the database and kept current by the catalog service.
 */
export class JobIndex {
  private readonly entries = new Map<string, Entry>();

  get size(): number {
    return this.entries.size;
  }

  upsert(job: JobDoc): void {
    if (job.status !== "open") {
      this.entries.delete(job._id);
      return;
    }
    const title = new Set([...searchTokens(job.title.en), ...searchTokens(job.title.my)]);
    const body = new Set([...searchTokens(job.description.en), ...searchTokens(job.description.my)]);
    this.entries.set(job._id, { job, title, body });
  }

  remove(jobId: string): void {
    this.entries.delete(jobId);
  }

  /** Every keyword token must appear (title or description); title matches rank first, then newer jobs. */
  search(filters: JobFilters, page: number, pageSize: number): SearchPage {
    // A job matches when every token of one form of the keyword (as typed, or repaired) is in it.
    const forms = filters.keyword === undefined || filters.keyword.trim() === "" ? [[]] : searchForms(filters.keyword);
    const scored: Array<{ job: JobDoc; score: number }> = [];
    for (const { job, title, body } of this.entries.values()) {
      if (filters.category !== undefined && job.category !== filters.category) continue;
      if (filters.region !== undefined && job.region !== filters.region) continue;
      if (filters.township !== undefined && job.township !== filters.township) continue;
      if (filters.minSalary !== undefined && job.salaryMax !== null && job.salaryMax < filters.minSalary) continue;
      const score = Math.max(...forms.map((tokens) => formScore(tokens, title, body)));
      if (score >= 0) scored.push({ job, score });
    }
    scored.sort((a, b) => b.score - a.score || new Date(b.job.postedAt).getTime() - new Date(a.job.postedAt).getTime());
    const pages = Math.max(1, Math.ceil(scored.length / pageSize));
    const current = Math.min(Math.max(1, page), pages);
    return {
      total: scored.length,
      page: current,
      pages,
      jobs: scored.slice((current - 1) * pageSize, current * pageSize).map((entry) => entry.job),
    };
  }
}

/** Title matches score 2, description matches 1; -1 when a token is missing. */
function formScore(tokens: string[], title: Set<string>, body: Set<string>): number {
  let score = 0;
  for (const token of tokens) {
    if (title.has(token)) score += 2;
    else if (body.has(token)) score += 1;
    else return -1;
  }
  return score;
}
