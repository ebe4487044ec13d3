import type { Core } from "../../../core/app/create-core.ts";

/** The part of the core the network feature uses; its flows and actions see nothing else. */
export type NetworkServices = Pick<Core, "commissionBasisPoints" | "network" | "rewards">;
