//! Context compaction of pages, logs and tables: every visible text of a
//! page is kept in order, folded log lines expand to the cleaned lines,
//! padded tables keep their cells; the laws of tests/compact.rs hold.

use proptest::prelude::*;
use tokenmeter::compact::{compact_context, expand_folds, CompactOptions, Compacted, Kind, Level};
use tokenmeter::Catalogue;

fn opts(kind: Kind, level: Level) -> CompactOptions {
    CompactOptions {
        kind,
        level,
        ..Default::default()
    }
}

fn o200k(text: &str) -> usize {
    Catalogue::bundled()
        .resolve_tokenizer(None, Some("o200k_base"))
        .unwrap()
        .count_ordinary(text)
}

/// The laws every result obeys; returns it.
#[track_caller]
fn check(text: &str, o: &CompactOptions) -> Compacted {
    let once = compact_context(Catalogue::bundled(), text, o).unwrap();
    assert_eq!(once.tokens_before, o200k(text));
    assert_eq!(once.tokens_after, o200k(&once.text), "{text:?}");
    assert!(once.tokens_after <= once.tokens_before, "{text:?}");
    assert_eq!(once.saved_tokens, once.tokens_before - once.tokens_after);
    assert_eq!(
        once.passes.iter().map(|p| p.saved_tokens).sum::<usize>(),
        once.saved_tokens
    );
    assert_eq!(
        compact_context(Catalogue::bundled(), text, o).unwrap(),
        once,
        "deterministic"
    );
    let again = CompactOptions {
        kind: Kind::Auto,
        ..o.clone()
    };
    let twice = compact_context(Catalogue::bundled(), &once.text, &again).unwrap();
    assert_eq!(twice.text, once.text, "not idempotent on {text:?}");
    once
}

// ---------------------------------------------------------------------------
// HTML

const VISIBLE: &[(&str, &str)] = &[
    ("<p>", "</p>"),
    ("<div class=\"x y\">", "</div>"),
    ("<span>", "</span>"),
    ("<h2 id=\"h\">", "</h2>"),
    ("<ul><li>", "</li></ul>"),
    ("<ol start=\"3\"><li>", "</li></ol>"),
    ("<a href=\"https://example.com/x\">", "</a>"),
    ("<code>", "</code>"),
    ("<strong>", "</strong>"),
    ("<blockquote>", "</blockquote>"),
    ("<table><tr><td>", "</td></tr></table>"),
    ("<nav>", "</nav>"),
];
const HIDDEN: &[(&str, &str)] = &[
    ("<script>var ", "</script>"),
    ("<style>.a{}", "</style>"),
    ("<template>", "</template>"),
    ("<div hidden>", "</div>"),
    ("<span aria-hidden=\"true\">", "</span>"),
    ("<p style=\"display: none\">", "</p>"),
    ("<noscript>", "</noscript>"),
    ("<svg><text>", "</text></svg>"),
    ("<!-- ", " -->"),
];

/// A random page; returns it with its visible words in order and its
/// hidden words. Every word is unique (`v12`, `h3`).
fn html_page(seed: &[(u8, u8)]) -> (String, Vec<String>, Vec<String>) {
    let (mut html, mut shown, mut hidden) = (
        String::from("<!DOCTYPE html><html><head><title>t0</title></head><body>"),
        vec![],
        vec![],
    );
    let mut depth_stack: Vec<&str> = Vec::new();
    for (i, &(a, b)) in seed.iter().enumerate() {
        match a % 4 {
            0 => {
                let (open, close) = VISIBLE[usize::from(b) % VISIBLE.len()];
                html.push_str(open);
                depth_stack.push(close);
            }
            1 if !depth_stack.is_empty() => html.push_str(depth_stack.pop().unwrap_or("")),
            2 => {
                let (open, close) = HIDDEN[usize::from(b) % HIDDEN.len()];
                let word = format!("h{i}");
                html.push_str(&format!("{open}{word}{close}"));
                hidden.push(word);
            }
            _ => {
                let word = format!("v{i}");
                html.push_str(&format!(" {word} "));
                shown.push(word);
            }
        }
    }
    while let Some(close) = depth_stack.pop() {
        html.push_str(close);
    }
    html.push_str("</body></html>");
    (html, shown, hidden)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_visible_text_of_a_page_is_kept_in_order(seed in prop::collection::vec((any::<u8>(), any::<u8>()), 1..80)) {
        let (html, shown, hidden) = html_page(&seed);
        let r = check(&html, &opts(Kind::Html, Level::Lossless));
        prop_assert_eq!(r.kind, Kind::Html);
        let mut at = 0;
        for word in &shown {
            match r.text[at..].find(word.as_str()) {
                Some(p) => at += p + word.len(),
                None => prop_assert!(false, "{} lost or out of order in {:?} from {:?}", word, r.text, html),
            }
        }
        for word in &hidden {
            let pattern = format!("{word} ");
            prop_assert!(!format!("{} ", r.text).contains(&pattern), "{} shown in {:?}", word, r.text);
        }
        prop_assert!(!r.text.contains("t0"), "the title is not page text");
    }
}

