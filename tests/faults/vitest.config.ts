import { defineConfig } from "vitest/config";

/** `npm run faults`: the fault scenarios, one file at a time (each starts and kills its own services). */
export default defineConfig({
  test: {
    include: ["tests/faults/**/*.faults.ts"],
    globalSetup: ["tests/setup/global-setup.ts"],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
  },
});
