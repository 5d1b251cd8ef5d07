//! trim_messages' rules as its documentation states them, restated here
//! independently of src/trim: which messages go together as a unit, which
//! are protected, the order in which units go, where a conversation would
//! resume with a reply whose question is gone, and the request a choice of
//! kept messages makes. The trim tests check results against these.

use std::collections::BTreeSet;

use tokenmeter::chat::{Content, Message, Part};
use tokenmeter::trim::{Strategy, TrimOptions};

pub fn is_system(m: &Message) -> bool {
    m.role == "system" || m.role == "developer"
}

/// The members of the unit that message `i` belongs to (an assistant with
/// tool calls and the tool messages answering it; else `i` alone).
pub fn unit_of(messages: &[Message], i: usize) -> Vec<usize> {
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
pub fn must_keep(messages: &[Message], opts: &TrimOptions, i: usize) -> bool {
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
pub fn trim_units(messages: &[Message], opts: &TrimOptions) -> Vec<(Vec<usize>, bool)> {
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
pub fn drop_order(n: usize, strategy: Strategy) -> Vec<usize> {
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
pub fn stranded_reply(messages: &[Message], dropped: &BTreeSet<usize>) -> Option<usize> {
    let last_user = messages.iter().rposition(|m| m.role == "user")?;
    dropped.iter().find_map(|&d| {
        let k =
            (d + 1..messages.len()).find(|&k| !dropped.contains(&k) && !is_system(&messages[k]))?;
        (k < last_user && messages[k].role != "user").then_some(k)
    })
}

pub fn texts(m: &Message) -> Vec<String> {
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
pub fn assemble(
    messages: &[Message],
    keep: &BTreeSet<usize>,
    summary: Option<&str>,
) -> Vec<Message> {
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
