#!/usr/bin/env node
// The `tokenmeter` command (Node 18 or later). Errors go to stderr with their
// code; the exit code says what happened:
//   0 ok
//   1 a check failed (trim: the messages do not fit)
//   2 usage error (unknown command or flag, missing or malformed value, conflicting flags)
//   3 input refused: a TokenmeterError (its code and field are printed) or invalid JSON
//   4 a file could not be read
//   70 an internal error (a bug: please report it)
// See docs/cli.md.
import { readFileSync } from "node:fs";
import { COMMANDS, UsageError, help, parse } from "./cli/args.mjs";

const EXIT = { ok: 0, usage: 2, refused: 3, read: 4, internal: 70 };

const version = () => JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;

// `| head` closes stdout early: that is not an error.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(EXIT.ok);
  throw e;
});

/** Where a field the package names was given on the command line. */
const FLAG_OF = {
  model: "--model",
  "options.model": "--model",
  "options.encoding": "--encoding",
  inputTokens: "--input",
  outputTokens: "--output",
  cachedInputTokens: "--cached",
  "options.reserveOutputTokens": "--reserve",
  "options.maxContextTokens": "--max-context",
};

/** One line: the code, the field (the package's messages start with it) and the flag it came from. */
function report(error, json) {
  if (json) {
    process.stderr.write(`${JSON.stringify({ error: { code: error.code ?? null, field: error.field ?? null, message: error.message } })}\n`);
    return;
  }
  const { code, field, message } = error;
  const flag = field && FLAG_OF[field] ? ` (${FLAG_OF[field]})` : "";
  const where = field && !message.startsWith(`${field}: `) ? `${field}: ` : "";
  process.stderr.write(`tokenmeter: ${code}${flag}: ${where}${message}\n`);
}

async function main(argv) {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const json = argv.includes("--json");
    if (json) report(e, true);
    else {
      process.stderr.write(`tokenmeter: ${e.message}\n`);
      process.stderr.write(e.command ? `Usage: ${COMMANDS[e.command].usage}\nTry 'tokenmeter ${e.command} --help'.\n` : `Try 'tokenmeter --help'.\n`);
    }
    return EXIT.usage;
  }
  if (parsed.version) {
    process.stdout.write(`tokenmeter ${version()}\n`);
    return EXIT.ok;
  }
  if (parsed.help) {
    process.stdout.write(help(parsed.command, version()));
    return EXIT.ok;
  }
  // The package is loaded only for a command (help and usage errors stay instant).
  const { RUN } = await import("./cli/commands.mjs");
  try {
    return await RUN[parsed.command](parsed.flags, parsed.inputs);
  } catch (e) {
    if (e?.name === "TokenmeterError" || e?.name === "InputError") {
      report(e, parsed.flags.json);
      return EXIT.refused;
    }
    if (e?.name === "ReadError") {
      report(e, parsed.flags.json);
      return EXIT.read;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`tokenmeter: internal error: ${e?.message ?? e} (a bug: please report it${process.env.TOKENMETER_DEBUG ? "" : "; TOKENMETER_DEBUG=1 shows the trace"})\n`);
    if (process.env.TOKENMETER_DEBUG) process.stderr.write(`${e?.stack}\n`);
    process.exitCode = EXIT.internal;
  },
);
