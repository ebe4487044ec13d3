import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditModel } from "../../core/admin/audit-log.ts";
import { seedDemoCatalog } from "../../core/demo/seed-catalog.ts";
import { toCsv, toXlsx, type Table } from "../../core/reports/export-file.ts";
import { signedCallback } from "../../webhooks/sandbox-gateway/signed-callbacks.ts";
import type { TgUser } from "../fakes/telegram-updates.ts";
import type { VbUser } from "../fakes/viber-events.ts";
import { hireAt } from "../helpers/billing.ts";
import { fileWithin } from "../helpers/multipart-file.ts";
import { telegramScreen, viberScreen, type TelegramScreen, type Screen } from "../helpers/screens.ts";
import { viberHarness, type ViberHarness } from "../helpers/viber-harness.ts";

/**
 * Finance and audit exports as the admin gets them: a file in the chat (Telegram: an upload; Viber: a private link
 * ending in the file's extension), headers in the admin's language, safe to open in a spreadsheet.
 */
const OWNER: TgUser = { id: 7_200_001, first_name: "Owner", language_code: "en" };
const ADMIN: VbUser = { id: "exportsAdmin00000000A==", name: "Admin", language: "my" };
let h: ViberHarness;
let owner: TelegramScreen;
let admin: Screen;

const lastDocument = () => h.telegram.calls.filter((call) => call.method === "sendDocument").at(-1);
const rowsOf = (csv: Buffer): string[][] => parse(csv.toString("utf8").replace(/^\uFEFF/, ""));

async function sheetOf(bytes: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) throw new Error("no sheet");
  return sheet;
}

async function viberFile(): Promise<{ name: string; bytes: Buffer }> {
  const body = h.viber.lastTo(ADMIN.id)?.payload ?? {};
  expect(body.type).toBe("file");
  const url = new URL(String(body.media));
  const download = await h.t.app.inject({ method: "GET", url: url.pathname });
  expect(download.statusCode).toBe(200);
  return { name: String(body.file_name), bytes: download.rawPayload };
}

beforeAll(async () => {
  h = await viberHarness({
    ADMIN_TELEGRAM_IDS: String(OWNER.id),
    ADMIN_VIBER_IDS: ADMIN.id,
    QUIET_HOURS: "off",
    REWARDS_RELEASE: "invoice",
    PUBLIC_URL: "https://trm.example",
  });
  owner = telegramScreen(h, OWNER);
  admin = viberScreen(h, ADMIN);
  await owner.open();
  await owner.press(/^(✓ )?English/);
  await admin.type("hi");
  await seedDemoCatalog(h.t.runtime.mongo, new Date());
  await h.t.core.catalog.refresh();
  // Two hires billed through WavePay; the first is paid, so the ledger has rewards released.
  const paid = await hireAt(h.t, "wavepay");
  await hireAt(h.t, "wavepay");
  const answer = await h.t.app.inject({
    method: "POST",
    url: "/webhooks/wavepay",
    headers: { "content-type": "application/json" },
    payload: signedCallback("wavepay", paid, "paid", h.t.runtime.config.gateways),
  });
  expect(answer.statusCode).toBe(200);
});
afterAll(() => h.close());

describe("spreadsheet safety", () => {
  const table: Table = {
    name: "sample",
    title: "Sample",
    columns: [
      { header: "Id", kind: "text" },
      { header: "Phone", kind: "text" },
      { header: "Note", kind: "text" },
      { header: "ပမာဏ (ကျပ်)", kind: "int" },
    ],
    rows: [
      ["U2345678", "+959420000001", '=HYPERLINK("http://evil.example","x")', -5_000],
      ["0012", "@SUM(A1)", "-1+1", 150_000],
      ["P1", "\tTAB", "fine, with a comma", 0],
    ],
  };

  it("CSV: a byte order mark, the header row, text cells that would be formulas guarded, kyat as integers", () => {
    const csv = toCsv(table);
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(rowsOf(csv)).toEqual([
      ["Id", "Phone", "Note", "ပမာဏ (ကျပ်)"],
      ["U2345678", "'+959420000001", `'=HYPERLINK("http://evil.example","x")`, "-5000"],
      ["0012", "'@SUM(A1)", "'-1+1", "150000"],
      ["P1", "'\tTAB", "fine, with a comma", "0"],
    ]);
  });

  it("XLSX: ids and phones are text as written, nothing is a formula, kyat are numbers", async () => {
    const sheet = await sheetOf(await toXlsx(table));
    expect(sheet.getRow(1).values).toEqual([undefined, "Id", "Phone", "Note", "ပမာဏ (ကျပ်)"]);
    const types = (row: number) => [1, 2, 3, 4].map((column) => sheet.getRow(row).getCell(column).type);
    for (const row of [2, 3, 4]) expect(types(row)).toEqual([3, 3, 3, 2]); // String, String, String, Number
    expect(sheet.getCell("A3").value).toBe("0012");
    expect(sheet.getCell("B2").value).toBe("+959420000001");
    expect(sheet.getCell("C2").value).toBe('=HYPERLINK("http://evil.example","x")');
    expect(sheet.getCell("D2").value).toBe(-5_000);
  });
});

