#!/usr/bin/env python3
"""Generates tokenmeter's context corpus (data/context/README.md says what
each file is). Everything here was written for tokenmeter: the shapes follow
public API documentation (field names and nesting), the values are random
from a fixed seed, and the prose of the HTML pages was written for this
corpus. Run from anywhere: python3 data/context/generate.py
"""
import json
import os
import random
import string
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))

WORDS = ("build cache token request window model budget latency error retry stream "
         "deploy worker queue index shard replica metric trace span region quota "
         "schema field record batch export import parser buffer socket timeout").split()
NAMES = ["alice", "bob", "carol", "dmitri", "eve", "farah", "gustavo", "hana", "ivan", "jun",
         "kemal", "lena", "mateo", "nadia", "oskar", "priya", "quinn", "rosa", "sami", "tomas"]


def words(r, n):
    return " ".join(r.choice(WORDS) for _ in range(n))


def sentence(r, lo=6, hi=16):
    s = words(r, r.randint(lo, hi))
    return s[0].upper() + s[1:] + "."


def ts(r, year=2026):
    return f"{year}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}Z"


def rid(r, n, alphabet=string.ascii_letters + string.digits):
    return "".join(r.choice(alphabet) for _ in range(n))


def hexid(r, n):
    return "".join(r.choice("0123456789abcdef") for _ in range(n))


# --- JSON shaped like common APIs -------------------------------------------

def github_issues(r, n=25, repo="acme/widgets"):
    out = []
    for i in range(n):
        num = 1000 + i * 7
        user = r.choice(NAMES)
        out.append({
            "url": f"https://api.github.com/repos/{repo}/issues/{num}",
            "repository_url": f"https://api.github.com/repos/{repo}",
            "html_url": f"https://github.com/{repo}/issues/{num}",
            "id": r.randint(10**9, 3 * 10**9),
            "node_id": "I_kwDO" + rid(r, 14),
            "number": num,
            "title": sentence(r, 4, 9)[:-1],
            "user": {"login": user, "id": r.randint(10**5, 10**8), "type": "User", "site_admin": False},
            "labels": [{"name": l, "color": hexid(r, 6), "default": False} for l in r.sample(["bug", "docs", "perf", "good first issue", "wasm"], r.randint(0, 2))],
            "state": r.choice(["open", "open", "closed"]),
            "locked": False,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": r.randint(0, 40),
            "created_at": ts(r),
            "updated_at": ts(r),
            "closed_at": None,
            "author_association": r.choice(["CONTRIBUTOR", "MEMBER", "NONE"]),
            "body": " ".join(sentence(r) for _ in range(r.randint(1, 3))),
            "reactions": {"total_count": r.randint(0, 9), "+1": r.randint(0, 5), "-1": 0, "heart": 0},
        })
    return out


def charges(r, n=20, prefix="ch_"):
    data = []
    for _ in range(n):
        amount = r.choice([500, 1250, 2000, 4999, 10000, 2500])
        data.append({
            "id": prefix + rid(r, 24),
            "object": "charge",
            "amount": amount,
            "amount_captured": amount,
            "amount_refunded": 0,
            "balance_transaction": "txn_" + rid(r, 24),
            "billing_details": {"address": {"city": None, "country": r.choice(["US", "DE", "FR", "JP"]), "line1": None, "postal_code": None}, "email": None, "name": None, "phone": None},
            "captured": True,
            "created": r.randint(1_700_000_000, 1_760_000_000),
            "currency": r.choice(["usd", "eur"]),
            "customer": "cus_" + rid(r, 14),
            "description": None,
            "livemode": False,
            "metadata": {},
            "paid": True,
            "payment_method": "pm_" + rid(r, 24),
            "receipt_url": "https://pay.example.com/receipts/" + rid(r, 40),
            "refunded": False,
            "status": r.choice(["succeeded", "succeeded", "failed"]),
        })
    return {"object": "list", "data": data, "has_more": True, "url": "/v1/charges"}


