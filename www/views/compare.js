// The comparison: one row per chat model (compareModels' projections, the
// models the prompt does not fit marked with the package's reason; deprecated
// and retired models marked), sortable by any column, and a bar chart of the
// monthly cost.
import { $, approx, fill, h, int, svg, usd } from "./dom.js";
import { modelById, providerName } from "./picker.js";

const COLUMNS = [
  { key: "name", label: "Model", value: (r) => r.name.toLowerCase() },
  { key: "tokens", label: "Tokens", value: (r) => r.projection?.inputTokens, num: true },
  { key: "call", label: "Per call", value: (r) => r.projection?.perRequest, num: true },
  { key: "thousand", label: "Per 1,000 calls", value: (r) => r.projection?.perRequest, num: true },
  { key: "month", label: "Per month", value: (r) => r.projection?.total, num: true },
  { key: "fits", label: "Fits", value: (r) => (r.projection ? 0 : 1), num: true },
];

let sort = { key: "month", dir: 1 };
let rows = [];
let chosen = null;

export function renderComparison(data, current) {
  rows = data.rows.map((r) => {
    const m = modelById(r.model);
    return { ...r, name: m?.name ?? r.model, provider: providerName(m?.provider ?? ""), exact: m?.tokenizer.exact ?? true, status: m?.status ?? "active" };
  });
  chosen = current;
  $("compare-status").textContent = `${rows.length} models; ${rows.filter((r) => !r.projection).length} do not fit.`;
  draw();
}

/** While a new comparison is counted, the old rows stay and the status says so. */
export function comparisonPending(done, total) {
  $("compare-status").textContent = `Counting with every model…${total ? ` ${done} of ${total}` : ""}`;
}

export function clearComparison(message) {
  rows = [];
  $("compare-status").textContent = message;
  draw();
}

/** Rows in the chosen order; retired models after the others, and the models the prompt does not fit last. */
function ordered() {
  const col = COLUMNS.find((c) => c.key === sort.key);
  const rank = (r) => (sort.key === "fits" ? 0 : r.projection ? 0 : 2) + (r.status === "retired" ? 1 : 0);
  return [...rows].sort((a, b) => {
    const first = rank(a) - rank(b);
    if (first !== 0) return first;
    const x = col.value(a);
    const y = col.value(b);
    if (x === y || x === undefined || y === undefined) {
      return (x === undefined) - (y === undefined) || a.name.localeCompare(b.name);
    }
    return (x < y ? -1 : 1) * sort.dir;
  });
}

function header() {
  return COLUMNS.map((c) => {
    const active = c.key === sort.key;
    const button = h("button", { type: "button", onclick: () => {
      sort = { key: c.key, dir: active ? -sort.dir : 1 };
      draw();
      $("compare").querySelector(`th[data-key="${c.key}"] button`).focus();
    } }, c.label, h("span", { "aria-hidden": "true", class: "arrow" }, active ? (sort.dir > 0 ? " ▲" : " ▼") : ""));
    return h("th", { scope: "col", class: c.num ? "num" : null, "data-key": c.key,
      "aria-sort": active ? (sort.dir > 0 ? "ascending" : "descending") : null }, button);
  });
}

function row(r) {
  const a = approx(r.exact);
  const p = r.projection;
  const name = h("th", { scope: "row" }, r.name, r.model === chosen ? h("span", { class: "badge" }, "chosen") : null,
    r.status === "active" ? null : h("span", { class: `badge ${r.status}` }, r.status),
    h("span", { class: "provider" }, r.provider));
  if (!p) {
    const why = r.skipped ?? r.error.message;
    return h("tr", { class: `misfit${r.model === chosen ? " current" : ""}`, "data-model": r.model },
      name, h("td", { colspan: 4, class: "why" }, why), h("td", null, h("span", { class: "no" }, "No")));
  }
  const cell = (i, value) => h("td", { class: "num", "data-label": COLUMNS[i].label }, value);
  return h("tr", { class: r.model === chosen ? "current" : null, "data-model": r.model },
    name,
    cell(1, `${a}${int(p.inputTokens)}`),
    cell(2, `${a}${usd(p.perRequest)}`),
    cell(3, `${a}${usd(p.perRequest * 1000)}`),
    cell(4, `${a}${usd(p.total)}`),
    h("td", { class: "fits" }, "Yes"));
}

function draw() {
  const table = $("compare");
  fill(table.tHead.rows[0], header());
  fill(table.tBodies[0], ordered().map(row));
  chart();
}

/** Horizontal bars of the monthly cost, cheapest first, sized to the page. */
export function chart() {
  const box = $("chart");
  const bars = rows.filter((r) => r.projection).sort((a, b) => a.projection.total - b.projection.total);
  if (bars.length === 0) return fill(box);
  const width = Math.max(280, box.clientWidth || 600);
  const labelWidth = Math.min(210, Math.round(width * 0.42));
  const valueWidth = 84;
  const barHeight = 16;
  const step = 22;
  const max = Math.max(...bars.map((r) => r.projection.total)) || 1;
  const scale = (width - labelWidth - valueWidth) / max;
  const chars = Math.floor((labelWidth - 8) / 7.2); // 12px text, wide letters
  const label = (name) => (name.length > chars ? `${name.slice(0, chars - 1)}…` : name);
  fill(box, svg("svg", {
    width, height: bars.length * step + 4, viewBox: `0 0 ${width} ${bars.length * step + 4}`, role: "img",
    "aria-label": `Monthly cost by model, from ${bars[0].name} (${usd(bars[0].projection.total)}) to ${bars.at(-1).name} (${usd(bars.at(-1).projection.total)}). The table above has every figure.`,
  }, bars.map((r, i) => {
    const y = i * step + 2;
    const w = Math.max(1, r.projection.total * scale);
    return svg("g", { class: r.model === chosen ? "bar current" : "bar" },
      svg("title", null, `${r.name}: ${approx(r.exact)}${usd(r.projection.total)} a month`),
      svg("text", { x: labelWidth - 6, y: y + barHeight - 4, "text-anchor": "end", class: "label" }, label(r.name)),
      svg("rect", { x: labelWidth, y, width: w, height: barHeight, rx: 2 }),
      svg("text", { x: labelWidth + w + 4, y: y + barHeight - 4, class: "value" }, `${approx(r.exact)}${usd(r.projection.total)}`));
  })));
}
