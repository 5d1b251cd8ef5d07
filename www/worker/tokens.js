// The token view's data: the prompt's texts as tokens, from the package's
// encodeWithOffsets (the text of a chat message as the package reads it,
// and where each token starts in it). A token whose slice is empty only
// continues a character that an earlier token began (BPE splits a
// character's bytes freely): it is drawn with that token, so that every
// character is drawn once.

const TOKEN_VIEW_LIMIT = 3000; // tokens drawn in the token view

/** Runs of tokens as { text, ids }, at most `budget` tokens. */
function pieces(text, tokens, starts, budget) {
  const out = [];
  let i = 0;
  while (i < tokens.length && i < budget) {
    let j = i + 1;
    while (j < tokens.length && starts[j] === starts[j + 1]) j += 1;
    out.push({ text: text.slice(starts[i], starts[j]), ids: Array.from(tokens.subarray(i, j)) });
    i = j;
  }
  return { pieces: out, shown: i };
}

/** `prompt` is { text } or { messages }; counted in `encoding`. */
export function tokenView(tm, prompt, encoding) {
  const texts = prompt.text !== undefined
    ? [{ label: null, text: prompt.text, ...tm.encodeWithOffsets(prompt.text, { encoding }) }]
    : tm.encodeWithOffsets(prompt.messages, { encoding }).messages.map((m, i) => ({ label: `${i}: ${m.role}`, ...m }));
  let budget = TOKEN_VIEW_LIMIT;
  const sections = [];
  for (const { label, text, tokens, starts } of texts) {
    if (budget <= 0) break;
    const view = pieces(text, tokens, starts, budget);
    budget -= view.shown;
    sections.push({ label, ...view, total: tokens.length });
  }
  return { encoding, sections, more: sections.length < texts.length };
}
