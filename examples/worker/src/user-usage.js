// One Durable Object per user: that user's budget, reservations and usage
// events, kept exact.
//
// The state is a tokenmeter BudgetLedger (spend by day and model, and the
// open reservations), stored as its JSON in one row of the object's SQLite
// storage; every call is priced, checked and reported by the ledger itself.
// Each method is synchronous from reading the state to writing it back, so
// concurrent requests to the same user run one after another and none is
// lost, counted twice or admitted past the budget; the output gate holds
// each answer until its write is durable. Usage events (one row per call:
// its tokens, cost, reservation and outcome) go to an `events` table, and
// the answers to POST /v1/usage to an `idempotency` table by their key.
import { DurableObject } from "cloudflare:workers";
import { BudgetLedger } from "tokenmeter";
import { pricesFor } from "./prices.js";

const DAY = 86_400_000;
/** Idempotency keys are remembered this long. */
const IDEMPOTENCY_MS = DAY;
/** Usage events are kept as long as the ledger keeps spend. */
const EVENTS_MS = 62 * DAY;

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS ledger (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)",
  `CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL,
     request_id TEXT, model TEXT, input_tokens INTEGER, output_tokens INTEGER, cached_input_tokens INTEGER,
     reasoning_tokens INTEGER, cost_pico TEXT NOT NULL, reserved_pico TEXT, source TEXT, complete INTEGER, outcome TEXT NOT NULL)`,
  "CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, at INTEGER NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL)",
];

