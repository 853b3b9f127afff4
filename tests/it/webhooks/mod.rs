//! `incidentio::webhooks` (feature `webhooks`): signature verification and
//! typed events.

#[cfg(feature = "axum")]
mod axum_extractor;
mod decode_errors;
mod known_answer;
mod property;
mod rejections;
mod secret;
mod secret_rotation;
mod signing_helper;
mod spec_examples;
mod timestamp_tolerance;
mod unknown_events;
