//! Shared by the trim tests: the trim API with the bundled catalogue and
//! models by name, a random valid history, and a short conversation.

use serde_json::{json, Value};
use tokenmeter::chat::{self, parse_messages, Message, Tool};
use tokenmeter::trim::{self, Keep, PackMode, TrimOptions, Trimmed};
use tokenmeter::{Catalogue, Result, Tokenizer};

use super::{random_text, Rng};

pub fn tokenizer(model: &str) -> Result<Tokenizer> {
    Catalogue::bundled().tokenizer(model)
}

pub fn count_chat_tokens(model: &str, messages: &[Message], tools: &[Tool]) -> Result<usize> {
    chat::count_chat_tokens(&tokenizer(model)?, model, messages, tools)
}

pub fn trim_messages(messages: &[Message], opts: &TrimOptions) -> Result<Trimmed> {
    trim::trim_messages(Catalogue::bundled(), messages, opts)
}

pub fn truncate_text(
    text: &str,
    max: u64,
    model: &str,
    keep: Keep,
    marker: &str,
) -> Result<String> {
    trim::truncate_text(text, max, &tokenizer(model)?, keep, marker)
}

pub fn select_chunks<S: AsRef<str>>(
    chunks: &[S],
    model: &str,
    budget: u64,
    separator: &str,
    mode: PackMode,
) -> Result<trim::Selection> {
    trim::select_chunks(chunks, &tokenizer(model)?, budget, separator, mode)
}

pub fn split_by_tokens(text: &str, model: &str, chunk: u64, overlap: u64) -> Result<Vec<String>> {
    trim::split_by_tokens(text, &tokenizer(model)?, Some(model), chunk, overlap)
}

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
pub fn random_history(rng: &mut Rng, n: usize) -> Value {
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

/// A system prompt and three questions, the first two answered.
pub fn conversation() -> Vec<Message> {
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