def weather(r, hours=36, lat=52.52, lon=13.41):
    t = [round(r.uniform(-3, 24), 1) for _ in range(hours)]
    return {
        "latitude": lat, "longitude": lon, "generationtime_ms": 0.0431, "utc_offset_seconds": 0,
        "timezone": "GMT", "elevation": 38.0,
        "current": {"time": "2026-12-07T12:00", "temperature_2m": t[0], "wind_speed_10m": 11.4, "weather_code": 3},
        "hourly_units": {"time": "iso8601", "temperature_2m": "°C", "relative_humidity_2m": "%", "precipitation": "mm"},
        "hourly": [
            {"time": f"2026-12-{7 + h // 24:02d}T{h % 24:02d}:00", "temperature_2m": t[h],
             "relative_humidity_2m": r.randint(40, 99), "precipitation": round(r.choice([0, 0, 0, 0.1, 0.4, 1.2]), 1),
             "weather_code": r.choice([0, 1, 2, 3, 61, 80])}
            for h in range(hours)
        ],
    }


def search(r, n=10, q="rust wasm tokenizer"):
    return {
        "query": {"original": q, "altered": None, "safesearch": "moderate"},
        "web": {"type": "search", "results": [
            {"title": sentence(r, 3, 8)[:-1], "url": f"https://{r.choice(['docs', 'blog', 'www'])}.example.{r.choice(['com', 'org', 'dev'])}/{words(r, 2).replace(' ', '-')}",
             "description": " ".join(sentence(r) for _ in range(2)), "page_age": ts(r, 2025),
             "language": "en", "family_friendly": True, "extra_snippets": [sentence(r) for _ in range(r.randint(0, 2))],
             "profile": {"name": r.choice(["Docs", "Blog", "Forum"]), "img": None}}
            for _ in range(n)]},
        "mixed": {"type": "mixed", "main": [{"type": "web", "index": i, "all": False} for i in range(n)]},
    }


def config(r):
    return {
        "version": 3,
        "service": {"name": "gateway", "replicas": 3, "image": "registry.example.com/gateway:1.42.0",
                    "env": {"LOG_LEVEL": "info", "REGION": "eu-west-1", "FEATURE_FLAGS": "stream,cache"}},
        "routes": {r.choice(WORDS) + str(i): {"path": f"/v1/{r.choice(WORDS)}", "timeout_ms": r.choice([500, 1000, 3000]), "retries": r.randint(0, 3),
                                               "upstream": {"host": f"{r.choice(WORDS)}.internal", "port": r.choice([8080, 9000, 443]), "tls": r.random() < 0.5}}
                   for i in range(8)},
        "limits": {"requests_per_minute": 600, "burst": 50, "max_body_bytes": 1048576, "allowlist": ["10.0.0.0/8", "192.168.0.0/16"]},
        "observability": {"tracing": {"enabled": True, "sample_rate": 0.1, "exporter": {"endpoint": "https://otel.example.com:4317", "headers": {}}},
                          "metrics": {"enabled": True, "interval_s": 15}},
    }


def orders(r, n=18):
    return {"orders": [{
        "order_id": str(uuid.UUID(int=r.getrandbits(128))),
        "status": r.choice(["paid", "shipped", "delivered", "refunded"]),
        "placed_at": ts(r), "currency": "EUR",
        "total": f"{r.randint(5, 400)}.{r.randint(0, 99):02d}",
        "customer": {"id": r.randint(1, 99999), "email": f"{r.choice(NAMES)}@example.com", "country": r.choice(["DE", "NL", "FR"])},
        "items": [{"sku": "SKU-" + rid(r, 6, string.ascii_uppercase + string.digits), "qty": r.randint(1, 4), "price": f"{r.randint(2, 120)}.{r.choice(['00', '50', '99'])}"} for _ in range(r.randint(1, 3))],
        "shipping": {"carrier": r.choice(["DHL", "UPS", "PostNL"]), "tracking": rid(r, 18, string.ascii_uppercase + string.digits), "eta": None},
        "notes": "",
    } for _ in range(n)], "page": 1, "per_page": n, "total_pages": 7}


def pull_requests(r, n=15, repo="acme/engine"):
    return [{
        "id": r.randint(10**9, 3 * 10**9), "number": 300 + i, "state": r.choice(["open", "closed"]),
        "title": sentence(r, 4, 8)[:-1], "draft": r.random() < 0.2,
        "user": {"login": r.choice(NAMES), "id": r.randint(10**5, 10**8)},
        "head": {"ref": f"feature/{r.choice(WORDS)}-{r.choice(WORDS)}", "sha": hexid(r, 40)},
        "base": {"ref": "main", "sha": hexid(r, 40)},
        "merged_at": None, "merge_commit_sha": hexid(r, 40), "requested_reviewers": [],
        "html_url": f"https://github.com/{repo}/pull/{300 + i}", "created_at": ts(r), "updated_at": ts(r),
        "additions": r.randint(1, 900), "deletions": r.randint(0, 400), "changed_files": r.randint(1, 30),
    } for i in range(n)]


