//! The encodings tiktoken defines, their rank tables and special tokens, and
//! the map from OpenAI model names to encodings.
//!
//! All of it comes from `data/encodings/` (loaded here and nowhere else).
//! Rank tables are compiled in per cargo feature and built on first use, so a
//! program that only counts with o200k never pays for cl100k.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::bpe::{Rank, Ranks};
use crate::error::{did_you_mean, near_matches, Error, ErrorCode, Result};
use crate::pretokenize::Pattern;

/// One of tiktoken's encodings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    R50kBase,
    P50kBase,
    P50kEdit,
    Cl100kBase,
    O200kBase,
    O200kHarmony,
}

impl Encoding {
    pub const ALL: [Encoding; 6] = [
        Encoding::R50kBase,
        Encoding::P50kBase,
        Encoding::P50kEdit,
        Encoding::Cl100kBase,
        Encoding::O200kBase,
        Encoding::O200kHarmony,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::R50kBase => "r50k_base",
            Encoding::P50kBase => "p50k_base",
            Encoding::P50kEdit => "p50k_edit",
            Encoding::Cl100kBase => "cl100k_base",
            Encoding::O200kBase => "o200k_base",
            Encoding::O200kHarmony => "o200k_harmony",
        }
    }

    /// Parses an encoding name. `gpt2` is accepted as tiktoken's alias of r50k.
    pub fn from_name(name: &str) -> Result<Encoding> {
        if name == "gpt2" {
            return Ok(Encoding::R50kBase);
        }
        Encoding::ALL
            .into_iter()
            .find(|e| e.name() == name)
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

    pub(crate) fn pattern(self) -> Pattern {
        match self {
            Encoding::R50kBase | Encoding::P50kBase | Encoding::P50kEdit => Pattern::R50k,
            Encoding::Cl100kBase => Pattern::Cl100k,
            Encoding::O200kBase | Encoding::O200kHarmony => Pattern::O200k,
        }
    }

    fn table(self) -> RankTable {
        match self {
            Encoding::R50kBase => RankTable::R50k,
            Encoding::P50kBase | Encoding::P50kEdit => RankTable::P50k,
            Encoding::Cl100kBase => RankTable::Cl100k,
            Encoding::O200kBase | Encoding::O200kHarmony => RankTable::O200k,
        }
    }

    /// Whether this build carries the encoding's rank table.
    pub fn is_bundled(self) -> bool {
        self.table().blob().is_some()
    }

    /// The encodings this build can count with.
    pub fn bundled() -> impl Iterator<Item = Encoding> {
        Encoding::ALL.into_iter().filter(|e| e.is_bundled())
    }

    /// The loaded tables of this encoding: built on first use, then shared.
    pub(crate) fn tables(self) -> Result<&'static Tables> {
        static CELLS: [OnceLock<Option<Tables>>; 6] = [const { OnceLock::new() }; 6];
        let index = Encoding::ALL.iter().position(|&e| e == self).unwrap_or(0);
        let cell = CELLS.get(index).ok_or_else(|| not_bundled(self))?;
        cell.get_or_init(|| Tables::load(self))
            .as_ref()
            .ok_or_else(|| not_bundled(self))
    }
}

