//! Trimming always fits when it says it does, keeps order, every system
//! message (not only the first) and the last user message, never strands a
//! reply before the last user message (the conversation after a drop resumes
//! at a user message), never separates a tool call from its result, or fails
//! with a coded error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenmeter::chat::{count_chat_tokens, Message, ToolCall};
use tokenmeter::Catalogue;
use tokenmeter::trim::{trim_messages, Strategy, TrimOptions};

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let window = u64::from(u16::from_le_bytes([data[0], data[1]])) + 1;
    let reserve = u64::from(data[2]) % (window + 1);
    let strategy = if data[3] & 1 == 0 { Strategy::DropOldest } else { Strategy::DropMiddle };
    let keep_system = data[3] & 2 == 0;
    let keep_last_user = data[3] & 4 == 0;
    let text = String::from_utf8_lossy(&data[4..]);
    // Each part's first character picks its role: '#' a tool call, '!' the
    // result of the oldest open call (perhaps several turns later), '^' a
    // system message, '~' an assistant; otherwise users and assistants take
    // turns.
    let mut messages = vec![Message::new("system", "Be brief.")];
    let mut open: Vec<String> = Vec::new();
    for (i, part) in text.split('|').enumerate().take(64) {
        let message = match part.chars().next() {
            Some('#') => {
                let id = format!("call_{i}");
                open.push(id.clone());
                let mut m = Message::new("assistant", "");
                m.tool_calls.push(ToolCall {
                    id,
                    name: "lookup".into(),
                    arguments: part.into(),
                });
                m
            }
            Some('!') if !open.is_empty() => {
                let mut m = Message::new("tool", part);
                m.tool_call_id = Some(open.remove(0));
                m
            }
            Some('^') => Message::new("system", part),
            Some('~') => Message::new("assistant", part),
            _ => Message::new(if i % 2 == 0 { "user" } else { "assistant" }, part),
        };
        messages.push(message);
    }
    let mut opts = TrimOptions::new("gpt-4o");
    opts.max_context_tokens = Some(window);
    opts.reserve_output_tokens = reserve;
    opts.strategy = strategy;
    opts.keep_system = keep_system;
    opts.keep_last_user = keep_last_user;
    match trim_messages(Catalogue::bundled(), &messages, &opts) {
        Ok(r) => {
            let n = count_chat_tokens(&Catalogue::bundled().tokenizer("gpt-4o").unwrap(), "gpt-4o", &r.messages, &[]).unwrap() as u64;
            assert_eq!(n, r.input_tokens as u64);
            if r.fits {
                assert!(n + reserve <= window, "{n} + {reserve} > {window}");
            }
            let kept: Vec<usize> = r.sources.iter().flatten().copied().collect();
            assert!(kept.windows(2).all(|w| w[0] < w[1]), "order: {kept:?}");
            let last_user = messages.iter().rposition(|m| m.role == "user");
            if keep_system {
                let systems: Vec<usize> = (0..messages.len()).filter(|&i| messages[i].role == "system").collect();
                for i in systems {
                    assert!(kept.contains(&i), "system message {i} dropped: kept {kept:?}");
                }
            }
            // A kept tool result keeps the call it answers, and the reverse.
            for (i, m) in messages.iter().enumerate() {
                if let Some(id) = &m.tool_call_id {
                    let call = messages.iter().position(|c| c.tool_calls.iter().any(|t| &t.id == id));
                    if let Some(c) = call {
                        assert_eq!(kept.contains(&i), kept.contains(&c), "call {c} and its result {i}: kept {kept:?}");
                    }
                }
            }
            if keep_last_user {
                assert!(last_user.is_none_or(|l| kept.contains(&l)), "last user dropped");
            }
            // After a drop, the first kept message that is not a system
            // message is a user message, unless it comes at or after the
            // last user message.
            let is_system = |m: &Message| m.role == "system" || m.role == "developer";
            for &d in &r.dropped {
                let next = (d + 1..messages.len())
                    .find(|&k| !r.dropped.contains(&k) && !is_system(&messages[k]));
                if let (Some(k), Some(l)) = (next, last_user) {
                    assert!(
                        k >= l || messages[k].role == "user",
                        "message {d} dropped, the conversation resumes at {k} ({}); dropped {:?}",
                        messages[k].role,
                        r.dropped
                    );
                }
            }
        }
        Err(e) => assert!(matches!(e.code().as_str(), "CONTEXT_OVERFLOW" | "INVALID_ARGUMENT"), "{e}"),
    }
});
