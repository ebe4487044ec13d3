import { actionData } from "../../engine/button-data.ts";
import type { Action, Button, FlowContext, Reply } from "../../engine/contract.ts";
import type { LanguageServices } from "./services.ts";

/**
 * Each language's button is labelled in that language, so a person finds
 * theirs whatever is shown now; the current one (at first contact: the
 * platform's hint) is ticked.
 */
export function languageButtons(ctx: FlowContext<LanguageServices>): Button[][] {
  const tick = (language: string, label: string) => (ctx.user.language === language ? `✓ ${label}` : label);
  return [
    [
      { label: tick("en", ctx.t("language:english", { lng: "en" })), data: actionData("lang.en") },
      { label: tick("my", ctx.t("language:burmese", { lng: "my" })), data: actionData("lang.my") },
    ],
  ];
}

export function languagePicker(ctx: FlowContext<LanguageServices>, lead?: string): Reply {
  const text =
    lead === undefined ? ctx.t("onboarding:choose_language") : `${lead}\n\n${ctx.t("onboarding:choose_language")}`;
  return { kind: "text", text, buttons: languageButtons(ctx) };
}

/** "Language" in the menu, and the two choices (menu actions, so an old picker never goes stale). */
export const languageActions: Action<LanguageServices>[] = [
  { id: "language", keepsFlow: true, run: (ctx) => ({ replies: [languagePicker(ctx)], menu: false }) },
  ...(["en", "my"] as const).map((language): Action<LanguageServices> => ({
    id: `lang.${language}`,
    keepsFlow: true,
    run: async (ctx) => {
      await ctx.switchLanguage(language);
      return { replies: [{ kind: "text", text: ctx.t("onboarding:language_set") }] };
    },
  })),
];