fn not_bundled(encoding: Encoding) -> Error {
    let entry = match encoding {
        Encoding::O200kBase | Encoding::O200kHarmony => "tokenmeter or tokenmeter/o200k",
        Encoding::Cl100kBase => "tokenmeter",
        _ => "tokenmeter/all",
    };
    Error::field(
        ErrorCode::EncodingNotBundled,
        "encoding",
        format!(
            "{} is not in this build; import it from {entry} (bundled here: {})",
            encoding.name(),
            Encoding::bundled()
                .map(|e| e.name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
}

/// Keeps error messages short when the caller passed something huge.
pub(crate) fn truncate_for_message(s: &str) -> String {
    match s.char_indices().nth(64) {
        Some((cut, _)) => format!("{}…", s.get(..cut).unwrap_or("")),
        None => s.to_string(),
    }
}

#[derive(Clone, Copy)]
enum RankTable {
    R50k,
    P50k,
    Cl100k,
    O200k,
}

impl RankTable {
    fn blob(self) -> Option<&'static [u8]> {
        match self {
            #[cfg(feature = "enc-r50k")]
            RankTable::R50k => Some(include_bytes!(concat!(env!("OUT_DIR"), "/r50k_base.ranks"))),
            #[cfg(feature = "enc-p50k")]
            RankTable::P50k => Some(include_bytes!(concat!(env!("OUT_DIR"), "/p50k_base.ranks"))),
            #[cfg(feature = "enc-cl100k")]
            RankTable::Cl100k => Some(include_bytes!(concat!(
                env!("OUT_DIR"),
                "/cl100k_base.ranks"
            ))),
            #[cfg(feature = "enc-o200k")]
            RankTable::O200k => Some(include_bytes!(concat!(
                env!("OUT_DIR"),
                "/o200k_base.ranks"
            ))),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Rank tables are shared between encodings (p50k_edit uses p50k's).
    fn ranks(self) -> Option<&'static Ranks> {
        static CELLS: [OnceLock<Option<Ranks>>; 4] = [const { OnceLock::new() }; 4];
        CELLS
            .get(self as usize)?
            .get_or_init(|| Ranks::from_blob(self.blob()?, || RankTable::O200k.ranks()))
            .as_ref()
    }
}

/// Everything an encoding needs to encode and decode.
pub(crate) struct Tables {
    pub ranks: &'static Ranks,
    /// Special token text -> id.
    pub special: HashMap<String, Rank>,
    /// Special token id -> text, for decoding.
    pub special_by_id: HashMap<Rank, String>,
    /// One past the largest token id.
    pub n_vocab: u32,
    /// Length in bytes of the longest special token text.
    pub special_max_len: usize,
}

impl Tables {
    fn load(encoding: Encoding) -> Option<Tables> {
        let ranks = encoding.table().ranks()?;
        let spec = manifest().encodings.get(encoding.name())?;
        let mut special: HashMap<String, Rank> = spec.special.clone();
        if let Some([from, to]) = spec.reserved_range {
            for id in from..=to {
                special.entry(format!("<|reserved_{id}|>")).or_insert(id);
            }
        }
        let mut special_by_id = HashMap::new();
        for (text, &id) in &special {
            // Two names for one id (o200k_harmony's 200018 is both
            // <|endofprompt|> and <|reserved_200018|>): decode to the
            // meaningful one, deterministically.
            let keep = special_by_id
                .get(&id)
                .is_none_or(|old: &String| old.as_str() > text.as_str());
            if keep {
                special_by_id.insert(id, text.clone());
            }
        }
        let max_special = special.values().copied().max().unwrap_or(0);
        let n_vocab = (ranks.len() as u32).max(max_special + 1);
        let special_max_len = special.keys().map(String::len).max().unwrap_or(0);
        Some(Tables {
            ranks,
            special_max_len,
            special,
            special_by_id,
            n_vocab,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    encodings: HashMap<String, EncodingSpec>,
    model_to_encoding: HashMap<String, String>,
    model_prefix_to_encoding: Vec<(String, String)>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EncodingSpec {
    special: HashMap<String, Rank>,
    reserved_range: Option<[Rank; 2]>,
}

fn manifest() -> &'static Manifest {
    static MANIFEST: OnceLock<Manifest> = OnceLock::new();
    MANIFEST.get_or_init(|| {
        // The file is compiled in and checked by tests; an empty manifest is
        // only possible in a broken build, and then every lookup errors.
        serde_json::from_str(include_str!("../data/encodings/encodings.json")).unwrap_or(Manifest {
            encodings: HashMap::new(),
            model_to_encoding: HashMap::new(),
            model_prefix_to_encoding: Vec::new(),
        })
    })
}

/// The encoding OpenAI's tiktoken uses for `model`: an exact name first, then
/// the longest-standing prefixes (`gpt-4o-2024-08-06`, `ft:gpt-4o:org::id`),
/// in tiktoken's order. `None` for models outside tiktoken's map.
pub fn openai_encoding_for_model(model: &str) -> Option<Encoding> {
    let m = manifest();
    let name = m.model_to_encoding.get(model).or_else(|| {
        m.model_prefix_to_encoding
            .iter()
            .find(|(prefix, _)| model.starts_with(prefix.as_str()))
            .map(|(_, name)| name)
    })?;
    Encoding::from_name(name).ok()
}

/// Every exact model name in tiktoken's map, for "did you mean" hints.
pub(crate) fn openai_model_names() -> impl Iterator<Item = &'static str> {
    manifest().model_to_encoding.keys().map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rank table cut short anywhere is refused whole (`None`), never read
    /// in part: a table with fewer tokens would count wrongly without a sign.
    #[test]
    fn a_truncated_rank_table_is_refused() {
        let blob = RankTable::R50k.blob().expect("native builds carry r50k");
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
}
