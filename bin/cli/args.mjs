// The command line's grammar: each command's flags, and the parser that reads
// argv into { command, flags, inputs } or throws a UsageError (exit code 2).
// No I/O and no tokenmeter calls here, so that it can be tested (and fuzzed)
// on its own.

export class UsageError extends Error {
  constructor(message, command) {
    super(message);
    this.name = "UsageError";
    this.code = "USAGE";
    this.command = command ?? null;
  }
}

// A flag's kind: "string", "count" (a whole number >= 0), "boolean", or the
// list of the values it takes. `required` flags must be given.
const json = { kind: "boolean", help: "print JSON (for scripts)" };
const model = { kind: "string", short: "m", help: "a model id (the catalogue's, or tiktoken's OpenAI names)" };

export const COMMANDS = {
  count: {
    summary: "count the tokens of files or of standard input",
    usage: "tokenmeter count [--model M | --encoding E] [--chat] [--json] [files... | -]",
    flags: {
      model,
      encoding: { kind: "string", short: "e", help: "an encoding (o200k_base, cl100k_base, p50k_base, r50k_base ...)" },
      chat: { kind: "boolean", help: "the input is a JSON chat (an array of messages, or { messages, tools }); needs --model" },
      json,
    },
    inputs: "many",
    conflicts: [["model", "encoding"], ["chat", "encoding"]],
    needs: { chat: "model" },
  },
  cost: {
    summary: "the cost of a call",
    usage: "tokenmeter cost --model M --input N --output N [--cached N] [--batch] [--json]",
    flags: {
      model: { ...model, required: true },
      input: { kind: "count", required: true, help: "input tokens, cached ones included" },
      output: { kind: "count", required: true, help: "output tokens, reasoning included" },
      cached: { kind: "count", help: "the input tokens read from the provider's cache" },
      batch: { kind: "boolean", help: "priced at the batch API's rates" },
      json,
    },
    inputs: "none",
  },
  compress: {
    summary: "compress a prompt (fewer tokens, same meaning); the text goes to standard output",
    usage: "tokenmeter compress [--level L] [--model M] [--json] [file | -]",
    flags: {
      level: { kind: ["lossless", "balanced", "aggressive"], help: "lossless, balanced (default) or aggressive" },
      model,
      json,
    },
    inputs: "one",
  },
  compact: {
    summary: "compact context data (JSON, HTML, logs, tables) into fewer tokens; the text goes to standard output",
    usage: "tokenmeter compact [--level L] [--kind K] [--model M | --encoding E] [--json] [file | -]",
    flags: {
      level: { kind: ["lossless", "structural", "lossy"], help: "lossless (default), structural or lossy" },
      kind: { kind: ["auto", "json", "html", "log", "table", "text"], help: "what the input is (default: detected)" },
      model,
      encoding: { kind: "string", short: "e", help: "an encoding to count in" },
      json,
    },
    inputs: "one",
    conflicts: [["model", "encoding"]],
  },
  trim: {
    summary: "fit a JSON chat into a model's context window; the kept messages go to standard output",
    usage: "tokenmeter trim --model M --reserve N [--max-context N] [--strategy S] [--json] [file | -] < chat.json",
    flags: {
      model: { ...model, required: true },
      reserve: { kind: "count", required: true, help: "output tokens to leave room for" },
      "max-context": { kind: "count", help: "the window (default: the model's)" },
      strategy: { kind: ["drop-oldest", "drop-middle"], help: "drop-oldest (default) or drop-middle" },
      json,
    },
    inputs: "one",
  },
  models: {
    summary: "the models of the catalogue, with their windows and prices",
    usage: "tokenmeter models [--provider P] [--json]",
    flags: {
      provider: { kind: "string", short: "p", help: "only this provider's (openai, anthropic, google ...)" },
      json,
    },
    inputs: "none",
  },
};

/** The closest of `names` to `word` (a typo's likely meaning), or null. */
function nearest(word, names) {
  const distance = (a, b) => {
    const d = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = d[0];
      d[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const keep = d[j];
        d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = keep;
      }
    }
    return d[b.length];
  };
  let best = null;
  let bestDistance = 3;
  for (const name of names) {
    const n = distance(word, name);
    if (n < bestDistance) [best, bestDistance] = [name, n];
  }
  return best;
}

/** A flag's value read as its kind. */
function value(command, name, spec, raw) {
  if (spec.kind === "count") {
    if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
      throw new UsageError(`--${name} must be a whole number of tokens (0 or more), got ${JSON.stringify(raw)}`, command);
    }
    return Number(raw);
  }
  if (Array.isArray(spec.kind) && !spec.kind.includes(raw)) {
    throw new UsageError(`--${name} must be one of ${spec.kind.join(", ")}, got ${JSON.stringify(raw)}`, command);
  }
  if (raw === "") throw new UsageError(`--${name} needs a value`, command);
  return raw;
}