describe("finance exports in the chat", () => {
  it("/invoices csv on Telegram in English: every invoice, English headers; audited", async () => {
    await owner.type("/invoices csv");
    const call = lastDocument();
    expect(String(call?.payload.caption)).toBe("Invoices: 2 rows (CSV).");
    const file = fileWithin(call?.payload.multipart as Buffer);
    expect(file.name).toBe("invoices.csv");
    const rows = rowsOf(file.bytes);
    expect(rows[0]?.slice(0, 3)).toEqual(["Invoice", "Company", "Referral"]);
    expect(
      rows
        .slice(1)
        .map((row) => row[8])
        .sort(),
    ).toEqual(["paid", "waiting"]);
    expect(rows.slice(1).every((row) => /^\d+$/.test(row[6] ?? ""))).toBe(true);
    expect(await auditModel(h.t.runtime.mongo).countDocuments({ action: "invoices.export" })).toBe(1);
  });

  it("/ledger xlsx on Viber in Burmese: Burmese headers, each transaction's legs sum to zero", async () => {
    const today = new Date(Date.now() + 6.5 * 3600_000).toISOString().slice(0, 10);
    const burmese = today.replace(/\d/g, (digit) => "၀၁၂၃၄၅၆၇၈၉"[Number(digit)] ?? digit);
    await admin.type(`/ledger xlsx ${burmese} ${today}`);
    const file = await viberFile();
    expect(file.name).toBe("ledger.xlsx");
    const media = String(h.viber.lastTo(ADMIN.id)?.payload.media);
    expect(media).toMatch(/\.xlsx$/);
    const sheet = await sheetOf(file.bytes);
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      "အချိန် (ရန်ကုန်)",
      "ငွေလွှဲမှု",
      "ပိုင်ရှင်",
      "အကောင့်",
      "ပမာဏ (ကျပ်)",
      "အကြောင်းအရာ",
    ]);
    const sums = new Map<string, number>();
    sheet.eachRow((row, index) => {
      if (index === 1) return;
      const tx = row.getCell(2).text;
      sums.set(tx, (sums.get(tx) ?? 0) + Number(row.getCell(5).value));
    });
    expect(sums.size).toBeGreaterThanOrEqual(2);
    expect([...sums.values()].every((sum) => sum === 0)).toBe(true);
  });

  it("/ledger with wrong dates or no format gets the usage, politely, and changes nothing", async () => {
    const before = await auditModel(h.t.runtime.mongo).countDocuments({ action: "ledger.export" });
    for (const args of ["csv 2026-02-30 2026-03-01", "csv 2026-03-02 2026-03-01", "2026-01-01 2026-01-31", "pdf"]) {
      await owner.type(`/ledger ${args}`);
      expect(owner.lastText()).toContain("Ledger export: /ledger csv 2026-11-01 2026-11-30");
    }
    expect(await auditModel(h.t.runtime.mongo).countDocuments({ action: "ledger.export" })).toBe(before);
  });
});

describe("/audit pages", () => {
  it("ten entries a page with older and newer buttons, edited in place on Telegram; the same on Viber", async () => {
    const audit = auditModel(h.t.runtime.mongo);
    const base = Date.now() - 3600_000;
    await audit.insertMany(
      Array.from({ length: 24 }, (_, index) => ({
        _id: `AUDSEED${String(index).padStart(3, "0")}`,
        at: new Date(base + index * 1000),
        actorId: "USEEDER2",
        actorRole: "admin",
        channel: "tg",
        action: `seed.step${index}`,
        target: null,
        before: null,
        after: null,
      })),
    );
    await owner.type("/audit by USEEDER2");
    expect(owner.lastText()).toContain("seed.step23");
    expect(owner.lastText()).not.toContain("seed.step13");
    expect(owner.newestButtons()).toEqual(["Older ▶", "⬇️ CSV", "⬇️ Excel"]);
    // Paging edits the one message in place: no new message per page.
    const messages = owner.texts().length;
    await owner.press("Older ▶");
    expect(owner.texts().length).toBe(messages);
    expect(owner.lastText()).toMatch(/^Audit log, page 2/);
    expect(owner.lastText()).toContain("seed.step13");
    expect(owner.lastText()).toContain("seed.step4");
    await owner.press("Older ▶");
    expect(owner.lastText()).toContain("seed.step0");
    expect(owner.newestButtons()).toEqual(["◀ Newer", "⬇️ CSV", "⬇️ Excel"]);
    await owner.press("◀ Newer");
    expect(owner.lastText()).toContain("seed.step13");
    await owner.press("⬇️ CSV");
    const rows = rowsOf(fileWithin(lastDocument()?.payload.multipart as Buffer).bytes);
    expect(rows.slice(1).filter((row) => row[1] === "USEEDER2")).toHaveLength(24);

    await admin.type("/audit by USEEDER2");
    expect(admin.buttons()).toContain("အဟောင်း ▶");
    await admin.press("အဟောင်း ▶");
    expect(admin.lastText()).toMatch(/^စစ်ဆေးမှတ်တမ်း၊ စာမျက်နှာ ၂/);
    expect(admin.buttons()).toEqual(expect.arrayContaining(["◀ အသစ်", "အဟောင်း ▶", "⬇️ Excel"]));
  });
});
