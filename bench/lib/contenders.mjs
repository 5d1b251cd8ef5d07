// The contenders, each loaded the way its README recommends, as a function
// text -> token count for one encoding.

export const ENCODINGS = ["o200k_base", "cl100k_base"];

/** id -> label, in table order. tokenmeter first, then the peers. */
export const CONTENDERS = {
  "tm.countTokens": "tokenmeter countTokens",
  "tm.Tokenizer": "tokenmeter Tokenizer.count",
  "gpt-tokenizer": "gpt-tokenizer countTokens",
  "js-tiktoken": "js-tiktoken (lite + ranks)",
  tiktoken: "tiktoken (npm, wasm)",
};
export const TOKENMETER = ["tm.countTokens", "tm.Tokenizer"];
export const PEERS = ["gpt-tokenizer", "js-tiktoken", "tiktoken"];

/** Loads contender `id` for `encoding`; resolves to { count(text), limit?(text, n) }. */
export async function load(id, encoding) {
  switch (id) {
    case "tm.countTokens": {
      const tm = await import("tokenmeter");
      // The default encoding is o200k_base: call it the way most users will.
      const opts = { encoding };
      const count = encoding === "o200k_base" ? (t) => tm.countTokens(t) : (t) => tm.countTokens(t, opts);
      return { count, limit: (t, n) => tm.isWithinTokenLimit(t, n, opts) };
    }
    case "tm/o200k": {
      // The o200k-only entry point, called as above: an options object's
      // first use builds the model catalogue, which a count without one
      // never needs.
      const tm = await import("tokenmeter/o200k");
      const opts = { encoding };
      return { count: encoding === "o200k_base" ? (t) => tm.countTokens(t) : (t) => tm.countTokens(t, opts) };
    }
    case "tm.Tokenizer": {
      const { Tokenizer } = await import("tokenmeter");
      const tok = new Tokenizer({ encoding });
      return { count: (t) => tok.count(t), limit: (t, n) => tok.isWithinTokenLimit(t, n) };
    }
    case "gpt-tokenizer": {
      const m = await import(`gpt-tokenizer/encoding/${encoding}`);
      return { count: (t) => m.countTokens(t), limit: (t, n) => m.isWithinTokenLimit(t, n) };
    }
    case "js-tiktoken": {
      const { Tiktoken } = await import("js-tiktoken/lite");
      const ranks = (await import(`js-tiktoken/ranks/${encoding}`)).default;
      const enc = new Tiktoken(ranks);
      return { count: (t) => enc.encode(t).length };
    }
    case "tiktoken": {
      const { get_encoding } = await import("tiktoken");
      const enc = get_encoding(encoding);
      return { count: (t) => enc.encode(t).length };
    }
    default:
      throw new Error(`unknown contender ${id}`);
  }
}
