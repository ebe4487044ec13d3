import type { JobDoc } from "../../core/catalog/catalog-models.ts";

/** An open truck-driver job in Hlaing, Yangon at the demo company C001, for alert tests; `fields` override. */
export function truckDriverJob(fields: Partial<JobDoc> & Pick<JobDoc, "_id">): JobDoc {
  const now = new Date();
  return {
    companyId: "C001",
    title: { en: "Truck Driver", my: "ကုန်ကားမောင်းသူ" },
    description: { en: "Drive a truck", my: "ကုန်ကား မောင်းရန်" },
    category: "driving",
    region: "yangon",
    township: "hlaing",
    salaryMin: 400_000,
    salaryMax: 600_000,
    employment: "full_time",
    bonus: 50_000,
    status: "open",
    postedAt: now,
    expiresAt: now,
    createdBy: "test",
    ...fields,
  };
}
