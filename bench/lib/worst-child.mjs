// One worst case for one contender, in its own process (the parent kills it
// past the time cap): node lib/worst-child.mjs <contender> <kind> <chars> <rounds>
// Times the worst case and two kinds of prose of the same length alternately
// (o200k_base): prose that repeats only every 166 KB (the yardstick, see
// `distinctProseOf`) and the prose group's 8 KB page repeated. Prints JSON
// with the medians and the counts.
import { load } from "./contenders.mjs";
import { distinctProseOf, flat, proseOf, worstCase } from "./corpus.mjs";
import { median, time } from "./measure.mjs";

const [id, kind, charsArg, roundsArg] = process.argv.slice(2);
const chars = Number(charsArg);
const rounds = Number(roundsArg || 3);
const c = await load(id, "o200k_base");
const prose = flat(proseOf(chars));
c.count(proseOf(5000)); // JIT and tables warm
const proseMs = [];
const distinctMs = [];
const worstMs = [];
let proseTokens, worstTokens, firstTokens;
for (let r = 0; r < rounds; r++) {
  let ms;
  [ms, proseTokens] = time(() => c.count(prose));
  proseMs.push(ms);
  // Each round's prose another stretch of text, as each round's worst case is.
  const distinct = flat(distinctProseOf(chars, r));
  [ms] = time(() => c.count(distinct));
  distinctMs.push(ms);
  // A new text each round: a cache of pieces must not serve a repeat.
  // Every text flat when timed (see `flat`).
  const worst = flat(worstCase(kind, chars, r));
  [ms, worstTokens] = time(() => c.count(worst));
  if (r === 0) firstTokens = worstTokens;
  worstMs.push(ms);
  // One slow pass is enough: the parent keeps the whole run under its cap.
  if (ms > 2000) break;
}
process.stdout.write(JSON.stringify({ id, kind, chars, proseMs: median(proseMs), distinctMs: median(distinctMs), worstMs: median(worstMs), proseTokens, worstTokens: firstTokens, rounds: worstMs.length }));
