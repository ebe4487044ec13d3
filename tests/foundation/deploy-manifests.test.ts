import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { envSchema } from "../../core/config/env-schema.ts";
import { loadConfig } from "../../core/config/load-config.ts";
import { buildTestApp, TEST_ENCRYPTION_KEY, type TestApp } from "../helpers/test-runtime.ts";
import { WorkerProcesses, workerEnv } from "../helpers/worker-process.ts";

/**
 * There is no Docker engine or cluster here, so the deployment files are checked by reading them: images pinned,
 * probes on the paths the app answers, resources within the 512 MiB budget, every command a file the image holds,
 * and every environment variable by name: each deployment's names, filled with placeholders, make a production
 * configuration the app accepts (so a missing required variable fails this test).
 */
type Doc = Record<string, unknown> & { kind?: string; metadata?: { name?: string } };
const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const known = new Set(Object.keys(envSchema.shape));

const k8sFiles = readdirSync(path.join(ROOT, "infra/k8s")).filter((name) => name.endsWith(".yaml"));
const k8s: Doc[] = k8sFiles
  .filter((name) => name !== "kustomization.yaml")
  .flatMap((name) => parseAllDocuments(read(`infra/k8s/${name}`)).map((doc) => doc.toJS() as Doc));
const byKind = (kind: string) => k8s.filter((doc) => doc.kind === kind);

/** A placeholder a production configuration accepts, for a variable given by name (its value stays secret). */
function placeholder(name: string, given: string | undefined): string {
  if (given !== undefined && given !== "") return given;
  const values: Record<string, string> = {
    MONGODB_URI: "mongodb://db.example:27017/trm?replicaSet=rs0",
    REDIS_URL: "redis://redis.example:6379",
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    METRICS_TOKEN: "metrics-token-0123456789abcdef",
    TELEGRAM_BOT_TOKEN: "123456789:AAExampleExampleExampleExampleExam",
    TELEGRAM_WEBHOOK_SECRET: "webhook_secret-123",
    PUBLIC_URL: "https://bot.example.com",
    ADMIN_TELEGRAM_IDS: "123456",
    ADMIN_VIBER_IDS: "01234567890A=",
    TELEGRAM_BOT_USERNAME: "TRMJobsBot",
    VIBER_AUTH_TOKEN: "4453b6ac12345678-e02603d2a1b2c3d4",
  };
  if (values[name] !== undefined) return values[name];
  if (name.endsWith("_ENDPOINT")) return "https://s3.example.com";
  return `placeholder-${name.toLowerCase()}`;
}

/** loadConfig on the names a deployment provides: it must accept them as a production configuration. */
function acceptsAsProduction(env: Record<string, string>): string[] {
  try {
    loadConfig(Object.fromEntries(Object.entries(env).map(([name, value]) => [name, placeholder(name, value)])));
    return [];
  } catch (error) {
    return (error as { problems?: string[] }).problems ?? [String(error)];
  }
}

/** Files statically imported from an entry point (relative imports, followed), as paths from the repository root. */
function importGraph(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = read(entry);
  for (const [, spec] of text.matchAll(/^(?:import|export)[^;]*?from\s+"(\.[^"]+)"/gms))
    importGraph(path.relative(ROOT, path.resolve(ROOT, path.dirname(entry), spec ?? "")), seen);
  return seen;
}

const packageScripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;

describe("the image", () => {
  const dockerfile = read("infra/Dockerfile");
  const copied = [...dockerfile.matchAll(/^COPY (?!--from)(\S+) /gm)].map((match) => match[1] ?? "");

  it("installs the Burmese font for the charts and runs as the unprivileged node user", () => {
    expect(dockerfile).toMatch(/apt-get install[^\n]*fonts-sil-padauk/);
    expect(dockerfile).toMatch(/^ENV CHART_FONT_DIR=\/usr\/share\/fonts\/truetype\/padauk$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^FROM node:24-/m);
  });

  it("caps V8's old space at half the 512 MiB budget, as npm start does", () => {
    const imageCap = /^ENV NODE_OPTIONS=--max-old-space-size=(\d+)$/m.exec(dockerfile)?.[1];
    const startCap = /--max-old-space-size=(\d+)/.exec(packageScripts.start ?? "")?.[1];
    expect(Number(imageCap)).toBeGreaterThan(0);
    expect(Number(imageCap)).toBeLessThanOrEqual(256);
    expect(startCap).toBe(imageCap);
  });

  it("holds every file the entry points import (web, worker, backup, index sync)", () => {
    const entries = [
      "webhooks/main.ts",
      "webhooks/main-worker.ts",
      "webhooks/backup-cli.ts",
      "core/db/sync-indexes-cli.ts",
    ];
    const missing = entries
      .flatMap((entry) => [...importGraph(entry)])
      .filter((file) => !copied.some((dir) => file.startsWith(`${dir}/`)));
    expect([...new Set(missing)]).toEqual([]);
    expect(copied).toContain("locales");
  });
});

