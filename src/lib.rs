//! Typed client for the [incident.io](https://incident.io) API.

extern crate self as incidentio;

mod client;
pub mod error;
pub mod filter;
mod generated;
pub mod hooks;
mod operation;
pub mod tolerant;

pub use client::ClientBuilder;
pub use error::Error;
pub use generated::*;
pub use operation::Operation;
pub use tolerant::Tolerant;
