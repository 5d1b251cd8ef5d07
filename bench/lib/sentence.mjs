// The sentences every cold start counts (Node: lib/cold.mjs, lib/cold-split.mjs;
// workerd: wcold.mjs): the first count after start-up, then a second one.
export const FIRST =
  "The quick brown fox jumps over the lazy dog. Token counting runs on every request, " +
  "so the first count after start-up matters as much as the thousandth.";
export const SECOND = "A second sentence, counted once the first has paid for whatever start-up left to do.";
