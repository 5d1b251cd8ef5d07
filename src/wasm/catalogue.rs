//! Which catalogue a call uses, and the `Catalogue` class.
//!
//! The module-level functions use the default catalogue: the bundled data
//! plus what `registerModels` added, for the whole JS realm (one per
//! isolate, page or process). A `new Catalogue()` is a copy that only the
//! calls given `{ catalogue }` see, so that two tenants of one Worker can
//! price the same id differently. This is the only mutable state of the
//! package, and it lives here, in the binding: the core takes a
//! `&Catalogue` wherever it resolves a model.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::convert::{json, string, to_js, typed, JsResult};
use crate::catalogue::{Catalogue, RawModel};
use crate::error::{Error, ErrorCode};
use crate::time::Instant;

thread_local! {
    static DEFAULT: RefCell<Rc<Catalogue>> = RefCell::new(Rc::new(Catalogue::bundled().clone()));
    /// Each live `Catalogue` object's handle, mapped to its slot.
    static HANDLES: js_sys::WeakMap = js_sys::WeakMap::new();
    static SLOTS: RefCell<Vec<Option<Rc<Catalogue>>>> = const { RefCell::new(Vec::new()) };
}

/// The default catalogue, as it stands now.
pub fn default_catalogue() -> Rc<Catalogue> {
    DEFAULT.with_borrow(Rc::clone)
}

/// The instant of an `at` option: a `Date` (which reaches here as its ISO
/// string), an ISO 8601 string, or milliseconds since the epoch; now when
/// absent.
pub fn instant(at: Option<&Value>, field: &str) -> Result<Instant, Error> {
    match at {
        None | Some(Value::Null) => Instant::from_ms(js_sys::Date::now(), field),
        Some(Value::String(s)) => Instant::parse(s, field),
        Some(Value::Number(n)) => Instant::from_ms(n.as_f64().unwrap_or(f64::NAN), field),
        Some(_) => Err(Error::invalid(
            field,
            "must be a Date, an ISO 8601 date string or milliseconds since 1970",
        )),
    }
}

/// Splits `options.catalogue` off an options object: the catalogue it names
/// (the default one when absent), and the other options, for the reader of
/// the call's own options. A value that is not a live `Catalogue` is an
/// error: a forged handle cannot reach another tenant's prices.
pub fn split_catalogue(opts: &JsValue) -> Result<(Rc<Catalogue>, JsValue), Error> {
    let taken = take_key(opts, "catalogue")
        .map_err(|_| Error::invalid("options", "could not be read (a getter or proxy threw)"))?;
    let Some(pair) = taken.dyn_ref::<js_sys::Array>() else {
        return Ok((default_catalogue(), opts.clone()));
    };
    let (given, rest) = (pair.get(0), pair.get(1));
    if given.is_undefined() || given.is_null() {
        return Ok((default_catalogue(), rest));
    }
    Ok((scoped(&given)?, rest))
}

fn scoped(given: &JsValue) -> Result<Rc<Catalogue>, Error> {
    let slot = slot_of(given)?;
    SLOTS
        .with_borrow(|slots| slots.get(slot).cloned().flatten())
        .ok_or_else(not_a_catalogue)
}

fn not_a_catalogue() -> Error {
    Error::invalid(
        "options.catalogue",
        "must be a Catalogue (new Catalogue()) that has not been freed",
    )
}

/// The slot of the `Catalogue` object `given`, by its handle.
fn slot_of(given: &JsValue) -> Result<usize, Error> {
    let handle =
        js_sys::Reflect::get(given, &JsValue::from_str("handle")).map_err(|_| not_a_catalogue())?;
    if !handle.is_object() {
        return Err(not_a_catalogue());
    }
    let slot = HANDLES.with(|h| h.get(handle.unchecked_ref()));
    Ok(slot.as_f64().ok_or_else(not_a_catalogue)? as usize)
}

#[cfg(feature = "import")]
/// The catalogue a call that changes one changes (importCatalogue): the
/// default one, or a `Catalogue` object's.
pub enum Target {
    Default,
    Slot(usize),
}

#[cfg(feature = "import")]
impl Target {
    /// Runs `f` on the catalogue. `f` must not call into JavaScript: the
    /// catalogue is borrowed while it runs, and a script that called back
    /// into the module would find it borrowed.
    pub fn apply<T>(&self, f: impl FnOnce(&mut Catalogue) -> T) -> Result<T, Error> {
        match self {
            Target::Default => Ok(DEFAULT.with_borrow_mut(|c| f(Rc::make_mut(c)))),
            Target::Slot(slot) => SLOTS.with_borrow_mut(|slots| match slots.get_mut(*slot) {
                Some(Some(c)) => Ok(f(Rc::make_mut(c))),
                _ => Err(not_a_catalogue()),
            }),
        }
    }
}

