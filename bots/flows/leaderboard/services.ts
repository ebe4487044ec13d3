import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the leaderboard feature uses; its flows and actions see nothing else. */
export type LeaderboardServices = Pick<Core, "leaderboard" | "users">;
