//! Trimming, truncation, packing and splitting: every promise, checked by
//! counting the results again with the public counting functions.

mod common;

use std::collections::BTreeSet;

use common::{random_text, Rng};
use serde_json::{json, Value};
use tokenmeter::chat::{
    count_chat_tokens, parse_messages, parse_tools, Content, Message, Part, Tool,
};
use tokenmeter::internals::tokenizer_calls;
use tokenmeter::trim::{
    is_grapheme_boundary, select_chunks, split_by_tokens, trim_messages, truncate_text, Keep,
    OnOverflow, PackMode, Strategy, TrimOptions, Trimmed, DEFAULT_MARKER,
};
use tokenmeter::{ErrorCode, Tokenizer};

// ---- helpers ------------------------------------------------------------------

fn text_of(rng: &mut Rng) -> String {
    match rng.below(8) {
        0 => String::new(),
        1 => random_text(rng, 300),
        _ => random_text(rng, 40),
    }
}

/// A valid random history: system and developer messages anywhere, users
/// (some with names, images or parts), assistants, and assistant tool calls
/// followed by their results.
fn random_history(rng: &mut Rng, n: usize) -> Value {
    let mut out = Vec::new();
    let mut call = 0;
    if rng.below(3) > 0 {
        out.push(json!({"role": "system", "content": text_of(rng)}));
    }
    while out.len() < n {
        match rng.below(12) {
            0 => out.push(json!({"role": "developer", "content": text_of(rng)})),
            1 => out.push(json!({"role": "system", "content": text_of(rng)})),
            2 => out.push(json!({"role": "user", "name": "ann", "content": text_of(rng)})),
            3 => out.push(json!({"role": "user", "content": [
                {"type": "text", "text": text_of(rng)},
                {"type": "image_url", "image_url": {"url": "https://x/y.png", "detail": "low"}},
                {"type": "text", "text": text_of(rng)},
            ]})),
            4..=6 => out.push(json!({"role": "user", "content": text_of(rng)})),
            7..=9 => out.push(json!({"role": "assistant", "content": text_of(rng)})),
            _ => {
                let k = 1 + rng.below(3);
                let ids: Vec<String> = (0..k)
                    .map(|_| {
                        call += 1;
                        format!("call_{call}")
                    })
                    .collect();
                let calls: Vec<Value> = ids
                    .iter()
                    .map(|id| json!({"id": id, "type": "function", "function": {"name": "lookup", "arguments": format!("{{\"q\":{:?}}}", random_text(rng, 5))}}))
                    .collect();
                let content = if rng.below(2) == 0 {
                    Value::Null
                } else {
                    json!(text_of(rng))
                };
                out.push(json!({"role": "assistant", "content": content, "tool_calls": calls}));
                for id in ids {
                    out.push(json!({"role": "tool", "tool_call_id": id, "content": text_of(rng)}));
                }
            }
        }
    }
    Value::Array(out)
}

fn tools() -> Vec<Tool> {
    parse_tools(
        &json!([{"type": "function", "function": {
            "name": "lookup", "description": "Look something up.",
            "parameters": {"type": "object", "properties": {"q": {"type": "string", "description": "What"}}}
        }}]),
        "tools",
    )
    .unwrap()
}

fn is_system(m: &Message) -> bool {
    m.role == "system" || m.role == "developer"
}

/// The members of the unit that message `i` belongs to (an assistant with
/// tool calls and the tool messages answering it; else `i` alone).
fn unit_of(messages: &[Message], i: usize) -> Vec<usize> {
    let owner = |t: usize| -> Option<usize> {
        let id = messages[t].tool_call_id.as_deref()?;
        (0..t)
            .rev()
            .find(|&a| messages[a].tool_calls.iter().any(|c| c.id == id))
    };
    let head = if messages[i].role == "tool" {
        owner(i).unwrap_or(i)
    } else {
        i
    };
    let mut members = vec![head];
    members.extend(
        (head + 1..messages.len())
            .filter(|&t| messages[t].role == "tool" && owner(t) == Some(head)),
    );
    members
}

fn texts(m: &Message) -> Vec<String> {
    match &m.content {
        Content::None => vec![],
        Content::Text(t) => vec![t.clone()],
        Content::Parts(parts) => parts
            .iter()
            .filter_map(|p| match p {
                Part::Text(t) => Some(t.clone()),
                Part::Image { .. } => None,
            })
            .collect(),
    }
}

