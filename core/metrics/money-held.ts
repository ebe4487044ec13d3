import type { Connection } from "mongoose";
import { payoutModels } from "../payouts/payout-models.ts";
import { sumOf } from "../reports/group-counts.ts";
import type { Ledger } from "../wallet/ledger.ts";
import { SYSTEM_ACCOUNTS } from "../wallet/wallet-service.ts";

export interface MoneyHeld {
  /** Kyat set aside for payouts not yet paid, rejected or failed. */
  payoutsInFlight: number;
  /** Kyat the platform owes people in all (pending, available and held): what the platform accounts gave out. */
  owedToPeople: number;
}

/**
 * The money gauges: payouts in flight from the payouts, what people are owed from the ledger's platform accounts
 * (every transaction sums to zero, so people's balances are minus the platform's).
 */
export async function moneyHeld(connection: Connection, ledger: Ledger): Promise<MoneyHeld> {
  const { Payout } = payoutModels(connection);
  const [payoutsInFlight, ...system] = await Promise.all([
    sumOf(Payout, { status: { $in: ["holding", "requested", "approved"] } }, "amount"),
    ...Object.values(SYSTEM_ACCOUNTS).map((account) => ledger.systemBalance(account)),
  ]);
  return { payoutsInFlight, owedToPeople: -system.reduce((total, balance) => total + balance, 0) };
}
