// The trimming panel: which messages trimMessages keeps, drops or cuts.
import { $, fill, h, int } from "./dom.js";

const SNIPPET = 200;

function text(message) {
  const c = message?.content;
  if (typeof c === "string") return c;
  if (Array.isArray(c)) return c.map((p) => p?.text ?? `[${p?.type ?? "part"}]`).join(" ");
  return message?.tool_calls ? "[tool calls]" : "";
}

const snippet = (s) => (s.length > SNIPPET ? `${s.slice(0, SNIPPET)}…` : s);

export function renderTrim(reply, window) {
  const box = $("trim-result");
  if (reply.error) return fill(box, h("p", { class: "error" }, reply.error.message));
  const { messages, result } = reply.value;
  const dropped = new Set(result.dropped);
  const truncated = new Set(result.truncated);
  // The kept messages, in order, as trimMessages returned them (a cut one carries its new text).
  const kept = result.messages;
  let k = 0;
  fill(box,
    h("p", { class: "trim-summary" },
      h("strong", null, `Keeps ${messages.length - dropped.size} of ${messages.length} messages`),
      `: ${int(result.inputTokens)} input tokens${window ? ` in a ${int(window)}-token window` : ""}`,
      result.fits ? "." : h("span", { class: "error" }, ". Still does not fit."),
      dropped.size ? ` Drops ${[...dropped].map((i) => `#${i + 1}`).join(", ")}.` : "",
      truncated.size ? ` Cuts ${[...truncated].map((i) => `#${i + 1}`).join(", ")}.` : ""),
    h("ol", { class: "trim-list" }, messages.map((m, i) => {
      const status = dropped.has(i) ? "dropped" : truncated.has(i) ? "cut" : "kept";
      const shown = status === "dropped" ? m : kept[k++] ?? m;
      return h("li", { class: status },
        h("span", { class: `badge ${status}` }, status),
        h("span", { class: "role" }, String(m?.role ?? "?")),
        h("span", { class: "snippet" }, snippet(text(shown))));
    })),
  );
}
