/**
 * Fails when a source line is longer than the formatter's print width. Prettier does not break
 * strings, comments or template literals, so this catches what it leaves long. Data files
 * (translations, datasets, lock files) are not source and are not checked.
 * Usage: node infra/lint/line-length.ts [max]
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const max = Number(process.argv[2] ?? 120);
const SOURCE = /\.(ts|js|mjs|cjs|css|html|sh)$/;
const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
  encoding: "utf8",
})
  .split("\0")
  .filter((file) => SOURCE.test(file) || file.startsWith(".ci/"));
/**
 * Columns as the formatter counts them: combining marks (Burmese vowel signs, medials, asat) take no column of their
 * own, pictographs take two, everything else one. Bytes would count a Burmese letter three times.
 */
function displayWidth(line: string): number {
  let width = 0;
  for (const character of line)
    width += /\p{M}/u.test(character) ? 0 : /\p{Extended_Pictographic}/u.test(character) ? 2 : 1;
  return width;
}

const long: string[] = [];
for (const file of tracked) {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    continue; // deleted in the work tree
  }
  text.split("\n").forEach((line, index) => {
    const width = displayWidth(line);
    if (width > max) long.push(`${file}:${index + 1}: ${width} characters`);
  });
}
if (long.length > 0) {
  console.error(`${long.length} line(s) over ${max} characters:\n${long.join("\n")}`);
  process.exit(1);
}
