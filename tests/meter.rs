//! Streamed replies metered: each provider's events (tests/fixtures/sse/,
//! written from each provider's published event shapes), read whole and
//! split at every byte boundary; the counted fallback against
//! count_chat_tokens and the tokenizer's own count; streams that break off;
//! bodies that are not streams; and the counting that settles as it goes,
//! on random text.

use proptest::prelude::*;
use serde_json::json;

mod common;

use tokenmeter::chat::{self, parse_messages, parse_tools};
use tokenmeter::cost::Usage;
use tokenmeter::meter::count::{settled_prefix, Kind, Output, HOLD_BYTES};
use tokenmeter::meter::{self, Counting, MeteredUsage, Prompt, Source, StreamMeter};
use tokenmeter::{Catalogue, ErrorCode, Result, Tokenizer};

const WORDS: &str = "The meter reads each event as it passes, and keeps no copy of the stream.";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/sse/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn prompt() -> Prompt {
    let messages = json!([
        { "role": "system", "content": "You are a terse assistant." },
        { "role": "user", "content": "Say what the meter does, in one sentence." }
    ]);
    Prompt {
        messages: parse_messages(&messages, "messages").unwrap(),
        tools: Vec::new(),
    }
}

fn counting(model: &str, prompt: Option<Prompt>) -> Counting {
    Counting {
        model: model.to_string(),
        tokenizer: Catalogue::bundled().tokenizer(model),
        prompt,
    }
}

fn run(counting: Option<Counting>, chunks: &[&[u8]], complete: bool) -> Result<MeteredUsage> {
    let mut m = StreamMeter::new(counting, None);
    for c in chunks {
        m.push(c);
    }
    m.finish(complete)
}

/// The result of `bytes` whole, after checking that every split into two
/// chunks, and byte by byte, gives the same.
#[track_caller]
fn at_every_split(model: &str, bytes: &[u8]) -> MeteredUsage {
    let whole = run(Some(counting(model, Some(prompt()))), &[bytes], true);
    for cut in 0..=bytes.len() {
        let (a, b) = bytes.split_at(cut);
        let got = run(Some(counting(model, Some(prompt()))), &[a, b], true);
        assert_eq!(got, whole, "split at byte {cut}");
    }
    let singles: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(
        run(Some(counting(model, Some(prompt()))), &singles, true),
        whole
    );
    whole.unwrap()
}

fn usage(input: u64, output: u64, cached: u64, reasoning: u64) -> Usage {
    Usage {
        input_tokens: input,
        output_tokens: output,
        cached_input_tokens: cached,
        reasoning_tokens: reasoning,
        ..Usage::default()
    }
}

#[track_caller]
fn reported(m: &MeteredUsage, format: &str, model: &str, expected: Usage) {
    assert_eq!(m.format, Some(format));
    assert_eq!(m.model.as_deref(), Some(model));
    assert_eq!(m.source, Source::Reported);
    assert!(m.complete);
    assert_eq!(m.malformed_events, 0);
    assert_eq!(m.usage, expected);
}

#[test]
fn openai_chat_with_include_usage() {
    let m = at_every_split("gpt-4o", &fixture("openai-chat-usage.sse"));
    reported(&m, "openai-chat", "gpt-4o-2024-08-06", usage(21, 17, 0, 0));
}

#[test]
fn openrouter_with_comments_and_usage_in_the_last_chunk() {
    let m = at_every_split("gpt-4o", &fixture("openrouter.sse"));
    reported(
        &m,
        "openai-chat",
        "anthropic/claude-sonnet-4.5",
        usage(42, 14, 32, 5),
    );
}

