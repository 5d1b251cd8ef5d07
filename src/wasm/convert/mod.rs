//! Value and error conversion between JavaScript and the Rust API: errors
//! out (`errors`), arguments in and results out (`args`), JSON-shaped
//! arguments with their NaNs named (`json`), message copies (`copy`), and
//! the JavaScript helpers these call (`js`).

mod args;
mod copy;
mod errors;
mod js;
mod json;

pub use args::{count, object, string, string_fields, to_js, MAX_INPUT_BYTES};
pub use copy::with_texts;
pub use errors::{entry_points_of, in_options, JsResult};
pub use json::{json, typed, Json};
