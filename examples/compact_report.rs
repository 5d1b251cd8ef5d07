//! Measures context compaction on the corpus of data/context/ (o200k_base):
//! each file's saving at each level, and the median per kind, for the set
//! the transforms were tuned on and for the held-out set.
//!
//! `cargo run --release --example compact_report`

use std::fs;
use std::path::Path;

use tokenmeter::compact::{compact_context, CompactOptions, Level};
use tokenmeter::compress::{compress_messages_json, CompressOptions, ToolResults};
use tokenmeter::Catalogue;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/context");
    for set in ["tuned", "holdout"] {
        let mut files: Vec<_> = fs::read_dir(root.join(set))
            .expect("data/context set")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        println!("\n## {set}\n");
        println!("| file | kind | tokens | lossless | structural |");
        println!("|---|---|---|---|---|");
        let mut by_kind: Vec<(String, f64, f64)> = Vec::new();
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let prefix = name.split('-').next().unwrap().to_string();
            let text = fs::read_to_string(&path).expect("UTF-8 file");
            if prefix == "transcript" {
                let value: serde_json::Value = serde_json::from_str(&text).unwrap();
                let run = |tool_results| {
                    let opts = CompressOptions {
                        tool_results,
                        ..Default::default()
                    };
                    compress_messages_json(Catalogue::bundled(), &value, &opts).unwrap()
                };
                let (compact, keep) = (run(ToolResults::Compact), run(ToolResults::Keep));
                println!(
                    "| {name} | messages | {} | {:.1}% (balanced, tool results compacted) | {:.1}% of the prose alone, tool results kept |",
                    compact.tokens_before, compact.saved_percent, keep.saved_percent
                );
                by_kind.push((prefix, compact.saved_percent, compact.saved_percent));
                continue;
            }
            let run = |level| {
                let opts = CompactOptions {
                    level,
                    ..Default::default()
                };
                compact_context(Catalogue::bundled(), &text, &opts).unwrap()
            };
            let (lossless, structural) = (run(Level::Lossless), run(Level::Structural));
            println!(
                "| {name} | {} | {} | {:.1}% | {:.1}% |",
                lossless.kind,
                lossless.tokens_before,
                lossless.saved_percent,
                structural.saved_percent
            );
            by_kind.push((prefix, lossless.saved_percent, structural.saved_percent));
        }
        println!("\nMedian saving per kind ({set}):\n");
        println!("| kind | files | lossless | structural |");
        println!("|---|---|---|---|");
        for kind in ["json", "html", "log", "table", "transcript"] {
            let rows: Vec<_> = by_kind.iter().filter(|(k, ..)| k == kind).collect();
            println!(
                "| {kind} | {} | {:.1}% | {:.1}% |",
                rows.len(),
                median(rows.iter().map(|r| r.1).collect()),
                median(rows.iter().map(|r| r.2).collect())
            );
        }
    }
}
