//! The JavaScript binding: converts arguments in, results and errors out, and
//! does nothing else. Every exported function has the same shape: read the
//! arguments with the helpers below (which turn any bad value into an
//! `INVALID_ARGUMENT` error naming the field), call the Rust API, and convert
//! the result. One file per capability.

mod catalogue;
mod compact;
mod compress;
mod convert;
mod cost;
#[cfg(feature = "import")]
mod import;
#[cfg(not(feature = "import"))]
#[path = "import_absent.rs"]
mod import;
mod ledger;
#[cfg(feature = "meter")]
mod meter;
#[cfg(not(feature = "meter"))]
#[path = "meter_absent.rs"]
mod meter;
mod preflight;
mod read;
mod tokens;
mod trim;
