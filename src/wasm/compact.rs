//! compactContext.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::catalogue::split_catalogue;
use super::convert::{in_options, json, string, to_js, typed, JsResult};
use crate::compact::{self, CompactOptions, Compacted, Kind, Level};
use crate::error::Error;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CompactOptionsJs {
    model: Option<String>,
    encoding: Option<String>,
    kind: Option<String>,
    level: Option<String>,
    keep: Option<Vec<String>>,
}

fn options(opts: &JsValue) -> Result<CompactOptions, Error> {
    let o: CompactOptionsJs = if opts.is_undefined() || opts.is_null() {
        CompactOptionsJs::default()
    } else {
        typed(opts, "options")?
    };
    let kind = match o.kind.as_deref() {
        None => Kind::default(),
        Some(k) => Kind::parse_field(k, "options.kind")?,
    };
    let level = match o.level.as_deref() {
        None => Level::default(),
        Some(l) => Level::parse_field(l, "options.level")?,
    };
    Ok(CompactOptions {
        model: o.model,
        encoding: o.encoding,
        kind,
        level,
        keep: o.keep.unwrap_or_default(),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PassJs {
    name: &'static str,
    saved_tokens: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CompactedJs {
    text: String,
    kind: &'static str,
    tokens_before: usize,
    tokens_after: usize,
    saved_tokens: usize,
    saved_percent: f64,
    passes: Vec<PassJs>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aliases: Option<std::collections::BTreeMap<String, String>>,
}

fn result(c: Compacted, level: Level) -> CompactedJs {
    CompactedJs {
        text: c.text,
        kind: c.kind.as_str(),
        tokens_before: c.tokens_before,
        tokens_after: c.tokens_after,
        saved_tokens: c.saved_tokens,
        saved_percent: c.saved_percent,
        passes: c
            .passes
            .into_iter()
            .map(|p| PassJs {
                name: p.name,
                saved_tokens: p.saved_tokens,
            })
            .collect(),
        aliases: (level == Level::Lossy).then(|| c.aliases.into_iter().collect()),
    }
}

/// `{ text, kind, tokensBefore, tokensAfter, savedTokens, savedPercent,
/// passes, aliases? }`. A string is compacted as the kind given or
/// detected; any other value is JSON data, serialised first.
#[wasm_bindgen(js_name = compactContext)]
pub fn compact_context(input: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let (catalogue, rest) = split_catalogue(&opts)?;
    let opts = options(&rest)?;
    let level = opts.level;
    let keys = ["kind", "model", "encoding"];
    let c = if input.is_string() {
        let text = string(&input, "input")?;
        compact::compact_context(&catalogue, &text, &opts).map_err(|e| in_options(e, &keys))?
    } else if input.is_undefined() {
        return Err(Error::invalid("input", "is required: a string or JSON data").into());
    } else {
        // Checked as every JSON argument is (NaN and cycles named), then
        // compacted as JSON.stringify writes it, in the object's key order.
        json(&input, "input")?.finite()?;
        let text = js_sys::JSON::stringify(&input)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| Error::invalid("input", "is not JSON-serialisable"))?;
        let opts = CompactOptions {
            kind: Kind::Json,
            ..opts
        };
        compact::compact_context(&catalogue, &text, &opts).map_err(|e| in_options(e, &keys))?
    };
    to_js(&result(c, level))
}
