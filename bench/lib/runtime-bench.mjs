// Throughput in a runtime other than Node (Chromium, workerd): plain ES, no
// Node APIs. `contenders` maps encoding -> id -> count(text); `bases` maps
// group -> one copy of its text, repeated here to ~1 MB. Same method as
// throughput.mjs: a warm-up pass whose counts must agree, then round-robin
// rounds with a rotating start, medians.
const MB = 1_000_000;
const utf8 = new TextEncoder();

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function runThroughput(contenders, bases, rounds = 5) {
  const out = { throughput: {}, mismatches: [] };
  for (const [enc, cs] of Object.entries(contenders)) {
    out.throughput[enc] = {};
    const ids = Object.keys(cs);
    for (const [group, base] of Object.entries(bases)) {
      const text = base.repeat(Math.ceil(MB / utf8.encode(base).length));
      const bytes = utf8.encode(text).length;
      const counts = {};
      for (const id of ids) counts[id] = cs[id](text);
      if (new Set(Object.values(counts)).size > 1) out.mismatches.push({ enc, group, counts });
      const samples = Object.fromEntries(ids.map((id) => [id, []]));
      for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < ids.length; k++) {
          const id = ids[(r + k) % ids.length];
          const t0 = performance.now();
          cs[id](text);
          const ms = performance.now() - t0;
          if (!(ms > 0)) throw new Error("the clock did not advance during a count (frozen timers?)");
          samples[id].push(bytes / MB / (ms / 1000));
        }
      }
      out.throughput[enc][group] = Object.fromEntries(ids.map((id) => [id, { mbps: median(samples[id]), samples: samples[id], tokens: counts[id], bytes }]));
    }
  }
  return out;
}

/** The contenders from the modules as imported in that runtime. */
export function contendersFrom(tm, gpt) {
  const out = {};
  for (const enc of ["o200k_base", "cl100k_base"]) {
    const opts = { encoding: enc };
    const tok = new tm.Tokenizer(opts);
    out[enc] = {
      "tm.countTokens": enc === "o200k_base" ? (t) => tm.countTokens(t) : (t) => tm.countTokens(t, opts),
      "tm.Tokenizer": (t) => tok.count(t),
      "gpt-tokenizer": gpt[enc].countTokens,
    };
  }
  return out;
}
