// A test Worker that imports the package by its name, as a user's would.
// workerd.test.mjs bundles it once per entry point, with "tokenmeter"
// replaced by "tokenmeter/o200k" or "tokenmeter/all".
import * as tm from "tokenmeter";

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/encode") {
      const cases = await request.json();
      return Response.json(cases.map((c) => {
        try {
          return [...tm.encode(c.text, { encoding: c.encoding, allowedSpecial: c.allowed_special })];
        } catch (e) {
          return { code: e.code, field: e.field };
        }
      }));
    }
    if (url.pathname === "/chat") {
      const cases = await request.json();
      return Response.json(cases.map((c) => {
        try {
          return tm.countChatTokens(c.messages, { model: c.model, tools: c.tools });
        } catch (e) {
          return e.code;
        }
      }));
    }
    if (url.pathname === "/tenants") {
      // Two tenants' prices for one id, in one isolate.
      const spec = (input) => [{ id: "tenant-model", contextWindow: 1000, maxOutputTokens: 100, prices: { input, output: 1 } }];
      const a = new tm.Catalogue();
      const b = new tm.Catalogue();
      a.register(spec(1));
      b.register(spec(3));
      const cost = (catalogue) => tm.estimateCost({ model: "tenant-model", inputTokens: 1_000_000 }, { catalogue }).total;
      const body = { a: cost(a), b: cost(b), defaultKnows: tm.listModels().some((m) => m.id === "tenant-model") };
      a.free();
      b.free();
      return Response.json(body);
    }
    if (url.pathname === "/errors") {
      const errors = [];
      for (const bad of [() => tm.countTokens(1), () => tm.countTokens("x", { model: "nope" }), () => tm.decode([-1])]) {
        try {
          bad();
          errors.push(null);
        } catch (e) {
          errors.push({ name: e.name, code: e.code, field: e.field, isError: e instanceof Error });
        }
      }
      return Response.json({ errors, after: tm.countTokens("hello world"), encodings: tm.bundledEncodings() });
    }
    return new Response("not found", { status: 404 });
  },
};
