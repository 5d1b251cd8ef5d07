// The token view: the prompt drawn as coloured token spans, each with its id
// on hover. A character whose bytes are split across tokens is drawn once,
// over the run of tokens that carries it.
import { $, fill, h, int } from "./dom.js";

export function renderTokens(view, model) {
  const box = $("tokens");
  const shown = view.sections.reduce((n, s) => n + s.shown, 0);
  const total = view.sections.reduce((n, s) => n + s.total, 0);
  const basis = model && !model.tokenizer.exact
    ? `${model.name}'s tokenizer is not bundled: these are ${view.encoding} tokens, which its estimate multiplies by ${model.tokenizer.factor}. `
    : `${view.encoding} tokens. `;
  const limit = shown < total || view.more ? `The first ${int(shown)} are drawn. ` : "";
  $("tokens-note").textContent = `${basis}${limit}Hover over a token for its id.`;
  let k = 0;
  fill(box, view.sections.map((section) => [
    section.label === null ? null : h("p", { class: "role" }, section.label),
    h("p", { class: "token-text" }, section.pieces.map((piece) => {
      k += 1;
      const title = piece.ids.length === 1 ? `token ${piece.ids[0]}` : `tokens ${piece.ids.join(" + ")} (one character split across tokens)`;
      return h("span", { class: `tok c${k % 6}${piece.text.trim() === "" ? " blank" : ""}`, title }, piece.text);
    })),
  ]));
  box.hidden = false;
}

export function hideTokens(note = "") {
  $("tokens").hidden = true;
  fill($("tokens"));
  $("tokens-note").textContent = note;
}