/// The request made of the kept input messages `keep`, with the summary in
/// front of the first kept message after the first dropped one.
fn assemble(messages: &[Message], keep: &BTreeSet<usize>, summary: Option<&str>) -> Vec<Message> {
    let first_dropped = (0..messages.len()).find(|i| !keep.contains(i));
    let mut out = Vec::new();
    let mut placed = false;
    for &i in keep {
        if !placed && first_dropped.is_some_and(|f| i > f) {
            if let Some(s) = summary {
                out.push(Message::new("system", s));
            }
            placed = true;
        }
        out.push(messages[i].clone());
    }
    if !placed && first_dropped.is_some() {
        if let Some(s) = summary {
            out.push(Message::new("system", s));
        }
    }
    out
}

/// Checks every promise of a trim result; returns a description of the
/// first broken one.
fn check_promises(
    messages: &[Message],
    opts: &TrimOptions,
    window: u64,
    r: &Trimmed,
) -> Result<(), String> {
    let model = opts.model.as_str();
    let n = messages.len();
    let recount = count_chat_tokens(model, &r.messages, &opts.tools).unwrap();
    if recount != r.input_tokens {
        return Err(format!(
            "input_tokens {} but recount {recount}",
            r.input_tokens
        ));
    }
    if r.fits && recount as u64 + opts.reserve_output_tokens > window {
        return Err(format!(
            "fits but {recount} + {} > {window}",
            opts.reserve_output_tokens
        ));
    }
    if !r.fits && recount as u64 + opts.reserve_output_tokens <= window {
        return Err("says it does not fit, but it does".into());
    }
    if r.sources.len() != r.messages.len() {
        return Err("sources and messages differ in length".into());
    }
    // Order, and a partition of the input into kept and dropped.
    let kept: Vec<usize> = r.sources.iter().flatten().copied().collect();
    if kept.windows(2).any(|w| w[0] >= w[1]) {
        return Err(format!("order not kept: {kept:?}"));
    }
    let kept_set: BTreeSet<usize> = kept.iter().copied().collect();
    let dropped_set: BTreeSet<usize> = r.dropped.iter().copied().collect();
    if r.dropped.windows(2).any(|w| w[0] >= w[1]) {
        return Err("dropped is not ascending".into());
    }
    if kept_set.intersection(&dropped_set).next().is_some()
        || kept_set.len() + dropped_set.len() != n
    {
        return Err(format!(
            "kept {kept:?} and dropped {:?} do not partition 0..{n}",
            r.dropped
        ));
    }
    // Protected messages.
    let last_user = messages.iter().rposition(|m| m.role == "user");
    for (i, m) in messages.iter().enumerate() {
        if opts.keep_system && is_system(m) && !kept_set.contains(&i) {
            return Err(format!("system message {i} dropped"));
        }
        if opts.keep_last_user && Some(i) == last_user && !kept_set.contains(&i) {
            return Err(format!("last user message {i} dropped"));
        }
    }
    // Tool units whole.
    for &i in &kept {
        for j in unit_of(messages, i) {
            if !kept_set.contains(&j) {
                return Err(format!("message {i} kept but {j} of its tool unit dropped"));
            }
        }
    }
    // Messages are the inputs, except truncated ones, which are cut with the
    // marker; the summary is where the dropped turns were.
    let summaries: Vec<usize> = (0..r.sources.len())
        .filter(|&k| r.sources[k].is_none())
        .collect();
    if summaries.len() > 1
        || (!summaries.is_empty() && (opts.summary.is_none() || r.dropped.is_empty()))
    {
        return Err(format!("unexpected summary messages at {summaries:?}"));
    }
    if let Some(&k) = summaries.first() {
        let before = kept.iter().filter(|&&i| i < r.dropped[0]).count();
        if k != before {
            return Err(format!(
                "summary at {k}, the first dropped turn was at output {before}"
            ));
        }
        if r.messages[k].role != "system" {
            return Err("summary is not a system message".into());
        }
    } else if opts.summary.is_some() && !r.dropped.is_empty() && r.truncated.is_empty() && r.fits {
        // Only truncation may take the summary out.
        let full = count_chat_tokens(
            model,
            &assemble(messages, &kept_set, opts.summary.as_deref()),
            &opts.tools,
        )
        .unwrap();
        if full as u64 + opts.reserve_output_tokens <= window {
            return Err("summary left out though it fits".into());
        }
    }
    for (k, m) in r.messages.iter().enumerate() {
        let Some(i) = r.sources[k] else {
            let original = opts.summary.as_deref().unwrap();
            let t = m.text();
            if t != original
                && !(t.ends_with(DEFAULT_MARKER)
                    && original.starts_with(t.trim_end_matches(DEFAULT_MARKER)))
            {
                return Err("summary changed other than by truncation".into());
            }
            continue;
        };
        if r.truncated.contains(&i) {
            let (a, b) = (texts(&messages[i]), texts(m));
            if a.len() != b.len() {
                return Err(format!("message {i}: text parts changed in number"));
            }
            for (orig, cut) in a.iter().zip(&b) {
                let ok = cut == orig
                    || cut.is_empty()
                    || cut.strip_suffix(DEFAULT_MARKER).is_some_and(|head| {
                        orig.starts_with(head) && is_grapheme_boundary(orig, head.len())
                    });
                if !ok {
                    return Err(format!(
                        "message {i}: {cut:?} is not a clean cut of its text"
                    ));
                }
            }
            let mut same = messages[i].clone();
            same.content = m.content.clone();
            if &same != m {
                return Err(format!("message {i}: more than its text changed"));
            }
        } else if m != &messages[i] {
            return Err(format!(
                "message {i} changed but is not listed as truncated"
            ));
        }
    }
    // Truncation only once everything droppable is gone.
    if !r.truncated.is_empty() || !r.fits {
        for i in 0..n {
            let protected = unit_of(messages, i).iter().any(|&j| {
                (opts.keep_system && is_system(&messages[j]))
                    || (opts.keep_last_user && Some(j) == last_user)
            });
            if !protected && kept_set.contains(&i) {
                return Err(format!(
                    "truncated while message {i} could still be dropped"
                ));
            }
        }
    }
    if !r.fits {
        if opts.on_overflow == OnOverflow::Error {
            return Err("did not fit with on_overflow Error".into());
        }
        if r.messages
            .iter()
            .any(|m| texts(m).iter().any(|t| !t.is_empty()))
        {
            return Err("does not fit, yet some text was left uncut".into());
        }
    }
    // Fewest drops: with drop-oldest, putting back the last unit dropped
    // would not fit.
    if opts.strategy == Strategy::DropOldest && r.truncated.is_empty() && !r.dropped.is_empty() {
        let last = *r
            .dropped
            .iter()
            .filter(|&&i| messages[i].role != "tool")
            .max()
            .unwrap_or(&r.dropped[r.dropped.len() - 1]);
        let mut more = kept_set.clone();
        more.extend(unit_of(messages, last));
        let summary = if more.len() < n {
            opts.summary.as_deref()
        } else {
            None
        };
        let back =
            count_chat_tokens(model, &assemble(messages, &more, summary), &opts.tools).unwrap();
        if back as u64 + opts.reserve_output_tokens <= window {
            return Err(format!(
                "dropped one unit too many: putting back {last} gives {back}"
            ));
        }
    }
    Ok(())
}

