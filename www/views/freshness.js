// How fresh each provider's prices are: catalogueInfo()'s date and age per
// provider, counted to the page's date; older than STALE_DAYS is marked.
import { $, fill, h } from "./dom.js";

export const STALE_DAYS = 90;

export const isStale = (p) => p.ageDays > STALE_DAYS;

/** "Prices as of 2026-08-18: 111 days old, may be out of date" for one provider. */
export function freshness(p) {
  const age = p.ageDays >= 0 ? `${p.ageDays} day${p.ageDays === 1 ? "" : "s"} old` : `checked ${-p.ageDays} days after this date`;
  return isStale(p)
    ? h("span", { class: "stale" }, `Prices as of ${p.asOf}: ${age}, older than ${STALE_DAYS} days, may be out of date.`)
    : `Prices as of ${p.asOf} (${age}).`;
}

/** The footer: each provider, its pricing page, and how fresh its prices are. */
export function showProviders(info) {
  $("catalogue-date").textContent = `Prices from tokenmeter's catalogue; each provider's age is counted to ${info.at}, and marked past ${STALE_DAYS} days. Sources:`;
  fill($("providers"), info.providers.map((p) => h("li", { "data-provider": p.provider },
    /^https:\/\//.test(p.source) ? h("a", { href: p.source, rel: "noopener noreferrer" }, p.name) : p.name,
    ": ", freshness(p))));
}