/**
 * Reads argv (without node and the script). Returns { help: true, command }
 * for --help, { version: true } for --version, else { command, flags, inputs }
 * with every flag checked (kinds, required, conflicts); throws UsageError.
 */
export function parse(argv) {
  if (!Array.isArray(argv) || argv.some((a) => typeof a !== "string")) throw new UsageError("arguments must be strings");
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError("no command given");
  if (first === "--help" || first === "-h" || first === "help") return { help: true, command: rest[0] in COMMANDS ? rest[0] : null };
  if (first === "--version" || first === "-V") return { version: true };
  if (!Object.hasOwn(COMMANDS, first)) {
    const guess = nearest(first, Object.keys(COMMANDS));
    throw new UsageError(`unknown command ${JSON.stringify(first)}${guess ? ` (did you mean ${guess}?)` : ""}`);
  }
  const command = first;
  const spec = COMMANDS[command];
  const byShort = Object.fromEntries(Object.entries(spec.flags).filter(([, s]) => s.short).map(([n, s]) => [s.short, n]));
  const flags = {};
  const inputs = [];
  let onlyInputs = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (onlyInputs || arg === "-" || !arg.startsWith("-")) {
      inputs.push(arg);
      continue;
    }
    if (arg === "--") {
      onlyInputs = true;
      continue;
    }
    if (arg === "--help" || arg === "-h") return { help: true, command };
    if (arg === "--version" || arg === "-V") return { version: true };
    let name;
    let raw;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      raw = eq < 0 ? undefined : arg.slice(eq + 1);
    } else {
      name = byShort[arg.slice(1, 2)];
      if (name === undefined) throw new UsageError(`unknown flag ${JSON.stringify(arg.slice(0, 2))} for ${command}`, command);
      raw = arg.length > 2 ? arg.slice(2).replace(/^=/, "") : undefined;
    }
    if (!Object.hasOwn(spec.flags, name)) {
      const guess = nearest(name, Object.keys(spec.flags));
      throw new UsageError(`unknown flag --${name} for ${command}${guess ? ` (did you mean --${guess}?)` : ""}`, command);
    }
    if (Object.hasOwn(flags, name)) throw new UsageError(`--${name} is given twice`, command);
    const f = spec.flags[name];
    if (f.kind === "boolean") {
      if (raw !== undefined) throw new UsageError(`--${name} takes no value`, command);
      flags[name] = true;
      continue;
    }
    if (raw === undefined) {
      const next = rest[i + 1];
      if (next === undefined || (next.startsWith("-") && next !== "-" && !/^-[0-9]/.test(next))) {
        throw new UsageError(`--${name} needs a value`, command);
      }
      raw = next;
      i++;
    }
    flags[name] = value(command, name, f, raw);
  }
  for (const [name, f] of Object.entries(spec.flags)) {
    if (f.required && !Object.hasOwn(flags, name)) throw new UsageError(`--${name} is required`, command);
  }
  for (const [a, b] of spec.conflicts ?? []) {
    if (Object.hasOwn(flags, a) && Object.hasOwn(flags, b)) throw new UsageError(`--${a} and --${b} cannot be given together`, command);
  }
  for (const [flag, needed] of Object.entries(spec.needs ?? {})) {
    if (Object.hasOwn(flags, flag) && !Object.hasOwn(flags, needed)) throw new UsageError(`--${flag} needs --${needed}`, command);
  }
  if (spec.inputs === "none" && inputs.length) throw new UsageError(`${command} reads no files, got ${JSON.stringify(inputs[0])}`, command);
  if (spec.inputs === "one" && inputs.length > 1) throw new UsageError(`${command} reads one input (a file or -), got ${inputs.length}`, command);
  return { command, flags, inputs };
}

/** The help text of a command, or of the whole command line. */
export function help(command, version) {
  if (command && COMMANDS[command]) {
    const spec = COMMANDS[command];
    const lines = [`${spec.usage}`, "", `  ${spec.summary}`, ""];
    for (const [name, f] of Object.entries(spec.flags)) {
      const left = `${f.short ? `-${f.short}, ` : "    "}--${name}${f.kind === "boolean" ? "" : f.kind === "count" ? " N" : " VALUE"}`;
      lines.push(`  ${left.padEnd(24)}${f.help}${f.required ? " (required)" : ""}`);
    }
    lines.push(`  ${"-h, --help".padEnd(24)}this help`);
    if (spec.inputs !== "none") lines.push("", "  With no file, or with -, standard input is read.");
    return lines.join("\n") + "\n";
  }
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    `tokenmeter${version ? ` ${version}` : ""}: token counts, costs, compression and trimming for LLM prompts`,
    "",
    "Usage: tokenmeter <command> [flags] [input]",
    "",
    ...Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.summary}`),
    "",
    "  tokenmeter <command> --help   a command's flags",
    "  tokenmeter --version",
    "",
    "Exit codes: 0 ok, 1 a check failed (trim could not fit), 2 usage error,",
    "3 input refused (an error code from tokenmeter, or invalid JSON), 4 a file could not be read.",
    "",
  ].join("\n");
}