// ---- trim_messages: properties -------------------------------------------------

#[test]
fn every_trim_fits_and_keeps_every_promise() {
    let models = ["gpt-4o", "claude-sonnet-4", "gpt-4", "gpt-3.5-turbo-0301"];
    let mut rng = Rng::new(4);
    let mut outcomes = [0usize; 4]; // untouched, dropped, truncated, overflow error
    for case in 0..600 {
        let model = *rng.pick(&models);
        let size = rng.below(30);
        let history = random_history(&mut rng, size);
        let messages = parse_messages(&history, "messages").unwrap();
        let mut opts = TrimOptions::new(model);
        opts.tools = if rng.below(3) == 0 { tools() } else { vec![] };
        let full = count_chat_tokens(model, &messages, &opts.tools).unwrap() as u64;
        let window = 1 + rng.below(full as usize + 60) as u64;
        opts.max_context_tokens = if model == "gpt-4o" && rng.below(4) == 0 {
            None // the catalogue's 128k window
        } else {
            Some(window)
        };
        let window = opts.max_context_tokens.unwrap_or(128_000);
        opts.reserve_output_tokens = match rng.below(3) {
            0 => 0,
            1 => rng.below(window as usize + 1) as u64,
            _ => rng.below(40).min(window as usize) as u64,
        };
        opts.strategy = if rng.below(2) == 0 {
            Strategy::DropOldest
        } else {
            Strategy::DropMiddle
        };
        opts.keep_system = rng.below(5) > 0;
        opts.keep_last_user = rng.below(5) > 0;
        opts.summary = (rng.below(2) == 0).then(|| random_text(&mut rng, 20));
        opts.on_overflow = if rng.below(3) == 0 {
            OnOverflow::Error
        } else {
            OnOverflow::Truncate
        };

        match trim_messages(&messages, &opts) {
            Ok(r) => {
                if let Err(e) = check_promises(&messages, &opts, window, &r) {
                    panic!(
                        "case {case} ({model}, window {window}, reserve {}): {e}\n{opts:?}",
                        opts.reserve_output_tokens
                    );
                }
                outcomes[if !r.truncated.is_empty() {
                    2
                } else if r.dropped.is_empty() {
                    0
                } else {
                    1
                }] += 1;
            }
            Err(e) => {
                assert_eq!(e.code(), ErrorCode::ContextOverflow, "case {case}: {e}");
                assert_eq!(opts.on_overflow, OnOverflow::Error, "case {case}");
                assert!(e.message().contains(&window.to_string()), "{e}");
                // Really no way: only protected messages kept, still over.
                let last_user = messages.iter().rposition(|m| m.role == "user");
                let keep: BTreeSet<usize> = (0..messages.len())
                    .filter(|&i| {
                        unit_of(&messages, i).iter().any(|&j| {
                            (opts.keep_system && is_system(&messages[j]))
                                || (opts.keep_last_user && Some(j) == last_user)
                        })
                    })
                    .collect();
                let summary = if keep.len() < messages.len() {
                    opts.summary.as_deref()
                } else {
                    None
                };
                let least =
                    count_chat_tokens(model, &assemble(&messages, &keep, summary), &opts.tools)
                        .unwrap();
                assert!(
                    least as u64 + opts.reserve_output_tokens > window,
                    "case {case}: {e} but {least} fits"
                );
                outcomes[3] += 1;
            }
        }
    }
    eprintln!("untouched, dropped, truncated, overflow errors: {outcomes:?}");
    // The generator reaches every outcome.
    assert!(outcomes.iter().all(|&n| n > 20), "{outcomes:?}");
}

