//! Emitters: Rust source written as text from the spec's answers and
//! appended to the generated client (so the crate keeps a single
//! `include!`). Each writes a table for a hand-written module that defines
//! its shape. Every emitter has one signature, [`Emit`]: the pipeline's
//! [`Context`] in, its text into [`Outputs`], the number of entries it
//! wrote out.

pub mod catalog;
pub mod mock;
pub mod webhooks;

use super::context::{Context, Outputs};
use super::spec;

/// The signature of every emitter (and of the test outputs).
pub type Emit = fn(&Context<'_>, &mut Outputs) -> usize;

/// `SERVICES`: every service (tag) of the spec with its Cargo feature, so a
/// test can hold `Cargo.toml`'s `[features]` to the spec. Every service,
/// enabled or not. Returns how many.
pub fn services_table(ctx: &Context<'_>, outputs: &mut Outputs) -> usize {
    let out = &mut outputs.appended;
    out.push_str(
        "/// Every service (API tag) of the spec this crate was built from, with\n\
         /// the Cargo feature that compiles its operations, compiled or not:\n\
         /// the crate's own test holds `Cargo.toml`'s features to it. Hidden:\n\
         /// users ask `catalog::services()`.\n\
         #[doc(hidden)]\n\
         pub const SERVICES: &[(&str, &str)] = &[\n",
    );
    for tag in &ctx.all_services {
        out.push_str(&format!(
            "    ({tag:?}, {:?}),\n",
            spec::service_feature(tag)
        ));
    }
    out.push_str("];\n");
    ctx.all_services.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::Options;
    use serde_json::json;

    #[test]
    fn services_lists_every_tag_even_of_disabled_services() {
        let spec = json!({"paths": {
            "/a": {"get": {"operationId": "A V1#List", "tags": ["A V1"]}},
            "/b": {"get": {"operationId": "Follow-ups V2#List", "tags": ["Follow-ups V2"]}},
        }});
        let options = Options {
            services: Some(["a-v1".to_owned()].into()),
            ..Options::default()
        };
        let ctx = Context::new(&spec, &options);
        assert_eq!(ctx.operations.len(), 1, "only A V1 is enabled");
        let mut outputs = Outputs::default();
        assert_eq!(services_table(&ctx, &mut outputs), 2);
        assert!(
            outputs
                .appended
                .contains("(\"A V1\", \"a-v1\"),\n    (\"Follow-ups V2\", \"follow-ups-v2\"),"),
            "{}",
            outputs.appended
        );
    }
}
