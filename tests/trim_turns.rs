//! trim_messages at exact windows: which turns go, one token either side of
//! the boundary, with tool calls, replies, system messages and the options
//! that protect messages.

mod common;

use common::trim::{conversation, count_chat_tokens, trim_messages};
use serde_json::{json, Value};
use tokenmeter::chat::{parse_messages, Message};
use tokenmeter::trim::{Strategy, TrimOptions, Trimmed};

fn trim(messages: &[Message], model: &str, window: u64, reserve: u64) -> Trimmed {
    let mut opts = TrimOptions::new(model);
    opts.max_context_tokens = Some(window);
    opts.reserve_output_tokens = reserve;
    trim_messages(messages, &opts).unwrap()
}

#[test]
fn a_window_of_exactly_enough_drops_nothing_and_one_token_less_drops_a_turn() {
    let messages = conversation();
    for model in ["gpt-4o", "gpt-4", "claude-sonnet-4"] {
        let full = count_chat_tokens(model, &messages, &[]).unwrap() as u64;
        let r = trim(&messages, model, full, 0);
        assert!(
            r.dropped.is_empty() && r.fits && r.input_tokens as u64 == full,
            "{model}"
        );
        assert_eq!(r.messages, messages);

        // The first question goes with its answer.
        let r = trim(&messages, model, full - 1, 0);
        assert_eq!(r.dropped, [1, 2], "{model}");
        assert!(r.fits);

        // The same through the reserve.
        let r = trim(&messages, model, full + 100, 100);
        assert!(r.dropped.is_empty(), "{model}");
        let r = trim(&messages, model, full + 100, 101);
        assert_eq!(r.dropped, [1, 2], "{model}");

        // After k turns: exactly enough keeps k dropped, one less drops the
        // next turn (after the second, only the system message and the last
        // question are left, and they are cut instead).
        for k in 1..=2 {
            let rest: Vec<Message> = std::iter::once(messages[0].clone())
                .chain(messages[1 + 2 * k..].iter().cloned())
                .collect();
            let need = count_chat_tokens(model, &rest, &[]).unwrap() as u64;
            let r = trim(&messages, model, need, 0);
            assert_eq!(r.dropped, (1..=2 * k).collect::<Vec<_>>(), "{model} k={k}");
            assert_eq!(r.input_tokens as u64, need);
            assert!(r.truncated.is_empty());
            let r = trim(&messages, model, need - 1, 0);
            assert_eq!(r.dropped, [1, 2, 3, 4], "{model} k={k}");
            assert_eq!(r.truncated.is_empty(), k == 1, "{model} k={k}");
        }
    }
}

#[test]
fn the_estimate_is_what_must_fit() {
    // claude-sonnet-4 counts o200k tokens x 1.2, rounded up once: a window
    // that the unscaled count fits but the estimate does not drops a turn.
    let messages = conversation();
    let raw = count_chat_tokens("gpt-4o", &messages, &[]).unwrap() as u64;
    let estimate = count_chat_tokens("claude-sonnet-4", &messages, &[]).unwrap() as u64;
    assert!(estimate > raw);
    let r = trim(&messages, "claude-sonnet-4", raw, 0);
    assert!(!r.dropped.is_empty());
    assert!(r.input_tokens as u64 <= raw);
}

#[test]
fn tool_calls_and_their_results_are_dropped_together() {
    let messages = parse_messages(
        &json!([
            {"role": "system", "content": "You answer with tools."},
            {"role": "user", "content": "Weather in Paris and Rome?"},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}},
                {"id": "c2", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Rome\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "c1", "content": "18C, cloudy"},
            {"role": "tool", "tool_call_id": "c2", "content": "24C, sunny"},
            {"role": "assistant", "content": "Paris is 18C and cloudy; Rome 24C and sunny."},
            {"role": "user", "content": "Thanks. And tomorrow?"}
        ]),
        "messages",
    )
    .unwrap();
    let full = count_chat_tokens("gpt-4o", &messages, &[]).unwrap() as u64;
    // Before the last question, the turn goes whole, tool calls and all.
    for strategy in [Strategy::DropOldest, Strategy::DropMiddle] {
        let mut opts = TrimOptions::new("gpt-4o");
        opts.max_context_tokens = Some(full - 1);
        opts.strategy = strategy;
        let r = trim_messages(&messages, &opts).unwrap();
        assert_eq!(r.dropped, [1, 2, 3, 4, 5], "{strategy:?}");
        assert_eq!(r.sources, [Some(0), Some(6)]);
    }
    // When the calls answer the last question, they and their results are
    // one unit, dropped before the answer that follows them.
    let after = &messages[..6];
    let full = count_chat_tokens("gpt-4o", after, &[]).unwrap() as u64;
    let assistant = count_chat_tokens("gpt-4o", &after[2..3], &[]).unwrap() as u64 - 3;
    // Dropping the assistant message alone would be enough; its results go too.
    let r = trim(after, "gpt-4o", full - assistant, 0);
    assert_eq!(r.dropped, [2, 3, 4]);
    assert_eq!(r.sources, [Some(0), Some(1), Some(5)]);
    let mut opts = TrimOptions::new("gpt-4o");
    opts.max_context_tokens = Some(full - 1);
    opts.strategy = Strategy::DropMiddle;
    let r = trim_messages(after, &opts).unwrap();
    assert_eq!(r.dropped, [2, 3, 4]);
}

