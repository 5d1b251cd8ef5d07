// The session's price overrides, registered into the package's default
// catalogue (the worker's own: nothing leaves the page).
//
// An override is { name, prices } where prices holds the plain list the
// editor shows: input, output, cachedInput, cacheWrites (by lifetime),
// batchInput, batchOutput. Everything else of the model is kept as
// getModel returns it (registerModels takes that as is): its long-context
// tiers, service tiers and time windows keep the catalogue's prices (a
// service tier given as a multiplier applies it to the edited prices). Its
// earlier price lists and the list's start date are left out, so that the
// edited prices apply on every date.

/** The plain prices an override sets; any of them it leaves out is removed. */
export const PLAIN = ["input", "output", "cachedInput", "cacheWrites", "batchInput", "batchOutput"];

/** getModel's entry with the override's name and plain prices. */
function spec(tm, id, override, at) {
  const { priceHistory: _, ...model } = tm.getModel(id, at);
  const { from: _from, until: _until, ...prices } = model.prices;
  for (const key of PLAIN) {
    if (override.prices?.[key] === undefined) delete prices[key];
    else prices[key] = override.prices[key];
  }
  return { ...model, name: override.name || model.name, prices };
}

/** The catalogue back to the bundled data, then the overrides, all or nothing. */
export function register(tm, overrides, at) {
  tm.resetModels();
  const specs = Object.entries(overrides).map(([id, o]) => spec(tm, id, o, at));
  if (specs.length > 0) tm.registerModels(specs);
}
