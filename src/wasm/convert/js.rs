//! The few JavaScript functions the binding calls: serialising a value so
//! that NaN and infinities stay visible, copying a message with new texts,
//! and reading a plain options object in one call.

use wasm_bindgen::prelude::*;

// Static module functions rather than `new Function`, which Workers forbid.
#[wasm_bindgen(inline_js = r#"
export function copyWithTexts(message, texts) {
  const copy = { ...message };
  if (typeof texts === "string") {
    copy.content = texts;
  } else if (Array.isArray(texts) && Array.isArray(message.content)) {
    copy.content = message.content.map((part, j) => (typeof texts[j] === "string" ? { ...part, text: texts[j] } : part));
  }
  return copy;
}
export function stringify(value) {
  return JSON.stringify(value, function (k, v) {
    // An invalid Date's toJSON is null, which would read as "not given".
    const original = this[k];
    if (typeof original === "object" && original !== null && original.constructor === Date && Number.isNaN(original.getTime())) return "Invalid Date";
    // A Number or String object, as JSON.stringify would unbox it (by its
    // constructor: `instanceof` would run a proxy's getPrototypeOf trap).
    if (typeof v === "object" && v !== null && (v.constructor === Number || v.constructor === String)) v = v.valueOf();
    if (typeof v === "number") return Number.isFinite(v) ? v : "\0" + String(v);
    return typeof v === "string" && v.charCodeAt(0) === 0 ? "\0" + v : v;
  });
}
export function plainStringFields(value, keys) {
  try {
    if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
    const out = keys.map(() => "");
    for (const key of Object.keys(value)) {
      const i = keys.indexOf(key), v = value[key];
      if (v == null && i >= 0) continue;
      if (i < 0 || typeof v !== "string" || v === "" || v.length > 256 || v.includes("\0")) return undefined;
      out[i] = v;
    }
    return out.join("\0");
  } catch {
    return undefined; // a throwing getter or proxy: the JSON path reports it
  }
}"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    pub(super) fn stringify(value: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = copyWithTexts)]
    pub(super) fn copy_with_texts(message: &JsValue, texts: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = plainStringFields)]
    pub(super) fn plain_string_fields(value: &JsValue, keys: &JsValue) -> Option<String>;
}
