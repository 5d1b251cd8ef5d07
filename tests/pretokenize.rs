//! The hand-written pre-tokenizer against the regexes it replaces, run by
//! fancy-regex (the engine tiktoken uses). The open-weight families' regexes
//! are read from `data/encodings/open-weights.json`, verbatim as upstream
//! ships them; DeepSeek V3's stages are run as Hugging Face's `Split` with
//! behaviour `Isolated` does (matches and the gaps between them).

mod common;

use common::{random_text, random_unicode, Rng};
use fancy_regex::Regex;
use tokenmeter::internals::{last_cut, last_hard_cut, split, Pattern, PATTERNS};

const R50K: &str =
    r"'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s";
const CL100K: &str = r"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s";
const O200K: &str = concat!(
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"
);

/// The open-weight families and the pattern each is counted with.
const FAMILIES: [(&str, Pattern); 5] = [
    ("llama3", Pattern::Llama3),
    ("llama4", Pattern::O200k),
    ("qwen2", Pattern::Qwen2),
    ("deepseek_v3", Pattern::DeepseekV3),
    ("tekken", Pattern::Tekken),
];

/// A split as the reference computes it.
enum Reference {
    /// tiktoken: every match of one regex (the patterns match every char).
    FindAll(Regex),
    /// Hugging Face `Sequence` of `Split`s, behaviour `Isolated`.
    Stages(Vec<Regex>),
}

impl Reference {
    fn pieces<'t>(&self, text: &'t str) -> Vec<&'t str> {
        match self {
            Reference::FindAll(re) => re.find_iter(text).map(|m| m.unwrap().as_str()).collect(),
            Reference::Stages(stages) => {
                let mut parts = vec![text];
                for re in stages {
                    parts = parts.iter().flat_map(|p| isolated(re, p)).collect();
                }
                parts
            }
        }
    }
}

/// One `Split` stage over one piece: its matches and the gaps between them.
fn isolated<'t>(re: &Regex, piece: &'t str) -> Vec<&'t str> {
    let mut out = Vec::new();
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
    out
}

