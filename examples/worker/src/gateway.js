// The metering gateway: POST /v1/chat/completions (OpenAI-compatible) and
// POST /v1/messages (Anthropic), forwarded to the configured upstream with
// the Worker's own key, each call admitted against its user's budget first.
//
// 1. preflight: the request must fit the model's window and output limit;
//    its worst case (input plus the whole output allowance, preflight's
//    cost.max) is what the call could cost.
// 2. The user's Durable Object reserves that worst case, or refuses (429):
//    spent + open reservations + this one may not pass the day's budget, so
//    concurrent calls can never take a user past it.
// 3. The upstream's reply is passed through meterStream as it arrives;
//    streamed or whole, its usage (the provider's, or counted) settles the
//    reservation when it ends, including when the client goes away (the
//    usage of what was streamed until then) or the stream breaks off. An
//    upstream error releases the reservation: nothing is spent.
import { fromAnthropicRequest, meterStream, preflight } from "tokenmeter";
import { HttpError, json, readJson, requestTime } from "./http.js";
import { tokenmeter, requestField } from "./calls.js";

const ROUTES = {
  openai: { path: "/chat/completions", url: "UPSTREAM_OPENAI_URL", key: "UPSTREAM_OPENAI_KEY", base: "https://api.openai.com/v1" },
  anthropic: { path: "/messages", url: "UPSTREAM_ANTHROPIC_URL", key: "UPSTREAM_ANTHROPIC_KEY", base: "https://api.anthropic.com/v1" },
};
/** Headers of the upstream's answer that the client gets too. */
const PASSED = ["content-type", "x-request-id", "request-id", "retry-after"];
const enc = new TextEncoder();

export async function gateway(request, env, ctx, route, user, stub, prices) {
  const r = ROUTES[route];
  const key = env[r.key];
  if (typeof key !== "string" || key === "") {
    throw new HttpError(503, "UPSTREAM_NOT_CONFIGURED", null, `this gateway has no ${r.key}`);
  }
  const body = await readJson(request);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "INVALID_ARGUMENT", null, "the body must be a JSON object (a chat request)");
  }
  const chat = route === "anthropic" ? tokenmeter(() => fromAnthropicRequest(body), requestField) : body;
  const pre = tokenmeter(() => preflight(chat, prices), requestField);
  const problem = pre.problems.find((p) => p.code !== "BUDGET_EXCEEDED");
  if (problem) {
    const field = problem.code === "UNKNOWN_MODEL" || problem.code === "MODEL_RETIRED" ? "model" : null;
    throw new HttpError(400, problem.code, field, problem.message);
  }
  const now = requestTime(request, env);
  const id = crypto.randomUUID();
  const admitted = await stub.reserve(user, id, pre.cost.max, now);
  if (!admitted.reserved) {
    return json(429, {
      code: "BUDGET_EXCEEDED", field: "user", user, reserveUsd: admitted.amountUsd, budget: admitted.budget,
      message: `${user}: this call could cost up to $${admitted.amountUsd}, more than is left of today's budget ($${admitted.budget.remainingUsd})`,
    });
  }
  const meta = (outcome, model = body.model) => ({ kind: route, outcome, model });
  let res;
  try {
    res = await fetch(`${(env[r.url] || r.base).replace(/\/$/, "")}${r.path}`, {
      method: "POST",
      headers: upstreamHeaders(route, key, request),
      body: JSON.stringify(upstreamBody(route, body)),
    });
  } catch {
    await stub.release(user, id, now, meta("upstream unreachable"));
    throw new HttpError(502, "UPSTREAM_UNREACHABLE", null, "the upstream could not be reached; nothing was spent");
  }
  if (!res.ok) {
    await stub.release(user, id, now, meta(`upstream ${res.status}`));
    return upstreamError(res, key);
  }
  const { stream, usage } = meterStream(res, { model: body.model, request: chat, ...prices });
  // Settled when the reply ends, is cut off or the client leaves; the
  // Worker stays up for it (waitUntil) even after the client has gone.
  const settled = usage
    .then(async (u) => ({ ...figures(u), ...(await stub.settle(user, id, { ...u, model: body.model }, body.model, now, meta(u.complete ? "complete" : "cut off"))) }))
    .catch((err) => settleWorst(stub, user, id, pre, body.model, now, err, route));
  ctx.waitUntil(settled);
  const headers = new Headers({
    "cache-control": "no-store",
    "x-tokenmeter-request-id": id,
    "x-tokenmeter-input-tokens": String(pre.inputTokens),
    "x-tokenmeter-max-output-tokens": String(pre.maxOutputTokens),
    "x-tokenmeter-reserved-usd": String(admitted.amountUsd),
    "x-tokenmeter-budget-remaining-usd": String(admitted.budget.remainingUsd),
  });
  for (const h of PASSED) if (res.headers.has(h)) headers.set(h, res.headers.get(h));
  if (!(res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    // A whole reply: read it through the meter, settle, and answer with
    // the call's actual figures.
    const bytes = await new Response(stream).arrayBuffer();
    const s = await settled;
    if (s) {
      headers.set("x-tokenmeter-output-tokens", String(s.outputTokens));
      headers.set("x-tokenmeter-cost-usd", String(s.costUsd));
      headers.set("x-tokenmeter-usage-source", s.source);
    }
    return new Response(bytes, { status: res.status, headers });
  }
  // A stream: the reserved worst case is in the headers; the settled figures
  // follow the last event as an SSE comment, which SSE clients skip. A
  // client that goes away aborts request.signal, which cancels the meter's
  // stream (and with it the upstream read): the usage so far is settled.
  const out = stream.pipeThrough(
    new TransformStream({
      async flush(controller) {
        const s = await settled;
        if (s) controller.enqueue(enc.encode(`: tokenmeter ${JSON.stringify({ requestId: id, ...s })}\n\n`));
      },
    }),
    { signal: request.signal },
  );
  return new Response(out, { status: res.status, headers });
}

