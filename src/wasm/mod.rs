//! The JavaScript binding: converts arguments in, results and errors out, and
//! does nothing else. Every exported function has the same shape: read the
//! arguments with the helpers below (which turn any bad value into an
//! `INVALID_ARGUMENT` error naming the field), call the Rust API, and convert
//! the result. One file per capability.

mod catalogue;
mod compress;
mod convert;
mod cost;
mod ledger;
mod meter;
mod preflight;
mod tokens;
mod trim;
