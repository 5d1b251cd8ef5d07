//! How far the catalogue's estimate profiles are from the exact counts, for
//! the families whose tokenizers tokenmeter carries natively: each profile's
//! estimate (proxy count × factor, rounded up) over the family's exact count,
//! per text group, on a tuned set and a held-out set.
//!
//! The tuned set is the golden corpus (tests/golden/corpus/, one group per
//! folder: English, code, CJK, Cyrillic, Indic and Thai, ...). The held-out
//! set is text the factors were not chosen on: the random strings of
//! tests/golden/open_tokens.jsonl (every script mixed) and data/context's
//! held-out files (JSON, HTML, logs). A ratio below 1 under-counts, the
//! dangerous direction for window checks; `floor` is the factor that would
//! make every tuned group's estimate at least its exact count.
//!
//! `cargo run --release --example estimate_report`

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use tokenmeter::catalogue::TokenizerSpec;
use tokenmeter::{AllowedSpecial, Catalogue, Encoding, Tokenizer};

type Groups = BTreeMap<String, String>;

fn read_dir_text(dir: &Path) -> String {
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("a corpus folder")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|f| fs::read_to_string(f).ok())
        .collect::<Vec<_>>()
        .join("\n")
}

fn tuned(root: &Path) -> Groups {
    let dir = root.join("tests/golden/corpus");
    let mut groups = Groups::new();
    for entry in fs::read_dir(&dir).expect("tests/golden/corpus") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !["special", "whitespace", "contractions"].contains(&name.as_str()) {
            groups.insert(name, read_dir_text(&path));
        }
    }
    groups
}

fn held_out(root: &Path) -> Groups {
    let mut groups = Groups::new();
    let rows = fs::read_to_string(root.join("tests/golden/open_tokens.jsonl")).expect("goldens");
    let random: Vec<String> = rows
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|r| {
            r["case"]
                .as_str()
                .is_some_and(|c| c.starts_with("gen/random"))
        })
        .filter_map(|r| r["text"].as_str().map(str::to_string))
        .collect();
    groups.insert("random strings (all scripts)".into(), random.join("\n"));
    groups.insert(
        "data/context held-out (JSON, HTML, logs)".into(),
        read_dir_text(&root.join("data/context/holdout")),
    );
    groups
}

/// (profile, proxy, factor per mille, exact encoding) for every profile that
/// a model names beside its family's encoding.
fn profiles(c: &Catalogue) -> Vec<(String, Encoding, u32, Encoding)> {
    let mut out: Vec<(String, Encoding, u32, Encoding)> = Vec::new();
    for m in c.models() {
        if let TokenizerSpec::Estimate {
            encoding,
            factor_per_mille,
            profile: Some(p),
            exact: Some(e),
            ..
        } = &m.tokenizer
        {
            if !out.iter().any(|(q, ..)| q == p) {
                out.push((p.clone(), *encoding, *factor_per_mille, *e));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn count(t: &Tokenizer, text: &str) -> f64 {
    t.count(text, &AllowedSpecial::None) as f64
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalogue = Catalogue::bundled();
    let sets = [("tuned", tuned(root)), ("held-out", held_out(root))];
    for (profile, proxy, factor, exact) in profiles(catalogue) {
        let p = Tokenizer::new(proxy).expect("proxy");
        let e = Tokenizer::new(exact).expect("exact");
        let f = f64::from(factor) / 1000.0;
        println!(
            "\n## {profile}: {} × {f} against {}\n",
            proxy.name(),
            exact.name()
        );
        println!("| set | group | exact | estimate / exact |");
        println!("|---|---|---|---|");
        let mut floor: f64 = 0.0;
        for (set, groups) in &sets {
            for (name, text) in groups {
                let (n_exact, n_proxy) = (count(&e, text), count(&p, text));
                let ratio = (n_proxy * f).ceil() / n_exact;
                if *set == "tuned" {
                    floor = floor.max(n_exact / n_proxy);
                }
                println!("| {set} | {name} | {n_exact} | {ratio:.3} |");
            }
        }
        println!("\nfloor (tuned): {floor:.3}");
    }
}
