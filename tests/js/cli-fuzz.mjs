// Fuzzes the command line's argument parser (bin/cli/args.mjs, as installed
// with the package) with random argv, checking what the parser promises:
// it returns or throws a UsageError (nothing else), and what it returns
// obeys the grammar (known command and flags, values of their kind, required
// flags present, no conflicting flags, the inputs the command takes), is the
// same when parsed again from its canonical form, and is deterministic.
//
//   node tests/js/cli-fuzz.mjs [seconds] [seed]   (prints inputs run and time)
// cli.test.mjs runs it for a few seconds; docs/cli.md records the long runs.
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";

const argsModule = new URL("./node_modules/tokenmeter/bin/cli/args.mjs", import.meta.url);
const { COMMANDS, UsageError, parse } = await import(argsModule.href);

/** xorshift32: a seeded, reproducible stream. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return { below: (n) => next() % n, pick: (a) => a[next() % a.length] };
}

const WORDS = [
  ...Object.keys(COMMANDS),
  "cnt", "Count", "help", "--help", "-h", "--version", "-V", "", " ", "-", "--", "---", "-=", "--=", "=",
  ...new Set(Object.values(COMMANDS).flatMap((c) => Object.keys(c.flags)).flatMap((f) => [`--${f}`, `--${f}=`, `-${f}`, f])),
  "-m", "-e", "-p", "-mgpt-4o", "-m=gpt-4o", "-x", "--Model", "--model==x", "--input=12", "--output=0", "--cached=-1",
  "gpt-4o", "claude-sonnet-4-5", "o200k_base", "cl100k_base", "nope", "file.txt", "chat.json", "-file",
  "0", "1", "7", "007", "-5", "1.5", "1e3", "0x10", " 3", "9007199254740993", "NaN", "Infinity", "१२",
  "lossless", "balanced", "aggressive", "structural", "lossy", "drop-oldest", "drop-middle", "json", "html",
  "openai", "anthropic", "--json", "--chat", "--batch", "\u0000", "é", "🙂", "--🙂", "-🙂",
];

/** A random token: a word, two words glued, or random characters. */
function token(r) {
  switch (r.below(8)) {
    case 0:
      return r.pick(WORDS) + r.pick(WORDS);
    case 1:
      return Array.from({ length: r.below(6) }, () => String.fromCodePoint(r.pick([45, 61, 48, 109, 32, 0x1f642, 0xe9, r.below(0x800)]))).join("");
    default:
      return r.pick(WORDS);
  }
}

const VALUES = {
  count: ["0", "1", "42", "007", "128000", "-5", "1.5", "1e3", "", "x", "9007199254740993"],
  string: ["gpt-4o", "claude-sonnet-4-5", "o200k_base", "x", "", "-", "🙂"],
};

/** An argv built from a command's own flags (so that most are accepted), with some noise. */
function structured(r) {
  const command = r.pick(Object.keys(COMMANDS));
  const argv = [];
  for (const [name, f] of Object.entries(COMMANDS[command].flags)) {
    if (r.below(10) < 3 && !f.required) continue;
    const values = Array.isArray(f.kind) ? [...f.kind, "other", ""] : (VALUES[f.kind] ?? []);
    const v = r.pick(values.length ? values : [""]);
    if (f.kind === "boolean") argv.push(r.below(8) ? `--${name}` : `--${name}=1`);
    else if (f.short && r.below(3) === 0) argv.push(`-${f.short}`, v);
    else if (r.below(2)) argv.push(`--${name}=${v}`);
    else argv.push(`--${name}`, v);
  }
  for (let n = r.below(3); n > 0; n--) argv.splice(r.below(argv.length + 1), 0, r.below(3) ? r.pick(["file.txt", "-", "chat.json"]) : token(r));
  // Shuffle flag order a little (values stay after their flags only by luck: noise too).
  if (r.below(4) === 0 && argv.length > 1) {
    const i = r.below(argv.length);
    const j = r.below(argv.length);
    [argv[i], argv[j]] = [argv[j], argv[i]];
  }
  return [command, ...argv];
}