#[test]
fn html_becomes_markdown() {
    let html = r#"<!doctype html><html><head><title>T</title><style>p{}</style></head><body>
<nav><a href="/">Home</a></nav>
<main><h1>Retries</h1><p>Use   <code>max_retries</code> and see <a href="/docs/backoff">the backoff guide</a>.</p>
<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>
<pre class="language-python"><code>x = 1
if x:
    print(x)</code></pre>
<table><tr><th>Name</th><th>Type</th></tr><tr><td>a | b</td><td>int</td></tr></table>
<script>track()</script><div hidden>secret</div></main>
<footer>© 2026</footer></body></html>"#;
    let r = check(html, &opts(Kind::Auto, Level::Lossless));
    assert_eq!(r.kind, Kind::Html);
    assert_eq!(
        r.text,
        "[Home](/)\n\n# Retries\n\nUse `max_retries` and see [the backoff guide](/docs/backoff).\n\n- one\n- two\n  - nested\n\n```python\nx = 1\nif x:\n    print(x)\n```\n\n| Name | Type |\n|-|-|\n| a \\| b | int |\n\n© 2026"
    );
    let r = check(html, &opts(Kind::Auto, Level::Structural));
    assert!(
        !r.text.contains("Home") && !r.text.contains("2026"),
        "{}",
        r.text
    );
    assert!(r.text.starts_with("# Retries"));
    // An article's own header is content, not the page's furniture.
    let article = "<body><header>Site</header><article><header><h1>Title</h1></header><p>Text.</p><footer>By ann</footer></article></body>";
    let r = check(article, &opts(Kind::Html, Level::Structural));
    assert_eq!(r.text, "# Title\n\nText.\n\nBy ann");
}

// ---------------------------------------------------------------------------
// Logs

const LINES: &[&str] = &[
    "Compiling serde v1.0.200",
    "warning: unused variable `x`",
    "ok",
    "test result: ok. 12 passed",
    "   Downloading crates ...",
    "npm WARN deprecated glob@7.2.3",
];
const COLOURS: &[&str] = &[
    "\u{1b}[32m",
    "\u{1b}[1;33m",
    "\u{1b}[0m",
    "\u{1b}[38;5;208m",
    "\u{1b}]0;title\u{7}",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Each line is coloured, some are drawn over a progress bar first and
    /// some repeat; expanding the folded output gives the lines as the
    /// terminal showed them.
    #[test]
    fn folded_log_lines_expand_to_the_cleaned_lines(lines in prop::collection::vec((0usize..6, 0usize..5, 0usize..4, 1usize..5), 1..40)) {
        let (mut raw, mut clean) = (String::new(), Vec::new());
        for &(l, c, progress, repeat) in &lines {
            for _ in 0..repeat {
                let line = LINES[l];
                for p in 0..progress {
                    raw.push_str(&format!("\r\u{1b}[2KDownloading [{}{}] {}%", "=".repeat(p), " ".repeat(3 - p), p * 33));
                }
                if progress > 0 {
                    raw.push_str("\r\u{1b}[2K");
                }
                raw.push_str(&format!("{}{line}\u{1b}[0m\n", COLOURS[c]));
                clean.push(line.to_string());
            }
        }
        let r = check(&raw, &opts(Kind::Auto, Level::Lossless));
        prop_assert_eq!(r.kind, Kind::Log);
        let expanded = expand_folds(&r.text);
        prop_assert_eq!(expanded.trim_end_matches('\n'), clean.join("\n"));
    }
}

