//! The packed piece table's layout, in one place for build/spm.rs, which
//! writes it (build.rs includes this file), and for `table.rs`, which reads
//! it:
//!
//! `[u32 count][count kind-or-left symbols][count right symbols]
//! [u32 n][n bytes: the one-char pieces, UTF-8][u32 m][m literal bytes]
//! [extra bits]`, integers little-endian.
//!
//! Piece ids are implicit (the order of the entries). A left symbol below
//! the markers is a normal piece made of two others: the left and right
//! symbols (with their extra bits) are those two pieces' *values*. A value
//! below the number of one-char pieces is the n-th one-char piece (in id
//! order); any other value is `value - chars` = an id. Gemma 3's
//! 19,225 one-char pieces sit at ids 236,743 and up, and are parts of most
//! pieces: as values they cost a symbol and 10 extra bits at most instead of
//! 14, which saves 66 KB of gzip (measured).

/// Byte fallback piece; the right value is the byte.
pub const BYTE: u8 = 255;
/// Control piece (`<bos>`); the right value is its length in the literals.
pub const CONTROL: u8 = 254;
/// User-defined piece; the right value is its length in the literals.
pub const USER: u8 = 253;
/// Normal piece of one char, the next of the chars section; right symbol 0.
pub const CHAR: u8 = 252;
/// Normal piece no two earlier pieces (or one-char pieces) make; the right
/// value is its length in the literals.
pub const LITERAL: u8 = 251;

/// A value as a byte symbol and extra bits: below 32 the symbol is the
/// value; above, the symbol keeps the five leading bits and the length, and
/// the bits below go to the bit stream, where gzip cannot shrink them but
/// its Huffman code over the symbols gets close to the values' entropy.
/// (The same code as the rank tables' in build/ranks.rs.) `None` when the
/// symbol would reach the markers.
#[allow(dead_code)] // build.rs only
pub fn value_code(v: u32) -> Option<(u8, u32, u32)> {
    if v < 32 {
        return Some((v as u8, 0, 0));
    }
    let extra = 32 - v.leading_zeros() - 5;
    let symbol = 16 * extra + (v >> extra);
    if symbol >= u32::from(LITERAL) {
        return None;
    }
    Some((symbol as u8, v & ((1 << extra) - 1), extra))
}

/// Reads the extra bits back, least significant first.
#[allow(dead_code)] // src/spm only
pub struct Bits<'a> {
    bytes: std::slice::Iter<'a, u8>,
    acc: u64,
    len: u32,
}

#[allow(dead_code)] // src/spm only
impl<'a> Bits<'a> {
    pub fn new(bytes: &'a [u8]) -> Bits<'a> {
        Bits {
            bytes: bytes.iter(),
            acc: 0,
            len: 0,
        }
    }

    /// The value a symbol and its extra bits code (`value_code`).
    #[inline]
    pub fn value(&mut self, symbol: u8) -> Option<u32> {
        let symbol = u32::from(symbol);
        if symbol < 32 {
            return Some(symbol);
        }
        let n = symbol / 16 - 1;
        while self.len < n {
            self.acc |= u64::from(*self.bytes.next()?) << self.len;
            self.len += 8;
        }
        let low = self.acc as u32 & ((1 << n) - 1);
        self.acc >>= n;
        self.len -= n;
        Some((16 + symbol % 16) << n | low)
    }

    /// Whether every byte was read and only padding is left.
    pub fn is_spent(&self) -> bool {
        self.bytes.len() == 0 && self.len < 8 && self.acc == 0
    }
}

/// Writes the extra bits, least significant first.
#[allow(dead_code)] // build.rs only
#[derive(Default)]
pub struct BitWriter {
    bytes: Vec<u8>,
    acc: u64,
    len: u32,
}

#[allow(dead_code)] // build.rs only
impl BitWriter {
    pub fn push(&mut self, value: u32, n: u32) {
        self.acc |= u64::from(value) << self.len;
        self.len += n;
        while self.len >= 8 {
            self.bytes.push(self.acc as u8);
            self.acc >>= 8;
            self.len -= 8;
        }
    }

    pub fn finish(mut self) -> Vec<u8> {
        if self.len > 0 {
            self.bytes.push(self.acc as u8);
        }
        self.bytes
    }
}
