//! `incidentio::mock`, the in-process mock of the API (feature `mock`).

mod error_envelopes;
mod examples;
mod overrides;
mod pages;
mod typed_handles;
