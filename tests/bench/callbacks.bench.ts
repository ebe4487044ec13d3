/**
 * Gateway callbacks at a fixed rate with a share of duplicates: signed
 * WavePay and KBZPay callbacks for many invoices POSTed to our webhooks over
 * loopback (full path: raw body, store, signature, status query for KBZ from
 * the sandbox record, amount check, settle once, rewards release). Prints
 * p50/p99 latency and the settlements, which must equal the invoices.
 */
import { Agent, request } from "node:http";
import { invoiceModel, type InvoiceDoc } from "../../core/payments/invoice-service.ts";
import { SandboxStatusQuery } from "../../core/payments/status-query.ts";
import { decisionModel } from "../../core/decisions/decision-store.ts";
import { buildServer } from "../../webhooks/build-server.ts";
import { composeCore } from "../../webhooks/compose-core.ts";
import { signedCallback } from "../../webhooks/sandbox-gateway/signed-callbacks.ts";
import { benchRuntime } from "./bench-env.ts";
import { percentile } from "./load.ts";

const INVOICES = Number(process.env.BENCH_INVOICES ?? 300);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const DUPLICATE_SHARE = 0.3;

const env = await benchRuntime({ SANDBOX: "true", REWARDS_RELEASE: "invoice" });
const { app } = await buildServer(env.runtime, await composeCore(env.runtime));
const url = await app.listen({ host: "127.0.0.1", port: 0 });
const now = new Date();
const invoices: InvoiceDoc[] = Array.from({ length: INVOICES }, (_, i) => ({
  _id: `INVB${String(i).padStart(7, "0")}`,
  companyId: "C001",
  referralId: `RB${String(i).padStart(6, "0")}`,
  jobId: "JBENCH2",
  bonus: 50_000,
  fee: 10_000,
  amount: 60_000,
  currency: "MMK",
  gateway: i % 2 === 0 ? "wavepay" : "kbzpay",
  status: "pending",
  lastGatewayStatus: null,
  gatewayRef: null,
  kbzQr: null,
  byQr: false,
  createdAt: now,
  dueAt: new Date(now.getTime() + 86_400_000),
  paidAt: null,
}));
await invoiceModel(env.runtime.mongo).insertMany(invoices);
for (const invoice of invoices.filter((candidate) => candidate.gateway === "kbzpay"))
  await env.runtime.redis.set(SandboxStatusQuery.key(env.config.redis.prefix, invoice._id), `paid:${invoice.amount}`);

// Each invoice's callback once, plus duplicates (the same bytes again), shuffled.
const bodies = invoices.map((invoice) => ({
  gateway: invoice.gateway,
  body: signedCallback(invoice.gateway, invoice, "paid", env.config.gateways),
}));
const duplicates = Array.from(
  { length: Math.round((INVOICES * DUPLICATE_SHARE) / (1 - DUPLICATE_SHARE)) },
  (_, i) => bodies[(i * 7) % bodies.length],
);
const sends = [...bodies, ...duplicates].map((value, i, all) => all[(i * 7919) % all.length] ?? value);

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const post = (gateway: string, body: string) =>
  new Promise<{ status: number; ms: number }>((resolve, reject) => {
    const started = performance.now();
    const req = request(
      new URL(`/webhooks/${gateway}`, url),
      { method: "POST", agent, headers: { "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });

const started = performance.now();
const pending: Array<Promise<{ status: number; ms: number }>> = [];
for (const [i, send] of sends.entries()) {
  const due = started + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  if (send !== undefined) pending.push(post(send.gateway, send.body));
}
const results = await Promise.all(pending);
const seconds = (performance.now() - started) / 1000;
const latencies = results.map((result) => result.ms).sort((a, b) => a - b);
const settled = await decisionModel(env.runtime.mongo).countDocuments({ _id: /^invoice:INVB/ });
console.log(
  `callbacks: ${results.length} at ${RATE}/s (${Math.round(DUPLICATE_SHARE * 100)}` +
    `% duplicates) in ${seconds.toFixed(1)} s; p50 ` +
    `${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)}` +
    ` ms; non-200: ${results.filter((result) => result.status !== 200).length}`,
);
console.log(
  `check: ${settled} settlements for ${INVOICES} invoices (must be equal); paid ` +
    `invoices: ${await invoiceModel(env.runtime.mongo).countDocuments({ status: "paid" })}`,
);
await app.close();
await env.close();
