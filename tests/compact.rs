//! Context compaction of JSON: never more tokens, deterministic and
//! idempotent, lossless JSON decodes to the same value with numbers as
//! written; tool results in conversations are compacted; work grows with the
//! input. Pages, logs and tables: tests/compact_text.rs.

use proptest::prelude::*;
use serde_json::{json, Value};
use tokenmeter::compact::{compact_context, compact_value, CompactOptions, Compacted, Kind, Level};
use tokenmeter::compress::{compress_messages_json, CompressOptions, ToolResults};
use tokenmeter::Catalogue;
use tokenmeter::ErrorCode;

fn opts(kind: Kind, level: Level) -> CompactOptions {
    CompactOptions {
        kind,
        level,
        ..Default::default()
    }
}

fn o200k(text: &str) -> usize {
    Catalogue::bundled()
        .resolve_tokenizer(None, Some("o200k_base"))
        .unwrap()
        .count_ordinary(text)
}

/// The laws every result obeys; returns it.
#[track_caller]
fn check(text: &str, o: &CompactOptions) -> Compacted {
    let once = compact_context(Catalogue::bundled(), text, o).unwrap();
    assert_eq!(once.tokens_before, o200k(text));
    assert_eq!(once.tokens_after, o200k(&once.text), "{text:?}");
    assert!(once.tokens_after <= once.tokens_before, "{text:?}");
    assert_eq!(once.saved_tokens, once.tokens_before - once.tokens_after);
    assert_eq!(
        once.passes.iter().map(|p| p.saved_tokens).sum::<usize>(),
        once.saved_tokens
    );
    assert_eq!(
        compact_context(Catalogue::bundled(), text, o).unwrap(),
        once,
        "deterministic"
    );
    let again = CompactOptions {
        kind: Kind::Auto,
        ..o.clone()
    };
    let twice = compact_context(Catalogue::bundled(), &once.text, &again).unwrap();
    assert_eq!(twice.text, once.text, "not idempotent on {text:?}");
    once
}

/// The number literals of a JSON text, in order, as written.
fn numbers(json: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut current = String::new();
    for c in json.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E') {
            current.push(c);
            continue;
        }
        if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        in_string = c == '"';
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

// ---------------------------------------------------------------------------
// JSON

fn number_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("1.0".to_string()),
        Just("1e3".to_string()),
        Just("-2.50".to_string()),
        Just("1E-7".to_string()),
        Just("12345678901234567890123".to_string()),
        any::<i32>().prop_map(|n| n.to_string()),
    ]
}

fn string_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("007".to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        Just("1e3".to_string()),
        Just("-x".to_string()),
        Just("#tag".to_string()),
        Just("a, b: c".to_string()),
        Just(" padded ".to_string()),
        Just("".to_string()),
        Just("é ✓ 😀".to_string()),
        Just("line\nbreak \"quoted\" \\".to_string()),
        "[a-z]{1,8}( [a-z]{1,8}){0,3}",
    ]
}

