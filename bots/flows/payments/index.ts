import type { Feature } from "../../engine/feature.ts";
import { invoiceActions } from "./invoice-actions.ts";

/** Employer invoices and how each company pays for hires (finance). */
export const paymentsFeature: Feature = {
  id: "payments",
  actions: invoiceActions,
  adminCommands: [
    { command: "invoices", action: "invoices", gate: "finance" },
    { command: "billing", action: "billing", gate: "finance" },
  ],
};
