import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/setup/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file builds its own app against its own database and Redis prefix,
    // so files may run in parallel; two cores make two workers the sweet spot.
    pool: "forks",
    maxWorkers: 2,
  },
});