export class UserUsage extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    const limit = parseBudget(env.DAILY_BUDGET_USD);
    const ttl = env.RESERVATION_TTL_MS ? Number(env.RESERVATION_TTL_MS) : undefined;
    const config = { perKeyDailyUsd: limit, ...(ttl ? { reservationTtlMs: ttl } : {}) };
    // The tables are made by the first write, so that looking up an unknown
    // user stores nothing.
    this.hasTables = this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger'").toArray().length > 0;
    const row = this.hasTables ? this.sql.exec("SELECT json FROM ledger WHERE id = 1").toArray()[0] : undefined;
    // The budget comes from the Worker's vars, so a changed var applies to
    // stored ledgers too. A corrupt row throws INVALID_LEDGER: better no
    // answer than a ledger that silently forgot spend. Version 1 rows (before
    // reservations) are read as they are.
    this.ledger = row ? BudgetLedger.fromJSON(withConfig(JSON.parse(row.json), config)) : new BudgetLedger(config);
  }

  /** Today's budget: spent, reserved, remaining. */
  status(user, now) {
    return budget(this.ledger.check(user, { now }));
  }

  /**
   * Holds `amountUsd` (the request's worst case) for call `id` if it fits
   * the day's budget with what is spent and already held.
   */
  reserve(user, id, amountUsd, now) {
    return this.#write(() => {
      const r = this.ledger.reserve(user, amountUsd, { id, now });
      return { reserved: r.reserved, amountUsd: r.amountUsd, amountPicoUsd: r.amountPicoUsd, expiresAt: r.expiresAt, budget: budget(r.check) };
    });
  }

  /**
   * Closes reservation `id` with the call's usage (meterStream's). A
   * reservation that expired while the call ran is gone: the call is then
   * recorded as it is, since its cost was spent all the same.
   */
  async settle(user, id, usage, model, now, meta) {
    const prices = await this.#prices();
    return this.#write(() => {
      let cost;
      let reserved = null;
      let check;
      try {
        const s = this.ledger.settle(id, usage, { model, ...prices });
        [cost, reserved, check] = [s.costPicoUsd, s.reservedPicoUsd, s.check];
      } catch (err) {
        if (err?.code !== "UNKNOWN_RESERVATION") throw err;
        const r = this.ledger.record(user, usage, { model, now, ...prices });
        [cost, check] = [r.costPicoUsd, r.check];
      }
      this.#event(now, meta.kind, id, model, usage, cost, reserved, meta.outcome);
      return { costUsd: Number(cost) / 1e12, costPicoUsd: cost, reservedPicoUsd: reserved, budget: budget(check) };
    });
  }

  /** Closes reservation `id` with no cost (the upstream failed, the client left before an answer). */
  release(user, id, now, meta) {
    return this.#write(() => {
      const open = this.ledger.reservations({ key: user }).find((r) => r.id === id);
      const released = this.ledger.release(id);
      this.#event(now, meta.kind, id, meta.model ?? null, null, "0", open ? open.amountPicoUsd : null, meta.outcome);
      return { released, budget: budget(this.ledger.check(user, { now })) };
    });
  }

  /**
   * Records a finished call's client-reported usage only if it fits the
   * day's budget (429 otherwise, nothing recorded). A repeated idempotency
   * key records nothing and returns the first answer.
   */
  async record(user, usage, model, now, key) {
    // Before the key is looked up: from there to the write nothing awaits.
    const prices = await this.#prices();
    if (key !== null && this.hasTables) {
      const seen = this.sql.exec("SELECT status, body FROM idempotency WHERE key = ?", key).toArray()[0];
      if (seen) return { status: seen.status, body: { ...JSON.parse(seen.body), replayed: true } };
    }
    return this.#write(() => {
      let r;
      try {
        r = this.ledger.tryRecord(user, usage, { model, now, ...prices });
      } catch (err) {
        // The Worker checks usage before it comes here; this is the backstop.
        if (err?.name !== "TokenmeterError") throw err;
        return { status: 400, body: { code: err.code, field: err.field ?? null, message: String(err.message).slice(0, 500) } };
      }
      const answer = r.recorded
        ? { status: 200, body: { recorded: true, user, model: r.model, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: r.costUsd, costPicoUsd: r.costPicoUsd, budget: budget(r.check) } }
        : {
            status: 429,
            body: {
              code: "BUDGET_EXCEEDED", field: "user", recorded: false, user, model: r.model, costUsd: r.costUsd, costPicoUsd: r.costPicoUsd, budget: budget(r.check),
              message: `${user}: this call ($${r.costUsd}) would take today's spend past the daily budget of $${r.check.limitUsd}; not recorded`,
            },
          };
      if (r.recorded) this.#event(now, "usage", key, r.model, usage, r.costPicoUsd, null, "recorded");
      if (key !== null) {
        this.sql.exec("INSERT INTO idempotency (key, at, status, body) VALUES (?, ?, ?, ?)", key, now, answer.status, JSON.stringify(answer.body));
        this.sql.exec("DELETE FROM idempotency WHERE at < ?", now - IDEMPOTENCY_MS);
      }
      return answer;
    });
  }

  /** Spend by UTC day (newest first) and, within each day, by model, with today's budget. */
  report(user, now) {
    const r = this.ledger.report({ key: user });
    const days = new Map();
    for (const line of r.byDayModel) {
      if (!days.has(line.day)) days.set(line.day, { ...r.byDay.find((d) => d.name === line.day), models: [] });
      days.get(line.day).models.push(spendLine(line));
    }
    const total = r.byKey[0] ?? { requests: 0, inputTokens: 0, outputTokens: 0 };
    return {
      user,
      currency: "USD",
      today: this.status(user, now),
      totalUsd: r.totalUsd,
      totalPicoUsd: r.totalPicoUsd,
      requests: total.requests,
      inputTokens: total.inputTokens,
      outputTokens: total.outputTokens,
      days: [...days.values()].reverse().map(({ name, models, ...d }) => ({ day: name, ...spendLine(d), models })),
    };
  }

  /** Usage events after sequence number `after`, oldest first, at most `limit`. */
  events(after, limit) {
    if (!this.hasTables) return [];
    return this.sql
      .exec("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
      .toArray()
      .map((e) => ({
        seq: e.seq, at: new Date(e.at).toISOString(), kind: e.kind, requestId: e.request_id, model: e.model,
        inputTokens: e.input_tokens, outputTokens: e.output_tokens, cachedInputTokens: e.cached_input_tokens, reasoningTokens: e.reasoning_tokens,
        costUsd: Number(e.cost_pico) / 1e12, costPicoUsd: e.cost_pico, reservedPicoUsd: e.reserved_pico,
        source: e.source, complete: e.complete === null ? null : e.complete === 1, outcome: e.outcome,
      }));
  }

  /** { catalogue } with the imported price map (prices.js), or {}: the Worker's prices. */
  async #prices() {
    const catalogue = await pricesFor(this.env);
    return catalogue ? { catalogue } : {};
  }

  /**
   * Runs a change of the ledger and stores it, or leaves memory as storage
   * has it when anything throws: memory never runs ahead of storage.
   */
  #write(change) {
    const before = this.ledger.toJSON();
    try {
      if (!this.hasTables) {
        for (const statement of SCHEMA) this.sql.exec(statement);
        this.hasTables = true;
      }
      const result = change();
      this.sql.exec(
        "INSERT INTO ledger (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json",
        JSON.stringify(this.ledger.toJSON()),
      );
      return result;
    } catch (err) {
      this.ledger.free();
      this.ledger = BudgetLedger.fromJSON(before);
      throw err;
    }
  }

  #event(now, kind, requestId, model, usage, costPico, reservedPico, outcome) {
    this.sql.exec(
      `INSERT INTO events (at, kind, request_id, model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens,
         cost_pico, reserved_pico, source, complete, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      now, kind, requestId, model, usage?.inputTokens ?? null, usage?.outputTokens ?? null, usage?.cachedInputTokens ?? null,
      usage?.reasoningTokens ?? null, costPico, reservedPico, usage?.source ?? null,
      usage?.complete === undefined ? null : usage.complete ? 1 : 0, outcome,
    );
    this.sql.exec("DELETE FROM events WHERE at < ?", now - EVENTS_MS);
  }
}

function withConfig(stored, config) {
  return { ...stored, config: { ...stored.config, ...config } };
}

/** A ledger check as the Worker answers it. */
function budget(c) {
  return {
    day: c.day, spentUsd: c.spentUsd, spentPicoUsd: c.spentPicoUsd, reservedUsd: c.reservedUsd, reservedPicoUsd: c.reservedPicoUsd,
    limitUsd: c.limitUsd, remainingUsd: c.remainingUsd, alert: c.alert,
  };
}

function spendLine({ name, costUsd, costPicoUsd, requests, inputTokens, outputTokens, day, ...rest }) {
  return { ...(rest.model ? { model: rest.model } : {}), costUsd, costPicoUsd, requests, inputTokens, outputTokens };
}

/** "5" or "0.25" (up to 12 decimals) to USD; unset or "" for no budget. */
function parseBudget(value) {
  if (value === undefined || value === null || value === "") return null;
  const text = String(value).trim();
  if (!/^\d{1,12}(?:\.\d{1,12})?$/.test(text)) throw new Error(`DAILY_BUDGET_USD must be a decimal amount of USD, got ${JSON.stringify(value)}`);
  return Number(text);
}
