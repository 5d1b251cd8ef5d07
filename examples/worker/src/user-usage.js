// One Durable Object per user: that user's spend, kept exact.
//
// The state is a tokenmeter BudgetLedger, stored as its JSON (costs as integer
// pico-dollar strings) in one row of the object's SQLite storage. Every method
// is synchronous from reading the state to writing it back, so concurrent
// requests to the same user run one after another and none is lost or counted
// twice; the output gate holds each answer until its write is durable.
import { DurableObject } from "cloudflare:workers";
import { BudgetLedger } from "tokenmeter";

const PICO_PER_USD = 1_000_000_000_000n;

export class UserUsage extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.limit = parseBudget(env.DAILY_BUDGET_USD);
    const config = { perKeyDailyUsd: this.limit ? this.limit.usd : null };
    // The table is made by the first record, so that looking up an unknown
    // user stores nothing.
    this.hasTable = this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger'").toArray().length > 0;
    const row = this.hasTable ? this.sql.exec("SELECT json FROM ledger WHERE id = 1").toArray()[0] : undefined;
    if (row) {
      // The budget comes from the Worker's vars, so a changed var applies to
      // stored ledgers too. A corrupt row throws INVALID_LEDGER: better no
      // answer than a ledger that silently forgot spend.
      const stored = JSON.parse(row.json);
      this.ledger = BudgetLedger.fromJSON({ ...stored, config: { ...stored.config, ...config } });
    } else {
      this.ledger = new BudgetLedger(config);
    }
    this.state = this.ledger.toJSON();
  }

  /**
   * Records a finished call's usage (usageFromResponse's result) unless it
   * would take the day's spend past the budget: then nothing is recorded and
   * the answer is a 429. Spend may reach the budget exactly.
   */
  record(user, usage, model, now) {
    const before = this.state;
    let result;
    try {
      result = this.ledger.record(user, usage, { model, now });
    } catch (err) {
      // The Worker checks usage before it comes here; this is the backstop.
      if (err?.name !== "TokenmeterError") throw err;
      return { status: 400, body: { code: err.code, field: err.field ?? null, message: String(err.message).slice(0, 500) } };
    }
    const after = this.ledger.toJSON();
    const day = result.check.day;
    const spentBefore = daySpent(before, user, day);
    const spentAfter = daySpent(after, user, day);
    const cost = spentAfter - spentBefore;
    if (this.limit && spentAfter > this.limit.pico) {
      // Undo: the ledger goes back to the last stored state.
      this.ledger.free();
      this.ledger = BudgetLedger.fromJSON(before);
      return {
        status: 429,
        body: {
          code: "BUDGET_EXCEEDED",
          field: "user",
          message: `${user}: this call ($${usd(cost)}) would take today's spend past the daily budget of $${this.limit.usd}; not recorded`,
          recorded: false,
          user,
          model: result.model,
          costUsd: usd(cost),
          costPicoUsd: String(cost),
          budget: budget(day, spentBefore, this.limit),
        },
      };
    }
    try {
      if (!this.hasTable) {
        this.sql.exec("CREATE TABLE IF NOT EXISTS ledger (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)");
        this.hasTable = true;
      }
      this.sql.exec(
        "INSERT INTO ledger (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json",
        JSON.stringify(after),
      );
    } catch (err) {
      // Memory never runs ahead of storage.
      this.ledger.free();
      this.ledger = BudgetLedger.fromJSON(before);
      throw err;
    }
    this.state = after;
    return {
      status: 200,
      body: {
        recorded: true,
        user,
        model: result.model,
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        costUsd: usd(cost),
        costPicoUsd: String(cost),
        budget: { ...budget(day, spentAfter, this.limit), alert: result.check.alert },
      },
    };
  }

  /** Today's spend and budget. */
  status(user, now) {
    const { day } = this.ledger.check(user, { now });
    return budget(day, daySpent(this.state, user, day), this.limit);
  }

  /** Spend by UTC day (newest first) and, within each day, by model. */
  report(user, now) {
    const days = new Map();
    const total = { costPico: 0n, requests: 0, inputTokens: 0, outputTokens: 0 };
    for (const e of entries(this.state)) {
      if (e.key !== user) continue;
      let d = days.get(e.day);
      if (!d) days.set(e.day, (d = { day: e.day, costPico: 0n, requests: 0, inputTokens: 0, outputTokens: 0, models: new Map() }));
      let m = d.models.get(e.model);
      if (!m) d.models.set(e.model, (m = { model: e.model, costPico: 0n, requests: 0, inputTokens: 0, outputTokens: 0 }));
      for (const line of [total, d, m]) {
        line.costPico += e.pico;
        line.requests += e.requests;
        line.inputTokens += e.inputTokens;
        line.outputTokens += e.outputTokens;
      }
    }
    const line = ({ costPico, ...rest }) => ({ ...rest, costUsd: usd(costPico), costPicoUsd: String(costPico) });
    return {
      user,
      currency: "USD",
      today: this.status(user, now),
      totalUsd: usd(total.costPico),
      totalPicoUsd: String(total.costPico),
      requests: total.requests,
      inputTokens: total.inputTokens,
      outputTokens: total.outputTokens,
      days: [...days.values()]
        .sort((a, b) => (a.day < b.day ? 1 : -1))
        .map(({ models, ...d }) => ({ ...line(d), models: [...models.values()].sort((a, b) => (a.model < b.model ? -1 : 1)).map(line) })),
    };
  }
}

/** The ledger JSON's entries (format version 1). */
function entries(state) {
  if (state.version !== 1) throw new Error(`unexpected ledger JSON version ${state.version}`);
  return state.entries.map(([day, key, model, feature, pico, requests, inputTokens, outputTokens]) => ({
    day,
    key,
    model,
    feature,
    pico: BigInt(pico),
    requests,
    inputTokens,
    outputTokens,
  }));
}

function daySpent(state, user, day) {
  let sum = 0n;
  for (const e of entries(state)) if (e.key === user && e.day === day) sum += e.pico;
  return sum;
}

function budget(day, spentPico, limit) {
  return {
    day,
    spentUsd: usd(spentPico),
    spentPicoUsd: String(spentPico),
    limitUsd: limit ? limit.usd : null,
    remainingUsd: limit ? usd(limit.pico > spentPico ? limit.pico - spentPico : 0n) : null,
  };
}

function usd(pico) {
  return Number(pico) / 1e12;
}

/** "5" or "0.25" (up to 12 decimals) to exact pico-dollars; unset or "" for no budget. */
function parseBudget(value) {
  if (value === undefined || value === null || value === "") return null;
  const m = /^(\d{1,12})(?:\.(\d{1,12}))?$/.exec(String(value).trim());
  if (!m) throw new Error(`DAILY_BUDGET_USD must be a decimal amount of USD, got ${JSON.stringify(value)}`);
  const pico = BigInt(m[1]) * PICO_PER_USD + BigInt((m[2] ?? "").padEnd(12, "0"));
  return { usd: Number(String(value).trim()), pico };
}
