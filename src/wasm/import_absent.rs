//! `importCatalogue` and `Catalogue#import` in a build without the `import`
//! feature (tokenmeter/o200k, kept small for counting): the same names, so
//! that a caller gets a coded error naming the entry points that carry the
//! price-map readers rather than "is not a function".

use wasm_bindgen::prelude::*;

use super::catalogue::JsCatalogue;
use super::convert::JsResult;
use crate::error::Error;

fn absent() -> JsValue {
    Error::feature_not_bundled("options.format", "importing a price map", "import").into()
}

#[wasm_bindgen(js_name = importCatalogue)]
pub fn import_catalogue(_value: JsValue, _opts: JsValue) -> JsResult<JsValue> {
    Err(absent())
}

#[wasm_bindgen(js_class = Catalogue)]
impl JsCatalogue {
    pub fn import(&self, _value: JsValue, _opts: JsValue) -> JsResult<JsValue> {
        Err(absent())
    }
}
