//! Compression of chat messages (text content only; tool results as data),
//! the encoding a model chooses, and bad input.

mod common;

use common::compress::o200k;
use serde_json::json;
use tokenmeter::chat::{parse_messages, Content, Message, Part};
use tokenmeter::compress::{
    compress_messages, compress_messages_json, compress_prompt, CompressOptions, Level,
};
use tokenmeter::{Catalogue, ErrorCode};

#[test]
fn messages_compress_text_content_only() {
    let value = json!([
        {"role": "system", "content": "I want you to act as a travel guide. Please answer in order to help."},
        {"role": "user", "name": "bob", "content": [
            {"type": "text", "text": "Please note that I am in Paris."},
            {"type": "image_url", "image_url": {"url": "https://example.com/please.png", "detail": "low"}}
        ]},
        {"role": "assistant", "content": null, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"please\": 1}"}}
        ]},
        {"role": "tool", "tool_call_id": "c1", "content": "in order to"}
    ]);
    let messages = parse_messages(&value, "messages").unwrap();
    let r =
        compress_messages(Catalogue::bundled(), &messages, &CompressOptions::default()).unwrap();
    assert_eq!(r.messages.len(), 4);
    assert_eq!(
        r.messages[0].content,
        Content::Text("Act as a travel guide. Answer to help.".to_string())
    );
    match &r.messages[1].content {
        Content::Parts(parts) => {
            assert_eq!(parts[0], Part::Text("I am in Paris.".to_string()));
            assert!(matches!(parts[1], Part::Image { .. }));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.messages[1].name.as_deref(), Some("bob"));
    assert_eq!(r.messages[2], messages[2]);
    // A tool result is data: compacted (here nothing to compact), never
    // compressed as prose, and counted in the totals.
    assert_eq!(r.messages[3], messages[3]);
    let texts = [
        "I want you to act as a travel guide. Please answer in order to help.",
        "Please note that I am in Paris.",
        "in order to",
    ];
    assert_eq!(
        r.tokens_before,
        texts.iter().map(|t| o200k(t)).sum::<usize>()
    );
    assert_eq!(r.saved_tokens, r.tokens_before - r.tokens_after);
    assert!(r.saved_percent > 0.0);

    let j =
        compress_messages_json(Catalogue::bundled(), &value, &CompressOptions::default()).unwrap();
    assert_eq!(j.tokens_after, r.tokens_after);
    assert_eq!(j.messages[1]["content"][1], value[1]["content"][1]);
    assert_eq!(j.messages[2], value[2]);
    assert_eq!(j.messages[3], value[3]);
    assert_eq!(j.messages[1]["content"][0]["text"], "I am in Paris.");
    assert_eq!(j.messages[1]["name"], "bob");

    let m = Message::new("user", "Kindly reply.");
    let r = compress_messages(Catalogue::bundled(), &[m], &CompressOptions::default()).unwrap();
    assert_eq!(r.messages[0].content, Content::Text("Reply.".to_string()));
}

// ---------------------------------------------------------------------------
// Bad input

#[test]
fn bad_input_is_an_error_with_a_stable_code() {
    let e = Level::parse("extreme").unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert_eq!(e.field_name(), Some("level"));
    assert!(e.message().contains("extreme"));
    assert!("Balanced".parse::<Level>().is_err());
    assert_eq!("aggressive".parse::<Level>().unwrap(), Level::Aggressive);

    let e = compress_prompt(
        Catalogue::bundled(),
        "hi",
        &CompressOptions {
            model: Some("no-such-model".to_string()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownModel);

    let e = compress_messages_json(
        Catalogue::bundled(),
        &json!("not messages"),
        &CompressOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert_eq!(e.field_name(), Some("messages"));
}

#[test]
fn models_choose_the_encoding() {
    let text = "I would like you to please summarize the text in order to help.";
    let a = compress_prompt(
        Catalogue::bundled(),
        text,
        &CompressOptions {
            model: Some("gpt-4".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let cl100k = Catalogue::bundled()
        .resolve_tokenizer(None, Some("cl100k_base"))
        .unwrap();
    assert_eq!(a.tokens_before, cl100k.count_ordinary(text));
    assert_eq!(a.tokens_after, cl100k.count_ordinary(&a.text));
    // An estimated model reports scaled counts.
    let b = compress_prompt(
        Catalogue::bundled(),
        text,
        &CompressOptions {
            model: Some("claude-sonnet-4".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(b.tokens_before > o200k(text));
    assert!(b.saved_tokens > 0);
}