def geocode(r, n=8):
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [round(r.uniform(-10, 30), 6), round(r.uniform(35, 60), 6)]},
        "properties": {"name": f"{r.choice(WORDS).title()} Street {r.randint(1, 200)}", "city": r.choice(["Lyon", "Porto", "Graz", "Brno"]),
                       "postcode": f"{r.randint(1000, 99999)}", "confidence": round(r.uniform(0.5, 1), 2), "osm_id": r.randint(10**6, 10**9), "layer": "address"}}
        for _ in range(n)], "bbox": [-10.0, 35.0, 30.0, 60.0]}


def pods(r, n=10):
    return {"apiVersion": "v1", "kind": "PodList", "items": [{
        "metadata": {"name": f"api-{hexid(r, 10)}-{rid(r, 5, string.ascii_lowercase + string.digits)}", "namespace": "prod",
                     "uid": str(uuid.UUID(int=r.getrandbits(128))), "labels": {"app": "api", "tier": "backend"}, "creationTimestamp": ts(r)},
        "spec": {"nodeName": f"node-{r.randint(1, 9)}", "containers": [{"name": "api", "image": "registry.example.com/api:2.3.1",
                                                                        "resources": {"limits": {"cpu": "500m", "memory": "512Mi"}}}]},
        "status": {"phase": r.choice(["Running", "Running", "Pending"]), "podIP": f"10.1.{r.randint(0, 255)}.{r.randint(0, 255)}",
                   "containerStatuses": [{"name": "api", "ready": True, "restartCount": r.randint(0, 3)}]}}
        for _ in range(n)]}


def analytics(r, n=30):
    return {"report": "daily_active", "rows": [{"date": f"2026-11-{d + 1:02d}", "country": r.choice(["US", "IN", "BR", "DE"]),
                                                "sessions": r.randint(100, 9000), "users": r.randint(50, 5000),
                                                "bounce_rate": round(r.uniform(0.2, 0.7), 3), "avg_duration_s": round(r.uniform(20, 300), 1)}
                                               for d in range(n)], "generated_at": ts(r)}


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")


# --- HTML documentation pages ------------------------------------------------

TOPICS = [
    ("Configuring retries", "retries", [
        ("Overview", "The client retries a request that failed with a network error or a 5xx status. Each retry waits longer than the one before, and a jitter keeps many clients from retrying at the same moment."),
        ("Backoff", "The wait doubles after every attempt, starting at the base delay and never exceeding the maximum delay. Set both in milliseconds."),
        ("Idempotency", "Only idempotent requests are retried by default. A POST is retried when it carries an idempotency key, which the server uses to return the first result again."),
    ]),
    ("Streaming responses", "streaming", [
        ("How streaming works", "A streamed response arrives as a sequence of events over one HTTP connection. Each event carries a small piece of the output, so a user sees text while the model is still writing it."),
        ("Handling events", "Read the stream line by line. A line that starts with data holds one JSON event; an empty line ends the event. The final event has the type done."),
        ("Cancelling", "Abort the request to stop the stream. Tokens generated before the abort are still billed, because the model produced them."),
    ]),
    ("Rate limits", "rate-limits", [
        ("Limits per key", "Every API key has a limit on requests per minute and on tokens per minute. The response headers tell you how much of each is left in the current window."),
        ("When you hit a limit", "The API answers 429 with a retry-after header. Wait at least that many seconds before sending the next request, or spread requests over time."),
        ("Raising limits", "Limits grow with usage history. Contact support with your expected peak traffic to request a higher tier ahead of a launch."),
    ]),
    ("Webhooks", "webhooks", [
        ("Receiving events", "Register an HTTPS endpoint, and the service sends a POST for every event you subscribe to. Respond with a 2xx status within ten seconds."),
        ("Verifying signatures", "Each delivery is signed with your endpoint secret. Compute the HMAC of the raw body and compare it with the signature header in constant time."),
        ("Retries and ordering", "Failed deliveries are retried for three days. Events can arrive out of order, so use the timestamp in the payload rather than arrival time."),
    ]),
    ("Pagination", "pagination", [
        ("Cursor pagination", "List endpoints return a page of results and a cursor. Pass the cursor back to get the next page; a missing cursor means you reached the end."),
        ("Page size", "The limit parameter sets the page size, from 1 to 100. Larger pages mean fewer requests but longer responses."),
        ("Consistency", "Items created while you page through a list may or may not appear. For an exact snapshot, filter by a created_at bound."),
    ]),
    ("Caching embeddings", "embeddings-cache", [
        ("Why cache", "Embedding the same text twice costs twice. A cache keyed by the hash of the text and the model name returns the stored vector instead."),
        ("Invalidation", "A model upgrade changes every vector. Include the model version in the key, and the old entries expire on their own."),
        ("Storage", "Store vectors as little-endian float32 arrays. A 1,536-dimension vector takes 6 KB, so a million cached texts need about 6 GB."),
    ]),
]

