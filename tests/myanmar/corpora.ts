/**
 * Outside test data: google/myanmar-tools' own corpora (Apache-2.0), as the installed `myanmar-tools` package ships
 * them in `resources/` and `spec/`: the Myanmar government text (`mmgov_*`) and the Universal Declaration of Human
 * Rights (`udhr_*`), each in Zawgyi and Unicode line by line, and the converter's spec pairs. Nothing is copied into
 * this repository; the files are read from node_modules at test time.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";

const ROOT = path.dirname(createRequire(import.meta.url).resolve("myanmar-tools/package.json"));
const lines = (file: string): string[] => readFileSync(path.join(ROOT, "resources", file), "utf8").split("\n");
const MYANMAR = /[\u1000-\u109F]/;

export interface Pair {
  set: string;
  zawgyi: string;
  unicode: string;
}

/** Line pairs, and word pairs where a line splits into the same number of words in both encodings. */
function aligned(set: string, zawgyi: string[], unicode: string[]): Pair[] {
  const pairs: Pair[] = [];
  for (let i = 0; i < Math.min(zawgyi.length, unicode.length); i++) {
    const z = (zawgyi[i] ?? "").trim();
    const u = (unicode[i] ?? "").trim();
    if (!MYANMAR.test(z)) continue;
    pairs.push({ set: `${set} lines`, zawgyi: z, unicode: u });
    const zw = z.split(/\s+/);
    const uw = u.split(/\s+/);
    if (zw.length !== uw.length) continue;
    zw.forEach((word, k) => {
      if (MYANMAR.test(word)) pairs.push({ set: `${set} words`, zawgyi: word, unicode: uw[k] ?? "" });
    });
  }
  return pairs;
}

export function textPairs(): Pair[] {
  return [
    ...aligned("mmgov", lines("mmgov_zawgyi_src.txt"), lines("mmgov_unicode_out.txt")),
    ...aligned("udhr", lines("udhr_mya_zawgyi_out.txt"), lines("udhr_mya_unicode_src.txt")),
  ];
}

/** The converter's own spec pairs (edge cases of the conversion rules, not running text). */
export function specPairs(): Pair[] {
  const spec = readFileSync(path.join(ROOT, "spec", "zawgyi_converter_spec.js"), "utf8");
  const literal = /var zawygi_unicode_convert_data = (\[[\s\S]*?\n\]);/.exec(spec)?.[1] ?? "[]";
  const data = vm.runInNewContext(literal) as Array<{ z: string; u: string }>;
  return data.filter(({ z }) => MYANMAR.test(z)).map(({ z, u }) => ({ set: "converter spec", zawgyi: z, unicode: u }));
}
