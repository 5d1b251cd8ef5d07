//! trim_messages against its documentation, on random histories: every
//! result is counted again with the public counting functions and checked
//! against an independent statement of each promise (what is kept, which
//! units go whole and in which order, where the summary goes, what may be
//! cut, and that no more is dropped than needed).

mod common;

use std::collections::BTreeSet;

use common::trim::{count_chat_tokens, random_history, trim_messages};
use common::trim_rules::{
    assemble, drop_order, is_system, stranded_reply, texts, trim_units, unit_of,
};
use common::{random_text, Rng};
use serde_json::json;
use tokenmeter::chat::{parse_messages, parse_tools, Message, Tool};
use tokenmeter::trim::{
    is_grapheme_boundary, OnOverflow, Strategy, TrimOptions, Trimmed, DEFAULT_MARKER,
};
use tokenmeter::{Error, ErrorCode};

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

/// The input messages a trim result kept (in output order, and as a set)
/// and dropped.
struct Kept {
    order: Vec<usize>,
    set: BTreeSet<usize>,
    dropped: BTreeSet<usize>,
}

/// Checks every promise of a trim result; returns a description of the
/// first broken one.
fn check_promises(
    messages: &[Message],
    opts: &TrimOptions,
    window: u64,
    r: &Trimmed,
) -> Result<(), String> {
    check_count_and_fit(opts, window, r)?;
    let kept = check_partition(messages.len(), r)?;
    check_protected(messages, opts, &kept)?;
    let units = trim_units(messages, opts);
    check_whole_units(messages, &units, &kept)?;
    check_summary_place(messages, opts, window, r, &kept)?;
    check_changes(messages, opts, r)?;
    check_truncation_last(opts, r, &units, &kept)?;
    check_fewest_drops(messages, opts, window, r, &units, &kept)
}

/// The reported count is the count of the result, and `fits` says whether
/// it and the reserve fit the window.
fn check_count_and_fit(opts: &TrimOptions, window: u64, r: &Trimmed) -> Result<(), String> {
    let recount = count_chat_tokens(opts.model.as_str(), &r.messages, &opts.tools).unwrap();
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
    Ok(())
}

/// Order, and a partition of the `n` input messages into kept and dropped.
fn check_partition(n: usize, r: &Trimmed) -> Result<Kept, String> {
    let order: Vec<usize> = r.sources.iter().flatten().copied().collect();
    if order.windows(2).any(|w| w[0] >= w[1]) {
        return Err(format!("order not kept: {order:?}"));
    }
    let set: BTreeSet<usize> = order.iter().copied().collect();
    let dropped: BTreeSet<usize> = r.dropped.iter().copied().collect();
    if r.dropped.windows(2).any(|w| w[0] >= w[1]) {
        return Err("dropped is not ascending".into());
    }
    if set.intersection(&dropped).next().is_some() || set.len() + dropped.len() != n {
        return Err(format!(
            "kept {order:?} and dropped {:?} do not partition 0..{n}",
            r.dropped
        ));
    }
    Ok(Kept {
        order,
        set,
        dropped,
    })
}

/// Protected messages are kept.
fn check_protected(messages: &[Message], opts: &TrimOptions, kept: &Kept) -> Result<(), String> {
    let last_user = messages.iter().rposition(|m| m.role == "user");
    for (i, m) in messages.iter().enumerate() {
        if opts.keep_system && is_system(m) && !kept.set.contains(&i) {
            return Err(format!("system message {i} dropped"));
        }
        if opts.keep_last_user && Some(i) == last_user && !kept.set.contains(&i) {
            return Err(format!("last user message {i} dropped"));
        }
    }
    Ok(())
}

