// The calculator: every number comes from the tokenmeter package.
import * as tm from "./vendor/tokenmeter/dist/default/browser.js";

const $ = (id) => document.getElementById(id);
const usd = (x) => `$${x < 0.01 ? x.toPrecision(3) : x.toFixed(4)}`;

for (const m of tm.listModels().filter((m) => m.kind !== "embedding")) {
  const option = document.createElement("option");
  option.value = m.id;
  option.textContent = `${m.name} (${m.provider})`;
  $("model").append(option);
}
$("model").value = "gpt-4o";
$("catalogue").textContent = "Prices: " + tm.listProviders().map((p) => `${p.name} as of ${p.asOf}`).join(" · ");

function update() {
  const model = $("model").value;
  try {
    const info = tm.tokenizerInfo(model);
    const tokens = tm.countTokens($("prompt").value, { model });
    const approx = info.exact ? "" : "≈";
    $("count").textContent = `${approx}${tokens.toLocaleString()} tokens`;
    $("tokenizer").textContent = info.exact ? `(${info.encoding}, exact)` : `(estimate: ${info.method})`;
    const outputTokens = Math.max(0, Math.floor(Number($("output").value) || 0));
    const c = tm.estimateCost({ model, inputTokens: tokens, outputTokens });
    $("cost").textContent = `${approx}${usd(c.total)} per call: input ${usd(c.input)}, output ${usd(c.output)}`;
  } catch (e) {
    $("cost").textContent = `${e.code}: ${e.message}`;
  }
}

for (const id of ["model", "prompt", "output"]) $(id).addEventListener("input", update);
update();
