//! The `operation_table` pass: `OPERATIONS`, one entry per generated method.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;

use super::{SpecOperation, client_methods};
use crate::codegen::CodegenError;

/// **Why:** users, tracing and tests need to know, for every generated method,
/// the operation it calls as the spec names it (progenitor only keeps the
/// snake-case method name). This pass appends `OPERATIONS`, one entry per
/// method actually present in the generated `impl Client` (so the table
/// proves what was generated), and fails if a spec operation has no method.
pub fn operation_table(
    file: &mut syn::File,
    by_method_name: &BTreeMap<String, SpecOperation>,
) -> Result<usize, CodegenError> {
    let generated: BTreeSet<String> = client_methods(file)
        .map(|m| m.sig.ident.to_string())
        .collect();
    let missing: Vec<&str> = by_method_name
        .iter()
        .filter(|(name, _)| !generated.contains(*name))
        .map(|(_, op)| op.id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(CodegenError::PostProcess {
            what: format!(
                "operation(s) without a generated method: {}",
                missing.join(", ")
            ),
        });
    }
    let rows = by_method_name.iter().map(|(name, op)| {
        let SpecOperation {
            id,
            method,
            path,
            tags,
            deprecated,
            replay_key,
            ..
        } = op;
        let replay_key = match replay_key {
            Some(key) => quote!(Some(#key)),
            None => quote!(None),
        };
        quote! {
            crate::Operation {
                id: #id,
                method_name: #name,
                method: #method,
                path: #path,
                tags: &[#(#tags),*],
                deprecated: #deprecated,
                idempotency_key: #replay_key,
            }
        }
    });
    let count = by_method_name.len();
    file.items.push(syn::parse_quote! {
        /// Every operation of the spec this crate was built from, one entry
        /// per generated method of [`Client`], sorted by method name.
        pub const OPERATIONS: &[crate::Operation; #count] = &[#(#rows),*];
    });
    Ok(count)
}
