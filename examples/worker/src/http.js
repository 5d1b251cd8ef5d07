// Reading requests defensively and answering in JSON only.

/** Request bodies larger than this are refused (413) without being read whole. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Error messages are cut here, so that a huge bad value is not sent back whole. */
const MAX_MESSAGE_CHARS = 500;

export class HttpError extends Error {
  constructor(status, code, field, message, headers) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.headers = headers;
  }
}

const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

export function json(status, body, headers) {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function errorResponse(err) {
  if (err instanceof HttpError) {
    return json(err.status, { code: err.code, field: err.field, message: clip(err.message) }, err.headers);
  }
  // Anything else is a bug or a platform failure: log it, say nothing of it.
  console.error("tokenmeter worker: unexpected error", err);
  return json(500, { code: "INTERNAL", field: null, message: "internal error" });
}

function clip(message) {
  const text = String(message);
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

/**
 * The body as JSON: `application/json` (UTF-8) only, at most MAX_BODY_BYTES,
 * refused by its Content-Length before reading and cut off while reading when
 * there is none (chunked bodies).
 */
export async function readJson(request) {
  const type = request.headers.get("content-type");
  if (!isJsonType(type)) {
    throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "content-type", "content-type: must be application/json");
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) {
    throw new HttpError(413, "PAYLOAD_TOO_LARGE", null, `the body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  if (request.body === null) {
    throw new HttpError(400, "INVALID_JSON", null, "the body is empty; expected JSON");
  }
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw new HttpError(413, "PAYLOAD_TOO_LARGE", null, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpError(400, "INVALID_JSON", null, "the body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message quotes the input; it is not sent back.
    throw new HttpError(400, "INVALID_JSON", null, "the body is not valid JSON");
  }
}

function isJsonType(header) {
  if (header === null) return false;
  const [essence, ...params] = header.split(";").map((s) => s.trim().toLowerCase());
  if (essence !== "application/json") return false;
  return params.every((p) => !p.startsWith("charset=") || p === "charset=utf-8" || p === 'charset="utf-8"');
}

/** A user id: 1 to 256 characters (the ledger's key). */
export function checkUser(user) {
  if (typeof user !== "string" || user.length === 0 || user.length > 256) {
    throw new HttpError(400, "INVALID_ARGUMENT", "user", "user: must be a string of 1 to 256 characters");
  }
}

/**
 * The request's time in milliseconds: now, or the `x-tokenmeter-now` header
 * (milliseconds or an ISO 8601 date) where the ALLOW_TIME_OVERRIDE var is "1".
 */
export function requestTime(request, env) {
  const header = request.headers.get("x-tokenmeter-now");
  if (header === null || env.ALLOW_TIME_OVERRIDE !== "1") return Date.now();
  const ms = /^\d{1,16}$/.test(header) ? Number(header) : Date.parse(header);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new HttpError(400, "INVALID_ARGUMENT", "x-tokenmeter-now", "x-tokenmeter-now: must be milliseconds since 1970 or an ISO 8601 date");
  }
  return ms;
}
