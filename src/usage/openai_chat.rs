//! OpenAI Chat Completions (and the hosts that answer in its shape):
//! `usage.prompt_tokens` counts cached tokens too; reasoning is part of
//! `completion_tokens`.

use serde_json::{Map, Value};

use super::{at, usage_object, Format};
use crate::cost::Usage;
use crate::error::Result;

pub const FORMAT: Format = Format {
    name: "openai-chat",
    detect: |reply| {
        let u = usage_object(reply);
        u.contains_key("prompt_tokens") || u.contains_key("completion_tokens")
    },
    read,
};

fn read(reply: &Map<String, Value>) -> Result<Usage> {
    let u = usage_object(reply);
    Ok(Usage {
        input_tokens: at(u, "prompt_tokens")?,
        output_tokens: at(u, "completion_tokens")?,
        cached_input_tokens: at(u, "prompt_tokens_details/cached_tokens")?,
        reasoning_tokens: at(u, "completion_tokens_details/reasoning_tokens")?,
        ..Usage::default()
    })
}
