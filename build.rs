//! Turns the committed data into the compact forms the library reads.
//!
//! * `build/encodings.rs`: the encodings of `data/encodings/encodings.json`
//!   as generated Rust (the `Encoding` enum, split patterns, special tokens,
//!   tiktoken's model map) and, for each rank file whose feature is on, its
//!   table: checked against the sha256 tiktoken pins, then written as merge
//!   pairs (`build/ranks.rs`): each token of two bytes or more as the two
//!   lower ranks whose bytes it joins. No base64 and no per-line parsing at
//!   start-up, which rebuilds the bytes with two copies per token, and
//!   smaller under gzip than the token bytes themselves: 680 KB for o200k,
//!   against 891 KB for its bytes run together (without the lengths that
//!   would tell the tokens apart) and 1,049 KB with them.
//! * `build/spm.rs`: SentencePiece pieces (gemma3's `gemma3.spm.gz`, a rank
//!   file of format `spm` in `data/encodings/open-weights.json`) as the blob
//!   of `src/spm/format.rs`: ids implicit, pieces as pairs of earlier pieces.
//! * `build/catalogue.rs`: the model catalogue, minified without its notes.
//! * `build/rules.rs`: the chat templates and the vision rules as statics;
//!   `build/phrases.rs`: the phrase tables, checked, likewise.
//! * `build/unicode.rs`: the Unicode classes the pre-tokenizer needs (`\p{L}`
//!   split by case, `\p{M}`, `\p{N}`, `\s`, `[\p{P}\p{S}]`) from `regex-syntax`, the same
//!   tables the reference regex engine uses, as a two-level lookup table.
//! * `build/nfc.rs` (feature `nfc`): the Unicode 9.0 NFC tables of Hugging
//!   Face `tokenizers`, which Qwen's tokenizer applies (`src/normalize.rs`).

/// The rank table's markers, shared with src/bpe/, which reads the tables.
#[path = "src/bpe/symbols.rs"]
mod symbols;

/// The SentencePiece blob's layout, shared with src/spm/, which reads it.
#[path = "src/spm/format.rs"]
mod spm_format;

#[path = "build/catalogue.rs"]
mod catalogue;
#[path = "build/encodings.rs"]
mod encodings;
#[cfg(feature = "nfc")]
#[path = "build/nfc.rs"]
mod nfc;
#[path = "build/open_weights.rs"]
mod open_weights;
/// The split regexes each scanner implements, which build/open_weights.rs
/// compares with the data.
#[path = "src/pretokenize/patterns.rs"]
#[allow(dead_code)]
mod patterns;
#[path = "build/phrases.rs"]
mod phrases;
#[path = "build/ranks.rs"]
mod ranks;
#[path = "build/rules.rs"]
mod rules;
#[path = "build/special_runs.rs"]
mod special_runs;
#[path = "build/spm.rs"]
mod spm;
#[path = "build/unicode.rs"]
mod unicode;

use std::path::{Path, PathBuf};

type BuildResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> BuildResult<()> {
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    for watched in [
        "data/encodings",
        "data/entry-points.json",
        "data/models.json",
        "data/chat-rules.json",
        "data/vision.json",
        "data/phrases.json",
        "build",
        "build.rs",
        "src/spm/format.rs",
    ] {
        println!("cargo:rerun-if-changed={watched}");
    }
    encodings::write(Path::new("data"), &out)?;
    unicode::write_unicode_classes(&out.join("unicode_classes.rs"))?;
    #[cfg(feature = "nfc")]
    nfc::write_nfc_tables(&out.join("nfc_tables.rs"))?;
    rules::write_chat_rules(
        Path::new("data/chat-rules.json"),
        &out.join("chat_rules.rs"),
    )?;
    rules::write_vision_rules(Path::new("data/vision.json"), &out.join("vision_rules.rs"))?;
    phrases::write_phrases(Path::new("data/phrases.json"), &out.join("phrases.rs"))?;
    catalogue::write_catalogue(Path::new("data/models.json"), &out.join("models.min.json"))?;
    Ok(())
}