#[test]
fn openai_responses_completed_and_incomplete() {
    let m = at_every_split("gpt-5-mini", &fixture("openai-responses.sse"));
    reported(
        &m,
        "openai-responses",
        "gpt-5-mini-2025-08-07",
        usage(36, 87, 0, 64),
    );
    let m = at_every_split("gpt-5-mini", &fixture("openai-responses-incomplete.sse"));
    // The output limit was reached: the reply ended as the format ends.
    reported(
        &m,
        "openai-responses",
        "gpt-5-mini-2025-08-07",
        usage(36, 40, 0, 23),
    );
}

#[test]
fn openai_responses_failed_without_usage_is_counted_and_incomplete() {
    let tok = Catalogue::bundled().tokenizer("gpt-5-mini").unwrap();
    let m = at_every_split("gpt-5-mini", &fixture("openai-responses-failed.sse"));
    assert_eq!(m.source, Source::Counted);
    assert!(!m.complete, "a failed response is not complete");
    let p = prompt();
    let input = chat::count_chat_tokens(&tok, "gpt-5-mini", &p.messages, &p.tools).unwrap();
    let reasoning = tok.count_ordinary("Plan the answer.");
    let text = tok.count_ordinary(WORDS);
    assert_eq!(
        m.usage,
        usage(input as u64, (text + reasoning) as u64, 0, reasoning as u64)
    );
}

#[test]
fn anthropic_message_start_and_message_delta() {
    let m = at_every_split("claude-sonnet-4-5", &fixture("anthropic.sse"));
    let mut expected = usage(472 + 2048, 89, 2048, 0);
    expected.cache_write_1h_tokens = Some(0);
    reported(&m, "anthropic", "claude-sonnet-4-5-20250929", expected);
}

#[test]
fn anthropic_message_delta_usage_is_cumulative_not_added() {
    let m = at_every_split("claude-sonnet-4-5", &fixture("anthropic-server-tools.sse"));
    let mut expected = usage(5230 + 1200 + 2048, 212, 2048, 0);
    expected.cache_write_tokens = 1200;
    expected.cache_write_1h_tokens = Some(0);
    reported(&m, "anthropic", "claude-sonnet-4-5-20250929", expected);
}

#[test]
fn gemini_last_chunks_counts() {
    let m = at_every_split("gemini-2.5-flash", &fixture("gemini.sse"));
    reported(&m, "gemini", "gemini-2.5-flash", usage(14, 17 + 16, 0, 16));
}

#[test]
fn workers_ai_native_events() {
    let m = at_every_split("gpt-4o", &fixture("workers-ai.sse"));
    assert_eq!(m.format, Some("workers-ai"));
    // The events name no model: the meter's own is given.
    assert_eq!(m.model.as_deref(), Some("gpt-4o"));
    assert_eq!((m.source, m.complete), (Source::Reported, true));
    assert_eq!(m.usage, usage(27, 17, 0, 0));
}

#[test]
fn without_usage_the_prompt_and_the_output_are_counted_exactly() {
    for model in ["gpt-4o", "gpt-4", "gpt-4.1-mini"] {
        let tok = Catalogue::bundled().tokenizer(model).unwrap();
        let m = at_every_split(model, &fixture("openai-chat.sse"));
        assert_eq!((m.source, m.complete), (Source::Counted, true), "{model}");
        let p = prompt();
        let input = chat::count_chat_tokens(&tok, model, &p.messages, &p.tools).unwrap();
        assert_eq!(
            m.usage,
            usage(input as u64, tok.count_ordinary(WORDS) as u64, 0, 0)
        );
    }
}