/** Checks one parse's result against the grammar; returns the failure, or null. */
function violation(argv, result) {
  if (result.help || result.version) return null;
  const spec = COMMANDS[result.command];
  if (!spec) return `unknown command ${result.command}`;
  for (const [name, v] of Object.entries(result.flags)) {
    const f = spec.flags[name];
    if (!f) return `unknown flag ${name}`;
    if (f.kind === "boolean" && v !== true) return `${name} is not true`;
    if (f.kind === "count" && !(Number.isSafeInteger(v) && v >= 0)) return `${name} = ${v} is not a count`;
    if (f.kind === "string" && !(typeof v === "string" && v !== "")) return `${name} is not a string`;
    if (Array.isArray(f.kind) && !f.kind.includes(v)) return `${name} = ${v} is not one of its values`;
  }
  for (const [name, f] of Object.entries(spec.flags)) if (f.required && !(name in result.flags)) return `${name} is missing`;
  for (const [a, b] of spec.conflicts ?? []) if (a in result.flags && b in result.flags) return `${a} with ${b}`;
  if (spec.inputs === "none" && result.inputs.length) return "inputs where none are read";
  if (spec.inputs === "one" && result.inputs.length > 1) return "more than one input";
  if (!result.inputs.every((i) => argv.includes(i))) return "an input not in argv";
  // A flag given twice is refused, not overwritten.
  const byShort = Object.fromEntries(Object.entries(spec.flags).filter(([, f]) => f.short).map(([n, f]) => [f.short, n]));
  const seen = new Set();
  for (const t of argv.slice(1)) {
    if (t === "--") break;
    const name = /^--[^=]/.test(t) ? t.slice(2).split("=")[0] : /^-[^-0-9]/.test(t) ? byShort[t[1]] : undefined;
    if (name === undefined || name === "help" || name === "version") continue;
    if (seen.has(name)) return `--${name} given twice was accepted`;
    seen.add(name);
  }
  // Parsed again from its canonical form, the same.
  const canonical = [
    result.command,
    ...Object.entries(result.flags).map(([k, v]) => (v === true ? `--${k}` : `--${k}=${v}`)),
    "--",
    ...result.inputs,
  ];
  const again = parse(canonical);
  if (!isDeepStrictEqual(again, result)) return `canonical form ${JSON.stringify(canonical)} parses to ${JSON.stringify(again)}`;
  return null;
}

/** Runs for `seconds`; returns { inputs, accepted, refused, ms }, or throws with the failing argv. */
export function fuzz(seconds, seed = 1) {
  const r = rng(seed);
  const start = Date.now();
  let inputs = 0;
  let accepted = 0;
  let refused = 0;
  while (Date.now() - start < seconds * 1000) {
    for (let k = 0; k < 1000; k++) {
      let argv;
      if (k % 2) argv = structured(r);
      else {
        argv = Array.from({ length: r.below(9) }, () => token(r));
        if (r.below(3)) argv.unshift(r.pick(Object.keys(COMMANDS)));
      }
      inputs++;
      let result;
      try {
        result = parse(argv);
      } catch (e) {
        if (!(e instanceof UsageError) || typeof e.message !== "string" || e.message === "" || e.code !== "USAGE") {
          throw new Error(`parse(${JSON.stringify(argv)}) threw ${e?.stack ?? e}`);
        }
        let again;
        try {
          parse(argv);
        } catch (e2) {
          again = e2.message;
        }
        if (again !== e.message) throw new Error(`parse(${JSON.stringify(argv)}) is not deterministic`);
        refused++;
        continue;
      }
      accepted++;
      const bad = violation(argv, result);
      if (bad) throw new Error(`parse(${JSON.stringify(argv)}) = ${JSON.stringify(result)}: ${bad}`);
    }
  }
  return { inputs, accepted, refused, ms: Date.now() - start };
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const seconds = Number(process.argv[2] ?? 10);
  const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
  const result = fuzz(seconds, seed);
  console.log(JSON.stringify({ file: fileURLToPath(import.meta.url), seed, ...result }));
}