/// The conversation resumes at a question; tool units whole, and turns.
fn check_whole_units(
    messages: &[Message],
    units: &[(Vec<usize>, bool)],
    kept: &Kept,
) -> Result<(), String> {
    if let Some(k) = stranded_reply(messages, &kept.dropped) {
        return Err(format!(
            "the conversation resumes at message {k} ({}) after a drop",
            messages[k].role
        ));
    }
    for &i in &kept.order {
        for j in unit_of(messages, i) {
            if !kept.set.contains(&j) {
                return Err(format!("message {i} kept but {j} of its tool unit dropped"));
            }
        }
    }
    for (members, _) in units {
        if members.iter().any(|j| kept.set.contains(j))
            && members.iter().any(|j| kept.dropped.contains(j))
        {
            return Err(format!("unit {members:?} only partly dropped"));
        }
    }
    Ok(())
}

/// The summary is where the dropped turns were, and left out only when it
/// does not fit.
fn check_summary_place(
    messages: &[Message],
    opts: &TrimOptions,
    window: u64,
    r: &Trimmed,
    kept: &Kept,
) -> Result<(), String> {
    let summaries: Vec<usize> = (0..r.sources.len())
        .filter(|&k| r.sources[k].is_none())
        .collect();
    if summaries.len() > 1
        || (!summaries.is_empty() && (opts.summary.is_none() || r.dropped.is_empty()))
    {
        return Err(format!("unexpected summary messages at {summaries:?}"));
    }
    if let Some(&k) = summaries.first() {
        let before = kept.order.iter().filter(|&&i| i < r.dropped[0]).count();
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
            opts.model.as_str(),
            &assemble(messages, &kept.set, opts.summary.as_deref()),
            &opts.tools,
        )
        .unwrap();
        if full as u64 + opts.reserve_output_tokens <= window {
            return Err("summary left out though it fits".into());
        }
    }
    Ok(())
}

/// Messages are the inputs, except truncated ones, which are cut with the
/// marker; the summary is the one given, or cut the same way.
fn check_changes(messages: &[Message], opts: &TrimOptions, r: &Trimmed) -> Result<(), String> {
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
            check_clean_cut(&messages[i], m, i)?;
        } else if m != &messages[i] {
            return Err(format!(
                "message {i} changed but is not listed as truncated"
            ));
        }
    }
    Ok(())
}

/// Message `i`, truncated to `m`: each text part whole, empty, or a head of
/// it ending at a cluster boundary followed by the marker; nothing else
/// changed.
fn check_clean_cut(original: &Message, m: &Message, i: usize) -> Result<(), String> {
    let (a, b) = (texts(original), texts(m));
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
    let mut same = original.clone();
    same.content = m.content.clone();
    if &same != m {
        return Err(format!("message {i}: more than its text changed"));
    }
    Ok(())
}

