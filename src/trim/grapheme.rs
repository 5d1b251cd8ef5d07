//! A small extended-grapheme-cluster boundary check (Unicode UAX #29) for
//! the cases that matter when a text is cut: combining marks (Latin,
//! Cyrillic, Hebrew, Arabic, the Indic scripts, Thai, Lao, Tibetan, Myanmar,
//! Khmer, kana voicing marks), variation selectors, emoji modifiers and tag
//! sequences, zero-width joiner sequences, regional-indicator pairs (flags),
//! Hangul jamo sequences and CR LF.
//!
//! It errs on the side of "no boundary": a place it calls a boundary is one,
//! for every text built from the characters above; a few real boundaries are
//! missed (after a ZWJ that is not followed by a pictograph, after a virama
//! that is not followed by a consonant, before a few prepended marks), which
//! only means a cut lands a character earlier. The `unicode-segmentation` crate would
//! carry the full tables; this keeps the wasm binary free of them.

/// Whether a cut at byte `at` of `text` falls between two grapheme clusters.
/// The ends of the text are boundaries; a place inside a UTF-8 character is
/// not.
pub fn is_boundary(text: &str, at: usize) -> bool {
    if at == 0 || at >= text.len() {
        return at == 0 || at == text.len();
    }
    if !text.is_char_boundary(at) {
        return false;
    }
    let (Some(before), Some(after)) = (text.get(..at), text.get(at..)) else {
        return false;
    };
    let (Some(prev), Some(next)) = (before.chars().next_back(), after.chars().next()) else {
        return true;
    };
    // GB3, GB4, GB5: CR LF stays together; otherwise controls break.
    if prev == '\r' && next == '\n' {
        return false;
    }
    if is_control(prev) || is_control(next) {
        return true;
    }
    // GB6 to GB8: Hangul syllable sequences.
    match (hangul(prev), hangul(next)) {
        (Hangul::L, Hangul::L | Hangul::V | Hangul::Lv | Hangul::Lvt)
        | (Hangul::Lv | Hangul::V, Hangul::V | Hangul::T)
        | (Hangul::Lvt | Hangul::T, Hangul::T) => return false,
        _ => {}
    }
    // GB9b: nothing breaks after a prepended mark (the Arabic number signs).
    if is_prepend(prev) {
        return false;
    }
    // GB9, GB9a: nothing breaks before a combining mark, spacing mark or ZWJ.
    if is_extend(next) || next == ZWJ {
        return false;
    }
    // GB11 (conservatively): nothing breaks after a ZWJ.
    // GB9c (conservatively): nothing breaks after a virama, so that conjuncts
    // such as Devanagari "ksha" stay whole.
    if prev == ZWJ || is_virama(prev) {
        return false;
    }
    // GB12, GB13: regional indicators pair up from the start of their run.
    // A run longer than 64 is not worth a long look back: no boundary there.
    if is_regional_indicator(prev) && is_regional_indicator(next) {
        let run = before
            .chars()
            .rev()
            .take(65)
            .take_while(|&c| is_regional_indicator(c))
            .count();
        return run <= 64 && run % 2 == 0;
    }
    true
}

const ZWJ: char = '\u{200D}';