/// The conversation `roles` ("s" system, "u" user, "a" assistant) with a
/// short distinct text each.
fn dialogue(roles: &[&str]) -> Vec<Message> {
    let role = |r: &str| match r {
        "s" => "system",
        "u" => "user",
        _ => "assistant",
    };
    roles
        .iter()
        .enumerate()
        .map(|(i, r)| Message::new(role(r), &format!("message {i} is from {}", role(r))))
        .collect()
}

/// trim_messages with `window` tokens and otherwise the defaults.
fn trim_with(messages: &[Message], window: u64, f: impl FnOnce(&mut TrimOptions)) -> Trimmed {
    let mut opts = TrimOptions::new("gpt-4o");
    opts.max_context_tokens = Some(window);
    f(&mut opts);
    trim_messages(messages, &opts).unwrap()
}

fn full(messages: &[Message]) -> u64 {
    count_chat_tokens("gpt-4o", messages, &[]).unwrap() as u64
}

#[test]
fn a_reply_never_opens_the_conversation_after_a_drop() {
    // [system, u1, a1, u2, a2, u3]: dropping u1 alone would leave a1, an
    // answer to nothing, first.
    let messages = dialogue(&["s", "u", "a", "u", "a", "u"]);
    let one_message = full(&messages[1..2]) - 3;
    for strategy in [Strategy::DropOldest, Strategy::DropMiddle] {
        let r = trim_with(&messages, full(&messages) - one_message, |o| {
            o.strategy = strategy
        });
        assert_eq!(r.dropped, [1, 2], "{strategy:?}");
        assert_eq!(r.sources, [Some(0), Some(3), Some(4), Some(5)]);
        // At every window, what is dropped is whole turns.
        for window in 1..=full(&messages) {
            let r = trim_with(&messages, window, |o| o.strategy = strategy);
            assert!(
                [&[][..], &[1, 2], &[1, 2, 3, 4]].contains(&r.dropped.as_slice()),
                "{strategy:?} {window}: {:?}",
                r.dropped
            );
        }
    }
    // Drop-middle: the far side of the gap is a question too.
    let messages = dialogue(&["s", "u", "a", "u", "a", "u", "a", "u"]);
    let r = trim_with(&messages, full(&messages) - 1, |o| {
        o.strategy = Strategy::DropMiddle
    });
    assert_eq!(r.dropped, [3, 4]);
    assert_eq!(r.messages[2].role, "assistant");
    assert_eq!(r.messages[3].role, "user");
}

#[test]
fn a_tool_result_in_a_later_turn_ties_the_turns_together() {
    let messages = parse_messages(
        &json!([
            {"role": "system", "content": "You answer with tools."},
            {"role": "user", "content": "Start the build."},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "build", "type": "function", "function": {"name": "build", "arguments": "{}"}}
            ]},
            {"role": "user", "content": "Is it done yet?"},
            {"role": "tool", "tool_call_id": "build", "content": "build passed"},
            {"role": "assistant", "content": "Yes, it passed."},
            {"role": "user", "content": "Then deploy it."}
        ]),
        "messages",
    )
    .unwrap();
    for strategy in [Strategy::DropOldest, Strategy::DropMiddle] {
        let r = trim_with(&messages, full(&messages) - 1, |o| o.strategy = strategy);
        assert_eq!(r.dropped, [1, 2, 3, 4, 5], "{strategy:?}");
    }
    // A result after the last question goes with the turn that asked for
    // it, which leaves the reply after it in place.
    let messages = parse_messages(
        &json!([
            {"role": "system", "content": "You answer with tools."},
            {"role": "user", "content": "Start the build."},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "build", "type": "function", "function": {"name": "build", "arguments": "{}"}}
            ]},
            {"role": "user", "content": "Is it done yet?"},
            {"role": "tool", "tool_call_id": "build", "content": "build passed"},
            {"role": "assistant", "content": "Yes, it passed."}
        ]),
        "messages",
    )
    .unwrap();
    let r = trim_with(&messages, full(&messages) - 1, |_| {});
    assert_eq!(r.dropped, [1, 2, 4]);
    assert_eq!(r.sources, [Some(0), Some(3), Some(5)]);
}

