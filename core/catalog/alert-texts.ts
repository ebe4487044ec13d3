import type { JobDoc } from "./catalog-models.ts";
import { placeLabel } from "./taxonomy.ts";
import type { Language, Transport } from "../users/user-model.ts";
import type { Translator } from "../i18n/translator.ts";
import { formatSalary } from "../values/money.ts";

/** A new job's alert as queued: texts only (rendered here with i18n), no personal data. */
export interface JobAlertData {
  jobId: string;
  /** The alert, per transport (the link differs) and language. */
  texts: Partial<Record<Transport, Record<Language, string>>>;
  /** "Open the job", per language, and the chat button data that opens its card. */
  button?: { label: Record<Language, string>; data: string };
  /** Digest header (`{{count}}`) and line (`{{title}}`, `{{place}}`) templates. */
  digest: { title: Record<Language, string>; line: Record<Language, string> };
}

/** What a new job's alert says, per transport (its link) and language, and the digest templates. */
export function alertTexts(job: JobDoc, companyName: Record<Language, string>, translator: Translator): JobAlertData {
  const render = (transport: Transport, language: Language) =>
    translator.t(language)("alerts:new_job", {
      title: job.title[language],
      company: companyName[language],
      place: placeLabel(job.region, job.township, language),
      salary: formatSalary(job.salaryMin, job.salaryMax, language),
    });
  const both = (transport: Transport) => ({ en: render(transport, "en"), my: render(transport, "my") });
  const template = (key: string) => ({ en: translator.t("en")(key), my: translator.t("my")(key) });
  return {
    jobId: job._id,
    button: { label: template("alerts:open"), data: `m:openjob:${job._id}` },
    texts: { telegram: both("telegram"), viber: both("viber"), sandbox: both("sandbox") },
    digest: { title: template("alerts:digest_title"), line: template("alerts:digest_line") },
  };
}
