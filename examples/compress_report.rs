//! Prompt compression over the corpus in `data/prompts/corpus.jsonl`: the
//! median and 90th-percentile saving per level (percent of o200k_base
//! tokens), and a check that no protected span changed.
//!
//! cargo run --release --example compress_report [-- --each] [-- --corpus FILE]
//!
//! `--corpus data/prompts/holdout.jsonl` measures the held-out set instead
//! (prompts kept out of tuning the phrase tables).

use tokenmeter::compress::{compress_prompt, protected_spans, CompressOptions, Level};
use tokenmeter::Catalogue;

struct Prompt {
    id: String,
    lang: String,
    text: String,
}

fn corpus() -> Vec<Prompt> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .iter()
        .position(|a| a == "--corpus")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/data/prompts/corpus.jsonl").into()
        });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            Some(Prompt {
                id: v["id"].as_str()?.to_string(),
                lang: v["lang"].as_str()?.to_string(),
                text: v["text"].as_str()?.to_string(),
            })
        })
        .collect()
}

/// The median (mean of the middle two for an even count).
fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The nearest-rank 90th percentile.
fn p90(sorted: &[f64]) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (0.9 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Every protected span of the input is in the output, in order.
fn spans_kept(input: &str, output: &str) -> bool {
    let mut at = 0;
    protected_spans(input)
        .iter()
        .all(|span| match output[at..].find(span.as_str()) {
            Some(p) => {
                at += p + span.len();
                true
            }
            None => false,
        })
}

fn main() {
    let prompts = corpus();
    let english = prompts.iter().filter(|p| p.lang == "en").count();
    println!(
        "Corpus: {} prompts ({} English, {} other or mixed languages), o200k_base tokens.\n",
        prompts.len(),
        english,
        prompts.len() - english
    );
    println!("| level | prompts | median saving | p90 saving | total tokens before -> after | protected spans unchanged |");
    println!("|---|---|---|---|---|---|");
    let mut failures = Vec::new();
    for level in Level::ALL {
        for (label, only_english) in [("all", false), ("English", true)] {
            let mut savings = Vec::new();
            let (mut before, mut after, mut kept, mut total) = (0, 0, 0, 0);
            for p in prompts.iter().filter(|p| !only_english || p.lang == "en") {
                let opts = CompressOptions {
                    level,
                    ..Default::default()
                };
                let r = compress_prompt(Catalogue::bundled(), &p.text, &opts).expect("compresses");
                savings.push(r.saved_percent);
                before += r.tokens_before;
                after += r.tokens_after;
                total += 1;
                if spans_kept(&p.text, &r.text) {
                    kept += 1;
                } else if !only_english {
                    failures.push(format!("{level}: {}", p.id));
                }
            }
            savings.sort_by(f64::total_cmp);
            println!(
                "| {level} | {label} ({total}) | {:.1}% | {:.1}% | {before} -> {after} ({:.1}%) | {kept}/{total} |",
                median(&savings),
                p90(&savings),
                100.0 * (before - after) as f64 / before.max(1) as f64
            );
        }
    }
    if std::env::args().any(|a| a == "--each") {
        println!("\n| prompt | lang | lossless | balanced | aggressive |\n|---|---|---|---|---|");
        for p in &prompts {
            let row: Vec<String> = Level::ALL
                .iter()
                .map(|&level| {
                    let opts = CompressOptions {
                        level,
                        ..Default::default()
                    };
                    format!(
                        "{:.1}%",
                        compress_prompt(Catalogue::bundled(), &p.text, &opts)
                            .expect("compresses")
                            .saved_percent
                    )
                })
                .collect();
            println!("| {} | {} | {} |", p.id, p.lang, row.join(" | "));
        }
    }
    if failures.is_empty() {
        println!("\nNo protected span changed.");
    } else {
        println!("\nPROTECTED SPANS CHANGED: {failures:?}");
        std::process::exit(1);
    }
}
