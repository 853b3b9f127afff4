//! Emitters: Rust source written as text from the spec queries and appended
//! to the generated client (so the crate keeps a single `include!`). Each
//! writes a table for a hand-written module that defines its shape.

pub mod catalog;
pub mod mock;
pub mod webhooks;

use serde_json::Value;

use super::spec;

/// `SERVICES`: every service (tag) of the spec with its Cargo feature, so a
/// test can hold `Cargo.toml`'s `[features]` to the spec.
pub fn services_table(spec: &Value) -> String {
    let mut out = String::from(
        "/// Every service (API tag) of the spec this crate was built from, with\n\
         /// the Cargo feature that compiles its operations, compiled or not:\n\
         /// the crate's own test holds `Cargo.toml`'s features to it. Hidden:\n\
         /// users ask `catalog::services()`.\n\
         #[doc(hidden)]\n\
         pub const SERVICES: &[(&str, &str)] = &[\n",
    );
    for tag in spec::service_tags(spec) {
        out.push_str(&format!(
            "    ({tag:?}, {:?}),\n",
            spec::service_feature(&tag)
        ));
    }
    out.push_str("];\n");
    out
}
