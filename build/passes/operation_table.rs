//! The `operation_table` pass: `OPERATIONS`, one entry per generated method.

use std::collections::BTreeSet;

use quote::quote;

use super::client_methods;
use crate::codegen::CodegenError;
use crate::codegen::context::{Context, Outputs};

/// **Why:** users, tracing and tests need to know, for every generated method,
/// the operation it calls as the spec names it (progenitor only keeps the
/// snake-case method name). This pass appends `OPERATIONS`, one entry per
/// method actually present in the generated `impl Client` (so the table
/// proves what was generated), and fails if a spec operation has no method.
pub fn operation_table(
    file: &mut syn::File,
    ctx: &Context<'_>,
    _: &mut Outputs,
) -> Result<usize, CodegenError> {
    let generated: BTreeSet<String> = client_methods(file)
        .map(|m| m.sig.ident.to_string())
        .collect();
    let missing: Vec<&str> = ctx
        .by_method_name
        .keys()
        .filter(|name| !generated.contains(*name))
        .filter_map(|name| ctx.operation(name))
        .map(|op| op.id)
        .collect();
    if !missing.is_empty() {
        return Err(CodegenError::PostProcess {
            what: format!(
                "operation(s) without a generated method: {}",
                missing.join(", ")
            ),
        });
    }
    let rows = ctx.by_method_name.keys().filter_map(|name| {
        let op = ctx.operation(name)?;
        let id = op.id;
        let method = op.op.method.to_uppercase();
        let path = op.op.path;
        let tags = op.op.tags();
        let deprecated = op.deprecated();
        let replay_key = match op.replay_key {
            Some(key) => quote!(Some(#key)),
            None => quote!(None),
        };
        Some(quote! {
            crate::Operation {
                id: #id,
                method_name: #name,
                method: #method,
                path: #path,
                tags: &[#(#tags),*],
                deprecated: #deprecated,
                idempotency_key: #replay_key,
            }
        })
    });
    let count = ctx.by_method_name.len();
    file.items.push(syn::parse_quote! {
        /// Every operation of the spec this crate was built from, one entry
        /// per generated method of [`Client`], sorted by method name.
        pub const OPERATIONS: &[crate::Operation; #count] = &[#(#rows),*];
    });
    Ok(count)
}