// ---- trim_messages: exact boundaries -----------------------------------------------

fn conversation() -> Vec<Message> {
    parse_messages(
        &json!([
            {"role": "system", "content": "You are a terse assistant."},
            {"role": "user", "content": "What is the capital of France?"},
            {"role": "assistant", "content": "Paris."},
            {"role": "user", "content": "And of Germany?"},
            {"role": "assistant", "content": "Berlin."},
            {"role": "user", "content": "Which of the two is larger by population?"}
        ]),
        "messages",
    )
    .unwrap()
}

fn trim(messages: &[Message], model: &str, window: u64, reserve: u64) -> Trimmed {
    let mut opts = TrimOptions::new(model);
    opts.max_context_tokens = Some(window);
    opts.reserve_output_tokens = reserve;
    trim_messages(messages, &opts).unwrap()
}

#[test]
fn a_window_of_exactly_enough_drops_nothing_and_one_token_less_drops_one() {
    let messages = conversation();
    for model in ["gpt-4o", "gpt-4", "claude-sonnet-4"] {
        let full = count_chat_tokens(model, &messages, &[]).unwrap() as u64;
        let r = trim(&messages, model, full, 0);
        assert!(
            r.dropped.is_empty() && r.fits && r.input_tokens as u64 == full,
            "{model}"
        );
        assert_eq!(r.messages, messages);

        let r = trim(&messages, model, full - 1, 0);
        assert_eq!(r.dropped, [1], "{model}");
        assert!(r.fits);

        // The same through the reserve.
        let r = trim(&messages, model, full + 100, 100);
        assert!(r.dropped.is_empty(), "{model}");
        let r = trim(&messages, model, full + 100, 101);
        assert_eq!(r.dropped, [1], "{model}");

        // After k drops: exactly enough keeps k dropped, one less drops k+1.
        for k in 1..4 {
            let rest: Vec<Message> = std::iter::once(messages[0].clone())
                .chain(messages[1 + k..].iter().cloned())
                .collect();
            let need = count_chat_tokens(model, &rest, &[]).unwrap() as u64;
            let r = trim(&messages, model, need, 0);
            assert_eq!(r.dropped, (1..=k).collect::<Vec<_>>(), "{model} k={k}");
            assert_eq!(r.input_tokens as u64, need);
            let r = trim(&messages, model, need - 1, 0);
            assert_eq!(r.dropped, (1..=k + 1).collect::<Vec<_>>(), "{model} k={k}");
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
    let first_user = count_chat_tokens("gpt-4o", &messages[1..2], &[]).unwrap() as u64 - 3;
    // Dropping the first user message is not enough: the whole tool unit goes.
    let r = trim(&messages, "gpt-4o", full - first_user - 1, 0);
    assert_eq!(r.dropped, [1, 2, 3, 4]);
    assert_eq!(r.sources, [Some(0), Some(5), Some(6)]);
    // With drop-middle the unit goes first.
    let mut opts = TrimOptions::new("gpt-4o");
    opts.max_context_tokens = Some(full - 1);
    opts.strategy = Strategy::DropMiddle;
    let r = trim_messages(&messages, &opts).unwrap();
    assert_eq!(r.dropped, [2, 3, 4]);
}

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
    assert_eq!(r.dropped, [1, 2, 3]);
    assert_eq!(r.sources, [Some(0), None, Some(4), Some(5)]);

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
    assert_eq!(e.field_name(), Some("options.reserveOutputTokens"));
    assert!(e.message().contains("128000"), "{e}");

    opts.max_context_tokens = Some(100);
    opts.reserve_output_tokens = 101;
    let e = trim_messages(&messages, &opts).unwrap_err();
    assert_eq!(e.field_name(), Some("options.reserveOutputTokens"));
    opts.reserve_output_tokens = 100;
    assert!(
        trim_messages(&messages, &opts).is_ok(),
        "reserve = window is allowed"
    );

    opts.max_context_tokens = Some(0);
    opts.reserve_output_tokens = 0;
    let e = trim_messages(&messages, &opts).unwrap_err();
    assert_eq!(e.field_name(), Some("options.maxContextTokens"));

    // davinci-002 is counted (tiktoken knows it) but the catalogue has no window.
    let e = trim_messages(&messages, &TrimOptions::new("davinci-002")).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownModel);
    assert_eq!(e.field_name(), Some("options.maxContextTokens"));
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

// ---- truncate_text ---------------------------------------------------------------------

fn count(model: &str, text: &str) -> usize {
    Tokenizer::for_model(model).unwrap().count_ordinary(text)
}

/// Checks a truncation of `text` to `max` tokens and returns the kept parts.
fn check_truncation(text: &str, max: usize, model: &str, keep: Keep, marker: &str) -> String {
    let out = truncate_text(text, max as u64, model, keep, marker).unwrap();
    let n = count(model, &out);
    assert!(n <= max, "{keep:?} {max}: {out:?} has {n} tokens");
    if count(model, text) <= max {
        assert_eq!(out, text);
        return out;
    }
    let m = if count(model, marker) <= max {
        marker
    } else {
        ""
    };
    let clean = |head: &str, tail: &str| {
        text.starts_with(head)
            && text.ends_with(tail)
            && head.len() + tail.len() < text.len()
            && is_grapheme_boundary(text, head.len())
            && is_grapheme_boundary(text, text.len() - tail.len())
    };
    let ok = match keep {
        Keep::Start => out.strip_suffix(m).is_some_and(|head| clean(head, "")),
        Keep::End => out.strip_prefix(m).is_some_and(|tail| clean("", tail)),
        Keep::Middle => (0..=out.len()).any(|i| {
            out.is_char_boundary(i)
                && out[i..].starts_with(m)
                && clean(&out[..i], &out[i + m.len()..])
        }),
    };
    assert!(
        ok,
        "{keep:?} {max}: {out:?} is not a clean cut of {text:?} with {m:?}"
    );
    out
}

#[test]
fn truncation_never_splits_a_character_or_cluster() {
    let family = "👨‍👩‍👧‍👦";
    let texts = [
        // CJK: many characters are more than one token, or share one.
        "日本語の文章を正しく切り詰めることができるかどうかを確かめます。中文字符也一样，韩国어도 마찬가지입니다。".to_string(),
        // Emoji ZWJ sequences, skin tones, flags, keycaps, presentation selectors.
        format!("{family} and 👍🏽👍🏿 then 🇫🇷🇩🇪🇯🇵 and 1️⃣2️⃣ ❤️‍🔥🏳️‍🌈 {family}{family}"),
        // Combining marks: precomposed and decomposed, stacked (zalgo), Indic, Thai, Hangul jamo.
        "e\u{301}te\u{301} Z\u{351}\u{36b}\u{343}\u{36a}a\u{302}\u{323}lgo क्षत्रिय नमस्ते สวัสดีครับ \u{1100}\u{1161}\u{11A8}\u{1100}\u{1161}".to_string(),
    ];
    for text in &texts {
        let total = count("gpt-4o", text);
        for keep in [Keep::Start, Keep::End, Keep::Middle] {
            for max in 0..=total + 1 {
                check_truncation(text, max, "gpt-4o", keep, DEFAULT_MARKER);
                check_truncation(text, max, "gpt-4", keep, "…");
                check_truncation(text, max, "claude-sonnet-4", keep, " [cut] ");
            }
        }
    }
    // The family emoji is never broken: it is either whole or absent.
    let text = format!("{family}{family}{family}");
    for max in 0..=count("gpt-4o", &text) {
        let out = truncate_text(&text, max as u64, "gpt-4o", Keep::Start, "").unwrap();
        assert_eq!(out.len() % family.len(), 0, "{max}: {out:?}");
    }
}

#[test]
fn truncation_of_random_text_keeps_its_promises() {
    let mut rng = Rng::new(11);
    for _ in 0..300 {
        let text = random_text(&mut rng, 120);
        let total = count("gpt-4o", &text);
        let max = rng.below(total + 3);
        let keep = *rng.pick(&[Keep::Start, Keep::End, Keep::Middle]);
        let marker = *rng.pick(&[DEFAULT_MARKER, "", "...", "\n[snip]\n"]);
        let model = *rng.pick(&["gpt-4o", "gpt-4", "claude-sonnet-4"]);
        check_truncation(&text, max, model, keep, marker);
    }
}

#[test]
fn truncation_is_tight_on_plain_text() {
    let text = "The quick brown fox jumps over the lazy dog. ".repeat(50);
    for max in [10, 50, 100, 333] {
        let out = truncate_text(&text, max, "gpt-4o", Keep::Start, DEFAULT_MARKER).unwrap();
        let n = count("gpt-4o", &out) as u64;
        assert!(n <= max && n + 2 >= max, "{max}: {n}");
        let out = truncate_text(&text, max, "gpt-4o", Keep::Middle, DEFAULT_MARKER).unwrap();
        let n = count("gpt-4o", &out) as u64;
        assert!(n <= max && n + 3 >= max, "{max}: {n}");
    }
    // A marker bigger than the room is left out rather than overflowing.
    let out = truncate_text(&text, 2, "gpt-4o", Keep::Start, DEFAULT_MARKER).unwrap();
    assert_eq!(out, "The quick");
    assert_eq!(
        truncate_text(&text, 0, "gpt-4o", Keep::End, DEFAULT_MARKER).unwrap(),
        ""
    );
    assert_eq!(
        truncate_text("short", 5, "gpt-4o", Keep::Start, DEFAULT_MARKER).unwrap(),
        "short"
    );
    assert_eq!(
        truncate_text("x", 1, "nope", Keep::Start, "")
            .unwrap_err()
            .code(),
        ErrorCode::UnknownModel
    );
}

// ---- select_chunks -----------------------------------------------------------------------

#[test]
fn chunk_selection_counts_the_joined_text() {
    // "a" and "b" are a token each, "ab" is one token: the joined count, not
    // the sum, decides.
    let chunks = ["a", "b"];
    let s = select_chunks(&chunks, "gpt-4o", 1, "", PackMode::InOrder).unwrap();
    assert_eq!((s.indices.as_slice(), s.tokens), (&[0, 1][..], 1));
    // The separator's tokens count.
    let s = select_chunks(&chunks, "gpt-4o", 2, " and then ", PackMode::InOrder).unwrap();
    assert_eq!(s.indices, [0]);
    let s = select_chunks(&chunks, "gpt-4o", 4, " and then ", PackMode::InOrder).unwrap();
    assert_eq!(s.indices, [0, 1]);
    assert_eq!(s.tokens, count("gpt-4o", "a and then b"));
    // In order stops at the first misfit; skip-oversize goes on.
    let chunks = ["short one", &"very long chunk ".repeat(50), "another short"];
    let s = select_chunks(&chunks, "gpt-4o", 20, "\n\n", PackMode::InOrder).unwrap();
    assert_eq!(s.indices, [0]);
    let s = select_chunks(&chunks, "gpt-4o", 20, "\n\n", PackMode::SkipOversize).unwrap();
    assert_eq!(s.indices, [0, 2]);
    assert_eq!(s.tokens, count("gpt-4o", "short one\n\nanother short"));
    let s = select_chunks::<&str>(&[], "gpt-4o", 20, "\n\n", PackMode::InOrder).unwrap();
    assert_eq!((s.indices.len(), s.tokens), (0, 0));
    assert_eq!(
        select_chunks(&["x"], "nope", 1, "", PackMode::InOrder)
            .unwrap_err()
            .code(),
        ErrorCode::UnknownModel
    );
}

#[test]
fn chunk_selection_invariants() {
    let mut rng = Rng::new(21);
    for _ in 0..200 {
        let chunks: Vec<String> = (0..rng.below(12))
            .map(|_| random_text(&mut rng, 60))
            .collect();
        let budget = rng.below(150) as u64;
        let separator = *rng.pick(&["\n\n", "", " ", "\n---\n"]);
        let model = *rng.pick(&["gpt-4o", "gpt-4", "claude-sonnet-4"]);
        let mode = *rng.pick(&[PackMode::InOrder, PackMode::SkipOversize]);
        let s = select_chunks(&chunks, model, budget, separator, mode).unwrap();
        let joined = |idx: &[usize]| {
            idx.iter()
                .map(|&i| chunks[i].as_str())
                .collect::<Vec<_>>()
                .join(separator)
        };
        let tokens = if s.indices.is_empty() {
            0
        } else {
            count(model, &joined(&s.indices))
        };
        assert_eq!(s.tokens, tokens);
        assert!(s.tokens as u64 <= budget);
        assert!(s.indices.windows(2).all(|w| w[0] < w[1]));
        // Every chunk passed over did not fit beside those chosen before it;
        // in order, the first one ends the selection.
        let mut chosen = Vec::new();
        for i in 0..chunks.len() {
            if s.indices.contains(&i) {
                chosen.push(i);
                continue;
            }
            let mut with = chosen.clone();
            with.push(i);
            assert!(
                count(model, &joined(&with)) as u64 > budget,
                "chunk {i} would fit"
            );
            if mode == PackMode::InOrder {
                assert!(s.indices.iter().all(|&j| j < i));
                break;
            }
        }
        if mode == PackMode::InOrder {
            assert_eq!(s.indices, (0..s.indices.len()).collect::<Vec<_>>());
        }
    }
}

// ---- split_by_tokens -----------------------------------------------------------------------

fn check_split(text: &str, model: &str, size: u64, overlap: u64) -> Vec<String> {
    split_at(text, model, size, overlap)
        .into_iter()
        .map(|(_, c)| c)
        .collect()
}

/// The chunks with their byte offsets, checked.
fn split_at(text: &str, model: &str, size: u64, overlap: u64) -> Vec<(usize, String)> {
    let chunks = split_by_tokens(text, model, size, overlap).unwrap();
    let mut placed = Vec::new();
    if text.is_empty() {
        assert!(chunks.is_empty());
        return placed;
    }
    // Each chunk is a slice of the text, starting within the one before (at
    // its end when there is no overlap), and the last reaches the end.
    let mut prev: Option<(usize, usize)> = None;
    for (k, c) in chunks.iter().enumerate() {
        assert!(!c.is_empty());
        assert!(
            count(model, c) as u64 <= size,
            "chunk {k} {c:?} over {size}"
        );
        let at = match prev {
            None => {
                assert!(text.starts_with(c.as_str()), "chunk 0 is not the start");
                0
            }
            Some((_, end)) if overlap == 0 => {
                assert!(
                    text[end..].starts_with(c.as_str()),
                    "chunk {k} does not follow on"
                );
                end
            }
            Some((start, end)) => (start + 1..=end)
                .rev()
                .find(|&a| text.is_char_boundary(a) && text[a..].starts_with(c.as_str()))
                .unwrap_or_else(|| panic!("chunk {k} does not start within chunk {}", k - 1)),
        };
        prev = Some((at, at + c.len()));
        placed.push((at, c.clone()));
    }
    assert_eq!(
        prev.map(|p| p.1),
        Some(text.len()),
        "the text is covered to its end"
    );
    if overlap == 0 {
        assert_eq!(chunks.concat(), text);
    }
    placed
}

#[test]
fn split_prefers_paragraph_and_sentence_ends() {
    let paragraph = |i: usize| {
        format!("Paragraph {i} starts here. It has a second sentence, which is longer than the first one. And a third.")
    };
    let text = (0..12).map(paragraph).collect::<Vec<_>>().join("\n\n");
    let para_tokens = count("gpt-4o", &paragraph(0)) as u64;
    let chunks = check_split(&text, "gpt-4o", para_tokens * 3, 0);
    assert!(chunks.len() >= 4);
    for c in &chunks[..chunks.len() - 1] {
        assert!(
            c.ends_with("\n\n") || c.ends_with("third."),
            "not at a paragraph end: {c:?}"
        );
    }
    // Without paragraphs: sentence ends.
    let text = (0..40)
        .map(|i| format!("This is sentence number {i} of the text."))
        .collect::<Vec<_>>()
        .join(" ");
    let chunks = check_split(&text, "gpt-4o", 30, 0);
    assert!(chunks.len() >= 10);
    for c in &chunks[..chunks.len() - 1] {
        assert!(c.ends_with('.'), "not at a sentence end: {c:?}");
    }
    // CJK sentences end with 。
    let cjk = "これは最初の文です。これは二番目の文で、少し長いです。三番目。".repeat(8);
    let chunks = check_split(&cjk, "gpt-4o", 30, 0);
    for c in &chunks[..chunks.len() - 1] {
        assert!(c.ends_with('。'), "{c:?}");
    }
}

#[test]
fn split_overlaps_and_covers() {
    let text = "Sentence one is here. Sentence two follows it. Then three. And four, with more words in it. "
        .repeat(20);
    let chunks = split_at(&text, "gpt-4o", 40, 10);
    assert!(chunks.len() > 10);
    for w in chunks.windows(2) {
        let ((a, first), (b, _)) = (&w[0], &w[1]);
        let end = a + first.len();
        assert!(*b < end, "no overlap");
        let shared = &text[*b..end];
        assert!(count("gpt-4o", shared) <= 12, "{shared:?}");
        // It starts at a sentence start.
        assert!(
            shared.starts_with(" Sentence")
                || shared.starts_with(" Then")
                || shared.starts_with(" And"),
            "{shared:?}"
        );
    }
}

#[test]
fn split_random_texts_keeps_its_promises() {
    let mut rng = Rng::new(31);
    for _ in 0..200 {
        let text = random_text(&mut rng, 400);
        let size = 8 + rng.below(60) as u64;
        let overlap = rng.below(size as usize / 2) as u64;
        let model = *rng.pick(&["gpt-4o", "gpt-4", "claude-sonnet-4"]);
        let chunks = check_split(
            &text,
            model,
            size,
            if rng.below(2) == 0 { 0 } else { overlap },
        );
        for c in &chunks {
            let at = text.find(c.as_str()).unwrap();
            assert!(text.is_char_boundary(at));
        }
    }
}

#[test]
fn split_never_cuts_a_cluster_unless_it_must() {
    let family = "👨‍👩‍👧‍👦";
    let text = format!("{family} e\u{301}e\u{301} 日本語 🇫🇷🇩🇪 ").repeat(20);
    for size in [12, 20, 33] {
        let chunks = check_split(&text, "gpt-4o", size, 0);
        let mut at = 0;
        for c in &chunks {
            assert!(
                is_grapheme_boundary(&text, at),
                "cut inside a cluster at {at}"
            );
            at += c.len();
        }
    }
    // A cluster bigger than a chunk is cut between its characters.
    let chunks = check_split(&family.repeat(3), "gpt-4o", 4, 0);
    assert!(chunks.iter().all(|c| c.chars().count() >= 1));
    // A single character bigger than a chunk cannot be split: an error.
    let e = split_by_tokens("𝔘𝔘𝔘", "gpt-4o", 1, 0).unwrap_err();
    assert_eq!(e.field_name(), Some("options.chunkTokens"));
}

#[test]
fn bad_split_options_name_the_field() {
    let e = split_by_tokens("text", "gpt-4o", 0, 0).unwrap_err();
    assert_eq!(
        (e.code(), e.field_name()),
        (ErrorCode::InvalidArgument, Some("options.chunkTokens"))
    );
    let e = split_by_tokens("text", "gpt-4o", 10, 10).unwrap_err();
    assert_eq!(e.field_name(), Some("options.overlapTokens"));
    let e = split_by_tokens("text", "claude-sonnet-4", 1, 0).unwrap_err();
    assert_eq!(e.field_name(), Some("options.chunkTokens"));
    // The model that estimates, by name.
    assert!(
        e.message()
            .contains("too small for claude-sonnet-4, whose estimate"),
        "{}",
        e.message()
    );
    assert!(split_by_tokens("", "gpt-4o", 10, 0).unwrap().is_empty());
    assert_eq!(
        split_by_tokens("short", "gpt-4o", 10, 5).unwrap(),
        ["short"]
    );
}
