//! Rank files: the upstream `.tiktoken` files, checked against their sha256
//! and packed as merge pairs (see `write_ranks`).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use base64::Engine as _;
use sha2::Digest as _;

use super::symbols;
use super::BuildResult;

/// The tokens of an upstream rank file by rank (empty where a special token
/// sits), after checking the file against tiktoken's sha256.
pub fn read_ranks(src: &Path, sha256: &str) -> BuildResult<Vec<Vec<u8>>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(src)?).read_to_string(&mut text)?;
    let digest = sha2::Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    if hex != sha256 {
        return Err(format!("{} has sha256 {hex}, expected {sha256}", src.display()).into());
    }
    let mut tokens: Vec<(u32, Vec<u8>)> = Vec::new();
    for line in text.lines() {
        let (b64, rank) = line.split_once(' ').ok_or("malformed rank line")?;
        tokens.push((
            rank.parse()?,
            base64::engine::general_purpose::STANDARD.decode(b64)?,
        ));
    }
    tokens.sort();
    // Ranks are contiguous except where a special token sits (p50k's 50256):
    // such a hole is written as a zero-length token, which never matches.
    let count = tokens.last().map_or(0, |(r, _)| *r as usize + 1);
    if count - tokens.len() > 16 {
        return Err(format!(
            "{}: {} holes in the ranks",
            src.display(),
            count - tokens.len()
        )
        .into());
    }
    let mut by_rank: Vec<Vec<u8>> = vec![Vec::new(); count];
    for (rank, bytes) in tokens {
        if bytes.is_empty() || bytes.len() > 255 {
            return Err(
                format!("{}: token {rank} has length {}", src.display(), bytes.len()).into(),
            );
        }
        by_rank[rank as usize] = bytes;
    }
    Ok(by_rank)
}

/// Writes `[u32 count][u8 base][u32 bytes][count left symbols][count right
/// symbols][u32 n][n literal bytes][extra bits]`, base 1 when tokens refer
/// to o200k's table and `bytes` the length of all tokens together (so that
/// start-up allocates them once). A left symbol is a rank's [`value_code`] or one of the
/// markers in `symbols`; the right column holds the other rank, or the
/// marker's value. The extra bits of each token (left, then right) follow
/// in one stream, least significant first.
pub fn write_ranks(by_rank: &[Vec<u8>], base: Option<&[Vec<u8>]>, dst: &Path) -> BuildResult<()> {
    let count = by_rank.len();
    let base_index: HashMap<&[u8], u32> = base
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter(|(_, b)| b.len() > 1)
        .map(|(r, b)| (b.as_slice(), r as u32))
        .collect();
    // Each token of two bytes or more is the concatenation of two tokens of
    // lower rank: store those two ranks instead of the bytes, which rank
    // order makes nearly incompressible. Rebuilding the bytes at start-up
    // is two copies a token.
    let index: HashMap<&[u8], u32> = by_rank
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.is_empty())
        .map(|(r, b)| (b.as_slice(), r as u32))
        .collect();
    let (mut left, mut right, mut literal) = (Vec::new(), Vec::new(), Vec::new());
    let mut bits = BitWriter::default();
    for (rank, bytes) in by_rank.iter().enumerate() {
        let rank = rank as u32;
        let (marker, value) = match bytes.len() {
            0 => (Some(symbols::HOLE), 0),
            1 => (Some(symbols::BYTE), u32::from(bytes[0])),
            _ if base_index.contains_key(bytes.as_slice()) => {
                (Some(symbols::REF), base_index[bytes.as_slice()])
            }
            n => {
                // Of the possible splits, the one whose ranks take the
                // fewest bits together (the lowest product) compresses
                // best: 680 KB for o200k, against 688 KB for the split
                // with the lowest right-hand rank (measured).
                let split = (1..n)
                    .filter_map(|k| Some((*index.get(&bytes[..k])?, *index.get(&bytes[k..])?)))
                    .filter(|&(a, b)| a < rank && b < rank)
                    .min_by_key(|&(a, b)| (u64::from(a) + 1) * (u64::from(b) + 1));
                match split {
                    Some((a, b)) => {
                        let (symbol, extra, n_extra) = value_code(a)?;
                        bits.push(extra, n_extra);
                        left.push(symbol);
                        (None, b)
                    }
                    None => {
                        literal.extend_from_slice(bytes);
                        (Some(symbols::LITERAL), n as u32)
                    }
                }
            }
        };
        left.extend(marker);
        let (symbol, extra, n_extra) = value_code(value)?;
        bits.push(extra, n_extra);
        right.push(symbol);
    }
    let mut blob = Vec::with_capacity(17 + count * 2 + literal.len() + bits.bytes.len());
    blob.extend_from_slice(&u32::try_from(count)?.to_le_bytes());
    blob.push(u8::from(base.is_some()));
    let total: usize = by_rank.iter().map(Vec::len).sum();
    blob.extend_from_slice(&u32::try_from(total)?.to_le_bytes());
    blob.extend_from_slice(&left);
    blob.extend_from_slice(&right);
    blob.extend_from_slice(&u32::try_from(literal.len())?.to_le_bytes());
    blob.extend_from_slice(&literal);
    blob.extend_from_slice(&bits.finish());
    std::fs::write(dst, blob)?;
    Ok(())
}

/// A rank as a byte symbol and extra bits: below 32 the symbol is the value;
/// above, the symbol keeps the value's five leading bits and its length, and
/// the bits below go to the bit stream. gzip's Huffman code over the symbols
/// then comes within a few percent of the ranks' entropy, which whole bytes
/// (the low byte of a rank is close to random) do not: with the same splits,
/// o200k's table gzips to 688.6 KB instead of 720.4 KB in byte planes.
/// Returns the symbol, the extra bits and their number; src/bpe/table.rs
/// `Bits::value` reads it back.
fn value_code(v: u32) -> BuildResult<(u8, u32, u32)> {
    if v < 32 {
        return Ok((v as u8, 0, 0));
    }
    let extra = 32 - v.leading_zeros() - 5;
    let symbol = 16 * extra + (v >> extra);
    if symbol >= u32::from(symbols::REF) {
        return Err(format!("rank {v} is too large for the value code").into());
    }
    Ok((symbol as u8, v & ((1 << extra) - 1), extra))
}

#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    acc: u64,
    len: u32,
}

impl BitWriter {
    fn push(&mut self, value: u32, n: u32) {
        self.acc |= u64::from(value) << self.len;
        self.len += n;
        while self.len >= 8 {
            self.bytes.push(self.acc as u8);
            self.acc >>= 8;
            self.len -= 8;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.len > 0 {
            self.bytes.push(self.acc as u8);
        }
        self.bytes
    }
}