#[test]
fn logs_lose_colours_progress_and_repeats() {
    let raw = "\u{1b}[1m\u{1b}[32m   Compiling\u{1b}[0m a v1\n\r10%\r50%\r100%\nstep\nstep\nstep\nstep\ndone\n";
    let r = check(raw, &opts(Kind::Auto, Level::Lossless));
    assert_eq!(r.kind, Kind::Log);
    assert_eq!(r.text, "   Compiling a v1\n100%\nstep [×4]\ndone\n");
    assert_eq!(
        expand_folds(&r.text),
        "   Compiling a v1\n100%\nstep\nstep\nstep\nstep\ndone\n"
    );
    // A text that already has a line ending like a fold marker is not
    // folded: the marker would be ambiguous.
    let r = check(
        "\u{1b}[1mx [×2]\u{1b}[0m\nrow\nrow\nrow\n",
        &opts(Kind::Log, Level::Lossless),
    );
    assert_eq!(r.text, "x [×2]\nrow\nrow\nrow\n");
}

// ---------------------------------------------------------------------------
// Tables

#[test]
fn padded_tables_lose_their_padding_and_keep_their_cells() {
    let md = "| Model          | Window   | Price  |\n|----------------|----------|-------:|\n| nova-1-mini    | 128K     | 0.15   |\n| atlas-2-pro    | 200K     | 3.00   |\n";
    let r = check(md, &opts(Kind::Auto, Level::Lossless));
    assert_eq!(r.kind, Kind::Table);
    assert_eq!(
        r.text,
        "|Model|Window|Price|\n|-|-|-:|\n|nova-1-mini|128K|0.15|\n|atlas-2-pro|200K|3.00|\n"
    );
    let plain = "NAME                     READY   STATUS    RESTARTS   AGE\napi-7d9f8-abcde          1/1     Running   0          3d\nworker-5c6b7-fghij       0/1     Pending   12         5m\n";
    let r = check(plain, &opts(Kind::Auto, Level::Lossless));
    assert_eq!(r.kind, Kind::Table);
    let rows: Vec<Vec<&str>> = r.text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(
        rows[2],
        ["worker-5c6b7-fghij", "0/1", "Pending", "12", "5m"]
    );
}

// ---------------------------------------------------------------------------
// Adversarial shapes

/// Inputs built to make a careless pass quadratic (deep unclosed tags, a
/// line erased thousands of times, runs of blank lines, deep lists and
/// quotes): each obeys the laws. bench/compact.mjs times them at 10 MB.
#[test]
fn adversarial_inputs_obey_the_laws() {
    let n = 20_000;
    let inputs = [
        (
            format!("<p>{}{}", "<span>".repeat(n), "<li>x".repeat(n)),
            Kind::Html,
        ),
        ("<ul><li>x".repeat(n), Kind::Html),
        ("<blockquote>x".repeat(n), Kind::Html),
        (
            format!("<p>{}{}", "<div>".repeat(n), "</p>".repeat(n)),
            Kind::Html,
        ),
        (
            format!("{}\r{}", "x".repeat(5 * n), "\u{1b}[2Ky".repeat(n)),
            Kind::Log,
        ),
        (format!("{}a\n", "\n".repeat(10 * n)), Kind::Log),
        (
            format!(
                "{}[{{\"a\":1}},{{\"a\":2}}]{}",
                "[".repeat(250),
                "]".repeat(250)
            ),
            Kind::Json,
        ),
    ];
    for (text, kind) in inputs {
        let r = check(&text, &opts(kind, Level::Structural));
        assert!(r.tokens_after <= r.tokens_before);
    }
}