CODE = {
    "retries": ("python", 'client = Client(\n    api_key=os.environ["API_KEY"],\n    max_retries=4,\n    retry_base_ms=250,\n)\nresponse = client.requests.create(prompt="hello", idempotency_key=key)'),
    "streaming": ("javascript", 'const res = await fetch(url, { method: "POST", body, signal });\nfor await (const event of parseEvents(res.body)) {\n  if (event.type === "done") break;\n  output.textContent += event.delta;\n}'),
    "rate-limits": ("bash", 'curl -i https://api.example.com/v1/models \\\n  -H "Authorization: Bearer $API_KEY"\n# x-ratelimit-remaining-requests: 59\n# x-ratelimit-remaining-tokens: 149820'),
    "webhooks": ("go", 'mac := hmac.New(sha256.New, secret)\nmac.Write(body)\nexpected := hex.EncodeToString(mac.Sum(nil))\nif !hmac.Equal([]byte(expected), []byte(sig)) {\n\treturn errBadSignature\n}'),
    "pagination": ("python", 'cursor = None\nwhile True:\n    page = client.items.list(limit=100, cursor=cursor)\n    handle(page.data)\n    if not page.next_cursor:\n        break\n    cursor = page.next_cursor'),
    "embeddings-cache": ("rust", 'let key = format!("{model}:{}", sha256_hex(text));\nif let Some(v) = cache.get(&key)? {\n    return Ok(v);\n}\nlet v = client.embed(model, text).await?;\ncache.put(&key, &v)?;'),
}

TW = 'class="flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"'
ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" class="h-4 w-4"><path fill-rule="evenodd" d="M7.21 14.77a.75.75 0 01.02-1.06L11.168 10 7.23 6.29a.75.75 0 111.04-1.08l4.5 4.25a.75.75 0 010 1.08l-4.5 4.25a.75.75 0 01-1.06-.02z" clip-rule="evenodd"/></svg>'