/** The tokens of a metered usage, as the answer reports them. */
function figures(u) {
  const { inputTokens, outputTokens, cachedInputTokens, reasoningTokens, source, complete } = u;
  return { inputTokens, outputTokens, cachedInputTokens, reasoningTokens, source, complete };
}

/** The request as the upstream gets it: an OpenAI stream is asked for its usage. */
function upstreamBody(route, body) {
  if (route === "openai" && body.stream === true) {
    return { ...body, stream_options: { ...(body.stream_options ?? {}), include_usage: true } };
  }
  return body;
}

/** The Worker's key, never the client's token; the Anthropic version the client asked for. */
function upstreamHeaders(route, key, request) {
  const h = new Headers({ "content-type": "application/json" });
  const accept = request.headers.get("accept");
  if (accept) h.set("accept", accept);
  if (route === "openai") {
    h.set("authorization", `Bearer ${key}`);
  } else {
    h.set("x-api-key", key);
    h.set("anthropic-version", request.headers.get("anthropic-version") ?? "2023-06-01");
    const beta = request.headers.get("anthropic-beta");
    if (beta) h.set("anthropic-beta", beta);
  }
  return h;
}

/**
 * The settle of a reply whose usage could not be read or counted (a body
 * that is neither SSE nor JSON, a model the meter cannot count): the user is
 * charged the worst case that was reserved, never less than it may have
 * cost. Returns the settled figures, or null when even that failed (logged).
 */
async function settleWorst(stub, user, id, pre, model, now, why, route) {
  const usage = { inputTokens: pre.inputTokens, outputTokens: pre.maxOutputTokens, source: "worst case", complete: false };
  try {
    return { ...(await stub.settle(user, id, usage, model, now, { kind: route, outcome: `unmetered: ${why?.code ?? "error"}` })), ...usage };
  } catch (err) {
    console.error("tokenmeter gateway: settle failed", err?.code ?? "", String(err?.message ?? err).slice(0, 200));
    return null;
  }
}

/** An upstream's error, passed on without anything that could carry its key. */
async function upstreamError(res, key) {
  let detail = null;
  try {
    const text = (await res.text()).slice(0, 8192);
    const body = JSON.parse(text);
    const e = body?.error ?? body;
    detail = { type: String(e?.type ?? e?.code ?? ""), message: String(e?.message ?? "") };
  } catch {}
  const scrub = (s) => s.split(key).join("[redacted]").slice(0, 500);
  const status = res.status;
  const headers = res.headers.has("retry-after") ? { "retry-after": res.headers.get("retry-after") } : undefined;
  if (status === 401 || status === 403) {
    console.error(`tokenmeter gateway: the upstream refused the gateway's key (${status})`);
    return json(502, { code: "UPSTREAM_AUTH_FAILED", field: null, upstreamStatus: status, message: "the upstream refused this gateway's credentials; nothing was spent" });
  }
  const code = status === 429 ? "UPSTREAM_RATE_LIMITED" : status >= 500 ? "UPSTREAM_ERROR" : "UPSTREAM_REJECTED";
  const message = detail?.message ? scrub(detail.message) : `the upstream answered ${status}`;
  return json(status >= 500 ? 502 : status, { code, field: null, upstreamStatus: status, upstream: detail && { type: scrub(detail.type) }, message: `${message} (nothing was spent)` }, headers);
}
