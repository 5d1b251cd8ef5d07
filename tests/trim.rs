//! Trimming, truncation, packing and splitting: every promise, checked by
//! counting the results again with the public counting functions.

mod common;

use std::collections::BTreeSet;

use common::{random_text, Rng};
use serde_json::{json, Value};
use tokenmeter::chat::{self, parse_messages, parse_tools, Content, Message, Part, Tool};
use tokenmeter::internals::tokenizer_calls;
use tokenmeter::trim::{
    self, is_grapheme_boundary, Keep, OnOverflow, PackMode, Strategy, TrimOptions, Trimmed,
    DEFAULT_MARKER,
};
use tokenmeter::{Catalogue, ErrorCode, Result, Tokenizer};

// ---- the API with the bundled catalogue, and models by name ------------------

fn tokenizer(model: &str) -> Result<Tokenizer> {
    Catalogue::bundled().tokenizer(model)
}

fn count_chat_tokens(model: &str, messages: &[Message], tools: &[Tool]) -> Result<usize> {
    chat::count_chat_tokens(&tokenizer(model)?, model, messages, tools)
}

fn trim_messages(messages: &[Message], opts: &TrimOptions) -> Result<Trimmed> {
    trim::trim_messages(Catalogue::bundled(), messages, opts)
}

fn truncate_text(text: &str, max: u64, model: &str, keep: Keep, marker: &str) -> Result<String> {
    trim::truncate_text(text, max, &tokenizer(model)?, keep, marker)
}

fn select_chunks<S: AsRef<str>>(
    chunks: &[S],
    model: &str,
    budget: u64,
    separator: &str,
    mode: PackMode,
) -> Result<trim::Selection> {
    trim::select_chunks(chunks, &tokenizer(model)?, budget, separator, mode)
}