#[test]
fn tool_call_arguments_are_counted_each_whole() {
    let tok = Catalogue::bundled().tokenizer("gpt-4o").unwrap();
    let tools = parse_tools(
        &json!([{ "type": "function", "function": { "name": "get_weather", "description": "Weather by city",
            "parameters": { "type": "object", "properties": { "location": { "type": "string" } } } } }]),
        "tools",
    )
    .unwrap();
    let p = Prompt { tools, ..prompt() };
    let c = Counting {
        prompt: Some(p.clone()),
        ..counting("gpt-4o", None)
    };
    let m = run(Some(c), &[&fixture("openai-chat-tools.sse")], true).unwrap();
    let input = chat::count_chat_tokens(&tok, "gpt-4o", &p.messages, &p.tools).unwrap();
    let output = tok.count_ordinary("Checking both cities.")
        + tok.count_ordinary("{\"location\": \"Paris, France\"}")
        + tok.count_ordinary("{\"location\": \"Zürich, Switzerland\", \"unit\": \"celsius\"}");
    assert_eq!(m.usage, usage(input as u64, output as u64, 0, 0));
    assert_eq!(m.source, Source::Counted);
}

#[test]
fn an_estimated_model_is_scaled_once() {
    // Claude counts are an o200k estimate times a factor: the output is the
    // factor times the raw counts summed, rounded up once.
    let c = Catalogue::bundled();
    let tok = c.tokenizer("claude-sonnet-4-5").unwrap();
    assert!(!tok.is_exact());
    let m = run(
        Some(counting("claude-sonnet-4-5", Some(prompt()))),
        &[&fixture("openai-chat-tools.sse")],
        true,
    )
    .unwrap();
    let raw = tok.count_unscaled("Checking both cities.")
        + tok.count_unscaled("{\"location\": \"Paris, France\"}")
        + tok.count_unscaled("{\"location\": \"Zürich, Switzerland\", \"unit\": \"celsius\"}");
    assert_eq!(m.usage.output_tokens, tok.scale(raw) as u64);
}

/// Every fixture cut off after every byte: never a panic, never complete,
/// and a result that is reported usage or a count.
#[test]
fn streams_cut_off_at_every_byte() {
    for name in [
        "openai-chat-usage.sse",
        "openai-chat.sse",
        "openrouter.sse",
        "openai-responses.sse",
        "anthropic.sse",
        "gemini.sse",
        "workers-ai.sse",
    ] {
        let bytes = fixture(name);
        for cut in 0..bytes.len() {
            let head = &bytes[..cut];
            match run(Some(counting("gpt-4o", Some(prompt()))), &[head], false) {
                Ok(m) => assert!(!m.complete, "{name} cut at {cut}"),
                Err(e) => panic!("{name} cut at {cut}: {e}"),
            }
        }
    }
}

#[test]
fn anthropic_cut_off_keeps_the_reported_prompt_and_counts_the_output() {
    let bytes = fixture("anthropic.sse");
    let text = String::from_utf8(bytes.clone()).unwrap();
    // Cut after the fourth text delta's event.
    let marker = "\"text\":\" each\"}}\n\n";
    let cut = text.find(marker).unwrap() + marker.len();
    let tok = Catalogue::bundled().tokenizer("claude-sonnet-4-5").unwrap();
    let m = run(
        Some(counting("claude-sonnet-4-5", None)),
        &[&bytes[..cut]],
        false,
    )
    .unwrap();
    assert_eq!((m.source, m.complete), (Source::Counted, false));
    // The prompt as message_start reported it, cache reads included; no
    // request was needed.
    assert_eq!(
        (m.usage.input_tokens, m.usage.cached_input_tokens),
        (2520, 2048)
    );
    let thinking = tok.count_unscaled("The user wants the weather; call the tool.");
    let said = tok.count_unscaled("The meter reads each");
    assert_eq!(m.usage.output_tokens, tok.scale(thinking + said) as u64);
    assert_eq!(m.usage.reasoning_tokens, tok.scale(thinking) as u64);
}

#[test]
fn cut_off_before_any_event_counts_the_prompt_alone() {
    let tok = Catalogue::bundled().tokenizer("gpt-4o").unwrap();
    let p = prompt();
    let input = chat::count_chat_tokens(&tok, "gpt-4o", &p.messages, &p.tools).unwrap() as u64;
    for head in [&b""[..], b": OPENROUTER PROCESSING\n\n", b"data: {\"id\":"] {
        let m = run(Some(counting("gpt-4o", Some(prompt()))), &[head], false).unwrap();
        assert_eq!(m.usage, usage(input, 0, 0, 0), "{head:?}");
        assert_eq!(
            (m.source, m.complete, m.format),
            (Source::Counted, false, None)
        );
    }
}