/// A JSON text whose numbers are written in many forms: leaves are source
/// text, so a value can be any literal.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        number_literal(),
        string_value().prop_map(|s| Value::String(s).to_string()),
    ];
    let value = leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6)
                .prop_map(|items| format!("[\n  {}\n]", items.join(",\n  "))),
            prop::collection::vec(("[a-z_]{1,6}", inner), 0..6).prop_map(|members| {
                let body: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("\"{k}\" : {v}"))
                    .collect();
                format!("{{\n    {}\n}}", body.join(",\n    "))
            }),
        ]
    });
    // Records that share their keys: where TOON's tables apply.
    let records = (
        prop::collection::vec("[a-z]{1,5}", 1..5),
        prop::collection::vec(prop::collection::vec(number_literal(), 5), 2..8),
        prop::collection::vec(string_value(), 8),
    )
        .prop_map(|(keys, rows, strings)| {
            let mut keys = keys;
            keys.sort();
            keys.dedup();
            let rows: Vec<String> = rows
                .iter()
                .enumerate()
                .map(|(r, nums)| {
                    let cells: Vec<String> = keys
                        .iter()
                        .enumerate()
                        .map(|(k, key)| {
                            let v = if (r + k) % 3 == 0 {
                                Value::String(strings[(r + k) % 8].clone()).to_string()
                            } else {
                                nums[k % 5].clone()
                            };
                            format!("\"{key}\": {v}")
                        })
                        .collect();
                    format!("    {{ {} }}", cells.join(", "))
                })
                .collect();
            format!(
                "{{\n  \"items\": [\n{}\n  ],\n  \"more\": true\n}}",
                rows.join(",\n")
            )
        });
    prop_oneof![value, records]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn lossless_json_keeps_the_value_and_the_numbers(text in json_text()) {
        let r = check(&text, &opts(Kind::Auto, Level::Lossless));
        if !text.trim_start().starts_with(['{', '[']) {
            return Ok(());
        }
        prop_assert_eq!(r.kind, Kind::Json);
        let before: Value = serde_json::from_str(&text).unwrap();
        match serde_json::from_str::<Value>(&r.text) {
            Ok(after) => {
                prop_assert_eq!(&after, &before);
                prop_assert_eq!(numbers(&r.text), numbers(&text));
            }
            // TOON: every number literal is still there, in order, as written.
            Err(_) => {
                let toon_numbers: Vec<String> = numbers(&text)
                    .into_iter()
                    .filter(|n| !r.text.contains(n.as_str()))
                    .collect();
                prop_assert!(toon_numbers.is_empty(), "{:?} lost in {:?}", toon_numbers, r.text);
                prop_assert!(r.passes.iter().any(|p| p.name == "toon"));
            }
        }
    }

    #[test]
    fn every_level_and_kind_obeys_the_laws(text in json_text(), k in 0usize..6, l in 0usize..3) {
        let kind = Kind::ALL[k];
        let level = Level::ALL[l];
        let o = CompactOptions { kind, level, keep: vec!["items.a".into(), "more".into()], ..Default::default() };
        if kind == Kind::Json && serde_json::from_str::<Value>(&text).is_err() {
            return Ok(());
        }
        check(&text, &o);
    }
}

#[test]
fn json_is_minified_with_raw_utf8_and_written_numbers() {
    let text = "{\n  \"name\" : \"caf\\u00e9 \\ud83d\\ude00\",\n  \"n\": [1.0, 1e3, -0.50, 12345678901234567890],\n  \"s\": \"\\/path\"\n}";
    let r = check(text, &opts(Kind::Auto, Level::Lossless));
    assert_eq!(
        r.text,
        "{\"name\":\"café 😀\",\"n\":[1.0,1e3,-0.50,12345678901234567890],\"s\":\"/path\"}"
    );
    assert_eq!(r.kind, Kind::Json);
    assert_eq!(r.passes[0].name, "json-minify");
}

#[test]
fn uniform_records_become_a_toon_table_when_it_counts_fewer() {
    let rows: Vec<Value> = (0..40)
        .map(|i| json!({"id": i, "name": format!("user{i}"), "active": i % 2 == 0, "zip": "02134"}))
        .collect();
    let text = serde_json::to_string_pretty(&json!({ "users": rows })).unwrap();
    let r = check(&text, &opts(Kind::Auto, Level::Lossless));
    // (json! orders keys by name.)
    assert!(
        r.text
            .starts_with("users[40]{active,id,name,zip}:\n  true,0,user0,\"02134\"\n"),
        "{}",
        r.text
    );
    assert!(r.passes.iter().any(|p| p.name == "toon"));
    let minified = serde_json::to_string(&json!({ "users": rows })).unwrap();
    assert!(r.tokens_after < o200k(&minified));
    // Nested data that is not tabular stays JSON.
    let nested = serde_json::to_string_pretty(&json!({"a": {"b": [1, {"c": [2, 3]}]}})).unwrap();
    let r = check(&nested, &opts(Kind::Auto, Level::Lossless));
    assert_eq!(r.text, "{\"a\":{\"b\":[1,{\"c\":[2,3]}]}}");
}

#[test]
fn a_value_is_serialised_and_compacted_as_json() {
    let v = json!({"rows": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]});
    let r = compact_value(Catalogue::bundled(), &v, &CompactOptions::default()).unwrap();
    assert_eq!(r.kind, Kind::Json);
    assert_eq!(r.tokens_before, o200k(&v.to_string()));
}

