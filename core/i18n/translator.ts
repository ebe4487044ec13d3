import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import i18next, { type i18n, type Resource, type TFunction } from "i18next";
import { LANGUAGES, type Language } from "../users/user-model.ts";

const burmeseNumber = new Intl.NumberFormat("my", { maximumFractionDigits: 2 });
const LOCALES_DIR = path.resolve(import.meta.dirname, "../../locales");

/** Reads every `locales/<lang>/<namespace>.json` once. */
function loadResources(): { resources: Resource; namespaces: string[] } {
  const resources: Resource = {};
  const namespaces = new Set<string>();
  for (const language of LANGUAGES) {
    resources[language] = {};
    for (const file of readdirSync(path.join(LOCALES_DIR, language)).filter((name) => name.endsWith(".json"))) {
      const namespace = path.basename(file, ".json");
      namespaces.add(namespace);
      (resources[language] as Record<string, unknown>)[namespace] = JSON.parse(
        readFileSync(path.join(LOCALES_DIR, language, file), "utf8"),
      ) as unknown;
    }
  }
  return { resources, namespaces: [...namespaces] };
}

export interface Translator {
  t(language: Language): TFunction;
  instance: i18n;
}

/** One i18next instance per app (no global), English as the fallback for a missing Burmese key. */
export async function createTranslator(): Promise<Translator> {
  const { resources, namespaces } = loadResources();
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    ns: namespaces,
    defaultNS: "common",
    fallbackLng: "en",
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const english = remembered(instance.getFixedT("en"));
  const burmese = remembered(burmeseDigitsT(instance, instance.getFixedT("my")));
  return { instance, t: (language) => (language === "my" ? burmese : english) };
}

/**
 * Texts without parameters (labels, titles, most prompts) are looked up once: the resources never change while the
 * app runs, and i18next's lookup (key parsing, fallbacks, nesting, post-processing) was a tenth of a turn's CPU.
 */
function remembered(fixed: TFunction): TFunction {
  const texts = new Map<string, string>();
  const t = (key: string | string[], options?: unknown): unknown => {
    if (options !== undefined || typeof key !== "string") return fixed(key as string, options as never);
    const known = texts.get(key);
    if (known !== undefined) return known;
    const text = fixed(key);
    if (texts.size < 5_000) texts.set(key, text);
    return text;
  };
  return t as unknown as TFunction;
}

/**
 * Burmese text reads Burmese digits: every number passed to a Burmese text is written `၁,၂၃၄`, not `1,234` (strings,
 * such as ids and amounts already formatted, stay as given). Burmese has one plural form, so a numeric `count` selects
 * the `_other` text directly before it is turned into Burmese digits.
 */
function burmeseDigitsT(instance: i18n, fixed: TFunction): TFunction {
  const t = (key: string | string[], options?: unknown): unknown => {
    if (options === null || typeof options !== "object") return fixed(key as string, options as never);
    const params = options as Record<string, unknown>;
    const converted = Object.fromEntries(
      Object.entries(params).map(([name, value]) => [
        name,
        typeof value === "number" ? burmeseNumber.format(value) : value,
      ]),
    );
    const plural = typeof key === "string" && typeof params.count === "number" ? `${key}_other` : undefined;
    const resolved = plural !== undefined && instance.exists(plural, { lng: "my" }) ? plural : key;
    return fixed(resolved as string, converted as never);
  };
  return t as unknown as TFunction;
}

/** One text in every language, for a notification (`notify` takes `{ en, my }`). */
export function inAllLanguages(
  translator: Translator,
  key: string,
  params: (language: Language) => Record<string, string | number> = () => ({}),
): Record<Language, string> {
  return Object.fromEntries(
    LANGUAGES.map((language) => [language, translator.t(language)(key, params(language))]),
  ) as Record<Language, string>;
}

/**
 * One text in English and Burmese side by side (`Paid · ပေးချေပြီး`), for pages with no chosen language (payment pages
 * an employer opens).
 */
export function bilingual(translator: Translator, key: string): string {
  return `${translator.t("en")(key)} · ${translator.t("my")(key)}`;
}
