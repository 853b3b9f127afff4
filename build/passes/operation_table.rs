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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::testing::{run, source, spec};
    use serde_json::json;

    fn things() -> serde_json::Value {
        spec(
            json!({"/v1/things": {
                "get": {"operationId": "Things V1#List", "tags": ["Things V1"]},
                "post": {"operationId": "Things V1#Create", "tags": ["Things V1"],
                         "requestBody": {"content": {"application/json": {
                             "schema": {"$ref": "#/components/schemas/Create"}}}}},
            }}),
            json!({"Create": {"type": "object", "properties": {
                "idempotency_key": {"type": "string"}}}}),
        )
    }

    #[test]
    fn every_operation_gets_a_row_sorted_by_method() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn things_v1_list(&self) {}
                pub fn things_v1_create(&self) {}
            }
        };
        let (rows, _) = run(operation_table, &mut file, &things());
        assert_eq!(rows.unwrap(), 2);
        let text = source(&file);
        assert!(
            text.contains("pub const OPERATIONS: &[crate::Operation; 2usize] = &["),
            "{text}"
        );
        let create = text.find("id: \"Things V1#Create\"").expect(&text);
        let list = text.find("id: \"Things V1#List\"").expect(&text);
        assert!(create < list, "sorted by method name: {text}");
        assert!(text.contains("method: \"POST\",\n        path: \"/v1/things\",\n        tags: &[\"Things V1\"],\n        deprecated: false,\n        idempotency_key: Some(\"idempotency_key\"),"), "{text}");
        assert!(text.contains("idempotency_key: None,"), "{text}");
    }

    #[test]
    fn an_operation_without_a_method_fails_the_build() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn things_v1_list(&self) {}
            }
        };
        let (rows, _) = run(operation_table, &mut file, &things());
        let error = rows.unwrap_err().to_string();
        assert!(
            error.contains("without a generated method: Things V1#Create"),
            "{error}"
        );
    }
}
