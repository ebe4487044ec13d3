import type { JobDoc } from "../../../core/catalog/catalog-models.ts";
import { formatSalary } from "../../../core/catalog/job-format.ts";
import { REGIONS, townshipLabel } from "../../../core/catalog/taxonomy.ts";
import type { Language, Transport } from "../../../core/users/user-model.ts";
import type { Translator } from "../../../core/i18n/translator.ts";
import type { BotLinks } from "../../engine/services.ts";

/** What a new job's alert says, per transport (its link) and language, and the digest templates. */
export function alertTexts(
  job: JobDoc,
  companyName: Record<Language, string>,
  translator: Translator,
  links: BotLinks,
) {
  const link: Record<Transport, string> = {
    telegram: `https://t.me/${links.telegramUsername}?start=${job._id}`,
    viber: `viber://pa?chatURI=${encodeURIComponent(links.viberChatUri)}&context=${job._id}`,
    sandbox: `/start ${job._id}`,
  };
  const render = (transport: Transport, language: Language) =>
    translator.t(language)("alerts:new_job", {
      title: job.title[language],
      company: companyName[language],
      place: `${townshipLabel(job.region, job.township)?.[language] ?? job.township}, ${REGIONS[job.region].name[language]}`,
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