describe("Kubernetes manifests (infra/k8s)", () => {
  const kustomization = parse(read("infra/k8s/kustomization.yaml")) as {
    resources: string[];
    images: Array<{ name: string; newName: string; newTag: string }>;
  };
  const configMap = byKind("ConfigMap")[0] as Doc & { data: Record<string, string> };
  const secret = byKind("Secret")[0] as Doc & { stringData: Record<string, string> };
  const podSpecs = [
    ...byKind("Deployment").map((doc) => ({
      name: doc.metadata?.name,
      spec: (doc as never as { spec: { template: { spec: PodSpec } } }).spec.template.spec,
    })),
    ...byKind("CronJob").map((doc) => ({
      name: doc.metadata?.name,
      spec: (doc as never as { spec: { jobTemplate: { spec: { template: { spec: PodSpec } } } } }).spec.jobTemplate.spec
        .template.spec,
    })),
  ];

  it("kustomize applies every manifest but the secret example, with one pinned image", () => {
    expect([...kustomization.resources].sort()).toEqual(
      k8sFiles.filter((name) => !["kustomization.yaml", "secret.example.yaml"].includes(name)).sort(),
    );
    expect(kustomization.images).toHaveLength(1);
    expect(kustomization.images[0]?.newTag).toMatch(/^\d+\.\d+\.\d+$/);
    for (const { spec } of podSpecs)
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) expect(container.image).toBe("trm");
  });

  it("every container runs a file of the image, reads the ConfigMap and the Secret, within 512 MiB", () => {
    for (const { spec } of podSpecs)
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
        expect(existsSync(path.join(ROOT, container.command[1] ?? ""))).toBe(true);
        expect(container.envFrom).toEqual([
          { configMapRef: { name: "trm-config" } },
          { secretRef: { name: "trm-secrets" } },
        ]);
        expect(container.resources.requests?.memory).toMatch(/^\d+Mi$/);
        expect(Number.parseInt(container.resources.limits?.memory ?? "0", 10)).toBeLessThanOrEqual(512);
      }
  });

  it("web and worker probe /health (live) and /ready (ready) on a port they declare; disruption budgets match", () => {
    for (const deployment of byKind("Deployment")) {
      const spec = (deployment as never as { spec: { template: { metadata: { labels: object }; spec: PodSpec } } })
        .spec;
      const container = spec.template.spec.containers[0]!;
      const ports = (container.ports ?? []).map((port) => port.name);
      expect(container.livenessProbe?.httpGet).toMatchObject({ path: "/health" });
      expect(container.readinessProbe?.httpGet).toMatchObject({ path: "/ready" });
      expect(ports).toContain(container.readinessProbe?.httpGet?.port);
      const budget = byKind("PodDisruptionBudget").find((pdb) => pdb.metadata?.name === deployment.metadata?.name) as
        (Doc & { spec: { selector: { matchLabels: object } } }) | undefined;
      expect(budget?.spec.selector.matchLabels).toEqual(spec.template.metadata.labels);
    }
    // The worker's probes need its health port on (WORKER_HEALTH_PORT), on the port the Deployment names.
    expect(configMap.data.WORKER_HEALTH_PORT).toBe("3001");
  });

  it("the backup CronJob runs daily at 01:00 Yangon, one at a time, and the workers leave it to it", () => {
    const cron = byKind("CronJob")[0] as Doc & { spec: Record<string, unknown> };
    expect(cron.spec).toMatchObject({ schedule: "0 1 * * *", timeZone: "Asia/Yangon", concurrencyPolicy: "Forbid" });
    expect(configMap.data.BACKUP_SCHEDULE).toBe("external");
  });

  it("the ConfigMap and the Secret name only known variables and together make a valid production config", () => {
    const names = [...Object.keys(configMap.data), ...Object.keys(secret.stringData)];
    expect(names.filter((name) => !known.has(name))).toEqual([]);
    expect(Object.values(secret.stringData).every((value) => value === "")).toBe(true);
    expect(acceptsAsProduction({ ...secret.stringData, ...configMap.data })).toEqual([]);
    // And the check can fail: without the database URL the same names are refused.
    const withoutDatabase = Object.fromEntries(
      Object.entries(secret.stringData).filter(([name]) => name !== "MONGODB_URI"),
    );
    expect(acceptsAsProduction({ ...withoutDatabase, ...configMap.data })).toEqual([
      "MONGODB_URI: required when NODE_ENV=production",
    ]);
  });
});