fn is_control(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

fn is_virama(c: char) -> bool {
    let u = u32::from(c);
    ((0x0900..0x0D80).contains(&u) && u & 0x7F == 0x4D)
        || matches!(
            u,
            0x0DCA | 0x0E3A | 0x0F84 | 0x1039 | 0x17D2 | 0x1B44 | 0xA9C0
        )
}

/// Grapheme_Cluster_Break = Prepend (Unicode 16.0.0, the whole list).
fn is_prepend(c: char) -> bool {
    matches!(
        u32::from(c),
        0x0600..=0x0605
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x0D4E
            | 0x110BD
            | 0x110CD
            | 0x111C2..=0x111C3
            | 0x113D1
            | 0x1193F
            | 0x11941
            | 0x11A3A
            | 0x11A84..=0x11A89
            | 0x11D46
            | 0x11F02
    )
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hangul {
    None,
    L,
    V,
    T,
    Lv,
    Lvt,
}

fn hangul(c: char) -> Hangul {
    let u = u32::from(c);
    match u {
        0x1100..=0x115F | 0xA960..=0xA97C => Hangul::L,
        0x1160..=0x11A7 | 0xD7B0..=0xD7C6 => Hangul::V,
        0x11A8..=0x11FF | 0xD7CB..=0xD7FB => Hangul::T,
        0xAC00..=0xD7A3 if (u - 0xAC00) % 28 == 0 => Hangul::Lv,
        0xAC00..=0xD7A3 => Hangul::Lvt,
        _ => Hangul::None,
    }
}

/// Grapheme_Cluster_Break = Extend or SpacingMark, for the common scripts.
fn is_extend(c: char) -> bool {
    let u = u32::from(c);
    if u < 0x0300 {
        return false;
    }
    // The Indic blocks from Devanagari to Malayalam share the ISCII layout:
    // signs at 0x00-0x03, 0x3A-0x4F (but 0x3D, avagraha), 0x51-0x57 and
    // 0x62-0x63 of each 0x80-wide block.
    if (0x0900..0x0D80).contains(&u) {
        let off = u & 0x7F;
        return matches!(off, 0x00..=0x03 | 0x3A..=0x3C | 0x3E..=0x4F | 0x51..=0x57 | 0x62..=0x63);
    }
    EXTEND.iter().any(|&(lo, hi)| (lo..=hi).contains(&u))
}

const EXTEND: &[(u32, u32)] = &[
    (0x0300, 0x036F), // combining diacritical marks
    (0x0483, 0x0489), // Cyrillic
    (0x0591, 0x05BD), // Hebrew points
    (0x05BF, 0x05BF),
    (0x05C1, 0x05C2),
    (0x05C4, 0x05C5),
    (0x05C7, 0x05C7),
    (0x0610, 0x061A), // Arabic
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06DC),
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x0711, 0x0711), // Syriac
    (0x0730, 0x074A),
    (0x07A6, 0x07B0), // Thaana
    (0x07EB, 0x07F3), // NKo
    (0x0816, 0x082D), // Samaritan
    (0x0859, 0x085B), // Mandaic
    (0x0898, 0x089F), // Arabic extended
    (0x08CA, 0x08E1),
    (0x08E3, 0x08FF),
    (0x0D81, 0x0D83), // Sinhala
    (0x0DCA, 0x0DCA),
    (0x0DCF, 0x0DDF),
    (0x0DF2, 0x0DF3),
    (0x0E31, 0x0E31), // Thai
    (0x0E33, 0x0E3A),
    (0x0E47, 0x0E4E),
    (0x0EB1, 0x0EB1), // Lao
    (0x0EB3, 0x0EBC),
    (0x0EC8, 0x0ECE),
    (0x0F18, 0x0F19), // Tibetan
    (0x0F35, 0x0F35),
    (0x0F37, 0x0F37),
    (0x0F39, 0x0F39),
    (0x0F3E, 0x0F3F),
    (0x0F71, 0x0F84),
    (0x0F86, 0x0F87),
    (0x0F8D, 0x0FBC),
    (0x0FC6, 0x0FC6),
    (0x102B, 0x103E), // Myanmar
    (0x1056, 0x1059),
    (0x105E, 0x1060),
    (0x1062, 0x1064),
    (0x1067, 0x106D),
    (0x1071, 0x1074),
    (0x1082, 0x108D),
    (0x108F, 0x108F),
    (0x109A, 0x109D),
    (0x135D, 0x135F), // Ethiopic
    (0x1712, 0x1715), // Tagalog and neighbours
    (0x1732, 0x1734),
    (0x1752, 0x1753),
    (0x1772, 0x1773),
    (0x17B4, 0x17D3), // Khmer
    (0x17DD, 0x17DD),
    (0x180B, 0x180F), // Mongolian variation selectors
    (0x1885, 0x1886),
    (0x18A9, 0x18A9),
    (0x1920, 0x193B), // Limbu
    (0x1A17, 0x1A1B), // Buginese
    (0x1A55, 0x1A7F), // Tai Tham
    (0x1AB0, 0x1AFF), // combining diacritical marks extended
    (0x1B00, 0x1B04), // Balinese
    (0x1B34, 0x1B44),
    (0x1B6B, 0x1B73),
    (0x1B80, 0x1B82), // Sundanese
    (0x1BA1, 0x1BAD),
    (0x1BE6, 0x1BF3), // Batak
    (0x1C24, 0x1C37), // Lepcha
    (0x1CD0, 0x1CF9), // Vedic extensions (a few letters in between are rare)
    (0x1DC0, 0x1DFF), // combining diacritical marks supplement
    (0x200C, 0x200C), // zero-width non-joiner
    (0x20D0, 0x20F0), // combining marks for symbols (keycaps)
    (0x2CEF, 0x2CF1), // Coptic
    (0x2D7F, 0x2D7F),
    (0x2DE0, 0x2DFF), // Cyrillic extended-A
    (0x302A, 0x302F), // ideographic tone marks, Hangul tone marks
    (0x3099, 0x309A), // kana voicing marks
    (0xA66F, 0xA672), // Cyrillic extended-B
    (0xA674, 0xA67D),
    (0xA69E, 0xA69F),
    (0xA802, 0xA802), // Syloti Nagri
    (0xA806, 0xA806),
    (0xA80B, 0xA80B),
    (0xA823, 0xA827),
    (0xA880, 0xA881), // Saurashtra
    (0xA8B4, 0xA8C5),
    (0xA8E0, 0xA8F1), // Devanagari extended
    (0xA926, 0xA92D), // Kayah Li
    (0xA947, 0xA953), // Rejang
    (0xA980, 0xA983), // Javanese
    (0xA9B3, 0xA9C0),
    (0xAA29, 0xAA36), // Cham
    (0xAAEB, 0xAAEF), // Meetei Mayek
    (0xABE3, 0xABEA),
    (0xABEC, 0xABED),
    (0xFB1E, 0xFB1E),
    (0xFE00, 0xFE0F),   // variation selectors
    (0xFE20, 0xFE2F),   // combining half marks
    (0xFF9E, 0xFF9F),   // halfwidth kana voicing marks
    (0x1F3FB, 0x1F3FF), // emoji skin-tone modifiers
    (0xE0020, 0xE007F), // tags (subdivision flags)
    (0xE0100, 0xE01EF), // variation selectors supplement
];

