import type { Feature } from "../../engine/feature.ts";
import { financePayoutActions, financePayoutsFlow } from "./finance-payouts-flow.ts";
import { ledgerAction } from "../exports/ledger-action.ts";
import { withdrawMoneyAction, withdrawMoneyFlow } from "./withdraw-flow.ts";

/** Withdrawing earnings to a wallet, and finance deciding and paying the requests. */
export const payoutsFeature: Feature = {
  id: "payouts",
  flows: [withdrawMoneyFlow, financePayoutsFlow],
  actions: [withdrawMoneyAction, ...financePayoutActions, ledgerAction],
  commands: [{ command: "withdraw", action: "payout" }],
  adminCommands: [
    { command: "payouts", action: "payouts", gate: "finance" },
    { command: "ledger", action: "ledger", gate: "finance" },
  ],
};