#[test]
fn replies_after_the_last_question_are_dropped_one_by_one() {
    // An agent loop answering one question: its steps go oldest first, the
    // question stays.
    let mut history = vec![
        json!({"role": "system", "content": "You are an agent."}),
        json!({"role": "user", "content": "An old question."}),
        json!({"role": "assistant", "content": "An old answer."}),
        json!({"role": "user", "content": "Fix the failing test."}),
    ];
    for step in 0..4 {
        let id = format!("step{step}");
        history.push(json!({"role": "assistant", "content": null, "tool_calls": [
            {"id": id, "type": "function", "function": {"name": "run", "arguments": format!("{{\"step\":{step}}}")}}
        ]}));
        history.push(json!({"role": "tool", "tool_call_id": id, "content": format!("output of step {step}")}));
    }
    history.push(json!({"role": "assistant", "content": "Done."}));
    let messages = parse_messages(&Value::Array(history), "messages").unwrap();
    let without = |gone: &[usize]| {
        let kept: Vec<Message> = (0..messages.len())
            .filter(|i| !gone.contains(i))
            .map(|i| messages[i].clone())
            .collect();
        full(&kept)
    };
    let r = trim_with(&messages, without(&[1, 2, 4, 5]), |_| {});
    assert_eq!(r.dropped, [1, 2, 4, 5]);
    let r = trim_with(&messages, without(&[1, 2, 4, 5]) - 1, |_| {});
    assert_eq!(r.dropped, [1, 2, 4, 5, 6, 7]);
    assert_eq!(r.messages[1].text(), "Fix the failing test.");
}

#[test]
fn system_messages_inside_a_turn_stay_and_the_turn_goes_around_them() {
    let messages = dialogue(&["s", "u", "a", "s", "a", "u", "a", "u"]);
    let r = trim_with(&messages, full(&messages) - 1, |_| {});
    assert_eq!(r.dropped, [1, 2, 4]);
    assert_eq!(r.sources, [Some(0), Some(3), Some(5), Some(6), Some(7)]);
    // Not kept, a system message is part of the turn it is in; one before
    // the first question is dropped with the other messages there.
    let r = trim_with(&messages, full(&messages) - 1, |o| o.keep_system = false);
    assert_eq!(r.dropped, [0]);
    let r = trim_with(&messages, full(&messages[5..]), |o| o.keep_system = false);
    assert_eq!(r.dropped, [0, 1, 2, 3, 4]);
}

#[test]
fn messages_before_the_first_question_go_together() {
    // A greeting (or two) before the first question: they go as one unit,
    // so that neither opens the conversation alone.
    let messages = dialogue(&["s", "a", "a", "u", "a", "u"]);
    let r = trim_with(&messages, full(&messages) - 1, |_| {});
    assert_eq!(r.dropped, [1, 2]);
    let r = trim_with(&messages, full(&messages) - 1, |o| {
        o.strategy = Strategy::DropMiddle
    });
    assert_eq!(r.dropped, [1, 2]);
    let messages = dialogue(&["s", "a", "u", "a", "u"]);
    let r = trim_with(&messages, full(&messages) - 1, |_| {});
    assert_eq!(r.dropped, [1]);
}

#[test]
fn without_keep_last_user_the_last_question_goes_last_and_alone() {
    let messages = dialogue(&["s", "u", "a", "u", "a", "u", "a"]);
    let r = trim_with(&messages, full(&messages) - 1, |o| o.keep_last_user = false);
    assert_eq!(r.dropped, [1, 2]);
    // Only the system message and the last reply fit: the last question is
    // dropped on its own, after every turn before it.
    let last = [messages[0].clone(), messages[6].clone()];
    let r = trim_with(&messages, full(&last), |o| o.keep_last_user = false);
    assert_eq!(r.dropped, [1, 2, 3, 4, 5]);
    assert_eq!(r.sources, [Some(0), Some(6)]);
    // Without any user message, every message is its own unit.
    let messages = dialogue(&["s", "a", "a", "a"]);
    let r = trim_with(&messages, full(&messages) - 1, |_| {});
    assert_eq!(r.dropped, [1]);
}