/// Truncation only once everything droppable is gone; not fitting only
/// with every text cut away, and never with on_overflow Error.
fn check_truncation_last(
    opts: &TrimOptions,
    r: &Trimmed,
    units: &[(Vec<usize>, bool)],
    kept: &Kept,
) -> Result<(), String> {
    if !r.truncated.is_empty() || !r.fits {
        for (members, protected) in units {
            if !protected && kept.set.contains(&members[0]) {
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
    Ok(())
}

/// Fewest drops: the dropped units are the first ones of the strategy's
/// order, and putting back the last of them would not fit.
fn check_fewest_drops(
    messages: &[Message],
    opts: &TrimOptions,
    window: u64,
    r: &Trimmed,
    units: &[(Vec<usize>, bool)],
    kept: &Kept,
) -> Result<(), String> {
    let droppable: Vec<&Vec<usize>> = units.iter().filter(|u| !u.1).map(|u| &u.0).collect();
    let order = drop_order(droppable.len(), opts.strategy);
    let gone = droppable
        .iter()
        .filter(|u| kept.dropped.contains(&u[0]))
        .count();
    for &u in &order[..gone] {
        if !kept.dropped.contains(&droppable[u][0]) {
            return Err(format!(
                "unit {:?} dropped out of the strategy's order",
                droppable[u]
            ));
        }
    }
    if r.truncated.is_empty() && gone > 0 {
        let mut more = kept.set.clone();
        more.extend(droppable[order[gone - 1]]);
        let summary = if more.len() < messages.len() {
            opts.summary.as_deref()
        } else {
            None
        };
        let back = count_chat_tokens(
            opts.model.as_str(),
            &assemble(messages, &more, summary),
            &opts.tools,
        )
        .unwrap();
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

/// A random history, random trim options for it, and the window that
/// applies (the options' own, or the catalogue's 128k for gpt-4o).
fn random_case(rng: &mut Rng) -> (Vec<Message>, TrimOptions, u64) {
    let models = ["gpt-4o", "claude-sonnet-4", "gpt-4", "gpt-3.5-turbo-0301"];
    let model = *rng.pick(&models);
    let size = rng.below(30);
    let history = random_history(rng, size);
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
    opts.summary = (rng.below(2) == 0).then(|| random_text(rng, 20));
    opts.on_overflow = if rng.below(3) == 0 {
        OnOverflow::Error
    } else {
        OnOverflow::Truncate
    };
    (messages, opts, window)
}

/// Checks a trim result of case `case`; returns its outcome (0 untouched,
/// 1 dropped, 2 truncated) and whether it dropped a turn with a reply kept
/// after it before the last question, where the conversation must resume
/// at a user message.
fn check_trimmed(
    case: usize,
    messages: &[Message],
    opts: &TrimOptions,
    window: u64,
    r: &Trimmed,
) -> (usize, bool) {
    if let Err(e) = check_promises(messages, opts, window, r) {
        panic!(
            "case {case} ({}, window {window}, reserve {}): {e}\n{opts:?}",
            opts.model, opts.reserve_output_tokens
        );
    }
    let last_user = messages.iter().rposition(|m| m.role == "user");
    let resumed = r.dropped.iter().any(|&d| {
        r.sources
            .iter()
            .flatten()
            .any(|&k| k > d && last_user.is_some_and(|l| k < l) && !is_system(&messages[k]))
    });
    let outcome = if !r.truncated.is_empty() {
        2
    } else if r.dropped.is_empty() {
        0
    } else {
        1
    };
    (outcome, resumed)
}

/// Checks an overflow error of case `case`: only with on_overflow Error,
/// naming the window, and only when there is really no way: the protected
/// messages alone are still over.
fn check_overflow(case: usize, messages: &[Message], opts: &TrimOptions, window: u64, e: &Error) {
    assert_eq!(e.code(), ErrorCode::ContextOverflow, "case {case}: {e}");
    assert_eq!(opts.on_overflow, OnOverflow::Error, "case {case}");
    assert!(e.message().contains(&window.to_string()), "{e}");
    let keep: BTreeSet<usize> = trim_units(messages, opts)
        .into_iter()
        .filter(|u| u.1)
        .flat_map(|u| u.0)
        .collect();
    let summary = if keep.len() < messages.len() {
        opts.summary.as_deref()
    } else {
        None
    };
    let least = count_chat_tokens(
        opts.model.as_str(),
        &assemble(messages, &keep, summary),
        &opts.tools,
    )
    .unwrap();
    assert!(
        least as u64 + opts.reserve_output_tokens > window,
        "case {case}: {e} but {least} fits"
    );
}

#[test]
fn every_trim_fits_and_keeps_every_promise() {
    let mut rng = Rng::new(4);
    let mut outcomes = [0usize; 4]; // untouched, dropped, truncated, overflow error
    let mut resumed = 0;
    for case in 0..600 {
        let (messages, opts, window) = random_case(&mut rng);
        match trim_messages(&messages, &opts) {
            Ok(r) => {
                let (outcome, resumes) = check_trimmed(case, &messages, &opts, window, &r);
                outcomes[outcome] += 1;
                resumed += usize::from(resumes);
            }
            Err(e) => {
                check_overflow(case, &messages, &opts, window, &e);
                outcomes[3] += 1;
            }
        }
    }
    eprintln!("untouched, dropped, truncated, overflow errors: {outcomes:?}; resumed before the last question: {resumed}");
    assert!(resumed > 20, "{resumed}");
    // The generator reaches every outcome.
    assert!(outcomes.iter().all(|&n| n > 20), "{outcomes:?}");
}
