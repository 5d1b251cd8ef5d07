// Who is asking: each request carries its user's token, and only a token
// made with the Worker's AUTH_SECRET gets in.
//
//   token = "tm1." + base64url(userId) + "." + base64url(HMAC-SHA-256(AUTH_SECRET, "tokenmeter-user:" + userId))
//
// sent as `Authorization: Bearer <token>` (what OpenAI's SDKs send) or
// `x-api-key: <token>` (what Anthropic's SDKs send). The signature is checked
// with WebCrypto's HMAC verify, which compares in constant time. Make tokens
// with `node scripts/token.mjs <user>` (AUTH_SECRET in the environment), or
// with `userToken()` below in your own backend.
import { HttpError } from "./http.js";

const PREFIX = "tm1.";
const enc = new TextEncoder();
let cached; // [secret, CryptoKey]: imported once per isolate

async function keyOf(secret) {
  if (cached?.[0] !== secret) {
    const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    cached = [secret, key];
  }
  return cached[1];
}

function base64url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The token of `user`, signed with `secret`. */
export async function userToken(secret, user) {
  const sig = await crypto.subtle.sign("HMAC", await keyOf(secret), enc.encode(`tokenmeter-user:${user}`));
  return `${PREFIX}${base64url(enc.encode(user))}.${base64url(new Uint8Array(sig))}`;
}

function unauthorized(message) {
  return new HttpError(401, "UNAUTHORIZED", "authorization", message, { "www-authenticate": 'Bearer realm="tokenmeter"' });
}

/**
 * The user a request is from, or a 401. Nothing else about the request is
 * read before this answers.
 */
export async function authenticate(request, env) {
  if (typeof env.AUTH_SECRET !== "string" || env.AUTH_SECRET.length < 32) {
    // Fail closed: no secret, no entry.
    throw new HttpError(503, "AUTH_NOT_CONFIGURED", null, "the Worker has no AUTH_SECRET (at least 32 characters); set it with `wrangler secret put AUTH_SECRET`");
  }
  const header = request.headers.get("authorization");
  const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? request.headers.get("x-api-key");
  if (!token) throw unauthorized("authorization: a user token is required (Authorization: Bearer <token>, or x-api-key)");
  const parts = token.startsWith(PREFIX) ? token.slice(PREFIX.length).split(".") : [];
  const id = parts.length === 2 ? fromBase64url(parts[0]) : null;
  const sig = parts.length === 2 ? fromBase64url(parts[1]) : null;
  let user = null;
  if (id && sig && sig.length === 32) {
    try {
      user = new TextDecoder("utf-8", { fatal: true }).decode(id);
    } catch {
      user = null;
    }
  }
  const data = enc.encode(`tokenmeter-user:${user ?? ""}`);
  // Verified even when the token is malformed (against a zero signature), so
  // that a bad token and a forged one take the same path.
  const ok = await crypto.subtle.verify("HMAC", await keyOf(env.AUTH_SECRET), sig?.length === 32 ? sig : new Uint8Array(32), data);
  if (!ok || user === null || user.length === 0 || user.length > 256) throw unauthorized("authorization: the token is not valid");
  return user;
}
