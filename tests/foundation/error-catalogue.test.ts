import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError } from "../../core/errors/app-error.ts";
import { ERROR_CATALOGUE, KIND_STATUS, httpStatusOf, type ErrorCode } from "../../core/errors/error-catalogue.ts";

const PRODUCT = ["core", "bots", "jobs", "webhooks", "infra"];
const sources = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", ...PRODUCT], {
  encoding: "utf8",
})
  .split("\n")
  .filter((file) => file.endsWith(".ts") && !file.endsWith("error-catalogue.ts") && existsSync(file))
  .map((file) => ({ file, text: readFileSync(file, "utf8") }));
const known = new Set(Object.keys(ERROR_CATALOGUE));

/** Every place a code is raised, answered or compared against. */
function codesUsed(): Map<string, string> {
  const patterns = [
    /new AppError\(\s*"([a-z_]+)"/g,
    /super\(\s*"([a-z_]+)"/g,
    /errorBody\(\s*"([a-z_]+)"/g,
    /refuse\(\s*"([a-z_]+)"/g,
    /\.code === "([a-z_]+)"/g,
    /case "([a-z_]+)":/g,
    /code: "([a-z_]+)", message:/g,
  ];
  const used = new Map<string, string>();
  for (const { file, text } of sources)
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) used.set(match[1] ?? "", file);
  return used;
}

describe("the error catalogue", () => {
  it("defines every code the product raises, answers with or tests for", () => {
    const used = codesUsed();
    const raised = [...used].filter(([code, file]) => {
      // `case "x":` also matches switches over statuses and kinds; only error switches name catalogue codes.
      const text = sources.find((source) => source.file === file)?.text ?? "";
      return !known.has(code) && new RegExp(`(AppError|errorBody|refuse|\\.code === )\\(?\\s*"${code}"`).test(text);
    });
    expect(raised).toEqual([]);
  });

  it("has no dead entries: each code is used somewhere in the product", () => {
    const everything = sources.map((source) => source.text).join("\n");
    const dead = [...known].filter((code) => !everything.includes(`"${code}"`));
    expect(dead).toEqual([]);
  });

  it("leaves no plain Error thrown in product code", () => {
    const plain = sources.filter(({ text }) => /throw new Error\(/.test(text)).map(({ file }) => file);
    expect(plain).toEqual([]);
  });

  it("names one code for a bad signature on every webhook, answered 401", () => {
    const names = ["unauthorized", "invalid_signature"].filter((name) =>
      sources.some(({ text }) => text.includes(`"${name}"`) && /errorBody|refuse|AppError/.test(text)),
    );
    expect(names.filter((name) => known.has(name))).toEqual([]);
    expect(httpStatusOf("bad_signature")).toBe(401);
    expect(new AppError("bad_signature", "x").httpStatus).toBe(401);
  });

  it("gives each code a kind, a status, and retryability from its kind", () => {
    for (const code of Object.keys(ERROR_CATALOGUE) as ErrorCode[]) {
      const error = new AppError(code, "x");
      expect(KIND_STATUS[error.kind]).toBeTypeOf("number");
      expect(error.retryable).toBe(["transport_failed", "retry_later", "unavailable"].includes(error.kind));
    }
    expect(httpStatusOf("payload_too_large")).toBe(413);
    expect(httpStatusOf("gateway_unreachable")).toBe(502);
    expect(new AppError("gateway_unreachable", "x").retryable).toBe(true);
  });

  it("points each user-facing message at a text that exists in English and Burmese", () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      if (!("message" in spec)) continue;
      const [namespace = "", path = ""] = spec.message.split(":");
      for (const language of ["en", "my"]) {
        const resource: unknown = JSON.parse(readFileSync(`locales/${language}/${namespace}.json`, "utf8"));
        const value = path
          .split(".")
          .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], resource);
        expect(typeof value, `${code} → ${language}:${spec.message}`).toBe("string");
      }
    }
  });
});
