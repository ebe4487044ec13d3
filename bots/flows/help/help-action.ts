import type { Action } from "../../engine/contract.ts";

export const helpAction: Action = {
  id: "help",
  run: (ctx) => ({ replies: [{ kind: "text", text: ctx.t("help:text") }] }),
};

/** `/menu`: just the menu. */
export const menuAction: Action = {
  id: "menu",
  run: (ctx) => ({ replies: [{ kind: "text", text: ctx.t("common:menu.title") }] }),
};