#[cfg(feature = "import")]
/// [`split_catalogue`] for a call that changes the catalogue named.
pub fn split_target(opts: &JsValue) -> Result<(Target, JsValue), Error> {
    let taken = take_key(opts, "catalogue")
        .map_err(|_| Error::invalid("options", "could not be read (a getter or proxy threw)"))?;
    let Some(pair) = taken.dyn_ref::<js_sys::Array>() else {
        return Ok((Target::Default, opts.clone()));
    };
    let (given, rest) = (pair.get(0), pair.get(1));
    if given.is_undefined() || given.is_null() {
        return Ok((Target::Default, rest));
    }
    Ok((Target::Slot(slot_of(&given)?), rest))
}

#[wasm_bindgen(inline_js = r#"
export function takeKey(obj, key) {
  if (obj === null || typeof obj !== "object" || !Object.prototype.hasOwnProperty.call(obj, key)) return undefined;
  const { [key]: value, ...rest } = obj;
  return [value, rest];
}"#)]
extern "C" {
    #[wasm_bindgen(catch, js_name = takeKey)]
    fn take_key(obj: &JsValue, key: &str) -> Result<JsValue, JsValue>;
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AtOptions {
    at: Option<Value>,
}

/// A catalogue and the instant from `{ catalogue?, at? }`.
fn catalogue_at(opts: &JsValue) -> Result<(Rc<Catalogue>, Instant), Error> {
    let (catalogue, rest) = split_catalogue(opts)?;
    let o: AtOptions = typed(&rest, "options")?;
    Ok((catalogue, instant(o.at.as_ref(), "options.at")?))
}

/// A model in the file's shape (what `registerModels` accepts back), with its
/// provider and its status at `at`.
fn model_json(catalogue: &Catalogue, id: &str, at: Instant) -> JsResult<JsValue> {
    let m = catalogue.model(id)?;
    to_js(&RawModel::of(m, m.status(at).as_str()))
}

fn models_json(catalogue: &Catalogue, at: Instant) -> JsResult<JsValue> {
    let all: Vec<RawModel> = catalogue
        .models()
        .iter()
        .map(|m| RawModel::of(m, m.status(at).as_str()))
        .collect();
    to_js(&all)
}

fn providers_json(catalogue: &Catalogue) -> JsResult<JsValue> {
    let list: Vec<Value> = catalogue
        .providers()
        .iter()
        .map(|p| {
            serde_json::json!({
                "id": p.id, "name": p.name, "asOf": p.as_of.to_string(), "source": p.source,
                "billing": p.billing.as_ref().map(|b| serde_json::json!({
                    "unit": b.unit,
                    "usdPerMillionUnits": b.price_per_million_units.usd_per_million(),
                    "freeUnitsPerDay": b.free_units_per_day,
                    "source": b.source,
                })),
            })
        })
        .collect();
    to_js(&list)
}

fn info_json(catalogue: &Catalogue, at: Instant) -> JsResult<JsValue> {
    let list: Vec<Value> = catalogue
        .freshness(at)
        .iter()
        .map(|f| {
            serde_json::json!({
                "provider": f.provider.id, "name": f.provider.name,
                "asOf": f.provider.as_of.to_string(), "ageDays": f.age_days,
                "source": f.provider.source,
                "models": { "active": f.active, "deprecated": f.deprecated, "retired": f.retired },
            })
        })
        .collect();
    to_js(&serde_json::json!({ "at": at.day().to_string(), "providers": list }))
}

/// Reads `registerModels` specs (an array of model objects, `getModel`'s
/// output included).
fn specs(value: &JsValue) -> Result<Vec<RawModel>, Error> {
    let v = json(value, "specs")?
        .finite()
        .map_err(|e| e.with_code(ErrorCode::InvalidCatalogue))?;
    let Value::Array(items) = v else {
        return Err(Error::field(
            ErrorCode::InvalidCatalogue,
            "specs",
            "must be an array of model objects",
        ));
    };
    // One spec at a time, so that a shape error names its spec.
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value(item)
                .map_err(|e| Error::field(ErrorCode::InvalidCatalogue, format!("specs[{i}]"), e))
        })
        .collect()
}

#[wasm_bindgen(js_name = listModels)]
pub fn list_models(opts: JsValue) -> JsResult<JsValue> {
    let (c, at) = catalogue_at(&opts)?;
    models_json(&c, at)
}

#[wasm_bindgen(js_name = getModel)]
pub fn get_model(id: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let id = string(&id, "id")?;
    let (c, at) = catalogue_at(&opts)?;
    model_json(&c, &id, at)
}

/// The providers with the date and source of their prices.
#[wasm_bindgen(js_name = listProviders)]
pub fn list_providers(opts: JsValue) -> JsResult<JsValue> {
    let (c, _) = catalogue_at(&opts)?;
    providers_json(&c)
}

