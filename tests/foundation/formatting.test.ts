import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CHECKER = path.join(ROOT, "infra/lint/line-length.ts");

describe("the formatter and the line limit", () => {
  it("npm run lint checks formatting with Prettier and the 120-column limit", () => {
    const lint = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { lint: string } })
      .scripts.lint;
    expect(lint).toContain("prettier --check .");
    expect(lint).toContain("node infra/lint/line-length.ts");
  });

  it("Prettier, with the project's settings, refuses an unformatted file", async () => {
    const file = path.join(ROOT, "core/example.ts");
    const options = { ...(await prettier.resolveConfig(file)), filepath: file };
    expect(options.printWidth).toBe(120);
    expect(await prettier.check("const a = {b:1,\n  c:2}\n", options)).toBe(false);
    expect(await prettier.check("const a = { b: 1, c: 2 };\n", options)).toBe(true);
  });

  it("the line checker fails on a line over 120 columns and counts Burmese marks as no column", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "trm-lint-"));
    try {
      execFileSync("git", ["init", "-q"], { cwd: dir });
      // 313 code points but 113 columns: each ကို is a letter and two vowel signs, which take no column of their own.
      writeFileSync(path.join(dir, "ok.ts"), `const a = "${"ကို".repeat(100)}";\n`);
      expect(spawnSync(process.execPath, [CHECKER], { cwd: dir }).status).toBe(0);
      writeFileSync(path.join(dir, "long.ts"), `const b = "${"x".repeat(110)}";\n`);
      const run = spawnSync(process.execPath, [CHECKER], { cwd: dir, encoding: "utf8" });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("long.ts:1: 123 characters");
      expect(run.stderr).not.toContain("ok.ts");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