describe("Render blueprint (infra/render.yaml)", () => {
  const blueprint = parse(read("infra/render.yaml")) as {
    envVarGroups: Array<{ name: string; envVars: Array<{ key: string; value?: string; sync?: boolean }> }>;
    services: Array<Record<string, unknown> & { type: string; envVars: Array<{ fromGroup?: string }> }>;
  };
  const group = blueprint.envVarGroups[0]!;

  it("a web service checked on /ready, a worker and the backup cron at 01:00 Yangon, all from the one image", () => {
    expect(blueprint.services.map((service) => service.type)).toEqual(["web", "worker", "cron"]);
    const [web, worker, cron] = blueprint.services;
    expect(web).toMatchObject({ healthCheckPath: "/ready", dockerfilePath: "./infra/Dockerfile", plan: "starter" });
    expect(worker?.dockerCommand).toBe("node webhooks/main-worker.ts");
    // 18:30 UTC is 01:00 in Yangon (UTC+06:30).
    expect(cron).toMatchObject({ schedule: "30 18 * * *", dockerCommand: "node webhooks/backup-cli.ts backup" });
    for (const service of blueprint.services) {
      expect(service.envVars).toEqual([{ fromGroup: group.name }]);
      const dockerCommand = typeof service.dockerCommand === "string" ? service.dockerCommand : "node webhooks/main.ts";
      const command = dockerCommand.split(" ")[1] ?? "";
      expect(existsSync(path.join(ROOT, command))).toBe(true);
    }
  });

  it("names only known variables, keeps every secret out of the file, and makes a valid production config", () => {
    expect(group.envVars.map((entry) => entry.key).filter((name) => !known.has(name))).toEqual([]);
    const literal = group.envVars.filter((entry) => entry.value !== undefined).map((entry) => entry.key);
    expect(literal.filter((name) => /URI|URL$|KEY|SECRET|TOKEN/.test(name) && name !== "PUBLIC_URL")).toEqual([]);
    const env = Object.fromEntries(group.envVars.map((entry) => [entry.key, entry.value ?? ""]));
    expect(acceptsAsProduction(env)).toEqual([]);
    // Files in a bucket: Render disks attach to one service, and the web and the worker both read the files.
    expect(env).toHaveProperty("FILES_S3_ENDPOINT");
  });
});

describe("the worker's health port", () => {
  let t: TestApp;
  const workers = new WorkerProcesses(() => env);
  let env: Record<string, string> = {};
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    workers.killAll();
    await t.close();
  });

  it("answers /health, /ready and /metrics for the orchestrator's probes", async () => {
    const port = await getPort({ host: "127.0.0.1" });
    env = workerEnv(t, { WORKER_HEALTH_PORT: String(port), HOST: "127.0.0.1", ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
    workers.start();
    let ready: Response | undefined;
    for (let i = 0; i < 100 && ready?.status !== 200; i++) {
      ready = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
      if (ready?.status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(ready?.status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toMatchObject({ status: "ok" });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('queue_jobs{queue="backup"');
    expect(metrics).toContain('dependency_up{dependency="redis"} 1');
  });
});

interface PodSpec {
  initContainers?: Container[];
  containers: Container[];
}
interface Container {
  image: string;
  command: string[];
  envFrom: unknown[];
  ports?: Array<{ name: string; containerPort: number }>;
  resources: { requests?: { memory?: string; cpu?: string }; limits?: { memory?: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  readinessProbe?: { httpGet?: { path: string; port: string } };
}