fn split_by_tokens(text: &str, model: &str, chunk: u64, overlap: u64) -> Result<Vec<String>> {
    trim::split_by_tokens(text, &tokenizer(model)?, Some(model), chunk, overlap)
}

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
/// followed by their results, some of which come later, after other turns.
fn random_history(rng: &mut Rng, n: usize) -> Value {
    let mut out = Vec::new();
    let mut call = 0;
    let mut pending: Vec<String> = Vec::new();
    if rng.below(3) > 0 {
        out.push(json!({"role": "system", "content": text_of(rng)}));
    }
    while out.len() < n {
        if !pending.is_empty() && rng.below(5) == 0 {
            let id = pending.remove(rng.below(pending.len()));
            out.push(json!({"role": "tool", "tool_call_id": id, "content": text_of(rng)}));
            continue;
        }
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
                    if rng.below(5) == 0 {
                        pending.push(id);
                    } else {
                        out.push(
                            json!({"role": "tool", "tool_call_id": id, "content": text_of(rng)}),
                        );
                    }
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

/// Whether message `i` must be kept.
fn must_keep(messages: &[Message], opts: &TrimOptions, i: usize) -> bool {
    (opts.keep_system && is_system(&messages[i]))
        || (opts.keep_last_user && Some(i) == messages.iter().rposition(|m| m.role == "user"))
}

/// The units trim_messages drops whole, in the order of their first
/// message, as its documentation states them: before the last user
/// message, a user message with the replies after it up to the next user
/// message (those before the first user message together), less the
/// messages that must be kept, which stand alone; from the last user
/// message on (everywhere, without a user message), each message alone; and
/// a tool message with the message that made its call. With each unit,
/// whether it is protected.
fn trim_units(messages: &[Message], opts: &TrimOptions) -> Vec<(Vec<usize>, bool)> {
    let n = messages.len();
    let end = messages.iter().rposition(|m| m.role == "user").unwrap_or(0);
    let mut label: Vec<usize> = (0..n)
        .map(|i| {
            if i >= end || must_keep(messages, opts, i) {
                return i;
            }
            // The turn's user message; before the first, the first message
            // that may be dropped.
            (0..=i)
                .rev()
                .find(|&j| messages[j].role == "user")
                .unwrap_or_else(|| (0..=i).find(|&j| !must_keep(messages, opts, j)).unwrap())
        })
        .collect();
    for t in 0..n {
        if messages[t].role != "tool" {
            continue;
        }
        let id = messages[t].tool_call_id.as_deref().unwrap();
        if let Some(a) = (0..t)
            .rev()
            .find(|&a| messages[a].tool_calls.iter().any(|c| c.id == id))
        {
            let (from, to) = (label[t], label[a]);
            for l in label.iter_mut() {
                if *l == from {
                    *l = to;
                }
            }
        }
    }
    let mut units: Vec<(Vec<usize>, bool)> = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    for i in 0..n {
        let members: Vec<usize> = (0..n).filter(|&j| label[j] == label[i]).collect();
        if seen.contains(&members[0]) {
            continue;
        }
        seen.push(members[0]);
        let protected = members.iter().any(|&j| must_keep(messages, opts, j));
        units.push((members, protected));
    }
    units
}

/// The order in which `n` droppable units are dropped: the oldest first, or
/// a gap opening in the middle and widening on the side that keeps more
/// (the older side on a tie).
fn drop_order(n: usize, strategy: Strategy) -> Vec<usize> {
    if strategy == Strategy::DropOldest {
        return (0..n).collect();
    }
    let (mut lo, mut hi, mut order) = (n / 2, n / 2, Vec::new());
    while order.len() < n {
        if (lo >= n - hi && lo > 0) || hi == n {
            lo -= 1;
            order.push(lo);
        } else {
            order.push(hi);
            hi += 1;
        }
    }
    order
}

/// The first of the messages after a dropped one that is kept and is not a
/// system or developer message, where it is not a user message and comes
/// before the last user message: where the conversation would resume with
/// a reply whose question is gone.
fn stranded_reply(messages: &[Message], dropped: &BTreeSet<usize>) -> Option<usize> {
    let last_user = messages.iter().rposition(|m| m.role == "user")?;
    dropped.iter().find_map(|&d| {
        let k =
            (d + 1..messages.len()).find(|&k| !dropped.contains(&k) && !is_system(&messages[k]))?;
        (k < last_user && messages[k].role != "user").then_some(k)
    })
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
    // The conversation resumes at a question; tool units whole, and turns.
    if let Some(k) = stranded_reply(messages, &dropped_set) {
        return Err(format!(
            "the conversation resumes at message {k} ({}) after a drop",
            messages[k].role
        ));
    }
    for &i in &kept {
        for j in unit_of(messages, i) {
            if !kept_set.contains(&j) {
                return Err(format!("message {i} kept but {j} of its tool unit dropped"));
            }
        }
    }
    let units = trim_units(messages, opts);
    for (members, _) in &units {
        if members.iter().any(|j| kept_set.contains(j))
            && members.iter().any(|j| dropped_set.contains(j))
        {
            return Err(format!("unit {members:?} only partly dropped"));
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
        for (members, protected) in &units {
            if !protected && kept_set.contains(&members[0]) {
                return Err(format!(
                    "truncated while unit {members:?} could still be dropped"
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
    // Fewest drops: the dropped units are the first ones of the strategy's
    // order, and putting back the last of them would not fit.
    let droppable: Vec<&Vec<usize>> = units.iter().filter(|u| !u.1).map(|u| &u.0).collect();
    let order = drop_order(droppable.len(), opts.strategy);
    let gone = droppable
        .iter()
        .filter(|u| dropped_set.contains(&u[0]))
        .count();
    for &u in &order[..gone] {
        if !dropped_set.contains(&droppable[u][0]) {
            return Err(format!(
                "unit {:?} dropped out of the strategy's order",
                droppable[u]
            ));
        }
    }
    if r.truncated.is_empty() && gone > 0 {
        let mut more = kept_set.clone();
        more.extend(droppable[order[gone - 1]]);
        let summary = if more.len() < n {
            opts.summary.as_deref()
        } else {
            None
        };
        let back =
            count_chat_tokens(model, &assemble(messages, &more, summary), &opts.tools).unwrap();
        if back as u64 + opts.reserve_output_tokens <= window {
            return Err(format!(
                "dropped one unit too many: putting back {:?} gives {back}",
                droppable[order[gone - 1]]
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
                                    // Trims that dropped a turn with a reply kept after it before the last
                                    // question, where the conversation must resume at a user message.
    let mut resumed = 0;
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
                let last_user = messages.iter().rposition(|m| m.role == "user");
                if r.dropped.iter().any(|&d| {
                    r.sources.iter().flatten().any(|&k| {
                        k > d && last_user.is_some_and(|l| k < l) && !is_system(&messages[k])
                    })
                }) {
                    resumed += 1;
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
                let keep: BTreeSet<usize> = trim_units(&messages, &opts)
                    .into_iter()
                    .filter(|u| u.1)
                    .flat_map(|u| u.0)
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
    eprintln!("untouched, dropped, truncated, overflow errors: {outcomes:?}; resumed before the last question: {resumed}");
    assert!(resumed > 20, "{resumed}");
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

// ---- truncate_text ---------------------------------------------------------------------

fn count(model: &str, text: &str) -> usize {
    tokenizer(model).unwrap().count_ordinary(text)
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
    assert_eq!(e.field_name(), Some("chunkTokens"));
}

#[test]
fn bad_split_options_name_the_field() {
    let e = split_by_tokens("text", "gpt-4o", 0, 0).unwrap_err();
    assert_eq!(
        (e.code(), e.field_name()),
        (ErrorCode::InvalidArgument, Some("chunkTokens"))
    );
    let e = split_by_tokens("text", "gpt-4o", 10, 10).unwrap_err();
    assert_eq!(e.field_name(), Some("overlapTokens"));
    let e = split_by_tokens("text", "claude-sonnet-4", 1, 0).unwrap_err();
    assert_eq!(e.field_name(), Some("chunkTokens"));
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
