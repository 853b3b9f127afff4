//! The hand-written client layer against loopback servers: authentication,
//! errors, retries, pacing, rate limits, timeouts, faults, filters, tracing.

mod auth_header;
mod concurrency;
mod errors;
mod escape_hatches;
mod fault_injection;
mod filters;
mod from_env;
mod own_authorization;
mod pacing;
mod plain_http;
mod rate_limit_headers;
mod redaction;
mod retries;
mod timeouts;
mod tracing_spans;
