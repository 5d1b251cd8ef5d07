// tokenmeter in a Cloudflare Worker: a metering gateway in front of OpenAI-
// and Anthropic-style APIs, with per-user daily budgets that cannot be
// overspent, kept in each user's Durable Object.
//
//   POST /v1/chat/completions    OpenAI-compatible; forwarded to UPSTREAM_OPENAI_URL
//   POST /v1/messages            Anthropic Messages; forwarded to UPSTREAM_ANTHROPIC_URL
//   POST /v1/preflight[?trim=1]  a chat request in; tokens, cost range, fits,
//                                problems and an exact-match cache key out;
//                                429 when it could pass the user's budget
//   POST /v1/usage               { response, model? }: records usage the
//                                client reports (Idempotency-Key honoured)
//   GET  /v1/usage/:user         spend by UTC day and model, today's budget
//   GET  /v1/usage/:user/events  usage events as JSON lines
//   (cron)                       fetches the price map of PRICE_MAP_URL into
//                                KV; every price comes from a Catalogue that
//                                imported it (prices.js)
//
// Every request needs its user's token (auth.js); without a valid one the
// answer is a 401 and nothing else happens. Bad input gets a 4xx with a
// stable `code`, a `field` and a message; the Worker keeps serving after
// any of them.
import { Tokenizer, estimateCost, preflight, requestCacheKey, trimMessages, usageFromResponse } from "tokenmeter";
import { authenticate } from "./auth.js";
import { requestField, responseField, tokenmeter, trimField } from "./calls.js";
import { gateway } from "./gateway.js";
import { pricesFor, refreshPrices } from "./prices.js";
import { HttpError, checkUser, errorResponse, json, readJson, requestTime } from "./http.js";

// o200k's rank table (every current OpenAI model) is built here, when the
// Worker starts, instead of in its first request. Cloudflare starts a Worker
// while the TLS handshake of the request that needs it is still going on
// ("Eliminating cold starts with Cloudflare Workers", blog.cloudflare.com,
// 2020), and start-up has its own CPU allowance. The table is shared by every
// later count; the Tokenizer itself is not needed.
new Tokenizer({ encoding: "o200k_base" }).free();

export { UserUsage } from "./user-usage.js";

export default {
  async fetch(request, env, ctx) {
    try {
      return await route(request, env, ctx);
    } catch (err) {
      return errorResponse(err);
    }
  },
  // The cron trigger of wrangler.toml. A failure is logged and thrown, so
  // that the run shows as failed; the stored map is kept.
  async scheduled(controller, env) {
    try {
      await refreshPrices(env, controller.scheduledTime);
    } catch (err) {
      console.error(String(err?.message ?? err).slice(0, 500));
      throw err;
    }
  },
};

const ROUTES = "POST /v1/chat/completions, POST /v1/messages, POST /v1/preflight, POST /v1/usage, GET /v1/usage/:user, GET /v1/usage/:user/events";

async function route(request, env, ctx) {
  const path = new URL(request.url).pathname;
  const methods = {
    "/v1/chat/completions": "POST",
    "/v1/messages": "POST",
    "/v1/preflight": "POST",
    "/v1/usage": "POST",
  };
  const own = path.startsWith("/v1/usage/") ? "GET" : methods[path];
  if (!own) throw new HttpError(404, "NOT_FOUND", null, `no such route (${ROUTES})`);
  if (request.method !== own) throw new HttpError(405, "METHOD_NOT_ALLOWED", null, `use ${own}`, { allow: own });
  // Nothing else is read before the user is known.
  const user = await authenticate(request, env);
  const stub = env.USAGE.get(env.USAGE.idFromName(user));
  // { catalogue } with the imported price map, or {} for the bundled prices.
  const catalogue = await pricesFor(env);
  const prices = catalogue ? { catalogue } : {};
  switch (path) {
    case "/v1/chat/completions":
      return gateway(request, env, ctx, "openai", user, stub, prices);
    case "/v1/messages":
      return gateway(request, env, ctx, "anthropic", user, stub, prices);
    case "/v1/preflight":
      return handlePreflight(request, env, user, stub, prices);
    case "/v1/usage":
      return handleUsage(request, env, user, stub, prices);
  }
  return handleReport(request, env, user, stub, path);
}

/** A body's `user`, where one is given, must be the token's. */
function sameUser(given, user) {
  if (given === undefined) return;
  checkUser(given);
  if (given !== user) throw new HttpError(403, "FORBIDDEN", "user", "user: is not the user of this token");
}

