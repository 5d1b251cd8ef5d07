//! SentencePiece piece tables (gemma3): a rank file of format `spm` in
//! `data/encodings/open-weights.json` (one line per id: base64 piece, id,
//! type N/B/U/C), checked against the sha256 pinned there, packed into the
//! layout of `src/spm/format.rs` for `src/spm/table.rs`. build/encodings.rs
//! calls it for the rank files whose feature is on.
//!
//! Why this layout: the text file is 2.27 MB gzipped and would need base64
//! and line parsing at start-up. Here ids are implicit, and each normal
//! piece of two chars or more is the two pieces it joins (the split whose
//! values take the fewest bits), so start-up rebuilds the bytes with two
//! copies a piece, and gzip sees small symbols instead of near-random text.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use base64::Engine as _;
use sha2::Digest as _;

use super::spm_format::{value_code, BitWriter, BYTE, CHAR, CONTROL, LITERAL, USER};
use super::BuildResult;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Normal,
    Byte,
    User,
    Control,
}

struct Piece {
    bytes: Vec<u8>,
    kind: Kind,
}

/// Packs the piece file `src` (checked against `sha256`) into `dst`.
pub fn write_blob(src: &Path, sha256: &str, dst: &Path) -> BuildResult<()> {
    let pieces = read_pieces(src, sha256)?;
    std::fs::write(dst, pack(&pieces)?)?;
    Ok(())
}

/// The pieces by id, after checking the file's sha256 (of the uncompressed
/// text) and that ids run from 0 without a gap.
fn read_pieces(src: &Path, sha256: &str) -> BuildResult<Vec<Piece>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(src)?).read_to_string(&mut text)?;
    let hex: String = sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if hex != sha256 {
        return Err(format!("{} has sha256 {hex}, expected {sha256}", src.display()).into());
    }
    let mut pieces = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut fields = line.split(' ');
        let (Some(b64), Some(id), Some(kind), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(format!("{}:{}: not `piece id type`", src.display(), n + 1).into());
        };
        if id.parse::<usize>()? != n {
            return Err(format!("{}:{}: id {id} out of order", src.display(), n + 1).into());
        }
        let kind = match kind {
            "N" => Kind::Normal,
            "B" => Kind::Byte,
            "U" => Kind::User,
            "C" => Kind::Control,
            other => return Err(format!("{}:{}: type {other}", src.display(), n + 1).into()),
        };
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64)?;
        let fits = !bytes.is_empty() && bytes.len() <= 255;
        if !fits || (kind == Kind::Byte && bytes.len() != 1) {
            return Err(format!(
                "{}:{}: piece of {} bytes",
                src.display(),
                n + 1,
                bytes.len()
            )
            .into());
        }
        if kind != Kind::Byte && std::str::from_utf8(&bytes).is_err() {
            return Err(format!("{}:{}: not UTF-8", src.display(), n + 1).into());
        }
        pieces.push(Piece { bytes, kind });
    }
    Ok(pieces)
}

/// The blob of `src/spm/format.rs`.
fn pack(pieces: &[Piece]) -> BuildResult<Vec<u8>> {
    let one_char = |p: &Piece| {
        p.kind == Kind::Normal
            && std::str::from_utf8(&p.bytes).is_ok_and(|s| s.chars().count() == 1)
    };
    let chars: Vec<usize> = (0..pieces.len())
        .filter(|&i| one_char(&pieces[i]))
        .collect();
    let mut value_of: HashMap<&[u8], u32> = HashMap::new();
    let mut id_of: HashMap<&[u8], usize> = HashMap::new();
    for (rank, &id) in chars.iter().enumerate() {
        value_of.insert(&pieces[id].bytes, rank as u32);
    }
    for (id, p) in pieces.iter().enumerate() {
        if p.kind == Kind::Normal {
            id_of.insert(&p.bytes, id);
        }
    }
    let n_chars = chars.len() as u32;
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let (mut char_bytes, mut literal) = (Vec::new(), Vec::new());
    let mut bits = BitWriter::default();
    let push = |column: &mut Vec<u8>, bits: &mut BitWriter, v: u32| -> BuildResult<()> {
        let (symbol, extra, n) = value_code(v).ok_or(format!("value {v} too large"))?;
        column.push(symbol);
        bits.push(extra, n);
        Ok(())
    };
    for (id, p) in pieces.iter().enumerate() {
        let (marker, value) = match p.kind {
            Kind::Byte => (BYTE, u32::from(p.bytes[0])),
            Kind::Control => (CONTROL, p.bytes.len() as u32),
            Kind::User => (USER, p.bytes.len() as u32),
            Kind::Normal if one_char(p) => {
                char_bytes.extend_from_slice(&p.bytes);
                left.push(CHAR);
                right.push(0);
                continue;
            }
            Kind::Normal => match best_split(&p.bytes, id, &id_of, &value_of, n_chars) {
                Some((a, b)) => {
                    push(&mut left, &mut bits, a)?;
                    push(&mut right, &mut bits, b)?;
                    continue;
                }
                None => (LITERAL, p.bytes.len() as u32),
            },
        };
        if marker != BYTE {
            literal.extend_from_slice(&p.bytes);
        }
        left.push(marker);
        push(&mut right, &mut bits, value)?;
    }
    let mut blob = Vec::new();
    blob.extend_from_slice(&u32::try_from(pieces.len())?.to_le_bytes());
    blob.extend_from_slice(&left);
    blob.extend_from_slice(&right);
    for section in [&char_bytes, &literal] {
        blob.extend_from_slice(&u32::try_from(section.len())?.to_le_bytes());
        blob.extend_from_slice(section);
    }
    blob.extend_from_slice(&bits.finish());
    Ok(blob)
}

/// The two pieces that make the normal piece `bytes` (id `id`) whose values
/// take the fewest bits together (the lowest product). Each part must be a
/// one-char piece or come before `id`, so that start-up can rebuild the
/// pieces in id order after the chars.
fn best_split(
    bytes: &[u8],
    id: usize,
    id_of: &HashMap<&[u8], usize>,
    value_of: &HashMap<&[u8], u32>,
    n_chars: u32,
) -> Option<(u32, u32)> {
    let value = |part: &[u8]| -> Option<u32> {
        if let Some(&v) = value_of.get(part) {
            return Some(v);
        }
        let &part_id = id_of.get(part)?;
        (part_id < id).then(|| n_chars + part_id as u32)
    };
    (1..bytes.len())
        .filter(|&k| std::str::from_utf8(&bytes[..k]).is_ok())
        .filter_map(|k| Some((value(&bytes[..k])?, value(&bytes[k..])?)))
        .min_by_key(|&(a, b)| (u64::from(a) + 1) * (u64::from(b) + 1))
}
