//! Bounded fuzz campaigns (proptest, `PROPTEST_CASES` raises the case
//! count) against every parser that reads what a server or the internet
//! sends.

mod decode_error_paths;
mod error_envelope;
mod filter_encoding;
mod rate_limit_headers;
mod response_decode;
#[cfg(feature = "webhooks")]
mod webhook_verifier;
