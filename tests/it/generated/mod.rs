//! The generated client against the spec it was generated from: every
//! operation, every example, the service features.

mod arguments;
mod catalog;
mod examples;
mod features_in_sync;
mod operations;
mod struct_deserialize;
mod timestamp_decode;
