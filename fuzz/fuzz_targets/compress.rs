//! Compression invariants on arbitrary text: protected spans survive byte for
//! byte and in order, the output is never longer in tokens, and compressing
//! twice changes nothing more.
//!
//! Protected spans are checked twice: as the segmenter finds them in the
//! arbitrary text (every pass keeps what the segmenter protects), and,
//! independently of the segmenter, as planted: the input's `|` are replaced
//! by spans the README says are never touched (inline and fenced code, a URL,
//! an e-mail address, a number with its unit, a quoted string, the four kinds
//! of placeholder), each numbered so that no two are alike. The text around
//! them has the characters that open such spans (backticks, quotes, braces,
//! angle brackets, `$`, `@`, `:`) taken out, so that it cannot swallow them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::Catalogue;
use tokenmeter::compress::{compress_prompt, protected_spans, CompressOptions, Level};

fn planted(kind: usize, i: usize) -> String {
    match kind % 10 {
        0 => format!("`code_{i}(x,  y)`"),
        1 => format!("https://example.com/p{i}?a=1&b=the"),
        2 => format!("user{i}@example.com"),
        3 => format!("{{name{i}}}"),
        4 => format!("{{{{var{i}}}}}"),
        5 => format!("${{x{i}}}"),
        6 => format!("<var{i}>"),
        7 => format!("\"in order to  keep {i}\""),
        8 => format!("{}50 ms", i + 1),
        _ => format!("\n```py\nx  =  {i}  # please note that\n```\n"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let level = Level::ALL[usize::from(selector) % Level::ALL.len()];
    let opts = CompressOptions { level, ..CompressOptions::default() };
    let once = compress_prompt(Catalogue::bundled(), &text, &opts).unwrap();
    assert!(once.tokens_after <= once.tokens_before);
    let twice = compress_prompt(Catalogue::bundled(), &once.text, &opts).unwrap();
    assert_eq!(twice.text, once.text, "not idempotent on {text:?}");
    let mut at = 0;
    for span in protected_spans(&text) {
        let found = once.text[at..].find(&span);
        assert!(found.is_some(), "protected span {span:?} of {text:?} changed");
        at += found.unwrap_or(0) + span.len();
    }

    // Planted spans, found without the segmenter.
    let clean: String = text
        .chars()
        .filter(|c| !matches!(c, '`' | '"' | '\'' | '“' | '”' | '‘' | '’' | '{' | '}' | '<' | '>' | '$' | '@' | ':'))
        .collect();
    let mut spans = Vec::new();
    let mut input = String::new();
    for (i, part) in clean.split('|').enumerate() {
        if i > 0 {
            let span = planted(usize::from(selector >> 2) + i * 7, i);
            input.push(' ');
            input.push_str(&span);
            input.push(' ');
            spans.push(span);
        }
        input.push_str(part);
    }
    if spans.is_empty() {
        return;
    }
    let out = compress_prompt(Catalogue::bundled(), &input, &opts).unwrap();
    let mut at = 0;
    for span in &spans {
        let span = span.trim_matches('\n');
        let found = out.text[at..].find(span);
        assert!(found.is_some(), "planted span {span:?} of {input:?} changed: {:?}", out.text);
        at += found.unwrap_or(0) + span.len();
    }
});
