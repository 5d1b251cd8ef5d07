//! trim_messages when dropping turns is not the whole answer: the summary
//! and where it goes, truncation when nothing is left to drop, overflow
//! errors with their numbers, what a trim costs in tokenizer passes, and
//! bad options.

mod common;

use common::trim::{conversation, count_chat_tokens, random_history, trim_messages};
use common::Rng;
use serde_json::json;
use tokenmeter::chat::{parse_messages, Message};
use tokenmeter::internals::tokenizer_calls;
use tokenmeter::trim::{OnOverflow, Strategy, TrimOptions, DEFAULT_MARKER};
use tokenmeter::ErrorCode;

#[test]
fn the_summary_goes_where_the_dropped_turns_were() {
    let messages = conversation();
    let summary = "Earlier: the user asked about capitals.";
    let mut opts = TrimOptions::new("gpt-4o");
    opts.summary = Some(summary.to_string());
    let kept: Vec<Message> = [0, 3, 4, 5].iter().map(|&i| messages[i].clone()).collect();
    let with_summary = [
        vec![messages[0].clone(), Message::new("system", summary)],
        kept[1..].to_vec(),
    ]
    .concat();
    let need = count_chat_tokens("gpt-4o", &with_summary, &[]).unwrap() as u64;
    opts.max_context_tokens = Some(need);
    let r = trim_messages(&messages, &opts).unwrap();
    assert_eq!(r.dropped, [1, 2]);
    assert_eq!(r.messages, with_summary);
    assert_eq!(r.sources, [Some(0), None, Some(3), Some(4), Some(5)]);
    assert_eq!(r.input_tokens as u64, need);
    // One token less: the next turn goes too.
    opts.max_context_tokens = Some(need - 1);
    let r = trim_messages(&messages, &opts).unwrap();
    assert_eq!(r.dropped, [1, 2, 3, 4]);
    assert_eq!(r.sources, [Some(0), None, Some(5)]);

    // Drop-middle keeps the first exchange and the end.
    let long = parse_messages(
        &json!((0..10).map(|i| json!({"role": if i % 2 == 0 { "user" } else { "assistant" }, "content": format!("turn number {i}")})).collect::<Vec<_>>()),
        "messages",
    )
    .unwrap();
    let mut opts = TrimOptions::new("gpt-4o");
    opts.strategy = Strategy::DropMiddle;
    opts.summary = Some("(four turns omitted)".into());
    let full = count_chat_tokens("gpt-4o", &long, &[]).unwrap() as u64;
    opts.max_context_tokens = Some(full - 20);
    let r = trim_messages(&long, &opts).unwrap();
    assert!(r.dropped.len() >= 2);
    let lo = r.dropped[0];
    assert!(lo > 0 && *r.dropped.last().unwrap() < 9);
    assert_eq!(
        r.dropped,
        (lo..lo + r.dropped.len()).collect::<Vec<_>>(),
        "one gap"
    );
    assert_eq!(r.sources[lo], None);
}

#[test]
fn nothing_to_drop_truncates_the_oldest_kept_text_or_fails_with_the_numbers() {
    let system = "You are a careful assistant. ".repeat(40);
    let question =
        "Please summarise the following: ".to_string() + &"lorem ipsum dolor sit amet ".repeat(30);
    let messages = parse_messages(
        &json!([
            {"role": "system", "content": system},
            {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": question}
        ]),
        "messages",
    )
    .unwrap();
    let user_only = count_chat_tokens("gpt-4o", &messages[2..], &[]).unwrap() as u64;
    let window = user_only + 30;
    let mut opts = TrimOptions::new("gpt-4o");
    opts.max_context_tokens = Some(window);
    opts.reserve_output_tokens = 10;
    let r = trim_messages(&messages, &opts).unwrap();
    assert!(r.fits);
    assert_eq!(r.dropped, [1]);
    assert_eq!(r.truncated, [0]);
    let cut = r.messages[0].text();
    assert!(cut.ends_with(DEFAULT_MARKER), "{cut:?}");
    assert!(system.starts_with(cut.trim_end_matches(DEFAULT_MARKER)));
    assert_eq!(r.messages[1], messages[2], "the newer message is untouched");
    assert!(r.input_tokens as u64 + 10 <= window);
    assert!(
        r.input_tokens as u64 + 10 >= window - 2,
        "cut no more than needed"
    );

    // Too small even for the user message: the system text is cut away
    // (the oldest first), then the user's.
    opts.max_context_tokens = Some(user_only);
    let r = trim_messages(&messages, &opts).unwrap();
    assert!(r.fits);
    assert_eq!(r.truncated, [0, 2]);
    assert_eq!(r.messages[0].text(), "");
    assert!(r.messages[1].text().ends_with(DEFAULT_MARKER));

    // A window below the fixed overhead cannot be met.
    opts.max_context_tokens = Some(10);
    opts.reserve_output_tokens = 0;
    let r = trim_messages(&messages, &opts).unwrap();
    assert!(!r.fits);
    assert!(r.input_tokens > 10);

    opts.max_context_tokens = Some(window);
    opts.reserve_output_tokens = 10;
    opts.on_overflow = OnOverflow::Error;
    let e = trim_messages(&messages, &opts).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ContextOverflow);
    assert_eq!(e.field_name(), Some("messages"));
    let kept =
        count_chat_tokens("gpt-4o", &[messages[0].clone(), messages[2].clone()], &[]).unwrap();
    for number in [
        kept.to_string(),
        window.to_string(),
        (window - 10).to_string(),
    ] {
        assert!(e.message().contains(&number), "{number} missing from {e}");
    }
}

