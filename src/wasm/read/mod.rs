//! Readers of the JS API's JSON-shaped arguments into the core's typed
//! values: an `estimateCost` request, a workload. Their fields and messages
//! are the JS API's; the core never sees them.

pub mod cost;
pub mod workload;
