//! The client's behaviour tests, as one test binary: each `tests/*.rs`
//! would be its own binary linking the whole generated client, and linking
//! ~45 of them was most of the time `cargo test` took. One module per area,
//! one file per behaviour; `tests/common/` holds the helpers shared with
//! the second binary, `tests/operations/` (every operation of the spec).
//! The two compile side by side: one binary was the only job running on a
//! 2-core machine for most of its compile.
//!
//! Everything here must be safe to run in one process alongside the rest:
//! no environment changes (`client::from_env` runs itself again as a child
//! process for that), tracing subscribers only through
//! `tracing::subscriber::set_default` (thread-scoped; `client::tracing_spans`
//! explains the inert second dispatcher it keeps registered), no global `log`
//! logger and no global allocator. A test that needs process-global state
//! goes into its own small binary instead: today only
//! `tests/security_secrets_never_formatted.rs`, which installs a `log`
//! logger for the whole process.
//!
//! Run one area or file with a filter: `cargo test --test it webhooks::`,
//! `cargo test --test it client::retries`.

// Each binary uses a part of the shared helpers, and would call the rest
// dead.
#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;

mod client;
// The examples fall back to the built-in mock without an API key.
#[cfg(feature = "mock")]
mod examples;
mod fuzz;
mod pagination;
#[cfg(feature = "webhooks")]
mod webhooks;
