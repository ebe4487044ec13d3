import type { Redis } from "ioredis";
import type { Core } from "../core/app/create-core.ts";
import type { Logger } from "../core/logging/create-logger.ts";
import { ChatGate } from "./engine/chat-gate.ts";
import type { Action, Flow } from "./engine/contract.ts";
import { ConversationEngine } from "./engine/engine.ts";
import { installFeatures, type Feature, type InstalledFeatures } from "./engine/feature.ts";
import { adminFeature, adminHomeFeature } from "./flows/admin/index.ts";
import { helpFeature } from "./flows/help/index.ts";
import { inviteFeature } from "./flows/invite/index.ts";
import { jobsFeature } from "./flows/jobs/index.ts";
import { kycFeature } from "./flows/kyc/index.ts";
import { languageFeature } from "./flows/language/index.ts";
import { leaderboardFeature } from "./flows/leaderboard/index.ts";
import { linkFeature } from "./flows/link/index.ts";
import { networkFeature } from "./flows/network/index.ts";
import { handleStart } from "./flows/onboarding/start.ts";
import { paymentsFeature } from "./flows/payments/index.ts";
import { payoutsFeature } from "./flows/payouts/index.ts";
import { recruitFeature } from "./flows/recruit/index.ts";
import { referralsFeature } from "./flows/referrals/index.ts";
import { maintenanceFeature } from "./flows/maintenance/index.ts";
import { privacyFeature } from "./flows/privacy/index.ts";
import { supportFeature } from "./flows/support/index.ts";
import { walletFeature } from "./flows/wallet/index.ts";

/**
 * Every feature, once, in order: the order of the main menu (two entries to a row), of the command menus, and of
 * the admin command menu. Adding a feature is its own folder plus one line here.
 */
export const FEATURES: readonly Feature[] = [
  adminHomeFeature,
  helpFeature,
  jobsFeature,
  referralsFeature,
  walletFeature,
  inviteFeature,
  networkFeature,
  leaderboardFeature,
  kycFeature,
  linkFeature,
  languageFeature,
  payoutsFeature,
  paymentsFeature,
  recruitFeature,
  supportFeature,
  maintenanceFeature,
  privacyFeature,
  adminFeature,
];

export interface Bot {
  engine: ConversationEngine;
  /** The process's core, as flows see it. */
  services: Core;
  features: InstalledFeatures;
}

export interface BotDeps {
  core: Core;
  redis: Redis;
  logger: Logger;
  /** Counts admin commands tried without the role. */
  onDenied?: (actionId: string) => void;
  /** More flows and actions, installed after the built-in ones (features under development, test probes). */
  plugins?: { flows?: Flow[]; actions?: Action[] };
}

/** Builds the conversation layer on top of the process's core: the engine with every feature installed. */
export function createBot(deps: BotDeps): Bot {
  const { core } = deps;
  const features = installFeatures([
    ...FEATURES,
    { id: "plugins", flows: deps.plugins?.flows ?? [], actions: deps.plugins?.actions ?? [] },
  ]);
  const engine = new ConversationEngine({
    services: core,
    gate: new ChatGate({ redis: deps.redis, prefix: core.config.redis.prefix }),
    logger: deps.logger,
    flows: features.flows,
    actions: features.actions,
    menu: (ctx) => features.menu(ctx),
    start: handleStart,
    commands: features.commands,
    freeTextAction: "jobs",
    conversationTtlMs: core.config.bot.conversationTtlMs,
    now: core.clock,
    onDenied: deps.onDenied,
  });
  return { engine, services: core, features };
}