def html_page(r, topic, site="Acme Cloud Docs"):
    title, slug, sections = topic
    nav = "\n".join(f'          <li><a {TW} href="/docs/{t[1]}">{ICON}<span>{t[0]}</span></a></li>' for t in TOPICS)
    toc = "\n".join(f'            <li class="toc-item toc-level-2"><a class="toc-link" href="#{h.lower().replace(" ", "-")}">{h}</a></li>' for h, _ in sections)
    body = []
    for k, (h, p) in enumerate(sections):
        hid = h.lower().replace(" ", "-")
        body.append(f'        <section class="doc-section mt-10 scroll-mt-24" id="{hid}">\n          <h2 class="group relative text-2xl font-semibold tracking-tight text-slate-900 dark:text-white"><a class="anchor absolute -ml-6 opacity-0 group-hover:opacity-100" href="#{hid}" aria-label="Link to this section">#</a>{h}</h2>\n          <p class="mt-4 leading-7 text-slate-600 dark:text-slate-400">{p}</p>')
        if k == 0:
            lang, code = CODE[slug]
            esc = code.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            body.append(f'          <div class="code-block relative my-6 rounded-xl bg-slate-900 shadow-lg"><div class="flex items-center justify-between px-4 py-2 text-xs text-slate-400"><span>{lang}</span><button class="copy-button" type="button" aria-label="Copy code">{ICON}</button></div>\n          <pre class="language-{lang} overflow-x-auto p-4 text-sm"><code class="language-{lang}">{esc}</code></pre></div>')
        if k == 1:
            rows = "\n".join(f'              <tr class="border-b border-slate-200"><td class="px-4 py-2 font-mono text-sm"><code>{w}</code></td><td class="px-4 py-2">{r.choice(["integer", "string", "boolean"])}</td><td class="px-4 py-2">{sentence(r, 5, 10)}</td></tr>' for w in r.sample(WORDS, 4))
            body.append(f'          <div class="table-wrapper my-6 overflow-x-auto"><table class="min-w-full divide-y divide-slate-300 text-left text-sm">\n            <thead class="bg-slate-50"><tr><th class="px-4 py-2 font-semibold">Parameter</th><th class="px-4 py-2 font-semibold">Type</th><th class="px-4 py-2 font-semibold">Description</th></tr></thead>\n            <tbody>\n{rows}\n            </tbody></table></div>')
            items = "\n".join(f'            <li class="pl-2">{sentence(r, 4, 9)}</li>' for _ in range(3))
            body.append(f'          <ul class="mt-4 list-disc space-y-2 pl-6 marker:text-slate-400">\n{items}\n          </ul>')
        if k == 2:
            body.append(f'          <div class="callout callout-note my-6 rounded-lg border-l-4 border-sky-500 bg-sky-50 p-4" role="note"><p class="text-sm text-sky-900"><strong>Note:</strong> {sentence(r)} See <a class="font-medium underline" href="/docs/{r.choice(TOPICS)[1]}">the related guide</a>.</p></div>')
        body.append("        </section>")
    body = "\n".join(body)
    style_css = "\n".join(f"      .{w}-{i} {{ margin: {i}px; padding: {i * 2}px; color: #{hexid(r, 6)}; }}" for i, w in enumerate(r.sample(WORDS, 12)))
    return f'''<!DOCTYPE html>
<html lang="en" class="h-full scroll-smooth antialiased">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{title} | {site}</title>
    <meta name="description" content="{sections[0][1][:120]}">
    <link rel="stylesheet" href="/_next/static/css/{hexid(r, 16)}.css">
    <link rel="preload" href="/fonts/inter-var.woff2" as="font" type="font/woff2" crossorigin>
    <style>
{style_css}
    </style>
    <script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}};gtag("js",new Date());gtag("config","G-{rid(r, 10, string.ascii_uppercase + string.digits)}");</script>
  </head>
  <body class="flex min-h-full bg-white dark:bg-slate-900">
    <div id="cookie-banner" style="display: none" class="fixed bottom-0 z-50">We use cookies. <button>Accept</button></div>
    <header class="sticky top-0 z-40 flex h-14 items-center justify-between gap-12 border-b border-slate-900/10 bg-white/80 px-6 backdrop-blur">
      <a href="/" class="flex items-center gap-2" aria-label="Home">{ICON}<span class="font-semibold">{site}</span></a>
      <nav class="hidden md:block" aria-label="Main"><ul class="flex gap-8"><li><a href="/docs">Docs</a></li><li><a href="/api">API reference</a></li><li><a href="/changelog">Changelog</a></li><li><a href="/pricing">Pricing</a></li></ul></nav>
      <button type="button" class="search-button" aria-label="Search">{ICON}<span class="sr-only">Search</span><kbd class="hidden">Ctrl K</kbd></button>
    </header>
    <div class="mx-auto flex w-full max-w-8xl">
      <aside class="sidebar hidden lg:block lg:w-72" aria-label="Documentation">
        <nav>
          <p class="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Guides</p>
          <ul role="list" class="space-y-1">
{nav}
          </ul>
        </nav>
      </aside>
      <main class="min-w-0 flex-auto px-4 pb-16 pt-10 lg:pl-8 xl:px-16" id="content">
        <nav class="breadcrumbs text-sm" aria-label="Breadcrumb"><ol class="flex gap-2"><li><a href="/docs">Docs</a></li><li aria-hidden="true">/</li><li><a href="/docs/guides">Guides</a></li></ol></nav>
        <article class="prose prose-slate max-w-none dark:prose-invert">
        <h1 class="text-3xl font-bold tracking-tight text-slate-900 dark:text-white">{title}</h1>
        <p class="lead mt-2 text-lg text-slate-600">{sentence(r, 10, 18)}</p>
{body}
        </article>
        <div class="feedback mt-16 flex items-center gap-4 border-t pt-8"><p class="text-sm">Was this page helpful?</p><button class="btn">Yes</button><button class="btn">No</button></div>
        <template id="toast"><div class="toast">Copied!</div></template>
      </main>
      <aside class="toc hidden xl:block xl:w-56" aria-label="On this page">
        <p class="text-sm font-semibold">On this page</p>
        <nav><ul class="mt-2 space-y-2 text-sm">
{toc}
        </ul></nav>
      </aside>
    </div>
    <footer class="border-t border-slate-200 py-10 text-sm text-slate-500">
      <div class="mx-auto grid max-w-7xl grid-cols-4 gap-8 px-6">
        <div><p class="font-semibold">Product</p><ul><li><a href="/features">Features</a></li><li><a href="/pricing">Pricing</a></li><li><a href="/status">Status</a></li></ul></div>
        <div><p class="font-semibold">Company</p><ul><li><a href="/about">About</a></li><li><a href="/blog">Blog</a></li><li><a href="/careers">Careers</a></li></ul></div>
        <div><p class="font-semibold">Legal</p><ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li></ul></div>
        <p class="col-span-4">&copy; 2026 Acme Cloud, Inc. All rights reserved.</p>
      </div>
    </footer>
    <script src="/_next/static/chunks/main-{hexid(r, 16)}.js" async></script>
    <script>document.querySelectorAll(".copy-button").forEach(b=>b.addEventListener("click",()=>navigator.clipboard.writeText(b.closest(".code-block").querySelector("code").innerText)));</script>
  </body>
</html>
'''


