//! Shared helpers for the integration tests: a seeded random text generator
//! that favours the characters where tokenizers disagree, and, in submodules,
//! what the tests of one capability share (each test binary compiles them
//! all and uses what it needs).
#![allow(dead_code)]

pub mod compress;
#[cfg(feature = "import")]
pub mod import;
pub mod spm_reference;
pub mod trim;
pub mod trim_rules;

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Characters from every class the split patterns distinguish.
const ALPHABET: &[&str] = &[
    "a",
    "b",
    "e",
    "s",
    "t",
    "d",
    "m",
    "l",
    "v",
    "r",
    "Z",
    "S",
    "T",
    "L",
    "E",
    "V",
    "R",
    "D",
    "M",
    "0",
    "1",
    "7",
    "٣",
    "Ⅻ",
    "½",
    "²",
    " ",
    " ",
    " ",
    "  ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\u{b}",
    "\u{c}",
    "\u{a0}",
    "\u{3000}",
    "\u{2028}",
    "\u{85}",
    "'",
    "'",
    "’",
    "\"",
    ".",
    ",",
    "!",
    "?",
    "/",
    "//",
    "-",
    "(",
    ")",
    "{",
    "}",
    "<|",
    "|>",
    "<|endoftext|>",
    "_",
    "#",
    "@",
    "$",
    "%",
    "^",
    "&",
    "*",
    "=",
    "+",
    "ſ",
    "é",
    "ß",
    "Ç",
    "ǅ",
    "ʰ",
    "ª",
    "\u{301}",
    "\u{903}",
    "\u{20dd}",
    "\u{200d}",
    "\u{200b}",
    "\u{fe0f}",
    "中",
    "文",
    "の",
    "カ",
    "한",
    "ไ",
    "ท",
    "य",
    "ि",
    "क",
    "Ω",
    "ж",
    "Ж",
    "ب",
    "ש",
    "🙂",
    "👍🏽",
    "👨‍👩‍👧",
    "🇫🇷",
    "\u{fffd}",
    "\u{e000}",
    "\u{10ffff}",
    "\u{378}",
    "𝔘",
    "𝔲",
    "ﬁ",
    "İ",
    "ı",
];

const WORDS: &[&str] = &[
    "the",
    "The",
    "THE",
    "don't",
    "DON'T",
    "I'm",
    "we'll",
    "they're",
    "you've",
    "it'd",
    "HTTPServer",
    "iPhone",
    "McDonald's",
    "naïve",
    "über",
    "123456789",
    "3.14159",
    "1,000,000",
    "  \n\n  ",
    "\n\n\n",
    "   ",
    "fn main() {",
    "<div class=\"x\">",
    "https://example.com/a/b?c=d",
    "中文字符",
    "日本語の文章",
    "Привет",
    "مرحبا",
    "שלום",
    "नमस्ते",
    "สวัสดี",
    "a\u{301}",
    "Z\u{351}\u{36b}\u{343}",
];

/// A random string of up to `max_parts` characters or words.
pub fn random_text(rng: &mut Rng, max_parts: usize) -> String {
    let n = rng.below(max_parts + 1);
    let mut s = String::new();
    for _ in 0..n {
        if rng.below(4) == 0 {
            let w: &&str = rng.pick(WORDS);
            s.push_str(w);
        } else {
            let c: &&str = rng.pick(ALPHABET);
            s.push_str(c);
        }
    }
    s
}

/// A random string of arbitrary Unicode scalar values, biased to low planes.
pub fn random_unicode(rng: &mut Rng, max_chars: usize) -> String {
    let n = rng.below(max_chars + 1);
    (0..n)
        .filter_map(|_| {
            let cp = match rng.below(4) {
                0 => rng.below(0x80) as u32,
                1 => rng.below(0x800) as u32,
                2 => rng.below(0x10000) as u32,
                _ => rng.below(0x110000) as u32,
            };
            char::from_u32(cp)
        })
        .collect()
}
