//! Server-sent events, read as the WHATWG HTML standard's "event stream
//! interpretation" reads them (html.spec.whatwg.org, 9.2.6), from bytes that
//! arrive in chunks of any size.
//!
//! * Lines end in CRLF, LF or CR. A CR that ends one chunk and an LF that
//!   starts the next are one line end (`after_cr`).
//! * A line is decoded as UTF-8 only once it is whole, so a character split
//!   between chunks is never torn: CR and LF are ASCII and never occur inside
//!   a multi-byte sequence, so decoding line by line replaces invalid bytes
//!   with U+FFFD exactly where decoding the whole stream would.
//! * One U+FEFF at the very start of the stream is dropped.
//! * `data:` lines are joined with "\n"; `event:` names the event (default
//!   `message`); `id:` sets the last event id unless it holds a NUL;
//!   `retry:` takes ASCII digits only; lines starting with ':' are comments;
//!   a field name without a colon has an empty value; one space after the
//!   colon is dropped. A blank line dispatches the event, unless its data is
//!   empty. At the end of the stream an event without its blank line is
//!   discarded, as the standard says.
//!
//! Memory is the current line and the current event's data, each bounded by
//! [`MAX_EVENT_BYTES`]: a longer one is dropped and its event is dispatched
//! marked `overflowed`, so that a reader can count it as unreadable rather
//! than the parser holding an unbounded stream.

/// The most bytes one event's data (or one line) may hold.
pub const MAX_EVENT_BYTES: usize = 16 << 20;

/// One dispatched event. The strings borrow the parser's buffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// The `event:` field, `message` when none was given.
    pub event_type: &'a str,
    /// The `data:` lines joined with "\n".
    pub data: &'a str,
    /// The last event id seen so far in the stream (it persists).
    pub last_event_id: &'a str,
    /// A line or the data of this event passed [`MAX_EVENT_BYTES`] and was
    /// dropped: `data` is what was kept before it.
    pub overflowed: bool,
}

/// What the parser has seen, for telling an event stream from other text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// Lines that are comments or one of the four fields.
    pub sse_lines: u64,
    /// Any other non-blank lines (a field the standard ignores, or not SSE).
    pub other_lines: u64,
    /// Events dispatched.
    pub events: u64,
}

#[derive(Debug, Default)]
pub struct SseParser {
    /// The start of a line whose end has not arrived yet.
    line: Vec<u8>,
    /// The line being carried passed the limit: drop bytes to its end.
    skipping: bool,
    after_cr: bool,
    started: bool,
    data: String,
    event_type: String,
    last_event_id: String,
    overflowed: bool,
    retry: Option<u64>,
    seen: Seen,
}

impl SseParser {
    pub fn new() -> SseParser {
        SseParser::default()
    }

