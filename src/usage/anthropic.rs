//! Anthropic Messages: `usage.input_tokens` leaves out cache reads and
//! writes, which are added back here; `cache_creation` splits the writes
//! by lifetime.

use serde_json::{Map, Value};

use super::{at, usage_object, Format};
use crate::cost::Usage;
use crate::error::Result;

pub const FORMAT: Format = Format {
    name: "anthropic",
    detect: |reply| {
        let u = usage_object(reply);
        u.contains_key("cache_creation_input_tokens")
            || u.contains_key("cache_read_input_tokens")
            || reply.get("type").and_then(Value::as_str) == Some("message")
    },
    read,
};

fn read(reply: &Map<String, Value>) -> Result<Usage> {
    let u = usage_object(reply);
    let read = at(u, "cache_read_input_tokens")?;
    let write = at(u, "cache_creation_input_tokens")?;
    let one_hour = match u
        .get("cache_creation")
        .and_then(|c| c.get("ephemeral_1h_input_tokens"))
    {
        None => None,
        Some(_) => Some(at(u, "cache_creation/ephemeral_1h_input_tokens")?),
    };
    Ok(Usage {
        input_tokens: at(u, "input_tokens")? + read + write,
        output_tokens: at(u, "output_tokens")?,
        cached_input_tokens: read,
        cache_write_tokens: write,
        cache_write_1h_tokens: one_hour,
        ..Usage::default()
    })
}
