//! Streamed replies in any chunking: arbitrary bytes, cut where the first
//! eight bytes say, give the same events, the same metered usage (or the
//! same error) as the bytes read whole, complete or cut off; never a panic.
//! And the counter that settles as it goes gives the tokenizer's count of
//! the whole text, for every encoding, whatever the pieces and with a hold
//! small enough that short texts settle.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::json;
use tokenmeter::chat::parse_messages;
use tokenmeter::meter::count::{Kind, Output};
use tokenmeter::meter::sse::{Event, SseParser};
use tokenmeter::meter::{Counting, MeteredUsage, Prompt, StreamMeter};
use tokenmeter::{Catalogue, Encoding, Result, Tokenizer};

/// The chunks of `data`: their sizes cycle through `sizes` (0 is 1).
fn chunks<'a>(data: &'a [u8], sizes: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    let mut i = 0;
    while !rest.is_empty() {
        let n = usize::from(sizes[i % sizes.len()]).max(1).min(rest.len());
        let (a, b) = rest.split_at(n);
        out.push(a);
        rest = b;
        i += 1;
    }
    out
}

fn events(pieces: &[&[u8]]) -> Vec<(String, String, String, bool)> {
    let mut p = SseParser::new();
    let mut out = Vec::new();
    for c in pieces {
        p.push(c, &mut |e: Event<'_>| {
            out.push((e.event_type.to_string(), e.data.to_string(), e.last_event_id.to_string(), e.overflowed))
        });
    }
    out
}

fn meter(pieces: &[&[u8]], complete: bool) -> Result<MeteredUsage> {
    let messages = parse_messages(&json!([{ "role": "user", "content": "Hi" }]), "messages").unwrap();
    let counting = Counting {
        model: "gpt-4o".into(),
        tokenizer: Catalogue::bundled().tokenizer("gpt-4o"),
        prompt: Some(Prompt { messages, tools: Vec::new() }),
    };
    let mut m = StreamMeter::new(Some(counting), None);
    for c in pieces {
        m.push(c);
    }
    m.finish(complete)
}

fuzz_target!(|input: &[u8]| {
    if input.len() < 8 {
        return;
    }
    let (sizes, data) = input.split_at(8);
    let whole = [data];
    let cut = chunks(data, sizes);
    assert_eq!(events(&cut), events(&whole));
    for complete in [true, false] {
        assert_eq!(meter(&cut, complete), meter(&whole, complete));
    }
    // The settling counter, on the bytes as text.
    let text = String::from_utf8_lossy(data);
    let mut pieces = Vec::new();
    let mut at = 0;
    for (i, size) in sizes.iter().cycle().enumerate() {
        if at >= text.len() || i > text.len() {
            break;
        }
        let mut end = (at + usize::from(*size).max(1)).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        pieces.push(&text[at..end]);
        at = end;
    }
    let hold = usize::from(sizes[0] % 64) + 1;
    for encoding in [Encoding::O200kBase, Encoding::Cl100kBase, Encoding::R50kBase] {
        let tok = Tokenizer::new(encoding).unwrap();
        let mut out = Output::with_hold(Some(tok), hold);
        for p in &pieces {
            out.push((Kind::Text, 0, 0), p);
        }
        assert_eq!(out.counts().unwrap().0, tok.count_ordinary(&text) as u64, "{text:?} in {pieces:?}");
    }
});
