//! The encodings of `data/encodings/encodings.json`, their rank tables and
//! special tokens, and tiktoken's map from OpenAI model names to encodings.
//!
//! build.rs turns the data file into the `Encoding` enum and the static
//! tables included below; rank tables are compiled in per cargo feature and
//! built on first use, so a program that only counts with o200k never pays
//! for cl100k. Adding an encoding is a data entry (DEVELOPERS.md).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::added::AddedTokens;
use crate::bpe::{Rank, Ranks};
use crate::error::{did_you_mean, near_matches, Error, ErrorCode, Result};
use crate::pretokenize::Pattern;
use crate::spm::SentencePiece;

include!(concat!(env!("OUT_DIR"), "/encodings.rs"));

/// One encoding, as the data file declares it.
pub(crate) struct EncodingSpec {
    name: &'static str,
    aliases: &'static [&'static str],
    /// Index into [`RANK_TABLES`].
    table: usize,
    /// The split; `None` for SentencePiece (gemma3), which has none.
    pattern: Option<Pattern>,
    special: &'static [(&'static str, Rank)],
    /// More special tokens, numbered in runs (build/special_runs.rs): the
    /// text before the number and after it, the first number, the first id
    /// and how many.
    special_runs: &'static [(&'static str, &'static str, u32, Rank, u32)],
    /// Whether an allowed special token's text becomes it; `false` where the
    /// specials are control ids only (Tekken), decoded but never matched.
    special_in_text: bool,
    /// Added tokens matched in text in every mode, before splitting (Qwen's
    /// `<think>`, DeepSeek's `<｜User｜>`), as the tokenizers' added
    /// vocabulary does for non-special tokens.
    always: &'static [(&'static str, Rank)],
    /// Ids from `.0` to `.1` are specials named `.2` with `{id}` replaced
    /// (tiktoken's `<|reserved_{id}|>`).
    reserved: Option<(Rank, Rank, &'static str)>,
    /// Ordinary token `r` has id `r + id_offset` (Tekken's 1000 control ids
    /// come first).
    id_offset: Rank,
    normalization: Normalization,
}

/// What is done to the text between added tokens before it is split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Normalization {
    None,
    /// Unicode NFC as Hugging Face tokenizers computes it (Qwen 2).
    Nfc,
}

impl Normalization {
    /// The text the pre-tokenizer sees: borrowed when unchanged.
    pub(crate) fn apply(self, text: &str) -> Cow<'_, str> {
        match self {
            Normalization::None => Cow::Borrowed(text),
            #[cfg(feature = "nfc")]
            Normalization::Nfc => crate::normalize::nfc(text),
            // Never reached: without the feature an encoding that needs NFC
            // has no tables (`Tables::load`), as `enc-qwen2` turns it on.
            #[cfg(not(feature = "nfc"))]
            Normalization::Nfc => Cow::Borrowed(text),
        }
    }

    /// Whether this build can normalise so.
    fn is_available(self) -> bool {
        self == Normalization::None || cfg!(feature = "nfc")
    }
}

/// One rank file: its packed table when compiled in, and the table its
/// tokens are stored against.
pub(crate) struct RankTableSpec {
    #[allow(dead_code)]
    name: &'static str,
    blob: Option<&'static [u8]>,
    base: Option<usize>,
    /// SentencePiece pieces (build/spm.rs), not a rank table.
    pieces: bool,
}

