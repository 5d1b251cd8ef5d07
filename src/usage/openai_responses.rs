//! OpenAI Responses API: `usage.input_tokens` counts cached tokens too;
//! reasoning is part of `output_tokens`.

use serde_json::{Map, Value};

use super::{at, usage_object, Format};
use crate::cost::Usage;
use crate::error::Result;

pub const FORMAT: Format = Format {
    name: "openai-responses",
    detect: |reply| {
        let u = usage_object(reply);
        u.contains_key("input_tokens") || u.contains_key("output_tokens")
    },
    read,
};

fn read(reply: &Map<String, Value>) -> Result<Usage> {
    let u = usage_object(reply);
    Ok(Usage {
        input_tokens: at(u, "input_tokens")?,
        output_tokens: at(u, "output_tokens")?,
        cached_input_tokens: at(u, "input_tokens_details/cached_tokens")?,
        reasoning_tokens: at(u, "output_tokens_details/reasoning_tokens")?,
        ..Usage::default()
    })
}
