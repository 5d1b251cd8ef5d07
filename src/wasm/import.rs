//! `importCatalogue` and `Catalogue#import`: a community price map into the
//! default catalogue or into a `Catalogue` of one's own.

use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::catalogue::{split_target, JsCatalogue};
use super::convert::{json, to_js, typed, JsResult};
use crate::catalogue::import::{Format, ImportOptions, Prefer};
use crate::error::Error;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Options {
    format: Option<Value>,
    prefer: Option<Value>,
}

/// `{ format, prefer? }`, each named where it is wrong.
fn options(rest: &JsValue) -> Result<ImportOptions, Error> {
    let o: Options = typed(rest, "options")?;
    let text = |v: Option<Value>, field: &str| -> Result<Option<String>, Error> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(Error::invalid(field, "must be a string")),
        }
    };
    let format = text(o.format, "options.format")?.ok_or_else(|| {
        Error::invalid(
            "options.format",
            format!("is required: one of {}", Format::NAMES.join(", ")),
        )
    })?;
    let prefer = text(o.prefer, "options.prefer")?
        .map(|p| Prefer::parse(&p, "options.prefer"))
        .transpose()?
        .unwrap_or_default();
    Ok(ImportOptions {
        format: Format::parse(&format, "options.format")?,
        prefer,
    })
}

/// The map as JSON; a NaN or an infinity in it is its entry's fault.
fn data(value: &JsValue) -> Result<Value, Error> {
    Ok(json(value, "data")?.named_non_finite())
}

/// Imports a price map (LiteLLM, OpenRouter, genai-prices, models.dev) into
/// `options.catalogue`, or into the default catalogue, which every call
/// without `{ catalogue }` in this JS realm uses (the whole isolate in a
/// Worker), as `registerModels` does.
#[wasm_bindgen(js_name = importCatalogue)]
pub fn import_catalogue(value: JsValue, opts: JsValue) -> JsResult<JsValue> {
    // Everything that runs script (getters, proxies, JSON.stringify) runs
    // before the catalogue is borrowed.
    let (target, rest) = split_target(&opts)?;
    let options = options(&rest)?;
    let data = data(&value)?;
    let report = target.apply(|c| c.import(&data, &options))??;
    to_js(&report)
}

#[wasm_bindgen(js_class = Catalogue)]
impl JsCatalogue {
    /// Imports a price map into this catalogue only.
    pub fn import(&self, value: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let options = options(&opts)?;
        let data = data(&value)?;
        let report = self.with_mut(|c| c.import(&data, &options))??;
        to_js(&report)
    }
}
