// The README is the crate's front page, and its code samples are doctests:
// `cargo test` proves every one of them compiles.
#![doc = include_str!("../README.md")]

extern crate self as incidentio;

mod api_key;
mod client;
pub mod error;
pub mod filter;
mod generated;
pub mod hooks;
#[cfg(feature = "mock")]
pub mod mock;
mod operation;
mod pacing;
pub mod pagination;
mod ratelimit;
mod retry;
pub mod tolerant;
#[cfg(feature = "webhooks")]
pub mod webhooks;

pub use api_key::{API_KEY_ENV, ApiKey};
pub use client::{
    ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, http_client_builder,
};
pub use error::{ApiError, Error};
pub use generated::*;
pub use operation::Operation;
pub use pacing::Pacing;
pub use ratelimit::{RateLimit, RateLimitPolicy, ResponseExt};
pub use retry::RetryPolicy;
pub use tolerant::Tolerant;