#[test]
fn a_malformed_event_is_skipped_and_counted() {
    let good = String::from_utf8(fixture("openai-chat-usage.sse")).unwrap();
    // The usage chunk garbled: the usage falls back to counting.
    let bad = good.replace(
        "\"usage\":{\"prompt_tokens\":21",
        "\"usage\":{\"prompt_tokens\":21,,",
    );
    let m = run(
        Some(counting("gpt-4o", Some(prompt()))),
        &[bad.as_bytes()],
        true,
    )
    .unwrap();
    assert_eq!((m.source, m.malformed_events), (Source::Counted, 1));
    let tok = Catalogue::bundled().tokenizer("gpt-4o").unwrap();
    assert_eq!(m.usage.output_tokens, tok.count_ordinary(WORDS) as u64);
    // A usage that breaks the conventions is malformed too.
    let bad = good.replace("\"reasoning_tokens\":0", "\"reasoning_tokens\":99");
    let m = run(
        Some(counting("gpt-4o", Some(prompt()))),
        &[bad.as_bytes()],
        true,
    )
    .unwrap();
    assert_eq!((m.source, m.malformed_events), (Source::Counted, 1));
    // Text that is not JSON between good events.
    let bad = good.replacen("\n\ndata: {", "\n\ndata: not json\n\ndata: {", 1);
    let m = run(
        Some(counting("gpt-4o", Some(prompt()))),
        &[bad.as_bytes()],
        true,
    )
    .unwrap();
    assert_eq!((m.source, m.malformed_events), (Source::Reported, 1));
    assert_eq!(m.usage, usage(21, 17, 0, 0));
}

#[test]
fn a_format_can_be_forced() {
    let bytes = fixture("workers-ai.sse");
    let mut m = StreamMeter::new(Some(counting("gpt-4o", None)), meter::format("workers-ai"));
    m.push(&bytes);
    assert_eq!(m.finish(true).unwrap().usage, usage(27, 17, 0, 0));
    // Forced to a format the events are not in: nothing read, counted.
    let mut m = StreamMeter::new(
        Some(counting("gpt-4o", Some(prompt()))),
        meter::format("anthropic"),
    );
    m.push(&bytes);
    let got = m.finish(true).unwrap();
    assert_eq!(
        (got.source, got.format, got.malformed_events),
        (Source::Counted, Some("anthropic"), 18)
    );
    assert!(meter::format("openrouter").is_some_and(|f| f.name == "openai-chat"));
    assert!(meter::format("nope").is_none());
}

#[track_caller]
fn stream_error(counting: Option<Counting>, bytes: &[u8], complete: bool) -> String {
    let e = run(counting, &[bytes], complete).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidStream, "{e}");
    e.message().to_string()
}

#[test]
fn bodies_that_are_not_streams() {
    let c = || Some(counting("gpt-4o", Some(prompt())));
    assert!(
        stream_error(c(), b"<html><body>Bad gateway</body></html>\n", true).contains("neither")
    );
    assert!(stream_error(c(), b"", true).contains("empty"));
    assert!(stream_error(c(), b"   \n", true).contains("empty"));
    assert!(stream_error(c(), b"data: {\"hello\": 1}\n\n", true).contains("no event"));
    assert!(
        stream_error(c(), b"{\"usage\": {\"prompt_tokens\": 1", true).contains("not valid JSON")
    );
    assert!(stream_error(c(), b"{\"usage\": {\"prompt_tokens\": 1", false).contains("broke off"));
    assert!(
        stream_error(c(), b"{\"error\": {\"message\": \"overloaded\"}}", true).contains("no usage")
    );
    // Without a model to count with, a stream without usage is an error.
    assert!(stream_error(None, &fixture("openai-chat.sse"), true).contains("no model"));
}

