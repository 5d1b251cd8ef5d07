// One document group counted once by one contender, in a fresh process, so
// that no piece cache has seen the text before (a user counting a new
// document): node lib/once-child.mjs <contender> <encoding> <group>
// The contender first counts the golden prose and code groups three times
// (another text: JIT, lazily built tables and the process warm, as in a
// server that has been counting for a while), then the group's text once.
// Prints JSON with the milliseconds and the count.
import { load } from "./contenders.mjs";
import { flat, groupBase, utf8Bytes } from "./corpus.mjs";
import { time } from "./measure.mjs";

const [id, encoding, group] = process.argv.slice(2);
const c = await load(id, encoding);
const warm = groupBase("prose") + groupBase("code");
for (let i = 0; i < 3; i++) c.count(warm);
const text = flat(groupBase(group));
const [ms, tokens] = time(() => c.count(text));
process.stdout.write(JSON.stringify({ id, encoding, group, ms, tokens, bytes: utf8Bytes(text) }));
