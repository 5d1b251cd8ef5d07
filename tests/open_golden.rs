//! The open-weight encodings against `tests/golden/open_tokens.jsonl`: every
//! row, modes "none" and "all" (Tekken has no "all" rows: text never becomes
//! one of its control tokens), must give exactly the reference ids, and the
//! long texts of `open_manifest.json` their recorded counts. The figures are
//! printed (`cargo test --release --test open_golden -- --nocapture`).

use std::collections::BTreeMap;

use sha2::Digest;
use tokenmeter::internals::nfc;
use tokenmeter::{AllowedSpecial, Encoding, Tokenizer};

const ENCODINGS: [&str; 6] = [
    "llama3",
    "llama4",
    "qwen2",
    "deepseek_v3",
    "tekken",
    "gemma3",
];
const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/");

struct Row {
    case: String,
    all: bool,
    text: String,
    tokens: BTreeMap<String, Vec<u32>>,
}

fn rows() -> Vec<Row> {
    let jsonl = std::fs::read_to_string(format!("{GOLDEN}open_tokens.jsonl")).unwrap();
    jsonl
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let tokens = v["tokens"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, ids)| {
                    let ids = ids.as_array().unwrap().iter();
                    (k.clone(), ids.map(|i| i.as_u64().unwrap() as u32).collect())
                })
                .collect();
            Row {
                case: v["case"].as_str().unwrap().to_string(),
                all: v["allowed_special"] == "all",
                text: v["text"].as_str().unwrap().to_string(),
                tokens,
            }
        })
        .collect()
}

#[test]
fn every_golden_row_gives_the_reference_ids() {
    let rows = rows();
    let mut failures = Vec::new();
    for name in ENCODINGS {
        let tokenizer = Tokenizer::new(Encoding::from_name(name).unwrap()).unwrap();
        let (mut agree, mut total) = (0, 0);
        for row in &rows {
            let Some(expected) = row.tokens.get(name) else {
                assert!(
                    name == "tekken" && row.all,
                    "{name}: {} has no ids",
                    row.case
                );
                continue;
            };
            let mode = if row.all {
                AllowedSpecial::All
            } else {
                AllowedSpecial::None
            };
            let got = tokenizer.encode(&row.text, &mode).unwrap();
            total += 1;
            if &got == expected {
                agree += 1;
                assert_eq!(tokenizer.count(&row.text, &mode), got.len());
                // Qwen 2's tokens spell the text between its added tokens
                // in NFC: canonically equivalent to the text. gemma3
                // normalises spaces to U+2581, which decodes as a space
                // (tests/open_gemma3.rs has its HF rows and more).
                let back = tokenizer.decode(&got).unwrap();
                match name {
                    "qwen2" => assert_eq!(nfc(&back), nfc(&row.text), "{}", row.case),
                    "gemma3" => assert_eq!(back, row.text.replace('\u{2581}', " "), "{}", row.case),
                    _ => assert_eq!(back, row.text, "{}", row.case),
                }
            } else {
                failures.push(format!(
                    "{name} {} [{}]",
                    row.case,
                    if row.all { "all" } else { "none" }
                ));
            }
        }
        println!("{name}: {agree}/{total} rows exact");
    }
    assert!(failures.is_empty(), "rows that differ: {failures:#?}");
}

/// The long texts, rebuilt from the corpus as generate_open.py builds them
/// (checked by their sha256), against their recorded counts: those of one
/// BPE over the whole text, which HF tokenizers and the JS peers give. Meta's
/// own `encode` cuts runs of more than 25,000 whitespace or non-whitespace
/// chars first, so its counts differ there (`rank_file_counts_differ`
/// holds the unsliced count where the manifest's is Meta's).
#[test]
fn the_long_texts_count_as_one_bpe_over_the_whole_text() {
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{GOLDEN}open_manifest.json")).unwrap(),
    )
    .unwrap();
    let corpus = read_corpus();
    let joined = |filter: &dyn Fn(&str) -> bool| -> String {
        corpus
            .iter()
            .filter(|(k, _)| filter(k))
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let texts: BTreeMap<&str, String> = BTreeMap::from([
        ("corpus/all_files_joined", joined(&|_| true)),
        (
            "corpus/english/public_domain.txt",
            corpus["english/public_domain.txt"].clone(),
        ),
        (
            "corpus/mixed/mixed.txt x4",
            corpus["mixed/mixed.txt"].repeat(4),
        ),
        ("corpus/code/*", joined(&|k| k.starts_with("code/"))),
        ("corpus/cjk/*", joined(&|k| k.starts_with("cjk/"))),
        ("gen/repeat/U+0061x30000", "a".repeat(30000)),
        ("gen/repeat/U+0020x30000", " ".repeat(30000)),
    ]);
    let long = manifest["long_texts"].as_object().unwrap();
    assert_eq!(long.len(), texts.len());
    for (case, spec) in long {
        let text = &texts[case.as_str()];
        let sha: String = sha2::Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            sha, spec["sha256_utf8"],
            "{case}: not the text the manifest counted"
        );
        for name in ENCODINGS {
            let unsliced = &spec["rank_file_counts_differ"][name];
            let expected = unsliced
                .as_u64()
                .or(spec["expected_counts"][name].as_u64())
                .unwrap();
            let tokenizer = Tokenizer::new(Encoding::from_name(name).unwrap()).unwrap();
            let got = tokenizer.count_ordinary(text) as u64;
            assert_eq!(got, expected, "{name}: {case}");
        }
    }
}

/// tests/golden/corpus: relative path -> text, sorted by path.
fn read_corpus() -> BTreeMap<String, String> {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let root = std::path::PathBuf::from(format!("{GOLDEN}corpus"));
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}
