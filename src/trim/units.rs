//! The units [`super::trim_messages`] drops together, and in which order.

use std::collections::HashMap;

use super::messages::{Strategy, TrimOptions};
use crate::chat::Message;

/// Messages grouped into the units that are dropped together.
///
/// Before the last user message a unit is a whole turn: a user message and
/// the replies after it up to the next user message, so that what is left
/// after a drop resumes at a user message (a reply whose question is gone
/// misleads the model, and some providers reject a conversation that does
/// not open with a user turn). The messages before the first user message
/// are one unit for the same reason. From the last user message on, each
/// message is a unit of its own, so that an agent loop of many tool calls
/// answering one question can still be trimmed. A message that must be kept
/// is never part of a turn: it stands alone and the turn goes on past it, so
/// a system message inside a turn neither protects the turn nor strands its
/// later replies. A `tool` message is in the unit of the message that made
/// its call; where that is another unit, the two become one. A unit is
/// protected when any member must be kept.
pub(super) struct Units {
    pub(super) members: Vec<Vec<usize>>,
    pub(super) protected: Vec<bool>,
}

impl Units {
    pub(super) fn of(messages: &[Message], opts: &TrimOptions) -> Units {
        let last_user = messages.iter().rposition(|m| m.role == "user");
        // Without a user message there are no turns to keep whole.
        let turns_end = last_user.unwrap_or(0);
        // Provisional units, joined by a union-find where a tool message
        // answers a call made in another unit.
        let mut parent: Vec<usize> = Vec::with_capacity(messages.len());
        let mut unit_of: Vec<usize> = Vec::with_capacity(messages.len());
        let mut keep: Vec<bool> = Vec::with_capacity(messages.len());
        let mut turn: Option<usize> = None;
        // The unit of the latest message that made each call.
        let mut caller: HashMap<&str, usize> = HashMap::new();
        for (i, m) in messages.iter().enumerate() {
            let kept = (opts.keep_system && (m.role == "system" || m.role == "developer"))
                || (opts.keep_last_user && Some(i) == last_user);
            let unit = match turn {
                Some(t) if i < turns_end && !kept && m.role != "user" => t,
                _ => {
                    parent.push(parent.len());
                    parent.len() - 1
                }
            };
            if i < turns_end && !kept && (turn.is_none() || m.role == "user") {
                turn = Some(unit);
            }
            if m.role == "tool" {
                if let Some(&owner) = m.tool_call_id.as_deref().and_then(|id| caller.get(id)) {
                    let (a, b) = (root(&mut parent, owner), root(&mut parent, unit));
                    if let Some(p) = parent.get_mut(a.max(b)) {
                        *p = a.min(b);
                    }
                }
            }
            for call in &m.tool_calls {
                caller.insert(call.id.as_str(), unit);
            }
            unit_of.push(unit);
            keep.push(kept);
        }
        // Numbered in the order of their first message.
        let mut number: Vec<Option<usize>> = vec![None; parent.len()];
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut protected: Vec<bool> = Vec::new();
        for (i, (&unit, &kept)) in unit_of.iter().zip(&keep).enumerate() {
            let r = root(&mut parent, unit);
            let n = match number.get(r).copied().flatten() {
                Some(n) => n,
                None => {
                    members.push(Vec::new());
                    protected.push(false);
                    if let Some(slot) = number.get_mut(r) {
                        *slot = Some(members.len() - 1);
                    }
                    members.len() - 1
                }
            };
            if let Some(list) = members.get_mut(n) {
                list.push(i);
            }
            if let Some(p) = protected.get_mut(n) {
                *p |= kept;
            }
        }
        Units { members, protected }
    }
}

/// The representative of provisional unit `u` (path halving).
fn root(parent: &mut [usize], mut u: usize) -> usize {
    while let Some(&p) = parent.get(u) {
        if p == u {
            break;
        }
        let grand = parent.get(p).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(u) {
            *slot = grand;
        }
        u = grand;
    }
    u
}

/// The order in which the `n` droppable units (oldest first) are dropped.
pub(super) fn drop_order(n: usize, strategy: Strategy) -> Vec<usize> {
    match strategy {
        Strategy::DropOldest => (0..n).collect(),
        Strategy::DropMiddle => {
            // A gap [lo, hi) opens in the middle and widens on the side that
            // keeps more, the older side on a tie.
            let mut order = Vec::with_capacity(n);
            let (mut lo, mut hi) = (n / 2, n / 2);
            while order.len() < n {
                let (head, tail) = (lo, n - hi);
                if (head >= tail && lo > 0) || hi == n {
                    lo -= 1;
                    order.push(lo);
                } else {
                    order.push(hi);
                    hi += 1;
                }
            }
            order
        }
    }
}
