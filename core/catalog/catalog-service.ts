import { randomInt } from "node:crypto";
import type { Redis } from "ioredis";
import { subscriberOf } from "../db/redis-subscriber.ts";
import type { Connection } from "mongoose";
import { AppError } from "../errors/app-error.ts";
import type { Logger } from "../logging/create-logger.ts";
import { catalogModels, type CatalogModels, type CompanyDoc, type JobDoc } from "./catalog-models.ts";
import { JobIndex, type JobFilters, type SearchPage } from "./job-index.ts";
import type { EventHub } from "../events/event-hub.ts";

const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const JOB_ID_PATTERN = /^J[2-9A-HJKMNP-Z]{6}$/;
export const SAVED_LIMIT = 50;
/** On the catalog channel, a company's change (a job's is its bare id). */
const COMPANY_CHANGE = "company:";

export function newJobId(): string {
  let id = "J";
  for (let i = 0; i < 6; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

/**
 * Companies, jobs, saved jobs, and search over open jobs. Every instance
 * keeps its own in-memory index: a change is applied locally at once and
 * announced on a Redis channel so other instances reload that job by `_id`.
 */
export class CatalogService {
  readonly index = new JobIndex();
  private readonly models: CatalogModels;
  private readonly redis: Redis;
  private readonly channel: string;
  private readonly logger: Logger;
  private subscriber: Redis | undefined;
  private readonly shownCompanies = new Map<string, { company: CompanyDoc; until: number }>();
  /** Called after a job is published (the bot layer queues its alerts). */

  private readonly events: EventHub;

  constructor(options: { connection: Connection; redis: Redis; prefix: string; logger: Logger; events: EventHub }) {
    this.models = catalogModels(options.connection);
    this.redis = options.redis;
    this.channel = `${options.prefix}:catalog-changes`;
    this.logger = options.logger;
    this.events = options.events;
  }

  /** Reloads every open job (at start, and after bulk imports or seeding). */
  async refresh(): Promise<number> {
    const open = await this.models.Job.find({ status: "open" }).lean<JobDoc[]>().exec();
    for (const job of open) this.index.upsert(job);
    return open.length;
  }

  /** Loads the open jobs into the index and follows other instances' changes. Returns a stop function. */
  async start(): Promise<() => Promise<void>> {
    await this.refresh();
    this.subscriber = subscriberOf(this.redis, "trm-catalog");
    this.subscriber.on("error", (error: Error) => this.logger.warn({ err: error }, "catalog subscriber error"));
    this.subscriber.on("message", (_channel: string, jobId: string) => {
      if (jobId.startsWith(COMPANY_CHANGE)) {
        this.shownCompanies.delete(jobId.slice(COMPANY_CHANGE.length));
        return;
      }
      void this.reload(jobId).catch((error: unknown) =>
        this.logger.warn({ err: error, jobId }, "catalog reload failed"),
      );
    });
    await this.subscriber.subscribe(this.channel);
    this.logger.info({ jobs: this.index.size }, "job index loaded");
    return async () => {
      this.subscriber?.disconnect();
    };
  }

  private async reload(jobId: string): Promise<void> {
    const job = await this.findJob(jobId);
    if (job === null) this.index.remove(jobId);
    else this.index.upsert(job);
  }

  private async changed(job: JobDoc): Promise<void> {
    this.index.upsert(job);
    await this.redis.publish(this.channel, job._id).catch(() => undefined);
  }

  async findJob(jobId: string): Promise<JobDoc | null> {
    return this.models.Job.findById(jobId).lean<JobDoc>().exec();
  }

  /** A company as it is now (billing and decisions read this). */
  async findCompany(companyId: string): Promise<CompanyDoc | null> {
    return this.models.Company.findById(companyId).lean<CompanyDoc>().exec();
  }

  /**
   * A company for showing on a job card: kept in memory for a minute, so a page of search results costs no database
   * read. A change through this service drops it in every instance at once.
   */
  async companyForDisplay(companyId: string): Promise<CompanyDoc | null> {
    const kept = this.shownCompanies.get(companyId);
    if (kept !== undefined && kept.until > Date.now()) return kept.company;
    const company = await this.findCompany(companyId);
    if (company === null) return null;
    if (this.shownCompanies.size >= 5_000) this.shownCompanies.clear();
    this.shownCompanies.set(companyId, { company, until: Date.now() + 60_000 });
    return company;
  }

  private async companyChanged(companyId: string): Promise<void> {
    this.shownCompanies.delete(companyId);
    await this.redis.publish(this.channel, `${COMPANY_CHANGE}${companyId}`).catch(() => undefined);
  }

  async addCompany(company: CompanyDoc): Promise<void> {
    await this.models.Company.create(company);
    await this.companyChanged(company._id);
  }

  async publish(job: JobDoc): Promise<void> {
    if (!JOB_ID_PATTERN.test(job._id)) throw new AppError("invalid_job_id", `not a job id: ${job._id}`);
    await this.models.Job.create(job);
    await this.changed(job);
    await this.events.emit("job.published", { job });
  }

  async setStatus(jobId: string, status: JobDoc["status"]): Promise<JobDoc | null> {
    const job = await this.findJob(jobId);
    if (job === null) return null;
    await this.models.Job.updateOne({ _id: jobId }, { $set: { status } }).exec();
    const next = { ...job, status };
    await this.changed(next);
    return next;
  }

  async setBonus(jobId: string, bonus: number): Promise<JobDoc | null> {
    const job = await this.findJob(jobId);
    if (job === null) return null;
    await this.models.Job.updateOne({ _id: jobId }, { $set: { bonus } }).exec();
    const next = { ...job, bonus };
    await this.changed(next);
    return next;
  }

  async companies(): Promise<CompanyDoc[]> {
    return this.models.Company.find({}).sort({ _id: 1 }).limit(100).lean<CompanyDoc[]>().exec();
  }

  /** How a company pays for hires (null: not billed per hire; finance releases its hires' rewards). */
  async setBilling(companyId: string, billing: CompanyDoc["billing"]): Promise<CompanyDoc | null> {
    const company = await this.findCompany(companyId);
    if (company === null) return null;
    await this.models.Company.updateOne({ _id: companyId }, { $set: { billing } }).exec();
    await this.companyChanged(companyId);
    return { ...company, billing };
  }

  async setVerified(companyId: string, verified: boolean): Promise<CompanyDoc | null> {
    const company = await this.findCompany(companyId);
    if (company === null) return null;
    await this.models.Company.updateOne({ _id: companyId }, { $set: { verified } }).exec();
    await this.companyChanged(companyId);
    return { ...company, verified };
  }

  /** Publishes many jobs at once (an import): one bulk insert, then the index and alerts. */
  async publishMany(jobs: JobDoc[]): Promise<void> {
    try {
      await this.models.Job.insertMany(jobs, { ordered: true });
    } catch (error) {
      // All or nothing: take back whatever went in before the failure (no transactions on FerretDB).
      await this.models.Job.deleteMany({ _id: { $in: jobs.map((job) => job._id) } }).exec();
      throw error;
    }
    for (const job of jobs) {
      await this.changed(job);
      await this.events.emit("job.published", { job });
    }
  }

  search(filters: JobFilters, page: number, pageSize: number): SearchPage {
    return this.index.search(filters, page, pageSize);
  }

  async savedJobs(userId: string): Promise<string[]> {
    return (await this.models.Saved.findById(userId).lean().exec())?.jobIds ?? [];
  }

  /** Saves or unsaves; returns whether the job is saved afterwards. */
  async toggleSaved(userId: string, jobId: string): Promise<boolean> {
    const current = await this.savedJobs(userId);
    const saved = !current.includes(jobId);
    const jobIds = saved ? [jobId, ...current].slice(0, SAVED_LIMIT) : current.filter((id) => id !== jobId);
    await this.models.Saved.updateOne({ _id: userId }, { $set: { jobIds } }, { upsert: true }).exec();
    return saved;
  }
}
