// Small DOM helpers. Text always goes in as text nodes (never as markup), so
// whatever a user pastes is shown, not run.
export const $ = (id) => document.getElementById(id);

function build(el, props, children) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else if (value !== false && value != null) el.setAttribute(key, String(value));
  }
  el.append(...children.flat(Infinity).filter((c) => c != null && c !== false).map((c) => (c instanceof Node ? c : String(c))));
  return el;
}

/** h("td", { class: "num" }, "text", child, ...) */
export const h = (tag, props, ...children) => build(document.createElement(tag), props, children);

/** The same for SVG elements. */
export const svg = (tag, props, ...children) => build(document.createElementNS("http://www.w3.org/2000/svg", tag), props, children);

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return build(el, null, children);
}

export const int = (n) => Math.round(n).toLocaleString("en-US");

/** Dollars: small amounts with three significant digits, larger ones with cents. */
export function usd(x) {
  if (x === 0) return "$0";
  if (x < 0.01) {
    const s = x.toPrecision(3);
    return `$${s.includes("e") ? x.toFixed(9).replace(/0+$/, "") : s}`;
  }
  if (x < 1) return `$${x.toFixed(4)}`;
  return `$${x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** "≈" before figures that rest on an estimated token count. */
export const approx = (exact) => (exact ? "" : "≈");
