// The README is the crate's front page, and its code samples are doctests:
// `cargo test` proves every one of them compiles.
#![doc = include_str!("../README.md")]
// On docs.rs (nightly, `--cfg docsrs`): label items with the feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate self as incidentio;

mod api_key;
mod body;
#[cfg(feature = "catalog")]
#[cfg_attr(docsrs, doc(cfg(feature = "catalog")))]
pub mod catalog;
mod client;
mod de;
#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
mod deferred_verifier;
pub mod error;
pub mod filter;
mod generated;
mod hooks;
mod json_path;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
mod operation;
mod pacing;
pub mod pagination;
mod path_template;
#[cfg(feature = "rustls")]
mod post_quantum;
mod ratelimit;
mod raw;
mod raw_pages;
mod retry;
#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
mod tls_provider;
pub mod tolerant;
#[cfg(feature = "webhooks")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhooks")))]
pub mod webhooks;

pub use api_key::{API_KEY_ENV, API_KEY_ENV_FALLBACK, ApiKey};
pub use body::DEFAULT_MAX_BODY_SIZE;
pub use client::{
    ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, http_client_builder,
};
pub use error::{ApiError, Error};
pub use generated::*;
pub use operation::Operation;
pub use pacing::Pacing;
pub use ratelimit::{RateLimit, RateLimitPolicy, ResponseExt};
pub use raw::{RawRequest, RawResponse, RequestPreview};
pub use raw_pages::{RawList, RawPage};
/// The HTTP method of a [`Client::request`]: re-exported from reqwest so a
/// raw request needs no extra dependency.
pub use reqwest::Method;
pub use retry::RetryPolicy;
pub use tolerant::Tolerant;