    /// Reads `bytes`, the next part of the stream, and hands each event
    /// completed by it to `on_event`.
    pub fn push(&mut self, bytes: &[u8], on_event: &mut impl FnMut(Event<'_>)) {
        let mut rest = bytes;
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            if let Some(after) = rest.strip_prefix(b"\n") {
                rest = after;
            }
        }
        while let Some(at) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            let (head, tail) = rest.split_at(at);
            let (eol, mut after) = match tail.split_first() {
                Some((&eol, after)) => (eol, after),
                None => (b'\n', tail),
            };
            if eol == b'\r' {
                match after.split_first() {
                    Some((b'\n', more)) => after = more,
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
            if self.line.is_empty() && !self.skipping {
                self.line_ends(head, on_event);
            } else {
                self.carry(head);
                let line = std::mem::take(&mut self.line);
                let skipped = std::mem::replace(&mut self.skipping, false);
                if !skipped {
                    self.line_ends(&line, on_event);
                }
                // Keep the allocation for the next carried line.
                self.line = line;
                self.line.clear();
            }
            rest = after;
        }
        self.carry(rest);
    }

    /// The end of the stream: a line without its end and an event without
    /// its blank line are discarded.
    pub fn finish(&mut self) {
        self.line.clear();
        self.data.clear();
        self.event_type.clear();
    }

    pub fn seen(&self) -> Seen {
        self.seen
    }

    /// The reconnection time the stream last asked for, in milliseconds.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// Bytes held between calls (the carried line and the event's data).
    pub fn held_bytes(&self) -> usize {
        self.line.len() + self.data.len() + self.event_type.len() + self.last_event_id.len()
    }

    fn carry(&mut self, bytes: &[u8]) {
        if self.skipping || bytes.is_empty() {
            return;
        }
        if self.line.len() + bytes.len() > MAX_EVENT_BYTES {
            self.line.clear();
            self.skipping = true;
            self.overflowed = true;
        } else {
            self.line.extend_from_slice(bytes);
        }
    }

    fn line_ends(&mut self, line: &[u8], on_event: &mut impl FnMut(Event<'_>)) {
        let mut line = line;
        if !self.started {
            self.started = true;
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch(on_event);
            return;
        }
        // from_utf8 checks ASCII a word at a time; the lossy decoder goes a
        // byte at a time, so it is only for a line that is not UTF-8.
        let text = match std::str::from_utf8(line) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(line),
        };
        if text.starts_with(':') {
            self.seen.sse_lines += 1;
            return;
        }
        let (field, value) = match text.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (text.as_ref(), ""),
        };
        match field {
            "data" => {
                if self.data.len() + value.len() + 1 > MAX_EVENT_BYTES {
                    self.overflowed = true;
                } else {
                    self.data.push_str(value);
                    self.data.push('\n');
                }
            }
            "event" => value.clone_into(&mut self.event_type),
            "id" => {
                if !value.contains('\0') {
                    value.clone_into(&mut self.last_event_id);
                }
            }
            "retry" => {
                if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                    self.retry = Some(value.parse().unwrap_or(u64::MAX));
                }
            }
            _ => {
                self.seen.other_lines += 1;
                return;
            }
        }
        self.seen.sse_lines += 1;
    }

    fn dispatch(&mut self, on_event: &mut impl FnMut(Event<'_>)) {
        let overflowed = std::mem::replace(&mut self.overflowed, false);
        if self.data.is_empty() && !overflowed {
            self.event_type.clear();
            return;
        }
        if self.data.ends_with('\n') {
            self.data.pop();
        }
        self.seen.events += 1;
        on_event(Event {
            event_type: if self.event_type.is_empty() {
                "message"
            } else {
                &self.event_type
            },
            data: &self.data,
            last_event_id: &self.last_event_id,
            overflowed,
        });
        self.data.clear();
        self.event_type.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (event type, data, last event id, overflowed) of every event.
    type Owned = (String, String, String, bool);

    fn parse_chunks(chunks: &[&[u8]]) -> Vec<Owned> {
        let mut p = SseParser::new();
        let mut out = Vec::new();
        for chunk in chunks {
            p.push(chunk, &mut |e: Event<'_>| {
                out.push((
                    e.event_type.to_string(),
                    e.data.to_string(),
                    e.last_event_id.to_string(),
                    e.overflowed,
                ))
            });
        }
        p.finish();
        out
    }

    fn parse(text: &str) -> Vec<Owned> {
        parse_chunks(&[text.as_bytes()])
    }

    fn ev(t: &str, data: &str, id: &str) -> Owned {
        (t.to_string(), data.to_string(), id.to_string(), false)
    }

    /// The result is the same whichever way the bytes are split: every
    /// single cut, and every byte on its own.
    #[track_caller]
    fn same_at_every_split(bytes: &[u8]) -> Vec<Owned> {
        let whole = parse_chunks(&[bytes]);
        for cut in 0..=bytes.len() {
            let (a, b) = bytes.split_at(cut);
            assert_eq!(parse_chunks(&[a, b]), whole, "cut at {cut} of {bytes:?}");
        }
        let singles: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(parse_chunks(&singles), whole, "byte by byte");
        whole
    }

    // The standard's own examples (9.2.6).
    #[test]
    fn the_standards_stock_example() {
        let text = "data: YHOO\ndata: +2\ndata: 10\n\n";
        assert_eq!(
            same_at_every_split(text.as_bytes()),
            [ev("message", "YHOO\n+2\n10", "")]
        );
    }

    #[test]
    fn the_standards_four_blocks() {
        let text = ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n";
        assert_eq!(
            same_at_every_split(text.as_bytes()),
            [
                ev("message", "first event", "1"),
                ev("message", "second event", ""),
                ev("message", " third event", ""),
            ]
        );
    }

    #[test]
    fn the_standards_empty_data_examples() {
        let text = "data\n\ndata\ndata\n\ndata:\n";
        assert_eq!(
            same_at_every_split(text.as_bytes()),
            [ev("message", "", ""), ev("message", "\n", "")]
        );
    }

    #[test]
    fn the_standards_space_after_colon() {
        let text = "data:test\n\ndata: test\n\n";
        assert_eq!(
            same_at_every_split(text.as_bytes()),
            [ev("message", "test", ""), ev("message", "test", "")]
        );
        // Only one space is dropped.
        assert_eq!(parse("data:  two\n\n"), [ev("message", " two", "")]);
    }

    #[test]
    fn line_ends_crlf_cr_and_lf_mixed() {
        let text = "event: a\r\ndata: 1\r\r\ndata: 2\rdata: 3\n\r\n";
        let got = same_at_every_split(text.as_bytes());
        assert_eq!(got, [ev("a", "1", ""), ev("message", "2\n3", "")]);
        // A CR at the end of one chunk and an LF at the start of the next are
        // one line end, not a blank line.
        assert_eq!(
            parse_chunks(&[b"data: x\r", b"\ndata: y\r\n\r\n"]),
            [ev("message", "x\ny", "")]
        );
    }

    #[test]
    fn a_bom_at_the_start_only() {
        let text = "\u{FEFF}data: a\n\n\u{FEFF}data: b\n\n";
        // The second BOM is part of a line whose field is "\u{FEFF}data":
        // an unknown field, ignored.
        assert_eq!(
            same_at_every_split(text.as_bytes()),
            [ev("message", "a", "")]
        );
    }

    #[test]
    fn utf8_split_anywhere_and_invalid_bytes_replaced() {
        let text = "data: héllo 世界 🦀\n\n";
        assert_eq!(
            same_at_every_split(text.as_bytes()),
            [ev("message", "héllo 世界 🦀", "")]
        );
        let bad = b"data: a\xFFb\xE4\xB8\n\n";
        assert_eq!(
            same_at_every_split(bad),
            [ev("message", "a\u{FFFD}b\u{FFFD}", "")]
        );
    }

    #[test]
    fn event_id_and_retry_fields() {
        let mut p = SseParser::new();
        let mut got = Vec::new();
        let text = "retry: 2500\nretry: 1x\nid: 7\nevent: delta\ndata: a\n\nid: bad\0id\ndata: b\n\nid\ndata: c\n\n";
        p.push(text.as_bytes(), &mut |e: Event<'_>| {
            got.push(ev(e.event_type, e.data, e.last_event_id))
        });
        assert_eq!(p.retry(), Some(2500));
        // The id persists; one with a NUL is ignored; an empty one resets it.
        assert_eq!(
            got,
            [
                ev("delta", "a", "7"),
                ev("message", "b", "7"),
                ev("message", "c", "")
            ]
        );
        // The event type does not persist.
        assert_eq!(parse("event: x\n\ndata: y\n\n"), [ev("message", "y", "")]);
    }

    #[test]
    fn comments_and_unknown_fields_are_ignored_and_counted() {
        let mut p = SseParser::new();
        let mut n = 0;
        p.push(
            b": OPENROUTER PROCESSING\n\nfoo: bar\nDATA: no\ndata: yes\n\n",
            &mut |_e: Event<'_>| n += 1,
        );
        assert_eq!(n, 1);
        assert_eq!(
            p.seen(),
            Seen {
                sse_lines: 2,
                other_lines: 2,
                events: 1
            }
        );
    }

    #[test]
    fn an_unterminated_last_event_is_discarded() {
        assert_eq!(parse("data: a\n\ndata: b\n"), [ev("message", "a", "")]);
        assert_eq!(parse("data: a\n\ndata: b"), [ev("message", "a", "")]);
    }

    #[test]
    fn an_overlong_line_is_dropped_and_its_event_marked() {
        let mut p = SseParser::new();
        let mut got = Vec::new();
        let long = vec![b'x'; MAX_EVENT_BYTES / 4 + 1];
        p.push(b"data: ", &mut |_e: Event<'_>| {});
        for _ in 0..4 {
            p.push(&long, &mut |_e: Event<'_>| {});
        }
        assert!(p.held_bytes() < 64, "the long line is not held");
        p.push(b"\n\ndata: next\n\n", &mut |e: Event<'_>| {
            got.push((e.data.to_string(), e.overflowed))
        });
        assert_eq!(got, [(String::new(), true), ("next".to_string(), false)]);
    }
}