/// What counts an encoding's tokens: byte-level BPE over a rank table, or
/// SentencePiece BPE (src/spm/).
#[derive(Clone, Copy)]
pub(crate) enum Model {
    Bpe(&'static Tables),
    SentencePiece(&'static SentencePiece),
}

impl Encoding {
    fn spec(self) -> &'static EncodingSpec {
        // The enum and SPECS are generated together, in the same order.
        #[allow(clippy::indexing_slicing)]
        &SPECS[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Parses an encoding name or alias (tiktoken's `gpt2` for r50k).
    pub fn from_name(name: &str) -> Result<Encoding> {
        Encoding::ALL
            .into_iter()
            .find(|e| e.name() == name || e.spec().aliases.contains(&name))
            .ok_or_else(|| {
                let near = near_matches(name, Encoding::ALL.iter().map(|e| e.name()));
                Error::field(
                    ErrorCode::UnknownEncoding,
                    "encoding",
                    format!(
                        "unknown encoding {:?}{}; known: {}",
                        truncate_for_message(name),
                        did_you_mean(&near),
                        Encoding::ALL.map(|e| e.name()).join(", ")
                    ),
                )
            })
    }

    /// Whether this build carries the encoding's rank table.
    pub fn is_bundled(self) -> bool {
        RANK_TABLES
            .get(self.spec().table)
            .is_some_and(|t| t.blob.is_some())
            && self.spec().normalization.is_available()
    }

    /// The encodings this build can count with.
    pub fn bundled() -> impl Iterator<Item = Encoding> {
        Encoding::ALL.into_iter().filter(|e| e.is_bundled())
    }

    /// What counts this encoding's tokens, built on first use, then shared.
    pub(crate) fn model(self) -> Result<Model> {
        if self.spec().pattern.is_none() {
            return sentencepiece(self.spec().table)
                .map(Model::SentencePiece)
                .ok_or_else(|| not_bundled(self));
        }
        static CELLS: [OnceLock<Option<Tables>>; Encoding::ALL.len()] =
            [const { OnceLock::new() }; Encoding::ALL.len()];
        CELLS
            .get(self as usize)
            .and_then(|cell| cell.get_or_init(|| Tables::load(self)).as_ref())
            .map(Model::Bpe)
            .ok_or_else(|| not_bundled(self))
    }

    /// The loaded tables of a byte-level BPE encoding (an error for
    /// SentencePiece ones, which have none).
    #[cfg(test)]
    pub(crate) fn tables(self) -> Result<&'static Tables> {
        match self.model()? {
            Model::Bpe(tables) => Ok(tables),
            Model::SentencePiece(_) => Err(Error::invalid(
                "encoding",
                format!("{} is SentencePiece BPE, not byte-level BPE", self.name()),
            )),
        }
    }

    /// Whether the encoding is byte-level BPE over a rank table (all but
    /// gemma3, which is SentencePiece BPE).
    pub fn is_byte_level(self) -> bool {
        self.spec().pattern.is_some()
    }
}

/// `ENCODING_NOT_BUNDLED` for `encoding`. Which package entry point carries
/// it is the binding's to say; this says what this build has.
fn not_bundled(encoding: Encoding) -> Error {
    Error::field(
        ErrorCode::EncodingNotBundled,
        "encoding",
        format!(
            "{} is not in this build (bundled here: {})",
            encoding.name(),
            Encoding::bundled()
                .map(|e| e.name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .about_encoding(encoding.name())
}

/// Keeps error messages short when the caller passed something huge.
pub(crate) fn truncate_for_message(s: &str) -> String {
    match s.char_indices().nth(64) {
        Some((cut, _)) => format!("{}…", s.get(..cut).unwrap_or("")),
        None => s.to_string(),
    }
}

/// The rank table of `RANK_TABLES[index]`, built on first use; `None` when
/// it is not compiled in (or, in a broken build only, malformed).
fn ranks(index: usize) -> Option<&'static Ranks> {
    static CELLS: [OnceLock<Option<Ranks>>; RANK_TABLES.len()] =
        [const { OnceLock::new() }; RANK_TABLES.len()];
    let spec = RANK_TABLES.get(index).filter(|s| !s.pieces)?;
    CELLS
        .get(index)?
        .get_or_init(|| Ranks::from_blob(spec.blob?, || ranks(spec.base?)))
        .as_ref()
}

/// The SentencePiece model of `RANK_TABLES[index]`, built on first use;
/// `None` when it is not compiled in (or, in a broken build only, malformed).
fn sentencepiece(index: usize) -> Option<&'static SentencePiece> {
    static CELLS: [OnceLock<Option<SentencePiece>>; RANK_TABLES.len()] =
        [const { OnceLock::new() }; RANK_TABLES.len()];
    let spec = RANK_TABLES.get(index).filter(|s| s.pieces)?;
    CELLS
        .get(index)?
        .get_or_init(|| SentencePiece::from_blob(spec.blob?))
        .as_ref()
}

/// Everything an encoding needs to encode and decode.
pub(crate) struct Tables {
    pub ranks: &'static Ranks,
    pub pattern: Pattern,
    /// The always-matched added tokens: found in text in every mode.
    pub always: AddedTokens,
    /// Those and the special tokens that text may become when allowed.
    pub added: AddedTokens,
    /// Special and added token id -> text, for decoding.
    pub special_by_id: HashMap<Rank, String>,
    /// One past the largest token id.
    pub n_vocab: u32,
    /// Added to a rank to make its id.
    pub id_offset: Rank,
    pub normalization: Normalization,
}

impl Tables {
    fn load(encoding: Encoding) -> Option<Tables> {
        let spec = encoding.spec();
        if !spec.normalization.is_available() {
            return None;
        }
        let ranks = ranks(spec.table)?;
        let pattern = spec.pattern?;
        let mut special: Vec<(String, Rank)> = spec
            .special
            .iter()
            .map(|&(text, id)| (text.to_string(), id))
            .collect();
        for &(before, after, first, id, count) in spec.special_runs {
            special.extend((0..count).map(|i| (format!("{before}{}{after}", first + i), id + i)));
        }
        if let Some((from, to, name)) = spec.reserved {
            for id in from..=to {
                let text = name.replace("{id}", &id.to_string());
                if !special.iter().any(|(t, _)| *t == text) {
                    special.push((text, id));
                }
            }
        }
        let always = || {
            spec.always
                .iter()
                .map(|&(t, id)| (t.to_string(), id, false))
        };
        let matched = special
            .iter()
            .filter(|_| spec.special_in_text)
            .map(|(t, id)| (t.clone(), *id, true));
        let added = AddedTokens::new(always().chain(matched));
        let mut special_by_id = HashMap::new();
        let named = special.iter().map(|(t, id)| (t.as_str(), *id));
        for (text, id) in named.chain(spec.always.iter().copied()) {
            // Two names for one id (o200k_harmony's 200018 is both
            // <|endofprompt|> and <|reserved_200018|>): decode to the
            // meaningful one, deterministically.
            let keep = special_by_id
                .get(&id)
                .is_none_or(|old: &String| old.as_str() > text);
            if keep {
                special_by_id.insert(id, text.to_string());
            }
        }
        let max_added = special_by_id.keys().copied().max().unwrap_or(0);
        let n_vocab = (ranks.len() as u32 + spec.id_offset).max(max_added + 1);
        Some(Tables {
            ranks,
            pattern,
            always: AddedTokens::new(always()),
            added,
            special_by_id,
            n_vocab,
            id_offset: spec.id_offset,
            normalization: spec.normalization,
        })
    }

    /// The bytes of a token id: an ordinary token's, or an added token's
    /// text. `None` for ids the vocabulary does not have.
    pub fn token_bytes(&self, id: Rank) -> Option<&[u8]> {
        id.checked_sub(self.id_offset)
            .and_then(|rank| self.ranks.ordinary(rank))
            .or_else(|| self.special_by_id.get(&id).map(|s| s.as_bytes()))
    }
}

/// The encoding OpenAI's tiktoken uses for `model`: an exact name first, then
/// the longest-standing prefixes (`gpt-4o-2024-08-06`, `ft:gpt-4o:org::id`),
/// in tiktoken's order. `None` for models outside tiktoken's map.
pub fn openai_encoding_for_model(model: &str) -> Option<Encoding> {
    MODEL_TO_ENCODING
        .binary_search_by(|(name, _)| (*name).cmp(model))
        .ok()
        .and_then(|i| MODEL_TO_ENCODING.get(i))
        .or_else(|| {
            MODEL_PREFIX_TO_ENCODING
                .iter()
                .find(|(prefix, _)| model.starts_with(prefix))
        })
        .map(|&(_, e)| e)
}

/// Every exact model name in tiktoken's map, for "did you mean" hints.
pub(crate) fn openai_model_names() -> impl Iterator<Item = &'static str> {
    MODEL_TO_ENCODING.iter().map(|&(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rank table cut short anywhere is refused whole (`None`), never read
    /// in part: a table with fewer tokens would count wrongly without a sign.
    #[test]
    fn a_truncated_rank_table_is_refused() {
        let r50k = RANK_TABLES.iter().find(|t| t.name == "r50k_base").unwrap();
        let blob = r50k.blob.expect("native builds carry r50k");
        assert!(Ranks::from_blob(blob, || None).is_some());
        let count = u32::from_le_bytes(*blob.first_chunk::<4>().unwrap()) as usize;
        // In the header, the left symbols, the right symbols, the literals'
        // length and the extra bits.
        for cut in [
            3,
            5,
            5 + count / 2,
            5 + 2 * count - 1,
            5 + 2 * count + 2,
            blob.len() - 1000,
            blob.len() - 1,
        ] {
            let short: &'static [u8] = Vec::leak(blob[..cut].to_vec());
            assert!(Ranks::from_blob(short, || None).is_none(), "cut at {cut}");
        }
    }

    /// gemma3's pieces likewise: a blob cut short anywhere is refused.
    #[test]
    fn a_truncated_piece_table_is_refused() {
        let gemma3 = RANK_TABLES.iter().find(|t| t.name == "gemma3").unwrap();
        let blob = gemma3.blob.expect("native builds carry gemma3");
        assert!(SentencePiece::from_blob(blob).is_some());
        let count = u32::from_le_bytes(*blob.first_chunk::<4>().unwrap()) as usize;
        // In the header, the two columns, the chars section, the literals
        // and the extra bits.
        for cut in [
            3,
            4 + count / 2,
            4 + 2 * count - 1,
            4 + 2 * count + 2,
            4 + 2 * count + 1000,
            blob.len() - 1000,
            blob.len() - 1,
        ] {
            assert!(
                SentencePiece::from_blob(&blob[..cut]).is_none(),
                "cut at {cut}"
            );
        }
    }

    /// The generated model map is sorted, so the binary search finds every
    /// name.
    #[test]
    fn the_model_map_is_sorted() {
        assert!(MODEL_TO_ENCODING.windows(2).all(|w| w[0].0 < w[1].0));
        for &(name, e) in &MODEL_TO_ENCODING {
            assert_eq!(openai_encoding_for_model(name), Some(e));
        }
    }
}