#[cfg(test)]
mod tests {
    use super::is_boundary;

    fn clusters(s: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut start = 0;
        for i in 1..=s.len() {
            if is_boundary(s, i) {
                out.push(&s[start..i]);
                start = i;
            }
        }
        out
    }

    #[test]
    fn clusters_of_common_cases() {
        assert_eq!(clusters("abc"), ["a", "b", "c"]);
        assert_eq!(clusters("e\u{301}x"), ["e\u{301}", "x"]);
        assert_eq!(clusters("a\r\nb"), ["a", "\r\n", "b"]);
        // family: man ZWJ woman ZWJ girl, then a thumbs-up with skin tone
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        let thumbs = "\u{1F44D}\u{1F3FD}";
        assert_eq!(
            clusters(&format!("{family}{thumbs}!")),
            [family, thumbs, "!"]
        );
        // three flags: FR, DE, then a lone indicator
        let flags = "\u{1F1EB}\u{1F1F7}\u{1F1E9}\u{1F1EA}\u{1F1FA}";
        assert_eq!(
            clusters(flags),
            ["\u{1F1EB}\u{1F1F7}", "\u{1F1E9}\u{1F1EA}", "\u{1F1FA}"]
        );
        // heart with emoji presentation
        assert_eq!(clusters("\u{2764}\u{FE0F}a"), ["\u{2764}\u{FE0F}", "a"]);
        // Hangul jamo: L V T make one syllable
        assert_eq!(
            clusters("\u{1100}\u{1161}\u{11A8}\u{AC00}"),
            ["\u{1100}\u{1161}\u{11A8}", "\u{AC00}"]
        );
        // Devanagari: ka + virama + ssa + vowel sign i is one conjunct
        assert_eq!(
            clusters("\u{915}\u{94D}\u{937}\u{93F}\u{915}"),
            ["\u{915}\u{94D}\u{937}\u{93F}", "\u{915}"]
        );
        // Thai: sara am is a spacing mark
        assert_eq!(clusters("\u{E19}\u{E33}"), ["\u{E19}\u{E33}"]);
        // CJK: every character is a cluster
        assert_eq!(clusters("日本語"), ["日", "本", "語"]);
        // a newline before a combining mark still breaks (GB4)
        assert_eq!(clusters("\n\u{301}"), ["\n", "\u{301}"]);
    }

    #[test]
    fn inside_a_character_is_not_a_boundary() {
        let s = "é";
        assert!(!is_boundary(s, 1));
        assert!(is_boundary(s, 0));
        assert!(is_boundary(s, 2));
        assert!(!is_boundary(s, 3));
    }
}
