// tokenmeter in a Cloudflare Worker: pre-flight checks for OpenAI-style chat
// requests, and per-user daily budgets kept in Durable Objects.
//
//   POST /v1/preflight[?trim=1]  a chat request in; tokens, cost range, fits,
//                                problems and an exact-match cache key out
//                                (with `user` in the body: 429 when the call
//                                could pass that user's budget)
//   POST /v1/usage               { user, response, model? }: records the usage
//                                of a finished call; 429 when it would pass
//                                the user's daily budget
//   GET  /v1/usage/:user         spend by UTC day and model
//
// Every answer is JSON. Bad input gets a 4xx with a stable `code`, a `field`
// and a message; the Worker keeps serving after any of them.
import { Tokenizer, estimateCost, preflight, requestCacheKey, trimMessages, usageFromResponse } from "tokenmeter";
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
  async fetch(request, env) {
    try {
      return await route(request, env);
    } catch (err) {
      return errorResponse(err);
    }
  },
};

async function route(request, env) {
  const url = new URL(request.url);
  const path = url.pathname;
  if (path === "/v1/preflight") {
    allow(request, "POST");
    return handlePreflight(request, env, url);
  }
  if (path === "/v1/usage") {
    allow(request, "POST");
    return handleUsage(request, env);
  }
  if (path.startsWith("/v1/usage/")) {
    allow(request, "GET");
    let user;
    try {
      user = decodeURIComponent(path.slice("/v1/usage/".length));
    } catch {
      throw new HttpError(400, "INVALID_ARGUMENT", "user", "user: is not a valid URL-encoded string");
    }
    checkUser(user);
    const report = await usageStub(env, user).report(user, requestTime(request, env));
    return json(200, report);
  }
  throw new HttpError(404, "NOT_FOUND", null, "no such route (POST /v1/preflight, POST /v1/usage, GET /v1/usage/:user)");
}

function allow(request, method) {
  if (request.method !== method) {
    throw new HttpError(405, "METHOD_NOT_ALLOWED", null, `use ${method}`, { allow: method });
  }
}

function usageStub(env, user) {
  return env.USAGE.get(env.USAGE.idFromName(user));
}

async function handlePreflight(request, env, url) {
  const body = await readJson(request);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "INVALID_ARGUMENT", null, "the body must be a JSON object (an OpenAI-style chat request)");
  }
  // With a user (OpenAI's own `user` field), the request is checked against
  // what that user has left today.
  let budget;
  if (body.user !== undefined) {
    checkUser(body.user);
    budget = await usageStub(env, body.user).status(body.user, requestTime(request, env));
  }
  const options = budget && budget.limitUsd !== null ? { budget: { limitUsd: budget.limitUsd, spentUsd: budget.spentUsd } } : undefined;
  const result = tokenmeter(() => preflight(body, options), requestField);
  // A model the catalogue does not price has no cost, window or budget check:
  // nothing this service is for can be answered.
  const unknown = result.problems.find((p) => p.code === "UNKNOWN_MODEL");
  if (unknown) throw new HttpError(400, "UNKNOWN_MODEL", "model", unknown.message);
  const answer = { ...result, cacheKey: tokenmeter(() => requestCacheKey(body), requestField) };
  const trim = url.searchParams.get("trim");
  if (trim === "1" || trim === "true") {
    const reserve = body.max_completion_tokens ?? body.max_tokens;
    const trimOptions = { model: body.model };
    if (body.tools !== undefined) trimOptions.tools = body.tools;
    if (reserve !== undefined && reserve !== null) trimOptions.reserveOutputTokens = reserve;
    answer.trimmed = tokenmeter(() => trimMessages(body.messages, trimOptions), (f) => trimField(f));
  }
  if (budget && result.problems.some((p) => p.code === "BUDGET_EXCEEDED")) {
    const problem = result.problems.find((p) => p.code === "BUDGET_EXCEEDED");
    return json(429, { code: "BUDGET_EXCEEDED", field: "user", message: problem.message, user: body.user, budget, preflight: answer });
  }
  return json(200, answer);
}

async function handleUsage(request, env) {
  const body = await readJson(request);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "INVALID_ARGUMENT", null, "the body must be a JSON object: { user, response, model? }");
  }
  checkUser(body.user);
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
  tokenmeter(() => estimateCost({ ...usage, model }), (f) => (f === "model" || f === "request.model" ? "model" : responseField(f)));
  const { status, body: answer } = await usageStub(env, body.user).record(body.user, usage, model, requestTime(request, env));
  return json(status, answer);
}

// Runs a tokenmeter call; its coded errors become 400s with the field named
// as in the request body.
function tokenmeter(fn, mapField) {
  try {
    return fn();
  } catch (err) {
    if (err && typeof err.code === "string" && err.name === "TokenmeterError") {
      throw new HttpError(400, err.code, mapField(err.field ?? null), err.message);
    }
    throw err;
  }
}

function requestField(field) {
  if (field === null || field === "request") return null;
  return field.startsWith("request.") ? field.slice("request.".length) : field;
}

function responseField(field) {
  if (field === null || field === "body" || field === "response") return "response";
  return field.startsWith("body.") ? `response.${field.slice(5)}` : `response.${field}`;
}

function trimField(field) {
  if (field === null) return null;
  if (field === "messages" || field.startsWith("messages[") || field.startsWith("messages.")) return field;
  if (field.startsWith("options.")) return field.slice("options.".length);
  return field;
}
