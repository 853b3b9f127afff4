//! The `mark_deprecated_operations` pass: `#[deprecated]` on the methods of
//! operations the spec deprecates, naming the replacement.

use std::collections::{BTreeMap, BTreeSet};

use super::client_methods;
use crate::codegen::CodegenError;
use crate::codegen::context::{Context, Operation, Outputs};

/// **Why:** progenitor 0.15 ignores `deprecated: true` on operations, so users
/// get no compiler warning when they call an endpoint that incident.io will
/// retire three months after deprecating it. This pass adds
/// `#[deprecated(note = …)]` to each such method of `Client`, naming the
/// operation that replaces it when the spec has one (same service, higher
/// version, same action, not itself deprecated).
pub fn mark_deprecated_operations(
    file: &mut syn::File,
    ctx: &Context<'_>,
    _: &mut Outputs,
) -> Result<usize, CodegenError> {
    let notes: BTreeMap<String, String> = ctx
        .operations
        .iter()
        .filter(|op| op.deprecated())
        .map(|op| (op.method_name.clone(), deprecation_note(op, ctx)))
        .collect();
    let mut marked = BTreeSet::new();
    for method in client_methods(file) {
        let name = method.sig.ident.to_string();
        if let Some(note) = notes.get(&name) {
            method
                .attrs
                .push(syn::parse_quote!(#[deprecated(note = #note)]));
            marked.insert(name);
        }
    }
    if marked.len() != notes.len() {
        let missing: Vec<&str> = notes
            .keys()
            .filter(|n| !marked.contains(*n))
            .map(String::as_str)
            .collect();
        return Err(CodegenError::PostProcess {
            what: format!(
                "deprecated operation(s) without a generated method: {}",
                missing.join(", ")
            ),
        });
    }
    Ok(marked.len())
}

fn deprecation_note(op: &Operation<'_>, ctx: &Context<'_>) -> String {
    let replacement = op
        .replacement
        .and_then(|id| ctx.operations.iter().find(|other| other.id == id));
    match replacement {
        Some(new) => format!(
            "incident.io has deprecated `{}`; use `{}` ({} {}) instead",
            op.id,
            new.method_name,
            new.op.method.to_uppercase(),
            new.op.path
        ),
        None => format!(
            "incident.io has deprecated `{}` ({} {}); it will be removed from the API",
            op.id,
            op.op.method.to_uppercase(),
            op.op.path
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::testing::{run, source, spec};
    use serde_json::json;

    fn things() -> serde_json::Value {
        spec(
            json!({
                "/v1/things": {"get": {"operationId": "Things V1#List", "deprecated": true}},
                "/v2/things": {"get": {"operationId": "Things V2#List"}},
                "/v1/gone": {"delete": {"operationId": "Gone V1#Delete", "deprecated": true}},
            }),
            json!({}),
        )
    }

    #[test]
    fn deprecated_methods_name_their_replacement() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn things_v1_list(&self) {}
                pub fn things_v2_list(&self) {}
                pub fn gone_v1_delete(&self) {}
            }
        };
        let (marked, _) = run(mark_deprecated_operations, &mut file, &things());
        assert_eq!(marked.unwrap(), 2);
        let text = source(&file);
        assert!(text.contains(
            "#[deprecated(\n        note = \"incident.io has deprecated `Things V1#List`; use `things_v2_list` (GET /v2/things) instead\"\n    )]\n    pub fn things_v1_list"
        ), "{text}");
        assert!(text.contains(
            "incident.io has deprecated `Gone V1#Delete` (DELETE /v1/gone); it will be removed from the API"
        ), "{text}");
        assert_eq!(text.matches("#[deprecated").count(), 2, "{text}");
    }

    #[test]
    fn a_deprecated_operation_without_a_method_fails_the_build() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn things_v2_list(&self) {}
            }
        };
        let (marked, _) = run(mark_deprecated_operations, &mut file, &things());
        let error = marked.unwrap_err().to_string();
        assert!(error.contains("gone_v1_delete, things_v1_list"), "{error}");
    }
}