# --- Terminal and CI logs -----------------------------------------------------

ESC = "\x1b"
G, Y, R, B, DIM, BOLD, RST = (f"{ESC}[32m", f"{ESC}[33m", f"{ESC}[31m", f"{ESC}[34m", f"{ESC}[2m", f"{ESC}[1m", f"{ESC}[0m")


def progress(label, steps, width=30):
    out = []
    for k in range(steps + 1):
        done = width * k // steps
        out.append(f"\r{ESC}[2K{label} [{'=' * done}{' ' * (width - done)}] {100 * k // steps}%")
    return "".join(out) + "\n"


def npm_log(r):
    pkgs = ["react", "react-dom", "typescript", "esbuild", "vitest", "eslint", "prettier", "zod", "undici", "chalk"]
    s = f"{DIM}npm{RST} {BOLD}install{RST}\n"
    for k in range(r.randint(40, 70)):
        s += f"\r{ESC}[K{ESC}[90m⠋{RST} reify:{r.choice(pkgs)}: {DIM}timing reifyNode:node_modules/{r.choice(pkgs)} Completed in {r.randint(1, 900)}ms{RST}"
    s += "\n"
    for _ in range(r.randint(3, 6)):
        s += f"{Y}npm{RST} {ESC}[30;43mWARN{RST} {ESC}[35mdeprecated{RST} {r.choice(['inflight@1.0.6', 'glob@7.2.3', 'rimraf@3.0.2'])}: This module is not supported, and leaks memory.\n"
    s += f"\nadded {r.randint(200, 900)} packages, and audited {r.randint(200, 900)} packages in {r.randint(3, 40)}s\n\n{r.randint(50, 200)} packages are looking for funding\n  run `npm fund` for details\n\n"
    s += f"found {BOLD}{G}0{RST} vulnerabilities\n"
    return s


