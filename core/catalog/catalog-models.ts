import { Schema, type Connection, type Model } from "mongoose";
import type { Language } from "../users/user-model.ts";
import type { CategoryId, EmploymentType, RegionId } from "./taxonomy.ts";

export type Bilingual = Record<Language, string>;

export interface CompanyDoc {
  _id: string;
  name: Bilingual;
  contact: string;
  verified: boolean;
  /**
   * How the company pays for hires: per hire through its chosen gateway, with an optional contact user who gets the
   * invoices.
   */
  billing: {
    perHire: boolean;
    gateway: "kbzpay" | "wavepay" | "ayapay";
    contactUserId: string | null;
    kbzQr?: boolean;
  } | null;
  createdAt: Date;
}

export type JobStatus = "open" | "closed" | "filled";

export interface JobDoc {
  _id: string;
  companyId: string;
  title: Bilingual;
  description: Bilingual;
  category: CategoryId;
  region: RegionId;
  township: string;
  /** Monthly, in kyat; both null means "negotiable". */
  salaryMin: number | null;
  salaryMax: number | null;
  employment: EmploymentType;
  /** Paid to the referrer when a referred candidate is hired, in kyat. */
  bonus: number;
  status: JobStatus;
  postedAt: Date;
  expiresAt: Date;
  createdBy: string;
}

/** One document per user, read by `_id`: the jobs they saved, newest first. */
export interface SavedJobsDoc {
  _id: string;
  jobIds: string[];
}

const bilingual = { en: { type: String, required: true }, my: { type: String, required: true } };

const companySchema = new Schema<CompanyDoc>(
  {
    _id: String,
    name: bilingual,
    contact: { type: String, default: "" },
    verified: { type: Boolean, default: false },
    billing: { type: Schema.Types.Mixed, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: "companies" },
);

const jobSchema = new Schema<JobDoc>(
  {
    _id: String,
    companyId: { type: String, required: true },
    title: bilingual,
    description: bilingual,
    category: { type: String, required: true },
    region: { type: String, required: true },
    township: { type: String, required: true },
    salaryMin: { type: Number, default: null },
    salaryMax: { type: Number, default: null },
    employment: { type: String, required: true },
    bonus: { type: Number, required: true, min: 0 },
    status: { type: String, required: true },
    postedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
  },
  { versionKey: false, collection: "jobs" },
);
jobSchema.index({ status: 1, postedAt: -1 });

const savedSchema = new Schema<SavedJobsDoc>(
  { _id: String, jobIds: { type: [String], default: [] } },
  { versionKey: false, collection: "saved_jobs" },
);

export interface CatalogModels {
  Company: Model<CompanyDoc>;
  Job: Model<JobDoc>;
  Saved: Model<SavedJobsDoc>;
}

export function catalogModels(connection: Connection): CatalogModels {
  return {
    Company:
      (connection.models.Company as Model<CompanyDoc> | undefined) ??
      connection.model<CompanyDoc>("Company", companySchema),
    Job: (connection.models.Job as Model<JobDoc> | undefined) ?? connection.model<JobDoc>("Job", jobSchema),
    Saved:
      (connection.models.SavedJobs as Model<SavedJobsDoc> | undefined) ??
      connection.model<SavedJobsDoc>("SavedJobs", savedSchema),
  };
}
