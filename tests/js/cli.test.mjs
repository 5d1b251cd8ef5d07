// The `tokenmeter` command, run as a user runs it: the bin the packed
// package installs (node_modules/.bin/tokenmeter). Every command with files
// and standard input, --json, the exit codes and errors with their codes on
// stderr; a count across chunk boundaries equal to countTokens of the whole;
// a few-hundred-megabyte count in flat memory (its peak RSS printed, with no
// timed assertion); the progress line only on a terminal; and the argument
// parser's bad-input cases and a short fuzz run (cli-fuzz.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tm from "tokenmeter/all";
import * as html from "tokenmeter/html";
import { fuzz } from "./cli-fuzz.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const bin = join(here, "node_modules", ".bin", "tokenmeter");
const pkg = JSON.parse(readFileSync(join(here, "node_modules", "tokenmeter", "package.json"), "utf8"));
let dir;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "tokenmeter-cli-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the installed bin; stdin is `input` (or empty). */
function run(args, { input = "", env } = {}) {
  const r = spawnSync(bin, args, { input, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name, content) {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A user error: the exit code, a message on stderr naming what is wrong, never a trace. */
function refused(r, status, pattern) {
  assert.equal(r.status, status, `exit ${r.status}: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error|Error: /, "no stack trace");
  assert.equal(r.stdout, "");
}

const PROSE = "Summarise the attached contract in three bullet points. It's due on Friday, isn't it?\n";

test("the bin is the package's: --version, --help, a command's --help", () => {
  assert.ok(pkg.bin?.tokenmeter, "package.json has a bin");
  const v = run(["--version"]);
  assert.equal(v.status, 0);
  assert.equal(v.stdout, `tokenmeter ${pkg.version}\n`);
  const h = run(["--help"]);
  assert.equal(h.status, 0);
  for (const c of ["count", "cost", "compress", "compact", "trim", "models"]) assert.match(h.stdout, new RegExp(`\\n  ${c} `));
  assert.match(h.stdout, /Exit codes: 0 ok, 1 a check failed/);
  const c = run(["count", "--help"]);
  assert.equal(c.status, 0);
  assert.match(c.stdout, /^tokenmeter count \[--model M \| --encoding E\]/);
  assert.match(c.stdout, /--chat/);
  refused(run([]), 2, /no command given\nTry 'tokenmeter --help'/);
});

test("count: standard input prints the count alone, as countTokens counts it", () => {
  assert.deepEqual(run(["count"], { input: "hello world" }), { status: 0, stdout: "2\n", stderr: "" });
  assert.equal(run(["count", "-"], { input: PROSE }).stdout, `${tm.countTokens(PROSE)}\n`);
  assert.equal(run(["count", "--model", "gpt-4"], { input: PROSE }).stdout, `${tm.countTokens(PROSE, { model: "gpt-4" })}\n`);
  assert.equal(run(["count", "-e", "r50k_base"], { input: PROSE }).stdout, `${tm.countTokens(PROSE, { encoding: "r50k_base" })}\n`);
  // An estimated model (Claude): the catalogue's scaled estimate.
  assert.equal(run(["count", "-m", "claude-sonnet-4-5"], { input: PROSE }).stdout, `${tm.countTokens(PROSE, { model: "claude-sonnet-4-5" })}\n`);
  assert.deepEqual(JSON.parse(run(["count", "--json", "--encoding=cl100k_base"], { input: PROSE }).stdout), {
    tokens: tm.countTokens(PROSE, { encoding: "cl100k_base" }),
    encoding: "cl100k_base",
    exact: true,
  });
  assert.equal(run(["count"], { input: "" }).stdout, "0\n");
});

test("count: an open-weight model or encoding counts exactly, through its family's entry point", async () => {
  const llama3 = await import("tokenmeter/llama3");
  const text = "Привет, мир! 東京タワー 12345";
  const model = "@cf/meta/llama-3.1-8b-instruct";
  assert.equal(run(["count", "-m", model], { input: text }).stdout, `${llama3.countTokens(text, { model })}\n`);
  assert.deepEqual(JSON.parse(run(["count", "--json", "-m", model], { input: text }).stdout), {
    tokens: llama3.countTokens(text, { encoding: "llama3" }),
    model,
    encoding: "llama3",
    exact: true,
  });
  assert.equal(run(["count", "-e", "gemma3"], { input: text }).stdout, `${(await import("tokenmeter/gemma")).countTokens(text, { encoding: "gemma3" })}\n`);
  // tokenmeter/all itself only estimates it, and says where it is exact.
  assert.equal(tm.tokenizerInfo(model).exact, false);
  assert.deepEqual(tm.entryPointsOf("llama3"), ["tokenmeter/llama3"]);
  assert.deepEqual(tm.entryPointsOf("o200k_base").includes("tokenmeter/o200k"), true);
});

test("count: files, as wc prints them: a count per file, then a total", () => {
  const a = file("a.txt", PROSE);
  const b = file("b.txt", "中文字符，日本語の文章。🙂 naïve\n".repeat(3));
  const na = tm.countTokens(PROSE);
  const nb = tm.countTokens(readFileSync(b, "utf8"));
  const width = String(na + nb).length;
  const line = (n, name) => `${String(n).padStart(width)} ${name}\n`;
  assert.deepEqual(run(["count", a, b]), { status: 0, stdout: line(na, a) + line(nb, b) + line(na + nb, "total"), stderr: "" });
  // One file: its line, no total.
  assert.equal(run(["count", a]).stdout, `${na} ${a}\n`);
  // - among files is standard input.
  const r = run(["count", a, "-"], { input: "hello world" });
  assert.equal(r.stdout, `${String(na).padStart(String(na + 2).length)} ${a}\n${"2".padStart(String(na + 2).length)} -\n${na + 2} total\n`);
  const j = JSON.parse(run(["count", "--json", a, b]).stdout);
  assert.deepEqual(j, { files: [{ name: a, tokens: na }, { name: b, tokens: nb }], total: na + nb, encoding: "o200k_base", exact: true });
  // A file that cannot be read is reported; the others are counted; exit 4.
  const missing = join(dir, "missing.txt");
  const m = run(["count", a, missing, b]);
  assert.equal(m.status, 4);
  assert.equal(m.stderr, `tokenmeter: ${missing}: no such file\n`);
  assert.equal(m.stdout, line(na, a) + line(nb, b) + line(na + nb, "total"));
  const d = run(["count", dir]);
  assert.equal(d.status, 4);
  assert.equal(d.stderr, `tokenmeter: ${dir}: is a directory\n`);
});

test("count: a text crossing the 1 MiB read chunks (and UTF-8 characters cut by them) counts as the whole text", () => {
  // 4-byte emoji, 3-byte CJK and 2-byte Latin so that chunk boundaries fall
  // inside characters; words, whitespace runs and contractions across them.
  const unit = "naïve café — they're 中文字符🙂🙂 \n\n  x'll 12345 ";
  let text = "";
  for (let i = 0; text.length < 3_500_000; i++) text += unit.slice(i % 7) + unit.slice(0, i % 11);
  const path = file("chunks.txt", text);
  assert.ok(Buffer.byteLength(text) > 3 * 1024 * 1024, "more than three chunks");
  for (const [flag, value] of [["--encoding", "o200k_base"], ["--encoding", "cl100k_base"], ["--encoding", "r50k_base"], ["--model", "claude-sonnet-4-5"]]) {
    const r = run(["count", flag, value, path]);
    assert.equal(r.stdout, `${tm.countTokens(text, { [flag.slice(2)]: value })} ${path}\n`, `${flag} ${value}`);
  }
  // The same through standard input, and a byte-order mark is text.
  assert.equal(run(["count", "-"], { input: text }).stdout, `${tm.countTokens(text)}\n`);
  const bom = file("bom.txt", `\uFEFF${PROSE}`);
  assert.equal(run(["count", bom]).stdout, `${tm.countTokens(`\uFEFF${PROSE}`)} ${bom}\n`);
});

test("count --chat: a JSON chat, as countChatTokens counts it", () => {
  const messages = [
    { role: "system", content: "You are terse." },
    { role: "user", content: "What is 2 + 2?" },
  ];
  const tools = [{ type: "function", function: { name: "add", parameters: { type: "object", properties: { a: { type: "number" } } } } }];
  const chat = file("chat.json", JSON.stringify(messages));
  const request = file("request.json", JSON.stringify({ model: "gpt-4o", messages, tools }));
  assert.equal(run(["count", "--chat", "--model", "gpt-4o", chat]).stdout, `${tm.countChatTokens(messages, { model: "gpt-4o" })} ${chat}\n`);
  assert.equal(run(["count", "--chat", "-m", "gpt-4o"], { input: readFileSync(request) }).stdout, `${tm.countChatTokens(messages, { model: "gpt-4o", tools })}\n`);
  refused(run(["count", "--chat"], { input: "[]" }), 2, /--chat needs --model/);
  refused(run(["count", "--chat", "-m", "gpt-4o"], { input: "{" }), 3, /^tokenmeter: INVALID_JSON: standard input: not valid JSON/);
  refused(run(["count", "--chat", "-m", "gpt-4o"], { input: '[{"content":"x"}]' }), 3, /^tokenmeter: INVALID_ARGUMENT: messages\[0\]\.role: is required\n$/);
});

test("cost: plain and --json, as estimateCost prices the call", () => {
  const c = tm.estimateCost({ model: "gpt-4o", inputTokens: 120000, outputTokens: 800, cachedInputTokens: 100000 });
  const j = run(["cost", "--model", "gpt-4o", "--input", "120000", "--output", "800", "--cached", "100000", "--json"]);
  assert.equal(j.status, 0);
  assert.deepEqual(JSON.parse(j.stdout), c);
  const p = run(["cost", "-m", "gpt-4o", "--input=120000", "--output=800", "--cached=100000"]);
  assert.equal(p.status, 0);
  assert.match(p.stdout, /^model        gpt-4o\n/);
  assert.match(p.stdout, /\ninput        \$0\.05 {2}\(20000 tokens\)\n/); // 20,000 x $2.50/M
  assert.match(p.stdout, /\ncached input \$0\.125 {2}\(100000 tokens\)\n/); // 100,000 x $1.25/M
  assert.match(p.stdout, /\noutput       \$0\.008 {2}\(800 tokens\)\n/); // 800 x $10/M
  assert.match(p.stdout, /\ntotal        \$0\.183\n$/);
  // Amounts to the pico-dollar, not rounded away: one token of gpt-4o-mini input ($0.15/M).
  assert.match(run(["cost", "-m", "gpt-4o-mini", "--input", "1", "--output", "0"]).stdout, /\ntotal        \$0\.00000015\n$/);
  const batch = JSON.parse(run(["cost", "-m", "gpt-4o", "--input", "1000000", "--output", "0", "--batch", "--json"]).stdout);
  assert.equal(batch.total, tm.estimateCost({ model: "gpt-4o", inputTokens: 1e6, outputTokens: 0, batch: true }).total);
  assert.ok(batch.total < tm.estimateCost({ model: "gpt-4o", inputTokens: 1e6, outputTokens: 0 }).total);
  // The package's refusal, with its code, field and the flag it came from.
  refused(run(["cost", "-m", "gpt-9o", "--input", "1", "--output", "1"]), 3, /^tokenmeter: UNKNOWN_MODEL \(--model\): model: unknown model "gpt-9o" \(did you mean gpt-4o/);
  refused(run(["cost", "-m", "gpt-4o", "--input", "1", "--output", "1", "--cached", "5"]), 3, /^tokenmeter: INVALID_ARGUMENT \(--cached\): cachedInputTokens: cachedInputTokens \+ cacheWriteTokens \(5\) exceed inputTokens \(1\)/);
  const e = run(["cost", "-m", "gpt-9o", "--input", "1", "--output", "1", "--json"]);
  assert.equal(e.status, 3);
  const err = JSON.parse(e.stderr).error;
  assert.equal(err.code, "UNKNOWN_MODEL");
  assert.equal(err.field, "model");
});

test("compress: the text to stdout, --json for the numbers, files and standard input", () => {
  const prompt = "Please note that in order to answer, you should read the text.  \n\n\nI would like you to be brief.\n";
  const r = tm.compressPrompt(prompt);
  assert.ok(r.savedTokens > 0);
  assert.deepEqual(run(["compress"], { input: prompt }), { status: 0, stdout: r.text, stderr: "" });
  const path = file("prompt.txt", prompt);
  assert.equal(run(["compress", "--level", "aggressive", path]).stdout, tm.compressPrompt(prompt, { level: "aggressive" }).text);
  assert.deepEqual(JSON.parse(run(["compress", "--json", "--level=lossless", path]).stdout), tm.compressPrompt(prompt, { level: "lossless" }));
  refused(run(["compress", "--level", "max"], { input: prompt }), 2, /--level must be one of lossless, balanced, aggressive, got "max"/);
});

test("compact: the text to stdout, as compactContext writes it (JSON, HTML, logs)", () => {
  const data = JSON.stringify([
    { id: 1, name: "alpha", status: "active", tags: [] },
    { id: 2, name: "beta", status: "active", tags: [] },
    { id: 3, name: "gamma", status: "inactive", tags: [] },
  ], null, 2);
  const r = html.compactContext(data);
  assert.equal(r.kind, "json");
  assert.ok(r.savedTokens > 0);
  assert.deepEqual(run(["compact"], { input: data }), { status: 0, stdout: r.text, stderr: "" });
  const path = file("data.json", data);
  assert.equal(run(["compact", "--level", "structural", path]).stdout, html.compactContext(data, { level: "structural" }).text);
  assert.deepEqual(JSON.parse(run(["compact", "--json", "--kind=json", "-m", "gpt-4", path]).stdout), html.compactContext(data, { kind: "json", model: "gpt-4" }));
  // A page: the command carries the HTML parser (tokenmeter/html).
  const page = "<html><head><title>T</title></head><body><nav><a href='/'>Home</a></nav><article><h1>Release notes</h1><p>Version <b>2.0</b> adds streaming.</p><ul><li>Faster</li><li>Smaller</li></ul></article></body></html>";
  const p = html.compactContext(page, { level: "structural" });
  assert.equal(p.kind, "html");
  assert.equal(run(["compact", "--level", "structural"], { input: page }).stdout, p.text);
  const log = "INFO start\nWARN retry 1\nWARN retry 1\nWARN retry 1\nINFO done\n";
  assert.equal(run(["compact", "--kind", "log"], { input: log }).stdout, html.compactContext(log, { kind: "log" }).text);
  refused(run(["compact", "--kind", "pdf"], { input: data }), 2, /--kind must be one of auto, json, html, log, table, text, got "pdf"/);
  refused(run(["compact", "-e", "r50k_base"], { input: data }), 3, /^tokenmeter: ENCODING_NOT_BUNDLED \(--encoding\): /);
});

test("trim: the kept messages as JSON; exit 1 when they cannot fit", () => {
  const messages = [{ role: "system", content: "Be brief." }];
  for (let i = 0; i < 30; i++) {
    messages.push({ role: "user", content: `Question ${i}: ${"why ".repeat(50)}` });
    messages.push({ role: "assistant", content: `Answer ${i}: ${"because ".repeat(50)}` });
  }
  messages.push({ role: "user", content: "And finally?" });
  const chat = file("long.json", JSON.stringify(messages));
  const expected = tm.trimMessages(messages, { model: "gpt-4o", reserveOutputTokens: 500, maxContextTokens: 2000 });
  assert.ok(expected.fits && expected.dropped.length > 0);
  const r = run(["trim", "--model", "gpt-4o", "--reserve", "500", "--max-context", "2000", chat]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), expected.messages);
  assert.equal(r.stderr, "");
  const j = run(["trim", "-m", "gpt-4o", "--reserve", "500", "--max-context", "2000", "--strategy", "drop-middle", "--json"], { input: JSON.stringify({ messages }) });
  assert.deepEqual(JSON.parse(j.stdout), tm.trimMessages(messages, { model: "gpt-4o", reserveOutputTokens: 500, maxContextTokens: 2000, strategy: "drop-middle" }));
  // The system message and the last user message alone, their text cut to
  // nothing, still take 11 tokens (the per-message overhead): a check that failed.
  assert.equal(tm.trimMessages(messages, { model: "gpt-4o", reserveOutputTokens: 0, maxContextTokens: 10 }).fits, false);
  const no = run(["trim", "-m", "gpt-4o", "--reserve", "0", "--max-context", "10"], { input: JSON.stringify(messages) });
  assert.equal(no.status, 1);
  assert.equal(no.stderr, "tokenmeter: the messages do not fit the window with 0 tokens reserved: the kept ones take 11 tokens\n");
  assert.equal(JSON.parse(no.stdout).length >= 2, true);
  refused(run(["trim", "-m", "gpt-4o", "--reserve", "10"], { input: "not json" }), 3, /INVALID_JSON/);
  refused(run(["trim", "-m", "gpt-4o", "--reserve", "10"], { input: '{"nomessages":1}' }), 3, /INVALID_JSON: the JSON must be an array of messages/);
  refused(run(["trim", "-m", "gpt-4o"], { input: "[]" }), 2, /--reserve is required/);
});

test("models: a table, --provider, --json, as listModels lists them", () => {
  const openai = tm.listModels().filter((m) => m.provider === "openai");
  const r = run(["models", "--provider", "openai"]);
  assert.equal(r.status, 0);
  const lines = r.stdout.trimEnd().split("\n");
  assert.match(lines[0], /^model +provider +window +input \$\/M +output \$\/M +status$/);
  assert.deepEqual(lines.slice(1).map((l) => l.split(/ +/)[0]), openai.map((m) => m.id));
  const gpt4o = lines.find((l) => l.startsWith("gpt-4o "));
  assert.deepEqual(gpt4o.split(/ +/).slice(1), ["openai", "128000", "2.5", "10", tm.getModel("gpt-4o").status]);
  assert.deepEqual(JSON.parse(run(["models", "-p", "anthropic", "--json"]).stdout), tm.listModels().filter((m) => m.provider === "anthropic"));
  assert.equal(run(["models"]).stdout.trimEnd().split("\n").length, tm.listModels().length + 1);
  refused(run(["models", "--provider", "acme"]), 3, /^tokenmeter: UNKNOWN_PROVIDER: --provider: unknown provider "acme" \(openai, anthropic, /);
});

test("usage errors: exit 2, the reason and the command's usage on stderr", () => {
  refused(run(["cuont"]), 2, /^tokenmeter: unknown command "cuont" \(did you mean count\?\)\nTry 'tokenmeter --help'/);
  refused(run(["count", "--modle", "gpt-4o"]), 2, /^tokenmeter: unknown flag --modle for count \(did you mean --model\?\)\nUsage: tokenmeter count/);
  refused(run(["count", "-x"]), 2, /unknown flag "-x" for count/);
  refused(run(["count", "--model"]), 2, /--model needs a value/);
  refused(run(["count", "--model", "--json"]), 2, /--model needs a value/);
  refused(run(["count", "--model=", "x"]), 2, /--model needs a value/);
  refused(run(["count", "--json=yes"]), 2, /--json takes no value/);
  refused(run(["count", "--model", "gpt-4o", "--encoding", "o200k_base"]), 2, /--model and --encoding cannot be given together/);
  refused(run(["count", "--chat", "-e", "o200k_base"]), 2, /--chat and --encoding cannot be given together/);
  refused(run(["count", "-m", "a", "-m", "b"]), 2, /--model is given twice/);
  refused(run(["cost", "-m", "gpt-4o", "--input", "ten", "--output", "1"]), 2, /--input must be a whole number of tokens \(0 or more\), got "ten"/);
  refused(run(["cost", "-m", "gpt-4o", "--input", "-5", "--output", "1"]), 2, /--input must be a whole number of tokens \(0 or more\), got "-5"/);
  refused(run(["cost", "-m", "gpt-4o", "--input", "1.5", "--output", "1"]), 2, /got "1\.5"/);
  refused(run(["cost", "-m", "gpt-4o", "--input", "1"]), 2, /--output is required/);
  refused(run(["cost", "-m", "gpt-4o", "--input", "1", "--output", "1", "extra.txt"]), 2, /cost reads no files, got "extra.txt"/);
  refused(run(["compress", "a.txt", "b.txt"]), 2, /compress reads one input \(a file or -\), got 2/);
  refused(run(["trim", "--strategy", "random", "-m", "gpt-4o", "--reserve", "1"]), 2, /--strategy must be one of drop-oldest, drop-middle/);
  // With --json, the error is JSON too.
  const j = run(["cost", "--json", "--input", "x"]);
  assert.equal(j.status, 2);
  assert.deepEqual(JSON.parse(j.stderr), { error: { code: "USAGE", field: null, message: '--input must be a whole number of tokens (0 or more), got "x"' } });
  // Files named like flags after --.
  const dash = file("-odd.txt", "hello world");
  assert.equal(run(["count", "--", dash]).stdout, `2 ${dash}\n`);
});

test("the argument parser under random argv (a short fuzz run; docs/cli.md has the long ones)", () => {
  const r = fuzz(3, 20261207);
  console.log(`cli-fuzz: ${r.inputs} argv in ${r.ms} ms (${r.accepted} accepted, ${r.refused} refused)`);
  assert.ok(r.accepted > 1000 && r.refused > 1000);
});

test("the progress line: on a terminal for inputs over 10 MB, never otherwise", { skip: !existsSync("/usr/bin/script") && "no script(1) for a terminal" }, () => {
  const text = "word ".repeat(2_300_000); // 11.5 MB
  const big = file("eleven.txt", text);
  const n = tm.countTokens(text);
  // Not a terminal: stderr stays empty.
  assert.deepEqual(run(["count", big]), { status: 0, stdout: `${n} ${big}\n`, stderr: "" });
  // A terminal (script(1) runs the command on a pseudo-terminal).
  const out = execFileSync("/usr/bin/script", ["-qec", `${bin} count ${big}`, "/dev/null"], { encoding: "utf8" });
  assert.match(out, /counting .*eleven\.txt: \d+% \(\d+\.\d of 11\.5 MB\)/);
  assert.match(out, new RegExp(`${n} .*eleven\\.txt`));
  const small = file("small.txt", "word ".repeat(1000));
  assert.doesNotMatch(execFileSync("/usr/bin/script", ["-qec", `${bin} count ${small}`, "/dev/null"], { encoding: "utf8" }), /counting/);
});

test("a few hundred megabytes count in flat memory, exactly (peak RSS printed)", async () => {
  // A block whose end and start are a piece boundary in every position
  // (".\n" then a capital), so that N blocks have N times its tokens: checked
  // on a concatenation countTokens can read whole, then relied on for the
  // file it cannot (over its 64 MiB argument limit).
  const block = "The quick brown fox jumps over the lazy dog; naïve café, 中文字符 🙂 and 12,345 more.\n".repeat(40);
  const perBlock = tm.countTokens(block);
  assert.equal(tm.countTokens(block.repeat(50)), 50 * perBlock);
  const hook = file("rss.mjs", `import { writeFileSync } from "node:fs";\nprocess.on("exit", () => writeFileSync(process.env.RSS_OUT, String(process.resourceUsage().maxRSS)));\n`);
  const peak = async (blocks) => {
    const path = join(dir, `big-${blocks}.txt`);
    const ws = createWriteStream(path);
    for (let i = 0; i < blocks; i++) if (!ws.write(block)) await new Promise((r) => ws.once("drain", r));
    await new Promise((r) => ws.end(r));
    const rssOut = join(dir, `rss-${blocks}`);
    const r = spawnSync(process.execPath, ["--import", hook, join(here, "node_modules", "tokenmeter", "bin", "tokenmeter.mjs"), "count", "--json", path], {
      encoding: "utf8",
      env: { ...process.env, RSS_OUT: rssOut },
    });
    assert.equal(r.status, 0, r.stderr);
    const { files } = JSON.parse(r.stdout);
    assert.equal(files[0].tokens, blocks * perBlock);
    const bytes = Buffer.byteLength(block) * blocks;
    rmSync(path);
    return { bytes, rss: Number(readFileSync(rssOut, "utf8")) * 1024 };
  };
  const small = await peak(10_000);
  const large = await peak(80_000);
  const mib = (n) => (n / 2 ** 20).toFixed(1);
  console.log(`count: ${mib(small.bytes)} MiB file, peak RSS ${mib(small.rss)} MiB; ${mib(large.bytes)} MiB file, peak RSS ${mib(large.rss)} MiB`);
  assert.ok(large.bytes > 250 * 2 ** 20);
  // Flat: the large file is never held (a held copy alone would be its size),
  // and its 250 MiB more than the small one's take less than 64 MiB more.
  assert.ok(large.rss < large.bytes / 2, `peak RSS ${mib(large.rss)} MiB for a ${mib(large.bytes)} MiB file`);
  assert.ok(large.rss - small.rss < 64 * 2 ** 20, `peak RSS ${mib(small.rss)} MiB, then ${mib(large.rss)} MiB`);
});
