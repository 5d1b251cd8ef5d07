// The compression panel: compressPrompt's result at each level, with the
// saving, the passes that made it and a word diff; "Replace" puts the result
// in the prompt.
import { $, fill, h, int } from "./dom.js";

/** Off for a chat given as JSON: compression works on a prompt's text. */
export function setCompressMode(mode) {
  const on = mode !== "json";
  $("compress-run").disabled = !on;
  $("compress-target").disabled = !on;
  $("compress-note").textContent = on
    ? "Rewrites the prompt with fewer tokens at three levels, from lossless to aggressive."
    : "Compression works on a prompt's text: choose the Text or System + user format.";
}

export function renderCompression(reply, onReplace) {
  if (reply.error) return fill($("compress-results"), h("p", { class: "error" }, reply.error.message));
  fill($("compress-results"), reply.value.map((r) => h("article", { class: "level", "data-level": r.level },
    h("h3", null, r.level[0].toUpperCase() + r.level.slice(1)),
    h("p", { class: "saving" }, `${int(r.tokensBefore)} → ${int(r.tokensAfter)} tokens: `,
      h("strong", null, `saves ${int(r.savedTokens)} (${r.savedPercent.toFixed(1)}%)`)),
    passes(r.passes),
    r.savedTokens > 0 ? diffView(r.before, r.text) : h("p", { class: "hint" }, "Nothing to save at this level."),
    h("button", { type: "button", onclick: () => onReplace(r.text), disabled: r.savedTokens === 0,
      "aria-label": `Replace the prompt with the ${r.level} version` }, "Use this version"),
  )));
}

/** The passes that saved something, by name. */
function passes(list) {
  const saving = list.filter((p) => p.savedTokens > 0);
  if (saving.length === 0) return null;
  return h("p", { class: "hint" }, "By pass: ", saving.map((p) => `${p.name.replaceAll("_", " ")} −${int(p.savedTokens)}`).join(", "));
}

/** Words removed struck through, words added underlined. */
function diffView(before, after) {
  const parts = wordDiff(before, after);
  if (parts === null) return h("p", { class: "hint" }, "The text is too long for a word diff.");
  return h("p", { class: "diff" }, h("span", { class: "visually-hidden" }, "Changes: "), parts.map(([op, text]) =>
    op === "=" ? text : h(op === "-" ? "del" : "ins", null, text)));
}

const MAX_CELLS = 4_000_000;

/** [op, text] runs ("=", "-", "+") of a longest-common-subsequence diff over words and spaces. */
export function wordDiff(a, b) {
  const x = a.split(/(\s+)/);
  const y = b.split(/(\s+)/);
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start += 1;
  let end = 0;
  while (end < x.length - start && end < y.length - start && x[x.length - 1 - end] === y[y.length - 1 - end]) end += 1;
  const xs = x.slice(start, x.length - end);
  const ys = y.slice(start, y.length - end);
  if ((xs.length + 1) * (ys.length + 1) > MAX_CELLS) return null;
  // lcs[i][j]: length of the LCS of xs[i..] and ys[j..], in one flat array.
  const w = ys.length + 1;
  const lcs = new Uint32Array((xs.length + 1) * w);
  for (let i = xs.length - 1; i >= 0; i -= 1) {
    for (let j = ys.length - 1; j >= 0; j -= 1) {
      lcs[i * w + j] = xs[i] === ys[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const out = [];
  const push = (op, text) => (out.at(-1)?.[0] === op ? (out.at(-1)[1] += text) : out.push([op, text]));
  push("=", x.slice(0, start).join(""));
  let i = 0;
  let j = 0;
  while (i < xs.length || j < ys.length) {
    if (i < xs.length && j < ys.length && xs[i] === ys[j]) {
      push("=", xs[i]);
      i += 1;
      j += 1;
    } else if (i < xs.length && (j === ys.length || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) push("-", xs[i++]);
    else push("+", ys[j++]);
  }
  push("=", x.slice(x.length - end).join(""));
  return out.filter(([, text]) => text !== "");
}
