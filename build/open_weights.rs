//! The open-weight families of `data/encodings/open-weights.json`, for the
//! entries of `encodings.json` that name one (`openWeights`): their rank
//! file and sha256, split regexes, id offset, normalisation, always-matched
//! added tokens and special tokens. Only the families an entry names are
//! read, and each is checked: a family whose split regexes are not verbatim
//! those of the `Pattern` its entry names (src/pretokenize/patterns.rs), or
//! that needs an algorithm or normalisation this crate does not have, stops
//! the build.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::patterns::PATTERNS;
use super::BuildResult;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenWeights {
    rank_files: BTreeMap<String, RankFile>,
    /// Typed only for the families named (gemma3's fields have other shapes).
    encodings: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RankFile {
    pub file: String,
    pub format: String,
    pub sha256: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Family {
    algorithm: String,
    pub ranks: String,
    pub id_offset: u32,
    normalization: Option<String>,
    split: Split,
    pub always_matched: BTreeMap<String, u32>,
    pub special: BTreeMap<String, u32>,
}

/// The fields of a SentencePiece family the build uses.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentencePieceFamily {
    algorithm: String,
    pub ranks: String,
    id_offset: u32,
    pub special: BTreeMap<String, u32>,
}

#[derive(Deserialize)]
struct Split {
    kind: String,
    patterns: Vec<String>,
}

impl OpenWeights {
    pub fn read(path: &std::path::Path) -> BuildResult<OpenWeights> {
        Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
    }

    /// A rank file of the data file: tiktoken's format, or `spm` (one
    /// SentencePiece piece a line, build/spm.rs).
    pub fn rank_file(&self, name: &str) -> BuildResult<&RankFile> {
        let f = self
            .rank_files
            .get(name)
            .ok_or(format!("open-weights.json has no rank file {name}"))?;
        if f.format != "tiktoken" && f.format != "spm" {
            return Err(format!("rank file {name} is {}, not tiktoken or spm", f.format).into());
        }
        Ok(f)
    }

    /// Whether the family `name` is SentencePiece BPE (gemma3), which
    /// src/spm/ implements whole: no split pattern, its pieces' types say
    /// which are user-defined and control pieces.
    pub fn is_sentencepiece(&self, name: &str) -> bool {
        self.encodings
            .get(name)
            .and_then(|f| f.get("algorithm"))
            .and_then(serde_json::Value::as_str)
            == Some("sentencepiece-bpe")
    }

    /// A SentencePiece family: its piece file, checked to be one, and its
    /// special (control) tokens, which src/spm/ also reads from the pieces.
    pub fn sentencepiece(&self, name: &str) -> BuildResult<SentencePieceFamily> {
        let value = self
            .encodings
            .get(name)
            .ok_or(format!("open-weights.json has no family {name}"))?;
        let family: SentencePieceFamily = serde_json::from_value(value.clone())
            .map_err(|e| format!("open-weights.json, {name}: {e}"))?;
        if family.algorithm != "sentencepiece-bpe" || family.id_offset != 0 {
            return Err(format!("{name}: not SentencePiece BPE with ids as in its pieces").into());
        }
        if self.rank_file(&family.ranks)?.format != "spm" {
            return Err(format!("{name}: rank file {} is not spm", family.ranks).into());
        }
        Ok(family)
    }

    /// A family, checked against the pattern `pattern` its entry names.
    pub fn family(&self, name: &str, pattern: &str) -> BuildResult<Family> {
        let value = self
            .encodings
            .get(name)
            .ok_or(format!("open-weights.json has no family {name}"))?;
        let family: Family = serde_json::from_value(value.clone())
            .map_err(|e| format!("open-weights.json, {name}: {e}"))?;
        if family.algorithm != "byte-bpe" {
            return Err(format!("{name}: algorithm {} is not byte-bpe", family.algorithm).into());
        }
        family.normalization()?;
        let (_, regexes) = PATTERNS.iter().find(|(p, _)| *p == pattern).ok_or(format!(
            "{name}: no scanner implements a pattern named {pattern}"
        ))?;
        let kind_fits = match family.split.kind.as_str() {
            "regex" => regexes.len() == 1,
            "hf-split-sequence" => regexes.len() > 1,
            _ => false,
        };
        if !kind_fits || family.split.patterns != *regexes {
            return Err(format!(
                "{name}: its split ({} {:?}) is not what the {pattern} scanner implements ({:?}); \
                 a new regex needs a scanner in src/pretokenize/ and its entry in patterns.rs",
                family.split.kind, family.split.patterns, regexes
            )
            .into());
        }
        Ok(family)
    }
}

impl Family {
    /// The `Normalization` variant the family needs.
    pub fn normalization(&self) -> BuildResult<&'static str> {
        match self.normalization.as_deref() {
            None => Ok("None"),
            Some("NFC") => Ok("Nfc"),
            Some(other) => Err(format!("normalization {other:?} is not implemented").into()),
        }
    }
}