#[test]
fn a_summary_too_long_for_the_room_is_shortened_first() {
    let messages = conversation();
    let mut opts = TrimOptions::new("gpt-4o");
    opts.summary = Some("A long summary of what was said. ".repeat(100));
    let kept = count_chat_tokens("gpt-4o", &[messages[0].clone(), messages[5].clone()], &[])
        .unwrap() as u64;
    opts.max_context_tokens = Some(kept + 12);
    let r = trim_messages(&messages, &opts).unwrap();
    assert!(r.fits);
    assert!(r.truncated.is_empty(), "kept messages untouched");
    assert_eq!(r.sources, [Some(0), None, Some(5)]);
    assert!(r.messages[1].text().ends_with(DEFAULT_MARKER));
    // No room at all for it: left out.
    opts.max_context_tokens = Some(kept + 3);
    let r = trim_messages(&messages, &opts).unwrap();
    assert_eq!(r.sources, [Some(0), Some(5)]);
    assert!(r.fits);
    // With on_overflow Error, an oversize summary is an error, not a cut.
    opts.on_overflow = OnOverflow::Error;
    let e = trim_messages(&messages, &opts).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ContextOverflow);
    assert!(e.message().contains("summary"), "{e}");
}

#[test]
fn each_message_is_tokenized_once() {
    let mut rng = Rng::new(7);
    let history = random_history(&mut rng, 500);
    let messages = parse_messages(&history, "messages").unwrap();
    let full = count_chat_tokens("gpt-4o", &messages, &[]).unwrap() as u64;

    let before = tokenizer_calls();
    count_chat_tokens("gpt-4o", &messages, &[]).unwrap();
    let one_count = tokenizer_calls() - before;

    let mut opts = TrimOptions::new("gpt-4o");
    opts.max_context_tokens = Some(full / 3);
    let before = tokenizer_calls();
    let r = trim_messages(&messages, &opts).unwrap();
    let trim_calls = tokenizer_calls() - before;
    assert!(r.dropped.len() > 100 && r.truncated.is_empty());
    assert_eq!(
        trim_calls, one_count,
        "trimming costs one count of the history"
    );

    opts.summary = Some("summary".into());
    let before = tokenizer_calls();
    trim_messages(&messages, &opts).unwrap();
    let summary_calls = tokenizer_calls() - before - one_count;
    assert_eq!(summary_calls, 2, "the summary's role and text, once");
}

// ---- trim_messages: bad input ---------------------------------------------------------

#[test]
fn bad_trim_options_name_the_field() {
    let messages = conversation();
    let mut opts = TrimOptions::new("gpt-4o");
    opts.reserve_output_tokens = 128_001;
    let e = trim_messages(&messages, &opts).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert_eq!(e.field_name(), Some("reserveOutputTokens"));
    assert!(e.message().contains("128000"), "{e}");

    opts.max_context_tokens = Some(100);
    opts.reserve_output_tokens = 101;
    let e = trim_messages(&messages, &opts).unwrap_err();
    assert_eq!(e.field_name(), Some("reserveOutputTokens"));
    opts.reserve_output_tokens = 100;
    assert!(
        trim_messages(&messages, &opts).is_ok(),
        "reserve = window is allowed"
    );

    opts.max_context_tokens = Some(0);
    opts.reserve_output_tokens = 0;
    let e = trim_messages(&messages, &opts).unwrap_err();
    assert_eq!(e.field_name(), Some("maxContextTokens"));

    // davinci-002 is counted (tiktoken knows it) but the catalogue has no window.
    let e = trim_messages(&messages, &TrimOptions::new("davinci-002")).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownModel);
    assert_eq!(e.field_name(), Some("maxContextTokens"));
    let e = trim_messages(&messages, &TrimOptions::new("no-such-model")).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownModel);
    assert_eq!(e.field_name(), Some("model"));

    // The message checks trimming relies on.
    let e = parse_messages(
        &json!([{"role": "tool", "tool_call_id": "x", "content": "?"}]),
        "messages",
    )
    .unwrap_err();
    assert_eq!(e.field_name(), Some("messages[0].tool_call_id"));
    let e = parse_messages(&json!([{"content": "no role"}]), "messages").unwrap_err();
    assert_eq!(e.field_name(), Some("messages[0].role"));
    let e = parse_messages(&json!({"role": "user"}), "messages").unwrap_err();
    assert_eq!(e.field_name(), Some("messages"));
}

#[test]
fn empty_and_tiny_histories() {
    let mut opts = TrimOptions::new("gpt-4o");
    let r = trim_messages(&[], &opts).unwrap();
    assert!(r.messages.is_empty() && r.fits && r.input_tokens == 3);
    opts.max_context_tokens = Some(2);
    let r = trim_messages(&[], &opts).unwrap();
    assert!(!r.fits);
    opts.on_overflow = OnOverflow::Error;
    assert_eq!(
        trim_messages(&[], &opts).unwrap_err().code(),
        ErrorCode::ContextOverflow
    );
}