#[test]
fn structural_drops_empty_columns_and_lossy_keeps_and_aliases() {
    let text = serde_json::to_string_pretty(&json!([
        {"id": "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "title": "a", "body": "long text here", "milestone": null, "labels": []},
        {"id": "9a2504e0-4f89-11d3-9a0c-0305e82c3302", "title": "b", "body": "more text here", "milestone": null, "labels": []},
        {"id": "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "title": "c", "body": "and more", "milestone": null, "labels": []}
    ]))
    .unwrap();
    let r = check(&text, &opts(Kind::Auto, Level::Structural));
    assert!(
        !r.text.contains("milestone") && !r.text.contains("labels"),
        "{}",
        r.text
    );
    assert!(r.text.contains("long text here"));
    let lossy = CompactOptions {
        level: Level::Lossy,
        keep: vec!["id".into(), "title".into()],
        ..Default::default()
    };
    let r = check(&text, &lossy);
    assert!(!r.text.contains("long text"), "{}", r.text);
    assert_eq!(
        r.aliases,
        vec![
            (
                "@1".to_string(),
                "3f2504e0-4f89-11d3-9a0c-0305e82c3301".to_string()
            ),
            (
                "@2".to_string(),
                "9a2504e0-4f89-11d3-9a0c-0305e82c3302".to_string()
            ),
        ]
    );
    assert!(r.text.contains("@1") && r.text.contains("@2") && !r.text.contains("3f2504e0"));
    // Lossless keeps every field.
    let r = check(&text, &opts(Kind::Auto, Level::Lossless));
    assert!(r.text.contains("milestone") && r.text.contains("3f2504e0") && r.aliases.is_empty());
}

#[test]
fn invalid_json_is_a_coded_error_with_its_position_or_text_in_auto() {
    let bad = "{\n  \"a\": 1,\n  \"b\": tru\n}";
    let e = compact_context(
        Catalogue::bundled(),
        bad,
        &opts(Kind::Json, Level::Lossless),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert_eq!(e.field_name(), Some("input"));
    assert!(e.message().contains("line 3 column 8"), "{}", e.message());
    let r = check(bad, &opts(Kind::Auto, Level::Lossless));
    assert_eq!(r.kind, Kind::Text);
    assert_eq!(r.text, bad);
    for (kind, field) in [("yaml", "kind"), ("LOSSLESS", "level")] {
        let e = if field == "kind" {
            Kind::parse_field(kind, field).unwrap_err()
        } else {
            Level::parse_field(kind, field).unwrap_err()
        };
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
        assert_eq!(e.field_name(), Some(field));
    }
    let e = compact_context(
        Catalogue::bundled(),
        "x",
        &CompactOptions {
            model: Some("no-such-model".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownModel);
}

#[test]
fn edge_inputs_obey_the_laws() {
    let deep = "[".repeat(5000);
    let deep_ok = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for text in [
        "",
        " ",
        "\n",
        "{}",
        "[]",
        "[1]",
        "null",
        "\"s\"",
        "{",
        "[1,]",
        "\u{feff}{\"a\":1}",
        "<",
        "<p>",
        "</p>",
        "<!doctype html>",
        "\u{1b}",
        "\u{1b}[",
        "\r",
        "\r\n",
        "a\rb\rc",
        " [×2]",
        "x [×3]\nx",
        "|",
        "|-|",
        "| a |\n|---|",
        &deep,
        &deep_ok,
    ] {
        for kind in Kind::ALL {
            for level in Level::ALL {
                let o = opts(kind, level);
                match compact_context(Catalogue::bundled(), text, &o) {
                    Ok(_) => {
                        check(text, &o);
                    }
                    Err(e) => {
                        assert_eq!(kind, Kind::Json, "{text:?}: {e}");
                        assert_eq!(e.field_name(), Some("input"));
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Conversations

#[test]
fn tool_results_are_compacted_in_conversations() {
    let data = serde_json::to_string_pretty(
        &json!({"items": [{"id": 1, "ok": true}, {"id": 2, "ok": false}], "next": null}),
    )
    .unwrap();
    let log = "\u{1b}[32mok\u{1b}[0m\nsame line again\nsame line again\nsame line again\n";
    let messages = json!([
        {"role": "user", "content": "Please note that I need the items."},
        {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "items", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": data},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "run", "input": {"cmd": "make"}}]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "t1", "content": log},
            {"type": "tool_result", "tool_use_id": "t2", "content": [{"type": "text", "text": data}]},
            {"type": "text", "text": "Please note that this is the output."}
        ]}
    ]);
    let r = compress_messages_json(Catalogue::bundled(), &messages, &CompressOptions::default())
        .unwrap();
    let m = &r.messages;
    let compacted = compact_context(Catalogue::bundled(), &data, &CompactOptions::default())
        .unwrap()
        .text;
    assert_eq!(m[2]["content"], compacted.as_str());
    assert!(compacted.starts_with("items[2]{id,ok}:"), "{compacted}");
    assert_eq!(m[4]["content"][0]["content"], "ok\nsame line again [×3]\n");
    assert_eq!(m[4]["content"][1]["content"][0]["text"], m[2]["content"]);
    assert_eq!(m[4]["content"][2]["text"], "This is the output.");
    assert_eq!(m[3], messages[3]);
    let texts = [
        "Please note that I need the items.",
        &data,
        log,
        &data,
        "Please note that this is the output.",
    ];
    assert_eq!(
        r.tokens_before,
        texts.iter().map(|t| o200k(t)).sum::<usize>()
    );
    assert!(r
        .passes
        .iter()
        .any(|p| p.name == "json-minify" && p.saved_tokens > 0));
    assert_eq!(
        r.saved_tokens,
        r.passes.iter().map(|p| p.saved_tokens).sum::<usize>()
    );

    let keep = CompressOptions {
        tool_results: ToolResults::Keep,
        ..Default::default()
    };
    let r = compress_messages_json(Catalogue::bundled(), &messages, &keep).unwrap();
    assert_eq!(r.messages[2], messages[2]);
    assert_eq!(r.messages[4]["content"][0], messages[4]["content"][0]);
    assert_eq!(
        r.tokens_before,
        o200k("Please note that I need the items.") + o200k("Please note that this is the output.")
    );
    // Errors still name the right part.
    let bad = json!([{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": "x"}, {"type": "video"}]}]);
    let e = compress_messages_json(Catalogue::bundled(), &bad, &CompressOptions::default())
        .unwrap_err();
    assert_eq!(e.field_name(), Some("messages[0].content[1].type"));
}

// ---------------------------------------------------------------------------
// Work grows with the input, not faster

/// Compaction counts tokens a fixed number of times whatever the size, and
/// its passes are linear scans: ten times the input is the same number of
/// tokenizer calls. (Wall-clock time is measured in bench/compact.mjs.)
#[test]
fn tokenizer_calls_do_not_grow_with_the_input() {
    let record = "  {\n    \"id\": 12345,\n    \"name\": \"widget\",\n    \"price\": 9.99\n  }";
    let json_of = |n: usize| format!("[\n{}\n]", vec![record; n].join(",\n"));
    let page_of = |n: usize| {
        format!(
            "<html><body>{}</body></html>",
            "<div class=\"a b c\"><p>Some <b>text</b> here.</p></div>".repeat(n)
        )
    };
    let log_of = |n: usize| "\u{1b}[32mok\u{1b}[0m line\r\u{1b}[K50%\r100%\n".repeat(n);
    for build in [&json_of as &dyn Fn(usize) -> String, &page_of, &log_of] {
        let calls = |n: usize| {
            let text = build(n);
            let start = tokenmeter::internals::tokenizer_calls();
            let r =
                compact_context(Catalogue::bundled(), &text, &CompactOptions::default()).unwrap();
            assert!(r.saved_tokens > 0);
            tokenmeter::internals::tokenizer_calls() - start
        };
        assert_eq!(calls(1_000), calls(10_000));
    }
}

/// TOON whose keys read like log levels (`error: ...`) is detected as a log
/// when compacted again; its identical rows are indented, and indented lines
/// are never folded, so it stays as it is.
#[test]
fn toon_that_looks_like_a_log_is_not_folded() {
    let rows: Vec<Value> = (0..3)
        .map(|_| json!({"code": 500, "retry": true}))
        .collect();
    let text = serde_json::to_string_pretty(&json!({
        "DEBUG": "on",
        "ERROR": "upstream timed out",
        "INFO": "ok",
        "TRACE": "off",
        "WARN": "slow",
        "attempts": rows,
        "error": "timeout",
        "note": "retried",
        "warning": "slow"
    }))
    .unwrap();
    let r = check(&text, &opts(Kind::Auto, Level::Lossless));
    assert!(
        r.text
            .contains("attempts[3]{code,retry}:\n  500,true\n  500,true\n  500,true\n"),
        "{}",
        r.text
    );
}
