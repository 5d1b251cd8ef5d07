// The README's runtime examples, for the tests that run them as written.
import { readFileSync } from "node:fs";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The first ```<lang> block of the README's `## <heading>` section. */
export function readmeExample(heading, lang = "js") {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const rest = readme.slice(start + 1);
  const end = rest.indexOf("\n## ");
  const code = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(end < 0 ? rest : rest.slice(0, end));
  if (!code) throw new Error(`README.md's "## ${heading}" section has no ${lang} example`);
  return code[1];
}