/// Per provider: the date of its figures, their age in days at `at`, and
/// its models by status.
#[wasm_bindgen(js_name = catalogueInfo)]
pub fn catalogue_info(opts: JsValue) -> JsResult<JsValue> {
    let (c, at) = catalogue_at(&opts)?;
    info_json(&c, at)
}

/// Adds or replaces models in the default catalogue, which every call
/// without `{ catalogue }` in this JS realm uses (the whole isolate in a
/// Worker): all or nothing.
#[wasm_bindgen(js_name = registerModels)]
pub fn register_models(value: JsValue) -> JsResult<JsValue> {
    let specs = specs(&value)?;
    let ids = DEFAULT.with_borrow_mut(|c| Rc::make_mut(c).register(specs))?;
    to_js(&ids)
}

/// Back to the bundled catalogue.
#[wasm_bindgen(js_name = resetModels)]
pub fn reset_models() {
    DEFAULT.with_borrow_mut(|c| *c = Rc::new(Catalogue::bundled().clone()));
}

/// A catalogue of one's own: the bundled data, then what is registered or
/// imported into it. Pass it as `{ catalogue }` to any call that resolves a
/// model. Holds wasm memory: `free()` it when done (the garbage collector
/// also frees it).
#[wasm_bindgen(js_name = Catalogue)]
pub struct JsCatalogue {
    slot: usize,
    handle: js_sys::Object,
}

impl JsCatalogue {
    fn with<T>(&self, f: impl FnOnce(&Catalogue) -> T) -> Result<T, Error> {
        SLOTS.with_borrow(|slots| match slots.get(self.slot) {
            Some(Some(c)) => Ok(f(c)),
            _ => Err(Error::invalid("catalogue", "was freed")),
        })
    }

    pub(super) fn with_mut<T>(&self, f: impl FnOnce(&mut Catalogue) -> T) -> Result<T, Error> {
        SLOTS.with_borrow_mut(|slots| match slots.get_mut(self.slot) {
            Some(Some(c)) => Ok(f(Rc::make_mut(c))),
            _ => Err(Error::invalid("catalogue", "was freed")),
        })
    }
}

#[wasm_bindgen(js_class = Catalogue)]
impl JsCatalogue {
    /// `new Catalogue()`: a copy of the bundled catalogue.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsCatalogue {
        let catalogue = Rc::new(Catalogue::bundled().clone());
        let slot = SLOTS.with_borrow_mut(|slots| match slots.iter().position(Option::is_none) {
            Some(free) => {
                if let Some(s) = slots.get_mut(free) {
                    *s = Some(catalogue);
                }
                free
            }
            None => {
                slots.push(Some(catalogue));
                slots.len() - 1
            }
        });
        let handle = js_sys::Object::new();
        HANDLES.with(|h| h.set(&handle, &JsValue::from_f64(slot as f64)));
        JsCatalogue { slot, handle }
    }

    /// An opaque object by which calls given `{ catalogue }` find this one.
    #[wasm_bindgen(getter)]
    pub fn handle(&self) -> js_sys::Object {
        self.handle.clone()
    }

    /// Adds or replaces models in this catalogue only: all or nothing.
    pub fn register(&self, value: JsValue) -> JsResult<JsValue> {
        let specs = specs(&value)?;
        let ids = self.with_mut(|c| c.register(specs))??;
        to_js(&ids)
    }

    #[wasm_bindgen(js_name = getModel)]
    pub fn get_model(&self, id: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let id = string(&id, "id")?;
        let o: AtOptions = typed(&opts, "options")?;
        let at = instant(o.at.as_ref(), "options.at")?;
        self.with(|c| model_json(c, &id, at))?
    }

    #[wasm_bindgen(js_name = listModels)]
    pub fn list_models(&self, opts: JsValue) -> JsResult<JsValue> {
        let o: AtOptions = typed(&opts, "options")?;
        let at = instant(o.at.as_ref(), "options.at")?;
        self.with(|c| models_json(c, at))?
    }

    #[wasm_bindgen(js_name = listProviders)]
    pub fn list_providers(&self) -> JsResult<JsValue> {
        self.with(providers_json)?
    }

    pub fn info(&self, opts: JsValue) -> JsResult<JsValue> {
        let o: AtOptions = typed(&opts, "options")?;
        let at = instant(o.at.as_ref(), "options.at")?;
        self.with(|c| info_json(c, at))?
    }
}

impl Default for JsCatalogue {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for JsCatalogue {
    fn drop(&mut self) {
        HANDLES.with(|h| h.delete(&self.handle));
        SLOTS.with_borrow_mut(|slots| {
            if let Some(s) = slots.get_mut(self.slot) {
                *s = None;
            }
        });
    }
}
