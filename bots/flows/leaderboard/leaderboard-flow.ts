import { publicName } from "../../../core/referrals/leaderboard.ts";
import type { Action, Flow } from "../../engine/contract.ts";
import { actionData } from "../../engine/button-data.ts";
import { text } from "../../engine/replies.ts";
import { formatKyat } from "../../../core/values/money.ts";
import type { LeaderboardServices } from "./services.ts";

const TOP = 10;

/**
 * The month's top referrers (hires, then earnings; recomputed hourly), the person's own rank, and how their name shows.
 */
export const leaderboardAction: Action<LeaderboardServices> = {
  id: "leaderboard",
  run: async (ctx) => {
    const language = ctx.user.language;
    const board = await ctx.services.leaderboard.read(ctx.now);
    const lines = [ctx.t("leaderboard:title")];
    if (board === null || board.entries.length === 0) lines.push(ctx.t("leaderboard:empty"));
    else {
      for (const entry of board.entries.slice(0, TOP)) {
        lines.push(
          ctx.t("leaderboard:line", {
            rank: entry.rank,
            name: entry.name,
            hires: entry.hires,
            earned: formatKyat(entry.earned, language),
          }),
        );
      }
      const own = board.entries.find((entry) => entry.userId === ctx.user._id);
      lines.push(
        "",
        own === undefined
          ? ctx.t("leaderboard:not_ranked")
          : ctx.t("leaderboard:own_rank", { rank: own.rank, total: board.entries.length, hires: own.hires }),
      );
    }
    lines.push(ctx.t("leaderboard:shown_as", { name: publicName(ctx.user) }));
    return {
      replies: [
        {
          kind: "text",
          text: lines.join("\n"),
          buttons: [[{ label: ctx.t("leaderboard:change_name"), data: actionData("displayname") }]],
        },
      ],
    };
  },
};

/** The name shown on the leaderboard: one the person types (2-32 characters), or their masked name. */
export const displayNameFlow: Flow<LeaderboardServices> = {
  id: "displayname",
  first: "ask",
  steps: {
    ask: {
      render: (ctx) => [
        {
          kind: "text",
          text: ctx.t("leaderboard:ask_name"),
          buttons: [[ctx.stepButton(ctx.t("leaderboard:use_masked"), "mask")]],
        },
      ],
      handle: async (ctx, input) => {
        if (input.kind === "value" && input.value === "mask") {
          await ctx.services.users.setDisplayName(ctx.user._id, null);
          return {
            done: [text(ctx.t("leaderboard:name_masked", { name: publicName({ ...ctx.user, displayName: null }) }))],
          };
        }
        const value = input.kind === "text" ? input.text.replace(/\s+/g, " ").trim() : "";
        if (value.length < 2 || value.length > 32 || !/\p{L}/u.test(value) || /[@/]|https?:/i.test(value))
          return { stay: [text(ctx.t("leaderboard:bad_name"))] };
        await ctx.services.users.setDisplayName(ctx.user._id, value);
        return { done: [text(ctx.t("leaderboard:name_set", { name: value }))] };
      },
    },
  },
};

export const displayNameAction: Action<LeaderboardServices> = {
  id: "displayname",
  run: () => ({ startFlow: "displayname" }),
};
