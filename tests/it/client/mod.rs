//! The hand-written client layer against loopback servers: authentication,
//! errors, retries, pacing, rate limits, timeouts, faults, filters, tracing.

mod auth_header;
mod body_limits;
mod broken_bodies;
mod concurrency;
mod decode_errors;
mod errors;
mod fault_injection;
mod filters;
mod from_env;
mod idempotent_creates;
mod own_authorization;
mod pacing;
mod plain_http;
mod rate_limit_headers;
mod raw_requests;
mod redaction;
mod retries;
mod timeouts;
mod tracing_spans;
