//! Typed client for the [incident.io](https://incident.io) API.

extern crate self as incidentio;

pub mod filter;
mod generated;
mod operation;
pub mod tolerant;

pub use generated::*;
pub use operation::Operation;
pub use tolerant::Tolerant;