def cargo_log(r):
    crates = ["serde", "serde_json", "syn", "quote", "proc-macro2", "libc", "memchr", "regex", "tokio", "hyper", "bytes", "futures-util", "tracing", "sha2", "flate2"]
    s = f"{BOLD}{G}    Updating{RST} crates.io index\n"
    total = r.randint(90, 160)
    for k in range(total):
        c = r.choice(crates)
        s += f"{BOLD}{G}   Compiling{RST} {c} v1.{r.randint(0, 40)}.{r.randint(0, 20)}\n"
        s += f"{BOLD}{B}    Building{RST} [{'=' * (25 * k // total)}>{' ' * (25 - 25 * k // total)}] {k}/{total}: {c}\r{ESC}[K"
    for _ in range(r.randint(2, 4)):
        s += f"{BOLD}{Y}warning{RST}{BOLD}: unused variable: `{r.choice(WORDS)}`{RST}\n  {B}-->{RST} src/{r.choice(WORDS)}.rs:{r.randint(1, 400)}:{r.randint(1, 40)}\n   {B}|{RST}\n   {B}={RST} {BOLD}note{RST}: `#[warn(unused_variables)]` on by default\n\n"
    s += f"{BOLD}{G}    Finished{RST} `release` profile [optimized] target(s) in {r.randint(20, 200)}.{r.randint(0, 99)}s\n"
    return s


def pytest_log(r):
    files = [f"tests/test_{w}.py" for w in r.sample(WORDS, 8)]
    s = f"{BOLD}============================= test session starts =============================={RST}\nplatform linux -- Python 3.12.3, pytest-8.3.2, pluggy-1.5.0\nrootdir: /home/runner/work/app\ncollected {r.randint(200, 500)} items\n\n"
    for f in files:
        n = r.randint(10, 60)
        dots = "".join(r.choice(".......s") for _ in range(n))
        s += f"{f} {G}{dots}{RST}{' ' * (60 - min(n, 60))}{G}[{r.randint(1, 100):3d}%]{RST}\n"
    for _ in range(r.randint(8, 20)):
        s += f"{Y}  /usr/lib/python3/site-packages/urllib3/connection.py:391: DeprecationWarning: HTTPResponse.getheaders() is deprecated{RST}\n"
    s += f"{G}=============== {r.randint(200, 480)} passed, {r.randint(0, 12)} skipped, {r.randint(8, 20)} warnings in {r.randint(5, 90)}.{r.randint(10, 99)}s ==============={RST}\n"
    return s


