//! The `route_deep_object_params` pass: operator filters encoded
//! deepObject-style.

use std::collections::{BTreeMap, BTreeSet};

use syn::visit::Visit;
use syn::visit_mut::VisitMut;

use super::{OperationInfoFinder, walk_impl_fns};
use crate::codegen::CodegenError;
use crate::codegen::context::{Context, Outputs};

/// Replaces `progenitor_client::QueryParam::new("<name>", &v)` with
/// `crate::filter::DeepObjectParam::new("<name>", &v)` for the given params.
struct DeepObjectRouter<'a> {
    names: &'a BTreeSet<&'a str>,
    replaced: BTreeSet<String>,
}

impl VisitMut for DeepObjectRouter<'_> {
    fn visit_expr_call_mut(&mut self, node: &mut syn::ExprCall) {
        syn::visit_mut::visit_expr_call_mut(self, node);
        let syn::Expr::Path(func) = &*node.func else {
            return;
        };
        let segments: Vec<String> = func
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        if !segments.ends_with(&["QueryParam".to_owned(), "new".to_owned()]) {
            return;
        }
        let Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(name),
            ..
        })) = node.args.first()
        else {
            return;
        };
        let name = name.value();
        if self.names.contains(name.as_str()) {
            *node.func = syn::parse_quote!(crate::filter::DeepObjectParam::new);
            self.replaced.insert(name);
        }
    }
}

/// **Why:** the spec's deepObject/object query parameters now have the
/// `Filter` type (see `transforms::deep_object_query_params`), but progenitor
/// still hands them to its own query encoder, which loses the parameter name
/// for map values. This pass routes exactly those parameters, in exactly
/// their operations, through `crate::filter::DeepObjectParam`, which writes
/// `name[op]=v` pairs. Fails if any recorded parameter is not found.
pub fn route_deep_object_params(
    file: &mut syn::File,
    ctx: &Context<'_>,
    _: &mut Outputs,
) -> Result<usize, CodegenError> {
    let params = &ctx.deep_object_params;
    let mut wanted: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (op_id, name) in params {
        wanted.entry(op_id).or_default().insert(name);
    }
    let mut done: BTreeSet<(String, String)> = BTreeSet::new();
    for item in &mut file.items {
        walk_impl_fns(item, &mut |f| {
            let mut finder = OperationInfoFinder(None);
            finder.visit_impl_item_fn(f);
            let Some(op) = finder.0.and_then(|m| ctx.operation(&m)) else {
                return;
            };
            let Some(names) = wanted.get(op.id) else {
                return;
            };
            let mut router = DeepObjectRouter {
                names,
                replaced: BTreeSet::new(),
            };
            router.visit_impl_item_fn_mut(f);
            done.extend(router.replaced.into_iter().map(|n| (op.id.to_owned(), n)));
        });
    }
    let missing: Vec<String> = params
        .difference(&done)
        .map(|(op, name)| format!("{op} `{name}`"))
        .collect();
    if !missing.is_empty() {
        return Err(CodegenError::PostProcess {
            what: format!(
                "no generated query encoding found for deepObject parameter(s) {}",
                missing.join(", ")
            ),
        });
    }
    Ok(done.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::testing::{run, source, spec};
    use serde_json::json;

    fn things() -> serde_json::Value {
        spec(
            json!({"/v1/things": {"get": {"operationId": "Things V1#List", "parameters": [
                {"name": "status", "in": "query", "schema": {"type": "object"}},
                {"name": "page_size", "in": "query", "schema": {"type": "integer"}},
            ]}}}),
            json!({}),
        )
    }

    #[test]
    fn only_the_filters_of_their_operation_are_routed() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> ThingsV1List<'a> {
                    async fn send(self) {
                        let info = OperationInfo { operation_id: "things_v1_list" };
                        query.push(progenitor_client::QueryParam::new("status", &status));
                        query.push(progenitor_client::QueryParam::new("page_size", &page_size));
                    }
                }
                impl<'a> OthersV1List<'a> {
                    async fn send(self) {
                        let info = OperationInfo { operation_id: "others_v1_list" };
                        query.push(progenitor_client::QueryParam::new("status", &status));
                    }
                }
            }
        };
        let (routed, _) = run(route_deep_object_params, &mut file, &things());
        assert_eq!(routed.unwrap(), 1);
        let text = source(&file);
        assert_eq!(
            text.matches("crate::filter::DeepObjectParam::new(\"status\"")
                .count(),
            1,
            "{text}"
        );
        assert!(
            text.contains("progenitor_client::QueryParam::new(\"page_size\""),
            "{text}"
        );
        assert!(
            text.contains("progenitor_client::QueryParam::new(\"status\""),
            "{text}"
        );
    }

    #[test]
    fn a_filter_with_no_generated_encoding_fails_the_build() {
        let mut file: syn::File = syn::parse_quote! {
            impl<'a> ThingsV1List<'a> {
                async fn send(self) {
                    let info = OperationInfo { operation_id: "things_v1_list" };
                }
            }
        };
        let (routed, _) = run(route_deep_object_params, &mut file, &things());
        let error = routed.unwrap_err().to_string();
        assert!(error.contains("Things V1#List `status`"), "{error}");
    }
}
