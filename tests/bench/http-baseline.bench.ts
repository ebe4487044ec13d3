/**
 * Baseline: the full web stack (helmet, request ids, metrics, error shape) on
 * GET /health against a bare Fastify route, same machine, same load.
 */
import Fastify from "fastify";
import { buildServer } from "../../webhooks/build-server.ts";
import { composeCore } from "../../webhooks/compose-core.ts";
import { benchRuntime } from "./bench-env.ts";
import { describeLoad, runLoad } from "./load.ts";

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = 32;

const env = await benchRuntime();
const { app } = await buildServer(env.runtime, await composeCore(env.runtime));
const appUrl = await app.listen({ host: "127.0.0.1", port: 0 });
const bare = Fastify();
bare.get("/health", async () => ({ status: "ok" }));
const bareUrl = await bare.listen({ host: "127.0.0.1", port: 0 });

await runLoad({ url: `${appUrl}/health`, total: 2_000, concurrency: CONCURRENCY }); // warm-up
await runLoad({ url: `${bareUrl}/health`, total: 2_000, concurrency: CONCURRENCY });
const full = await runLoad({ url: `${appUrl}/health`, total: TOTAL, concurrency: CONCURRENCY });
const plain = await runLoad({ url: `${bareUrl}/health`, total: TOTAL, concurrency: CONCURRENCY });
const ready = await runLoad({ url: `${appUrl}/ready`, total: Math.round(TOTAL / 4), concurrency: CONCURRENCY });

console.log(`http baseline: ${TOTAL} requests, ${CONCURRENCY} in flight, loopback`);
console.log(describeLoad("GET /health (platform)", full));
console.log(describeLoad("GET /health (bare fastify)", plain));
console.log(describeLoad("GET /ready (mongo+redis ping)", ready));
console.log(`ratio platform/bare throughput: ${(full.perSecond / plain.perSecond).toFixed(2)}`);

await app.close();
await bare.close();
await env.close();
