import type { Action } from "../../engine/contract.ts";
import type { HelpServices } from "./services.ts";

export const helpAction: Action<HelpServices> = {
  id: "help",
  run: (ctx) => ({ replies: [{ kind: "text", text: ctx.t("help:text") }] }),
};

/** `/menu`: just the menu. */
export const menuAction: Action<HelpServices> = {
  id: "menu",
  run: (ctx) => ({ replies: [{ kind: "text", text: ctx.t("common:menu.title") }] }),
};
