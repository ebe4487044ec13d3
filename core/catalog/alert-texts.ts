import type { JobDoc } from "./catalog-models.ts";
import { placeLabel } from "./taxonomy.ts";
import type { Language, Transport } from "../users/user-model.ts";
import type { Translator } from "../i18n/translator.ts";
import type { BotLinks } from "../linking/bot-links.ts";
import { formatSalary } from "../values/money.ts";

/** A new job's alert as queued: texts only (rendered here with i18n), no personal data. */
export interface JobAlertData {
  jobId: string;
  /** The alert, per transport (the link differs) and language. */
  texts: Partial<Record<Transport, Record<Language, string>>>;
  /** Digest header (`{{count}}`) and line (`{{title}}`, `{{place}}`) templates. */
  digest: { title: Record<Language, string>; line: Record<Language, string> };
}

/** What a new job's alert says, per transport (its link) and language, and the digest templates. */
export function alertTexts(
  job: JobDoc,
  companyName: Record<Language, string>,
  translator: Translator,
  links: BotLinks,
): JobAlertData {
  const link: Record<Transport, string> = {
    telegram: `https://t.me/${links.telegramUsername}?start=${job._id}`,
    viber: `viber://pa?chatURI=${encodeURIComponent(links.viberChatUri)}&context=${job._id}`,
    sandbox: `/start ${job._id}`,
  };
  const render = (transport: Transport, language: Language) =>
    translator.t(language)("alerts:new_job", {
      title: job.title[language],
      company: companyName[language],
      place: placeLabel(job.region, job.township, language),
      salary: formatSalary(job.salaryMin, job.salaryMax, language),
      link: link[transport],
    });
  const both = (transport: Transport) => ({ en: render(transport, "en"), my: render(transport, "my") });
  const template = (key: string) => ({ en: translator.t("en")(key), my: translator.t("my")(key) });
  return {
    jobId: job._id,
    texts: { telegram: both("telegram"), viber: both("viber"), sandbox: both("sandbox") },
    digest: { title: template("alerts:digest_title"), line: template("alerts:digest_line") },
  };
}