#[test]
fn counting_needs_the_request_and_a_known_model() {
    let e = run(
        Some(counting("gpt-4o", None)),
        &[&fixture("openai-chat.sse")],
        true,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.field_name()),
        (ErrorCode::InvalidArgument, Some("options.request"))
    );
    let e = run(
        Some(counting("no-such-model", Some(prompt()))),
        &[&fixture("openai-chat.sse")],
        true,
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownModel);
    // A reported usage needs neither.
    let m = run(
        Some(counting("no-such-model", None)),
        &[&fixture("openai-chat-usage.sse")],
        true,
    )
    .unwrap();
    assert_eq!(m.usage, usage(21, 17, 0, 0));
}

#[test]
fn whole_json_replies() {
    let reply = json!({ "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o",
        "usage": { "prompt_tokens": 12, "completion_tokens": 3 } });
    let text = format!("\u{FEFF}  \n{reply}");
    let m = at_every_split("gpt-4o", text.as_bytes());
    assert_eq!(
        (m.format, m.source, m.usage.input_tokens),
        (Some("openai-chat"), Source::Reported, 12)
    );
    // Gemini without alt=sse: an array of chunks, the last with the counts.
    let array = json!([
        { "candidates": [{ "content": { "parts": [{ "text": "Hi" }] } }], "usageMetadata": { "promptTokenCount": 5, "totalTokenCount": 5 } },
        { "candidates": [{ "content": { "parts": [{ "text": "!" }] }, "finishReason": "STOP" }],
          "usageMetadata": { "promptTokenCount": 5, "candidatesTokenCount": 2, "totalTokenCount": 7 } },
        { "something": "else" }
    ]);
    let m = run(None, &[array.to_string().as_bytes()], true).unwrap();
    assert_eq!(
        (m.format, m.usage.input_tokens, m.usage.output_tokens),
        (Some("gemini"), 5, 2)
    );
}

#[test]
fn usage_from_text() {
    let r =
        meter::usage_from_text(std::str::from_utf8(&fixture("anthropic.sse")).unwrap()).unwrap();
    assert_eq!(
        (r.format, r.usage.input_tokens, r.usage.output_tokens),
        ("anthropic", 2520, 89)
    );
    let e = meter::usage_from_text(std::str::from_utf8(&fixture("openai-chat.sse")).unwrap())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidStream);
    let e = meter::usage_from_text("just words").unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidStream);
}

