// The chosen model's figures: the count, the cost of one call (a first call
// that writes the cached prefix, then one that reads it) and the month, with
// the package's warnings about them (a deprecated or retired model ...).
import { $, approx, fill, h, int, usd } from "./dom.js";

export function renderSummary(s, state) {
  if (s.error) {
    $("count").textContent = "—";
    $("tokenizer").textContent = "";
    $("fit").textContent = "";
    $("cost").textContent = `${s.error.field ? `${s.error.field}: ` : ""}${s.error.message.replace(/^\S+: /, "")}`;
    $("cost").className = "error";
    fill($("breakdown"));
    fill($("projection"));
    fill($("warnings"));
    return;
  }
  const a = approx(s.info.exact);
  $("count").textContent = `${a}${int(s.tokens)} tokens`;
  $("tokenizer").textContent = s.info.exact ? `(${s.info.encoding}, exact)` : `(estimate: ${s.info.encoding} × ${s.info.factor})`;
  const misfit = s.misfit.error?.message ?? s.misfit.value;
  const limit = s.inputLimit.value;
  $("fit").textContent = misfit ? `Does not fit: ${misfit}.`
    : `Fits: a call with ${int(state.output)} output tokens may carry ${limit == null ? "its input" : `up to ${int(limit)} input tokens`}.`;
  $("fit").className = misfit ? "error" : "";
  renderCall(s, a);
  renderMonth(s.month, a);
  renderWarnings([s.first, s.repeat, s.month]);
}

/** The warnings of the call and the month, each once. */
function renderWarnings(results) {
  const warnings = new Set(results.flatMap((r) => r?.value?.warnings ?? []));
  fill($("warnings"), [...warnings].map((w) => h("li", null, w)));
}

function renderCall(s, a) {
  const calls = [["First call", s.first], ...(s.repeat ? [["Next calls", s.repeat]] : [])];
  const error = calls.find(([, c]) => c.error)?.[1].error;
  $("call-error").textContent = error ? error.message : "";
  $("cost").className = "";
  if (error) {
    $("cost").textContent = "";
    fill($("breakdown"));
    return;
  }
  const [first, repeat] = calls.map(([, c]) => c.value);
  const c = repeat ?? first;
  const parts = [["input", c.input], ["cached input", c.cachedInput], ["cache writes", c.cacheWrite], ["output", c.output]]
    .filter(([name, x]) => x > 0 || name === "input" || name === "output").map(([name, x]) => `${name} ${usd(x)}`);
  fill($("cost"), `${a}${usd(c.total)} per call`, h("span", { class: "visually-hidden" }, ": "), h("span", { class: "parts" },
    parts.join(", "),
    repeat ? `; the first call, which writes the cache: ${a}${usd(first.total)}` : "",
    c.tierAboveInputTokens !== null ? `; long-context prices (above ${int(c.tierAboveInputTokens)} input tokens)` : "",
    c.serviceTier !== null ? `; service tier ${c.serviceTier}` : "",
    c.timeWindow !== null ? `; ${c.timeWindow} prices` : ""));
  const row = (label, key, cls) => h("tr", { class: cls }, h("th", { scope: "row" }, label), calls.map(([, x]) => h("td", { class: "num" }, a, usd(x.value[key]))));
  fill($("breakdown"),
    h("caption", { class: "visually-hidden" }, "Cost of one call by part"),
    h("thead", null, h("tr", null, h("th", null, h("span", { class: "visually-hidden" }, "Part")), calls.map(([label]) => h("th", { scope: "col", class: "num" }, label)))),
    h("tbody", null,
      row("Input", "input"),
      row("Cached input", "cachedInput"),
      row("Cache writes", "cacheWrite"),
      row("Output", "output"),
      row("Total", "total", "total")),
  );
}

function renderMonth(month, a) {
  $("projection-error").textContent = month.error?.message ?? "";
  if (month.error) return fill($("projection"));
  const p = month.value;
  const item = (label, value) => h("div", null, h("dt", null, label), h("dd", null, value));
  fill($("projection"), h("dl", { class: "figures" },
    item("Per month", `${a}${usd(p.total)}`),
    item("Per user", p.perUser === null ? "—" : `${a}${usd(p.perUser)}`),
    item("Per day", `${a}${usd(p.perDay)}`),
    item("Messages", int(p.requests)),
    item("Sent to the model", int(p.requestsToModel)),
    item("Of which", `input ${usd(p.llm.input)}, cached ${usd(p.llm.cachedInput)}, cache writes ${usd(p.llm.cacheWrite)}, output ${usd(p.llm.output)}`),
  ));
}
