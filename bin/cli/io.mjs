// Reading inputs: files and standard input, whole or in chunks, with a
// progress line on a terminal for large ones.
import { createReadStream, statSync } from "node:fs";

/** Inputs larger than this get a progress line when stderr is a terminal. */
export const PROGRESS_BYTES = 10 * 1024 * 1024;
/** The size of each chunk read (the stream's buffer). */
const CHUNK_BYTES = 1024 * 1024;

/** An I/O failure on an input (exit code 4), named by its input. */
export class ReadError extends Error {
  constructor(name, cause) {
    const why = cause?.code === "ENOENT" ? "no such file" : cause?.code === "EISDIR" ? "is a directory" : cause?.code === "EACCES" ? "permission denied" : cause?.message;
    super(`${name}: ${why}`);
    this.name = "ReadError";
    this.code = cause?.code ?? "EIO";
    this.input = name;
  }
}

const mb = (n) => (n / 1e6).toFixed(1);

/** A progress line on stderr, redrawn at most 10 times a second, only on a terminal and past PROGRESS_BYTES. */
function progress(label, total) {
  const tty = process.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    update(done) {
      if (!tty || done < PROGRESS_BYTES) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      const of = total ? `${Math.floor((100 * done) / total)}% (${mb(done)} of ${mb(total)} MB)` : `${mb(done)} MB`;
      process.stderr.write(`\r\x1b[2K${label}: ${of}`);
    },
    end() {
      if (shown) process.stderr.write("\r\x1b[2K");
    },
  };
}

/**
 * Reads `name` (a path, or "-" for standard input) in chunks of text cut on
 * UTF-8 character boundaries, calling `onText` with each: memory stays flat
 * however large the input.
 */
export async function readChunks(name, onText, label = "reading") {
  let size = null;
  if (name !== "-") {
    try {
      const st = statSync(name);
      if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      size = st.size;
    } catch (e) {
      throw new ReadError(name, e);
    }
  }
  const stream = name === "-" ? process.stdin : createReadStream(name, { highWaterMark: CHUNK_BYTES });
  // ignoreBOM: a byte-order mark is text, kept and counted as countTokens
  // would count the file read whole (readFileSync(name, "utf8") keeps it).
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const bar = progress(`${label} ${name === "-" ? "standard input" : name}`, size);
  let done = 0;
  try {
    for await (const chunk of stream) {
      done += chunk.length;
      const text = decoder.decode(chunk, { stream: true });
      if (text) onText(text);
      bar.update(done);
    }
  } catch (e) {
    if (e?.code && !e.name?.startsWith("Tokenmeter")) throw new ReadError(name === "-" ? "standard input" : name, e);
    throw e;
  } finally {
    bar.end();
  }
  const rest = decoder.decode();
  if (rest) onText(rest);
  return done;
}

/** The whole text of `name` (a path, or "-"). */
export async function readText(name) {
  const parts = [];
  await readChunks(name, (t) => parts.push(t));
  return parts.join("");
}

/** The JSON of `name`; invalid JSON is an INVALID_JSON error (exit code 3). */
export async function readJson(name) {
  const text = await readText(name);
  try {
    return JSON.parse(text);
  } catch (e) {
    const err = new Error(`${name === "-" ? "standard input" : name}: not valid JSON (${e.message})`);
    err.name = "InputError";
    err.code = "INVALID_JSON";
    err.field = null;
    throw err;
  }
}