#[test]
fn finish_twice_is_an_error() {
    let mut m = StreamMeter::new(Some(counting("gpt-4o", Some(prompt()))), None);
    m.push(&fixture("openai-chat-usage.sse"));
    assert!(m.finish(true).is_ok());
    assert_eq!(
        m.finish(true).unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
}

#[test]
fn memory_stays_flat_over_a_long_stream() {
    // 80,000 OpenAI chunks of prose (about 11 MB): the meter holds the hold
    // of text and the current event, not the stream.
    let text = std::fs::read_to_string(format!(
        "{}/tests/golden/corpus/english/prose.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let words: Vec<&str> = text.split_inclusive(' ').collect();
    let tok = Catalogue::bundled().tokenizer("gpt-4o").unwrap();
    let mut m = StreamMeter::new(Some(counting("gpt-4o", Some(prompt()))), None);
    let mut most = 0;
    let mut all = String::new();
    for i in 0..80_000 {
        let w = words[i % words.len()];
        all.push_str(w);
        let event = format!(
            "data: {}\n\n",
            json!({ "object": "chat.completion.chunk", "model": "gpt-4o", "choices": [{ "index": 0, "delta": { "content": w } }] })
        );
        m.push(event.as_bytes());
        most = most.max(m.held_bytes());
    }
    m.push(b"data: [DONE]\n\n");
    assert!(most <= HOLD_BYTES + 4096, "held {most} bytes");
    let got = m.finish(true).unwrap();
    assert!(all.len() > 4 * HOLD_BYTES);
    assert_eq!(got.usage.output_tokens, tok.count_ordinary(&all) as u64);
}

/// The counter that settles as it goes against the tokenizer's count of the
/// whole text, for each encoding.
fn streamed_count(tok: Tokenizer, pieces: &[String]) -> u64 {
    let mut out = Output::new(Some(tok));
    for p in pieces {
        out.push((Kind::Text, 0, 0), p);
    }
    out.counts().unwrap().0
}

fn tokenizers() -> Vec<Tokenizer> {
    ["gpt-4o", "gpt-4", "text-davinci-003", "claude-sonnet-4-5"]
        .iter()
        .map(|m| Catalogue::bundled().tokenizer(m).unwrap())
        .collect()
}

#[test]
fn settling_never_changes_the_count_on_random_text() {
    let mut rng = common::Rng::new(27);
    for round in 0..40 {
        // Long enough to pass the hold several times.
        let mut text = String::new();
        while text.len() < 3 * HOLD_BYTES {
            text.push_str(&common::random_text(&mut rng, 40));
        }
        let mut pieces = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let mut n = (at + 1 + rng.below(3000)).min(text.len());
            while !text.is_char_boundary(n) {
                n += 1;
            }
            pieces.push(text[at..n].to_string());
            at = n;
        }
        for tok in tokenizers() {
            let whole = tok.count_ordinary(&text) as u64;
            assert_eq!(
                streamed_count(tok, &pieces),
                whole,
                "round {round} {:?}",
                tok.encoding()
            );
        }
    }
}

#[test]
fn a_settled_prefix_splits_the_count_exactly() {
    let mut rng = common::Rng::new(2027);
    for _ in 0..3000 {
        let text = common::random_text(&mut rng, 30);
        let tail = common::random_text(&mut rng, 10);
        let Some(cut) = settled_prefix(&text) else {
            continue;
        };
        for tok in tokenizers() {
            let whole = format!("{text}{tail}");
            let parts = tok.count_unscaled(&text[..cut]) + tok.count_unscaled(&whole[cut..]);
            assert_eq!(
                parts,
                tok.count_unscaled(&whole),
                "{text:?} + {tail:?} at {cut}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Chunking never changes the result: any fixture, cut at any points.
    #[test]
    fn chunking_never_changes_the_result(which in 0usize..9, cuts in proptest::collection::vec(0usize..6000, 0..40)) {
        let names = ["openai-chat-usage.sse", "openai-chat.sse", "openai-chat-tools.sse", "openrouter.sse",
            "openai-responses.sse", "anthropic.sse", "anthropic-server-tools.sse", "gemini.sse", "workers-ai.sse"];
        let bytes = fixture(names[which]);
        let whole = run(Some(counting("gpt-4o", Some(prompt()))), &[&bytes], true);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let mut chunks = Vec::new();
        let mut at = 0;
        for c in cuts {
            chunks.push(&bytes[at..c]);
            at = c;
        }
        chunks.push(&bytes[at..]);
        prop_assert_eq!(run(Some(counting("gpt-4o", Some(prompt()))), &chunks, true), whole);
    }

    /// Arbitrary bytes in arbitrary chunks: the same result, never a panic.
    #[test]
    fn arbitrary_bytes_in_any_chunks(bytes in proptest::collection::vec(any::<u8>(), 0..400), cut in 0usize..400) {
        let cut = cut.min(bytes.len());
        let whole = run(Some(counting("gpt-4o", Some(prompt()))), &[&bytes], true);
        let split = run(Some(counting("gpt-4o", Some(prompt()))), &[&bytes[..cut], &bytes[cut..]], true);
        prop_assert_eq!(split, whole);
    }
}
