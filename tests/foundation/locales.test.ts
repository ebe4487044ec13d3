import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../locales");

/** Every text of a language, by `namespace:key.path`. */
function texts(language: string): Map<string, string> {
  const all = new Map<string, string>();
  const walk = (node: unknown, prefix: string) => {
    if (typeof node === "string") all.set(prefix, node);
    else if (node !== null && typeof node === "object")
      for (const [key, value] of Object.entries(node))
        walk(value, prefix.endsWith(":") ? prefix + key : `${prefix}.${key}`);
  };
  for (const file of readdirSync(path.join(ROOT, language)).filter((name) => name.endsWith(".json")))
    walk(JSON.parse(readFileSync(path.join(ROOT, language, file), "utf8")), `${path.basename(file, ".json")}:`);
  return all;
}

const en = texts("en");
const my = texts("my");
/** Plural keys differ by language (English `_one`/`_other`, Burmese `_other` only). */
const base = (key: string) => key.replace(/_(one|other)$/, "");
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((match) => match[1]).sort();
const LETTER = "\\u1000-\\u103F\\u104C-\\u109F";
/** What is not Burmese prose inside a Burmese text: placeholders, links, commands, ids and Latin words or codes. */
const prose = (text: string) =>
  text
    .replace(/\{\{[^}]*\}\}/g, " ")
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/\/[a-z]+\b/g, " ")
    .replace(/[0-9]*[A-Za-z0-9_./@-]*[A-Za-z][A-Za-z0-9_./@()-]*/g, " ");

const offending = (test: (text: string) => boolean) =>
  [...my].filter(([, text]) => test(text)).map(([key, text]) => `${key}: ${text}`);

describe("locales", () => {
  it(`have the same ${en.size} texts in English and Burmese`, () => {
    const myKeys = new Set([...my.keys()].map(base));
    const enKeys = new Set([...en.keys()].map(base));
    expect([...enKeys].filter((key) => !myKeys.has(key))).toEqual([]);
    expect([...myKeys].filter((key) => !enKeys.has(key))).toEqual([]);
  });

  it("use the same placeholders in both languages", () => {
    const differ = [...my]
      .filter(([key, text]) => {
        const english = en.get(key) ?? en.get(`${base(key)}_other`) ?? en.get(base(key));
        return english !== undefined && placeholders(english).join() !== placeholders(text).join();
      })
      .map(([key]) => key);
    expect(differ).toEqual([]);
  });

  it("write numbers in Burmese digits in Burmese text (ids, commands and Latin codes excepted)", () => {
    expect(offending((text) => /[0-9]/.test(prose(text)))).toEqual([]);
  });

  it("use Burmese punctuation in Burmese sentences: no ASCII ? and no ASCII comma between Burmese words", () => {
    const ascii = new RegExp(`[${LETTER}]\\s*\\?|[${LETTER}]\\s*,\\s*[${LETTER}]`);
    expect(offending((text) => ascii.test(prose(text)))).toEqual([]);
  });

  it("have no slash alternatives between Burmese words (write around them)", () => {
    expect(offending((text) => new RegExp(`[${LETTER}]\\s*/\\s*[${LETTER}]`).test(text))).toEqual([]);
  });

  it("keep one polite colloquial register: …ပါတယ်, …ပါမယ်, ရဲ့ (not …သည်, …မည်, ၏)", () => {
    const formal = /(?:ပါ)?သည်(?:။|$)|ပါမည်|(?<!အ)(?<![@])မည်(?:[။:]|$|\s)|၏|(?<!မ)သည့်/u;
    expect(offending((text) => formal.test(text))).toEqual([]);
  });
});
