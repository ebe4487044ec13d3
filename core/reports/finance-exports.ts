import type { TFunction } from "i18next";
import type { Connection } from "mongoose";
import { auditModel, type AuditEntry } from "../admin/audit-log.ts";
import { invoiceModel, type InvoiceDoc } from "../payments/invoice-service.ts";
import type { PayoutService } from "../payouts/payout-service.ts";
import { yangonTime } from "../values/yangon-time.ts";
import { ledgerModels, type EntryDoc } from "../wallet/ledger.ts";
import type { Cell, ColumnKind, Table } from "./export-file.ts";

/** Rows in one export at most: a larger range is refused with the advice to narrow it. */
export const EXPORT_ROW_LIMIT = 50_000;

const time = (value: Date | null | undefined): string =>
  value === null || value === undefined ? "" : yangonTime(value);

function table(t: TFunction, name: string, columns: Array<[string, ColumnKind]>, rows: Cell[][]): Table {
  return {
    name,
    title: t(`exports:title.${name}`),
    columns: columns.map(([key, kind]) => ({ header: t(`exports:column.${key}`), kind })),
    rows,
  };
}

/** An audit filter: by whom, or on what. */
export interface AuditFilter {
  actorId?: string;
  target?: string;
}

/**
 * The finance and audit exports as tables (headers in the admin's language, times in Yangon time, amounts in whole
 * kyat); `export-file.ts` writes them as CSV or XLSX.
 */
export class FinanceExports {
  private readonly connection: Connection;
  private readonly payouts: PayoutService;

  constructor(deps: { connection: Connection; payouts: PayoutService }) {
    this.connection = deps.connection;
    this.payouts = deps.payouts;
  }

  /** Approved, unpaid withdrawals: what finance sends to the bulk-transfer portal. */
  async payoutsApproved(t: TFunction): Promise<Table> {
    const rows = await this.payouts.approvedForTransfer();
    return table(
      t,
      "payouts-approved",
      [
        ["payout", "text"],
        ["provider", "text"],
        ["wallet_phone", "text"],
        ["amount", "int"],
        ["person", "text"],
        ["approved_at", "time"],
      ],
      rows.map((row) => [row._id, row.provider, row.walletPhone, row.amount, row.userId, time(row.decidedAt)]),
    );
  }

  /** Every invoice, newest first. */
  async invoices(t: TFunction): Promise<Table> {
    const rows = await invoiceModel(this.connection)
      .find()
      .sort({ createdAt: -1 })
      .limit(EXPORT_ROW_LIMIT)
      .lean<InvoiceDoc[]>()
      .exec();
    return table(
      t,
      "invoices",
      [
        ["invoice", "text"],
        ["company", "text"],
        ["referral", "text"],
        ["job", "text"],
        ["bonus", "int"],
        ["fee", "int"],
        ["amount", "int"],
        ["gateway", "text"],
        ["status", "text"],
        ["created_at", "time"],
        ["due_at", "time"],
        ["paid_at", "time"],
        ["gateway_ref", "text"],
      ],
      rows.map((row) => [
        row._id,
        row.companyId,
        row.referralId,
        row.jobId,
        row.bonus,
        row.fee,
        row.amount,
        row.gateway,
        t(`invoices:status.${row.status}`),
        time(row.createdAt),
        time(row.dueAt),
        time(row.paidAt),
        row.gatewayRef ?? "",
      ]),
    );
  }

  /** Every leg of every ledger transaction in [from, to), oldest first: a row per leg (each transaction sums to 0). */
  async ledger(t: TFunction, from: Date, to: Date): Promise<Table> {
    const entries = await ledgerModels(this.connection)
      .Entry.find({ at: { $gte: from, $lt: to } })
      .sort({ at: 1 })
      .limit(EXPORT_ROW_LIMIT)
      .lean<EntryDoc[]>()
      .exec();
    return table(
      t,
      "ledger",
      [
        ["at", "time"],
        ["transaction", "text"],
        ["owner", "text"],
        ["account", "text"],
        ["amount", "int"],
        ["memo", "text"],
      ],
      entries.flatMap((entry) =>
        entry.postings.map((posting) => [
          time(entry.at),
          entry.txKey,
          entry.owner,
          posting.account,
          posting.amount,
          entry.memo.code,
        ]),
      ),
    );
  }

  /** Audit entries, newest first, optionally by actor or target. */
  async audit(t: TFunction, filter: AuditFilter): Promise<Table> {
    const rows = await auditModel(this.connection)
      .find(filter)
      .sort({ at: -1 })
      .limit(EXPORT_ROW_LIMIT)
      .lean<AuditEntry[]>()
      .exec();
    return table(
      t,
      "audit",
      [
        ["at", "time"],
        ["actor", "text"],
        ["role", "text"],
        ["channel", "text"],
        ["action", "text"],
        ["target", "text"],
        ["before", "text"],
        ["after", "text"],
      ],
      rows.map((row) => [
        time(row.at),
        row.actorId,
        row.actorRole,
        row.channel,
        row.action,
        row.target ?? "",
        row.before === null ? "" : JSON.stringify(row.before),
        row.after === null ? "" : JSON.stringify(row.after),
      ]),
    );
  }
}