async function handleReport(request, env, user, stub, path) {
  const [, rest] = path.split("/v1/usage/");
  const events = rest.endsWith("/events");
  let named;
  try {
    named = decodeURIComponent(events ? rest.slice(0, -"/events".length) : rest);
  } catch {
    throw new HttpError(400, "INVALID_ARGUMENT", "user", "user: is not a valid URL-encoded string");
  }
  checkUser(named);
  sameUser(named, user);
  if (!events) return json(200, await stub.report(user, requestTime(request, env)));
  const url = new URL(request.url);
  const after = Number(url.searchParams.get("after") ?? 0);
  const limit = Number(url.searchParams.get("limit") ?? 1000);
  if (!Number.isSafeInteger(after) || after < 0) throw new HttpError(400, "INVALID_ARGUMENT", "after", "after: must be an event's seq (a whole number)");
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) throw new HttpError(400, "INVALID_ARGUMENT", "limit", "limit: must be from 1 to 10000");
  const rows = await stub.events(after, limit);
  const headers = { "content-type": "application/x-ndjson; charset=utf-8", "x-content-type-options": "nosniff", "cache-control": "no-store" };
  // The next page starts after the last row; none when this one was short.
  if (rows.length === limit) headers["x-next-after"] = String(rows.at(-1).seq);
  return new Response(rows.map((r) => `${JSON.stringify(r)}\n`).join(""), { headers });
}

async function handlePreflight(request, env, user, stub, prices) {
  const body = await readJson(request);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "INVALID_ARGUMENT", null, "the body must be a JSON object (an OpenAI-style chat request)");
  }
  // With OpenAI's `user` field (which must be the token's user), the
  // request is checked against what that user has left today: the limit
  // less spend and open reservations.
  sameUser(body.user, user);
  const budget = body.user === undefined ? undefined : await stub.status(user, requestTime(request, env));
  const options = budget && budget.limitUsd !== null ? { ...prices, budget: { limitUsd: budget.limitUsd, spentUsd: budget.spentUsd + budget.reservedUsd } } : prices;
  const result = tokenmeter(() => preflight(body, options), requestField);
  // A model the catalogue does not price has no cost, window or budget check:
  // nothing this service is for can be answered.
  const unknown = result.problems.find((p) => p.code === "UNKNOWN_MODEL");
  if (unknown) throw new HttpError(400, "UNKNOWN_MODEL", "model", unknown.message);
  const answer = { ...result, cacheKey: tokenmeter(() => requestCacheKey(body), requestField) };
  const trim = new URL(request.url).searchParams.get("trim");
  if (trim === "1" || trim === "true") {
    const reserve = body.max_completion_tokens ?? body.max_tokens;
    const trimOptions = { model: body.model, ...prices };
    if (body.tools !== undefined) trimOptions.tools = body.tools;
    if (reserve !== undefined && reserve !== null) trimOptions.reserveOutputTokens = reserve;
    answer.trimmed = tokenmeter(() => trimMessages(body.messages, trimOptions), trimField);
  }
  const over = result.problems.find((p) => p.code === "BUDGET_EXCEEDED");
  if (over) return json(429, { code: "BUDGET_EXCEEDED", field: "user", message: over.message, user, budget, preflight: answer });
  return json(200, answer);
}

async function handleUsage(request, env, user, stub, prices) {
  const key = request.headers.get("idempotency-key");
  if (key !== null && (key.length === 0 || key.length > 256)) {
    throw new HttpError(400, "INVALID_ARGUMENT", "idempotency-key", "idempotency-key: must be 1 to 256 characters");
  }
  const body = await readJson(request);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "INVALID_ARGUMENT", null, "the body must be a JSON object: { response, model? }");
  }
  sameUser(body.user, user);
  if (body.response === undefined) {
    throw new HttpError(400, "INVALID_ARGUMENT", "response", "response: is required (the provider's reply, or at least its usage and model)");
  }
  if (body.model !== undefined && typeof body.model !== "string") {
    throw new HttpError(400, "INVALID_ARGUMENT", "model", "model: must be a model id string");
  }
  const usage = tokenmeter(() => usageFromResponse(body.response), responseField);
  const model = body.model ?? usage.model;
  if (model === null) {
    throw new HttpError(400, "INVALID_ARGUMENT", "model", "model: the response names no model; pass `model` next to it");
  }
  // Price it here first: a bad model or count never reaches the Durable Object.
  tokenmeter(() => estimateCost({ ...usage, model }, prices), (f) => (f === "model" || f === "request.model" ? "model" : responseField(f)));
  const { status, body: answer } = await stub.record(user, usage, model, requestTime(request, env), key);
  return json(status, answer);
}
