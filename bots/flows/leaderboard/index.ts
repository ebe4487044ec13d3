import type { Feature } from "../../engine/feature.ts";
import { displayNameAction, displayNameFlow, leaderboardAction } from "./leaderboard-flow.ts";

/** The monthly leaderboard and the display name shown on it. */
export const leaderboardFeature: Feature = {
  id: "leaderboard",
  flows: [displayNameFlow],
  actions: [leaderboardAction, displayNameAction],
  commands: [{ command: "leaderboard", action: "leaderboard" }],
  menuEntries: [{ action: "leaderboard", label: "leaderboard:menu" }],
};
