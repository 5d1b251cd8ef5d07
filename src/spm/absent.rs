//! SentencePiece in a build without the `spm` feature (every entry point but
//! tokenmeter/gemma): the type the tokenizer names, with no value, so that
//! the compiler drops every path that would count with one. No encoding of
//! such a build has pieces (`from_blob` is never given a blob), and an
//! encoding that needs them is ENCODING_NOT_BUNDLED as any other.

use crate::tokens::AllowedSpecial;

/// No SentencePiece model can exist in this build.
pub enum SentencePiece {}

impl SentencePiece {
    pub(crate) fn from_blob(_blob: &[u8]) -> Option<SentencePiece> {
        None
    }

    pub fn n_vocab(&self) -> u32 {
        match *self {}
    }

    pub fn piece_with_kind(&self, _id: u32) -> Option<(&[u8], ())> {
        match *self {}
    }

    pub fn encode(&self, _text: &str, _allowed: &AllowedSpecial) -> Vec<u32> {
        match *self {}
    }

    pub fn encode_with_offsets(
        &self,
        _text: &str,
        _allowed: &AllowedSpecial,
    ) -> (Vec<u32>, Vec<usize>) {
        match *self {}
    }

    pub fn count(&self, _text: &str, _allowed: &AllowedSpecial) -> usize {
        match *self {}
    }

    pub fn count_until(&self, _text: &str, _allowed: &AllowedSpecial, _stop_at: usize) -> usize {
        match *self {}
    }

    pub fn decode_bytes(&self, _tokens: &[u32]) -> Result<Vec<u8>, usize> {
        match *self {}
    }

    pub fn last_cut(&self, _text: &str, _from: usize) -> Option<usize> {
        match *self {}
    }
}
