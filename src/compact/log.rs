//! Terminal output as the terminal left it: a carriage return rewinds the
//! line and the text after it overwrites what was there (progress bars and
//! spinners), escape sequences colour and move but show nothing, and runs of
//! one repeated line say the same thing N times.
//!
//! Folding writes a run of N identical lines (N >= 2) that start at the
//! margin as the line followed by ` [×N]`. It is done only on text where no
//! line already ends that way, so [`expand_folds`] reverses it exactly, and
//! a folded text is left as it is.

/// Collapses each line's carriage-return rewrites to what the terminal
/// finally showed, honouring erase-line sequences (`ESC[K`, `ESC[2K`); other
/// escape sequences on such a line are dropped. Lines without a carriage
/// return are kept as they are; `\r\n` counts as `\n`. `None` if there is
/// nothing to collapse.
pub fn collapse_progress(text: &str) -> Option<String> {
    if !text.contains('\r') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.contains('\r') {
            overlay(line, &mut out);
        } else {
            out.push_str(line);
        }
    }
    Some(out)
}

/// What a terminal shows after printing `line`, by characters. Erasing the
/// whole line (`ESC[2K`) starts a new epoch instead of blanking every cell,
/// so that a line of many erasures costs no more than its length.
fn overlay(line: &str, out: &mut String) {
    // (character, epoch written in); a cell of an older epoch is blank.
    let mut cells: Vec<(char, u32)> = Vec::new();
    let mut epoch = 0u32;
    let mut cursor = 0usize;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' {
            let len = escape_len(rest);
            match rest.get(..len).unwrap_or("") {
                "\u{1b}[K" | "\u{1b}[0K" => cells.truncate(cursor),
                "\u{1b}[2K" => epoch = epoch.wrapping_add(1),
                _ => {}
            }
            rest = rest.get(len..).unwrap_or("");
            continue;
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
        if c == '\r' {
            cursor = 0;
        } else {
            match cells.get_mut(cursor) {
                Some(cell) => *cell = (c, epoch),
                None => cells.push((c, epoch)),
            }
            cursor += 1;
        }
    }
    let shown: String = cells
        .into_iter()
        .map(|(c, e)| if e == epoch { c } else { ' ' })
        .collect();
    out.push_str(shown.trim_end_matches(' '));
}

/// The length in bytes of the escape sequence at the start of `s` (which
/// starts with ESC): CSI (`ESC [` parameters, intermediates, a final
/// byte), OSC (`ESC ]` up to BEL or `ESC \`), or ESC with intermediates and
/// one final character. An unfinished sequence is the ESC alone.
fn escape_len(s: &str) -> usize {
    let b = s.as_bytes();
    match b.get(1) {
        Some(b'[') => {
            let mut i = 2;
            while b.get(i).is_some_and(|x| (0x20..=0x3f).contains(x)) {
                i += 1;
            }
            if b.get(i).is_some_and(|x| (0x40..=0x7e).contains(x)) {
                i + 1
            } else {
                1
            }
        }
        Some(b']') => {
            let mut i = 2;
            while let Some(&x) = b.get(i) {
                if x == 0x07 {
                    return i + 1;
                }
                if x == 0x1b && b.get(i + 1) == Some(&b'\\') {
                    return i + 2;
                }
                i += 1;
            }
            1
        }
        _ => {
            let mut i = 1;
            while b.get(i).is_some_and(|x| (0x20..=0x2f).contains(x)) {
                i += 1;
            }
            if b.get(i).is_some_and(|x| (0x30..=0x7e).contains(x)) {
                i + 1
            } else {
                1
            }
        }
    }
}

/// The text without its escape sequences. `None` if it has none.
pub fn strip_ansi(text: &str) -> Option<String> {
    if !text.contains('\u{1b}') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(p) = rest.find('\u{1b}') {
        out.push_str(rest.get(..p).unwrap_or(""));
        let tail = rest.get(p..).unwrap_or("");
        rest = tail.get(escape_len(tail)..).unwrap_or("");
    }
    out.push_str(rest);
    Some(out)
}

/// Spaces and tabs at the ends of lines, which show nothing. `None` if
/// there are none.
pub fn trim_line_ends(text: &str) -> Option<String> {
    let has = text
        .split('\n')
        .any(|l| l.ends_with([' ', '\t']) || l.trim_end_matches('\r').ends_with([' ', '\t']));
    if !has {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let (body, cr) = match line.strip_suffix('\r') {
            Some(b) => (b, "\r"),
            None => (line, ""),
        };
        out.push_str(body.trim_end_matches([' ', '\t']));
        out.push_str(cr);
    }
    Some(out)
}

const FOLD_OPEN: &str = " [×";

/// The count of a line that ends in a fold marker, and the line before it.
fn fold_marker(line: &str) -> Option<(&str, usize)> {
    let body = line.strip_suffix(']')?;
    let at = body.rfind(FOLD_OPEN)?;
    let digits = body.get(at + FOLD_OPEN.len()..)?;
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: usize = digits.parse().ok()?;
    Some((body.get(..at)?, n))
}

/// Folds runs of identical lines that start at the margin. `None` if there
/// is nothing to fold, or if a line already ends like a fold marker (the
/// text may have been folded, and folding again would be ambiguous).
pub fn fold_repeats(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    if lines.iter().any(|l| fold_marker(l).is_some()) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut folded = false;
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        let run = lines
            .get(i..)
            .map_or(1, |r| r.iter().take_while(|&&l| l == line).count());
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
        // A short line said twice costs less than its marker. Indented
        // lines are never folded: in TOON (which a JSON tool result may have
        // become, and which can read as a log) identical rows are indented,
        // and a fold there would change the data.
        let worth = run >= 3 || (run == 2 && line.len() >= 8);
        if worth && line.starts_with(|c: char| !c.is_whitespace()) {
            out.push_str(&format!("{FOLD_OPEN}{run}]"));
            folded = true;
        } else {
            // The whole run as it is, so that it is counted once.
            for _ in 1..run {
                out.push('\n');
                out.push_str(line);
            }
        }
        i += run.max(1);
    }
    folded.then_some(out)
}

/// Reverses [`fold_repeats`]: each line ending in ` [×N]` becomes N copies
/// of the line before the marker.
pub fn expand_folds(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match fold_marker(line) {
            Some((body, n)) => {
                for k in 0..n {
                    if k > 0 {
                        out.push('\n');
                    }
                    out.push_str(body);
                }
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_semantics() {
        assert_eq!(
            collapse_progress("a\r\nDownloading 10%\rDownloading 100%\nok").unwrap(),
            "a\nDownloading 100%\nok"
        );
        assert_eq!(
            collapse_progress("long text\rab\u{1b}[K\n").unwrap(),
            "ab\n"
        );
        assert_eq!(
            strip_ansi("\u{1b}[1;32mok\u{1b}[0m \u{1b}]0;title\u{7}x").unwrap(),
            "ok x"
        );
        let text = "a\nstep done\nstep done\nstep done\nb";
        let folded = fold_repeats(text).unwrap();
        assert_eq!(folded, "a\nstep done [×3]\nb");
        assert_eq!(expand_folds(&folded), text);
        assert!(fold_repeats(&folded).is_none());
    }
}
