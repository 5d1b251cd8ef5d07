//! The open-weight scanners (Llama 3, Qwen 2, Tekken, DeepSeek V3) split
//! arbitrary UTF-8 exactly as their regexes from open-weights.json do under
//! fancy-regex (DeepSeek's three stages as Hugging Face's Split keeps gaps),
//! never panic, and `last_cut` holds: the pieces that end at the cut of an
//! input-chosen prefix are pieces of the whole text.
#![no_main]

use std::sync::OnceLock;

use fancy_regex::Regex;
use libfuzzer_sys::fuzz_target;
use tokenmeter::internals::{last_cut, split, Pattern};

const FAMILIES: [(&str, Pattern); 4] = [
    ("llama3", Pattern::Llama3),
    ("qwen2", Pattern::Qwen2),
    ("tekken", Pattern::Tekken),
    ("deepseek_v3", Pattern::DeepseekV3),
];

/// Each family's regexes, compiled once.
fn references() -> &'static Vec<Vec<Regex>> {
    static CELL: OnceLock<Vec<Vec<Regex>>> = OnceLock::new();
    CELL.get_or_init(|| {
        let data: serde_json::Value =
            serde_json::from_str(include_str!("../../data/encodings/open-weights.json")).unwrap();
        FAMILIES
            .iter()
            .map(|(family, _)| {
                data["encodings"][family]["split"]["patterns"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| Regex::new(p.as_str().unwrap()).unwrap())
                    .collect()
            })
            .collect()
    })
}

/// One Split stage (behaviour Isolated) over one piece; with one stage and a
/// pattern that matches every char, the same as findall.
fn isolated<'t>(re: &Regex, piece: &'t str, out: &mut Vec<&'t str>) {
    let mut at = 0;
    for m in re.find_iter(piece) {
        let m = m.unwrap();
        if m.start() > at {
            out.push(&piece[at..m.start()]);
        }
        if m.end() > m.start() {
            out.push(m.as_str());
        }
        at = m.end();
    }
    if at < piece.len() {
        out.push(&piece[at..]);
    }
}

fn reference<'t>(stages: &[Regex], text: &'t str) -> Vec<&'t str> {
    let mut parts = vec![text];
    for re in stages {
        let mut next = Vec::new();
        for p in parts {
            isolated(re, p, &mut next);
        }
        parts = next;
    }
    parts
}

fn ranges(pattern: Pattern, text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    split(pattern, text, |s, e| {
        out.push((s, e));
        true
    });
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let which = usize::from(selector) % FAMILIES.len();
    let pattern = FAMILIES[which].1;
    let got = ranges(pattern, &text);
    let pieces: Vec<&str> = got.iter().map(|&(s, e)| &text[s..e]).collect();
    assert_eq!(pieces, reference(&references()[which], &text), "{pattern:?}: {text:?}");
    // A prefix the selector picks, cut where last_cut says.
    let mut at = usize::from(selector / 4) * text.len() / 63;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let prefix = &text[..at];
    if let Some(cut) = last_cut(pattern, prefix, 0) {
        let settled = |r: &[(usize, usize)]| r.iter().filter(|p| p.1 <= cut).copied().collect::<Vec<_>>();
        assert_eq!(settled(&ranges(pattern, prefix)), settled(&got), "{pattern:?}: cut {cut} of {text:?} at {at}");
    }
});