def docker_log(r):
    s = ""
    steps = ["FROM node:20-bookworm AS build", "WORKDIR /app", "COPY package*.json ./", "RUN npm ci", "COPY . .", "RUN npm run build", "FROM gcr.io/distroless/nodejs20", "COPY --from=build /app/dist /app"]
    for k, st in enumerate(steps):
        s += f"{B}#{k + 4}{RST} [{k + 1}/{len(steps)}] {st}\n"
        if st.startswith("FROM"):
            for layer in range(r.randint(3, 6)):
                lid = hexid(r, 12)
                total = r.randint(5, 90)
                for mb in range(0, total + 1, max(1, total // 12)):
                    s += f"\r#{k + 4} sha256:{lid} {mb}.{r.randint(0, 9)}MB / {total}.0MB {r.randint(1, 9)}.{r.randint(0, 9)}s"
                s += f"\r#{k + 4} sha256:{lid} {total}.0MB / {total}.0MB {r.randint(1, 9)}.{r.randint(0, 9)}s done\n"
        elif "npm" in st:
            for _ in range(r.randint(4, 9)):
                s += f"#{k + 4} {r.randint(1, 40)}.{r.randint(0, 999):03d} npm WARN deprecated {r.choice(['inflight@1.0.6', 'glob@7.2.3'])}: This module is not supported\n"
        s += f"{B}#{k + 4}{RST} DONE {r.randint(0, 40)}.{r.randint(0, 9)}s\n\n"
    s += f"{B}#{len(steps) + 5}{RST} exporting to image\n#{len(steps) + 5} writing image sha256:{hexid(r, 64)} done\n#{len(steps) + 5} naming to registry.example.com/app:latest done\n"
    return s


# --- Padded tables --------------------------------------------------------------

def docker_ps(r, n=12):
    rows = [("CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES")]
    for _ in range(n):
        rows.append((hexid(r, 12), r.choice(["postgres:16", "redis:7-alpine", "nginx:1.27", "app:latest"]), f'"{r.choice(["docker-entrypoint.s…", "nginx -g daemon of…", "node server.js"])}"',
                     f"{r.randint(2, 59)} minutes ago", f"Up {r.randint(2, 59)} minutes", r.choice(["0.0.0.0:5432->5432/tcp", "6379/tcp", "", "0.0.0.0:8080->80/tcp"]), f"{r.choice(WORDS)}-{r.randint(1, 9)}"))
    return aligned(rows)


def kubectl(r, n=15):
    rows = [("NAME", "READY", "STATUS", "RESTARTS", "AGE")]
    for _ in range(n):
        rows.append((f"{r.choice(WORDS)}-{hexid(r, 10)}-{rid(r, 5, string.ascii_lowercase + string.digits)}", "1/1", r.choice(["Running", "Running", "CrashLoopBackOff", "Pending"]), str(r.randint(0, 12)), f"{r.randint(1, 40)}d"))
    return aligned(rows)


def aligned(rows):
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return "\n".join("   ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows) + "\n"


def md_table(r, n=10):
    rows = [("Model", "Context window", "Input price (USD / 1M)", "Output price (USD / 1M)", "Notes")]
    for _ in range(n):
        rows.append((f"{r.choice(['nova', 'atlas', 'lumen', 'orbit'])}-{r.randint(1, 5)}-{r.choice(['mini', 'pro', 'large'])}", f"{r.choice([8, 32, 128, 200, 1000])}K", f"{r.randint(1, 30) / 10:.2f}", f"{r.randint(2, 120) / 10:.2f}", sentence(r, 2, 6)))
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines) + "\n"


# --- An agent transcript with tool results ------------------------------------

def transcript(r, issues, weather_data, page_html, log_text, table_text):
    calls = [("c1", "list_issues", {"repo": "acme/widgets", "state": "open"}, json.dumps(issues, indent=2)),
             ("c2", "get_weather", {"lat": 52.52, "lon": 13.41}, json.dumps(weather_data, indent=2)),
             ("c3", "fetch_page", {"url": "https://docs.example.com/guides/retries"}, page_html),
             ("c4", "run_command", {"cmd": "npm install"}, log_text),
             ("c5", "run_command", {"cmd": "kubectl get pods"}, table_text)]
    msgs = [{"role": "system", "content": "You are a release assistant for the Acme engineering team. Use the tools to look things up, and answer briefly with the facts you found."},
            {"role": "user", "content": "Before tomorrow's release, check the open issues, the weather for the offsite, the retry docs, whether the install is clean, and the pods."}]
    for cid, name, args, result in calls:
        msgs.append({"role": "assistant", "content": None, "tool_calls": [{"id": cid, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]})
        msgs.append({"role": "tool", "tool_call_id": cid, "content": result})
    msgs.append({"role": "assistant", "content": "Three issues are labelled bug, the install is clean, and one pod is restarting. Tomorrow will be cold and dry."})
    return msgs


def build(set_name, seed):
    r = random.Random(seed)
    d = os.path.join(HERE, set_name)
    os.makedirs(d, exist_ok=True)
    if set_name == "tuned":
        jsons = {"github-issues": github_issues(r), "charges": charges(r), "weather": weather(r), "search": search(r), "config": config(r)}
        topics = TOPICS[:3]
        logs = {"npm": npm_log(r), "cargo": cargo_log(r), "pytest": pytest_log(r), "docker": docker_log(r)}
        tables = {"docker-ps": docker_ps(r), "models": md_table(r)}
    else:
        jsons = {"orders": orders(r), "pull-requests": pull_requests(r), "geocode": geocode(r), "pods": pods(r), "analytics": analytics(r)}
        topics = TOPICS[3:]
        logs = {"npm": npm_log(r), "cargo": cargo_log(r), "pytest": pytest_log(r), "docker": docker_log(r)}
        tables = {"kubectl": kubectl(r), "models": md_table(r, 14)}
    for name, value in jsons.items():
        write_json(os.path.join(d, f"json-{name}.json"), value)
    pages = []
    for t in topics:
        page = html_page(r, t)
        pages.append(page)
        with open(os.path.join(d, f"html-{t[1]}.html"), "w", encoding="utf-8") as f:
            f.write(page)
    for name, text in logs.items():
        with open(os.path.join(d, f"log-{name}.log"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
    for name, text in tables.items():
        with open(os.path.join(d, f"table-{name}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
    issues = github_issues(r, 8, "acme/release") if set_name == "tuned" else pull_requests(r, 8)
    msgs = transcript(r, issues, weather(r, 24), pages[0], logs["npm"], tables[sorted(tables)[0]])
    write_json(os.path.join(d, "transcript-agent.json"), msgs)


if __name__ == "__main__":
    build("tuned", 24)
    build("holdout", 2024)