/// Each family's split regexes, from the data file.
fn open_weight_regexes() -> Vec<(String, String, Vec<String>)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/encodings/open-weights.json"
    );
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    FAMILIES
        .iter()
        .map(|(family, _)| {
            let split = &data["encodings"][family]["split"];
            let patterns = split["patterns"].as_array().unwrap();
            (
                family.to_string(),
                split["kind"].as_str().unwrap().to_string(),
                patterns
                    .iter()
                    .map(|p| p.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn patterns() -> Vec<(Pattern, Reference)> {
    let mut out = vec![
        (Pattern::R50k, Reference::FindAll(Regex::new(R50K).unwrap())),
        (
            Pattern::Cl100k,
            Reference::FindAll(Regex::new(CL100K).unwrap()),
        ),
        (
            Pattern::O200k,
            Reference::FindAll(Regex::new(O200K).unwrap()),
        ),
    ];
    for ((_, pattern), (family, kind, regexes)) in FAMILIES.iter().zip(open_weight_regexes()) {
        if family == "llama4" {
            continue; // o200k's, checked in `llama4_splits_as_o200k`
        }
        let compiled: Vec<Regex> = regexes.iter().map(|r| Regex::new(r).unwrap()).collect();
        let reference = match kind.as_str() {
            "regex" => Reference::FindAll(compiled.into_iter().next().unwrap()),
            "hf-split-sequence" => Reference::Stages(compiled),
            other => panic!("{family}: unknown split kind {other}"),
        };
        out.push((*pattern, reference));
    }
    out
}

fn pieces(pattern: Pattern, text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    split(pattern, text, |s, e| {
        out.push(&text[s..e]);
        true
    });
    out
}

#[track_caller]
fn check(pattern: Pattern, reference: &Reference, text: &str) {
    let expected = reference.pieces(text);
    let got = pieces(pattern, text);
    assert_eq!(
        got, expected,
        "{pattern:?} splits {text:?} differently from the regex"
    );
}

#[test]
fn llama4_splits_as_o200k() {
    let families = open_weight_regexes();
    let llama4 = families.iter().find(|f| f.0 == "llama4").unwrap();
    assert_eq!(llama4.2, [O200K]);
}

/// The scanners' own copies of the regexes (which build.rs compares with
/// the data) are the ones the data file holds, and the ones checked here.
#[test]
fn the_pattern_table_holds_the_data_files_regexes() {
    let table = |name: &str| PATTERNS.iter().find(|p| p.0 == name).unwrap().1.to_vec();
    for (family, _, regexes) in open_weight_regexes() {
        let name = if family == "llama4" { "o200k" } else { &family };
        assert_eq!(table(name), regexes, "{family}");
    }
    assert_eq!(table("r50k"), [R50K]);
    assert_eq!(table("cl100k"), [CL100K]);
    assert_eq!(table("o200k"), [O200K]);
}

#[test]
fn matches_the_regexes_on_random_text() {
    let patterns = patterns();
    let mut rng = Rng::new(1);
    for _ in 0..20_000 {
        let text = random_text(&mut rng, 24);
        for (p, re) in &patterns {
            check(*p, re, &text);
        }
    }
}

#[test]
fn matches_the_regexes_on_random_unicode() {
    let patterns = patterns();
    let mut rng = Rng::new(2);
    for _ in 0..5_000 {
        let text = random_unicode(&mut rng, 40);
        for (p, re) in &patterns {
            check(*p, re, &text);
        }
    }
}

/// Chars where the patterns' classes meet: ASCII next to the non-ASCII chars
/// that extend its runs (the byte fast paths must hand over exactly where
/// such a char could change the match), DeepSeek's stage boundaries (digits,
/// CJK, kana punctuation and marks) and the chars its stage 3 leaves in gaps.
const MIXED: &[&str] = &[
    "a", "z", "A", "Q", "0", "7", "+", "/", "'", "s", "ll", " ", "\t", "\n", "\r", "\x0b", "\x1c",
    "é", "É", "ʰ", "中", "\u{301}", "²", "٣", "\u{a0}", "«", "ſ", "\u{85}", ".", "!", "$", "\x01",
    "\u{200d}", "\u{feff}", "\u{3000}", "ア", "・", "\u{3099}", "゛", "龥", "\u{9fa6}", "〇", "😀",
    "\u{e000}", "\u{2028}", "^", "`",
];

fn mixed_text(rng: &mut Rng, max: usize) -> String {
    let n = rng.below(max);
    (0..n).map(|_| *rng.pick(MIXED)).collect()
}

#[test]
fn matches_the_regexes_where_classes_meet() {
    let patterns = patterns();
    let mut rng = Rng::new(3);
    for _ in 0..30_000 {
        let text = mixed_text(&mut rng, 16);
        for (p, re) in &patterns {
            check(*p, re, &text);
        }
    }
}

#[test]
fn matches_the_regexes_on_adversarial_text() {
    let patterns = patterns();
    let cases = [
        " ".repeat(1000),
        format!("{}a", " ".repeat(999)),
        "\n \n \t\r\n  x".repeat(50),
        " \u{3000}\t\u{2028}\x0b\u{3000}\r\n\n\u{a0}   \r\n ".to_string(),
        "x \r\n ".to_string(),
        "a".repeat(3000),
        "A".repeat(3000),
        "ªA".repeat(500),
        "\u{301}".repeat(500),
        format!(" {}", "\u{301}A".repeat(300)),
        "1234567".repeat(100),
        "١٢٣٤٥٦٧".repeat(50),
        "'s'S'll'LL'ſ're".repeat(40),
        "<|endoftext|>".repeat(20),
        "<｜User｜>".repeat(20),
        "!!!???\r\n//\n".repeat(30),
        "\r\n".repeat(200),
        ".Net ..Net $x ''s 'é".repeat(20),
        "中文123字符・カタカナ\u{3099}ひらがな龥\u{9fa6}".repeat(20),
        "👩\u{200d}💻 \u{feff}word \x01\x02x \x01 \x7f!".repeat(20),
        String::new(),
    ];
    for text in &cases {
        for (p, re) in &patterns {
            check(*p, re, text);
        }
    }
}

const ALL: [Pattern; 7] = [
    Pattern::R50k,
    Pattern::Cl100k,
    Pattern::O200k,
    Pattern::Llama3,
    Pattern::Qwen2,
    Pattern::Tekken,
    Pattern::DeepseekV3,
];

/// What `last_cut` promises: no text that follows changes a piece that ends
/// at or before the cut.
#[test]
fn pieces_before_the_last_cut_are_settled() {
    let mut rng = Rng::new(4);
    for round in 0..40_000 {
        let (text, more) = if round % 2 == 0 {
            (mixed_text(&mut rng, 12), mixed_text(&mut rng, 6))
        } else {
            (random_text(&mut rng, 10), random_text(&mut rng, 4))
        };
        let whole = format!("{text}{more}");
        for p in ALL {
            let Some(cut) = last_cut(p, &text, 0) else {
                continue;
            };
            let settled = |t: &str| -> Vec<(usize, usize)> {
                let mut out = Vec::new();
                split(p, t, |s, e| {
                    if e <= cut {
                        out.push((s, e));
                    }
                    true
                });
                out
            };
            assert_eq!(
                settled(&text),
                settled(&whole),
                "{p:?}: cut {cut} of {text:?} moves when {more:?} follows"
            );
        }
    }
}

/// What `last_hard_cut` promises: the text's pieces are those of the two
/// halves, for every pattern.
#[test]
fn a_hard_cut_splits_the_text_into_halves_with_the_same_pieces() {
    let mut rng = Rng::new(6);
    let mut cuts = 0;
    for round in 0..20_000 {
        let text = if round % 2 == 0 {
            mixed_text(&mut rng, 16)
        } else {
            random_text(&mut rng, 12)
        };
        let Some(cut) = last_hard_cut(&text, 0) else {
            continue;
        };
        cuts += 1;
        for p in ALL {
            let mut halves = pieces(p, &text[..cut]);
            halves.extend(pieces(p, &text[cut..]));
            assert_eq!(pieces(p, &text), halves, "{p:?}: {text:?} cut at {cut}");
        }
    }
    assert!(cuts > 5_000, "only {cuts} texts had a hard cut");
}

/// The scanners never panic and always cover the text, whatever the bytes
/// were (lone surrogates arrive from JavaScript as U+FFFD).
#[test]
fn every_char_lands_in_exactly_one_piece() {
    let mut rng = Rng::new(5);
    for _ in 0..2_000 {
        let bytes: Vec<u8> = (0..rng.below(64)).map(|_| rng.below(256) as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        for (_, p) in FAMILIES {
            let mut at = 0;
            split(p, &text, |s, e| {
                assert!(s == at && e > s && text.is_char_boundary(e));
                at = e;
                true
            });
            assert_eq!(at, text.len());
        }
    }
}
