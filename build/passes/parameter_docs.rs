//! The `document_builder_parameters` pass: each setter documented from its
//! parameter's description.

use std::collections::BTreeMap;

use syn::visit::Visit;

use super::{OperationInfoFinder, walk_impl_blocks};
use crate::codegen::CodegenError;
use crate::codegen::context::{Context, Outputs};
use crate::codegen::spec::method_name;

/// **Why:** progenitor's builder setters carry no documentation, yet the
/// spec describes every parameter, and for the operator filters the
/// description is the only place that lists the operators each accepts
/// (`one_of`, `not_in`, `gte`, …). This pass copies each parameter's
/// description onto its setter, noting when it is required. Returns the
/// number of setters documented.
pub fn document_builder_parameters(
    file: &mut syn::File,
    ctx: &Context<'_>,
    _: &mut Outputs,
) -> Result<usize, CodegenError> {
    let mut docs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for op in &ctx.operations {
        let params = docs.entry(op.method_name.clone()).or_default();
        for param in &op.parameters {
            let mut doc = match param.description() {
                "" => format!("The `{}` parameter.", param.name),
                description => description.to_owned(),
            };
            if param.required {
                doc.push_str("\n\nRequired: `send()` fails without it.");
            }
            params.insert(method_name(param.name), doc);
        }
    }
    let mut documented = 0;
    for item in &mut file.items {
        walk_impl_blocks(item, &mut |block| {
            let mut finder = OperationInfoFinder(None);
            finder.visit_item_impl(block);
            let Some(params) = finder.0.and_then(|op| docs.get(&op)) else {
                return;
            };
            for impl_item in &mut block.items {
                if let syn::ImplItem::Fn(setter) = impl_item
                    && let Some(doc) = params.get(&setter.sig.ident.to_string())
                {
                    setter.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
                    documented += 1;
                }
            }
        });
    }
    Ok(documented)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::testing::{docs, run, spec};
    use serde_json::json;

    #[test]
    fn each_setter_carries_its_parameters_description() {
        let spec = spec(
            json!({"/v1/things/{id}": {
                "parameters": [{"name": "id", "in": "path", "description": "The thing's ID",
                                "schema": {"type": "string"}}],
                "get": {"operationId": "Things V1#Show", "parameters": [
                    {"name": "status", "in": "query",
                     "description": "Filter on status: one_of, not_in",
                     "schema": {"type": "object"}},
                ]},
            }}),
            json!({}),
        );
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> ThingsV1Show<'a> {
                    pub fn id<V>(mut self, value: V) -> Self { self }
                    pub fn status<V>(mut self, value: V) -> Self { self }
                    pub fn unrelated(self) -> Self { self }
                    async fn send(self) {
                        let info = OperationInfo { operation_id: "things_v1_show" };
                    }
                }
                impl<'a> OthersV1Show<'a> {
                    pub fn id<V>(mut self, value: V) -> Self { self }
                }
            }
        };
        let (documented, _) = run(document_builder_parameters, &mut file, &spec);
        assert_eq!(documented.unwrap(), 2);
        assert_eq!(
            docs(&file),
            [
                "The thing's ID\n\nRequired: `send()` fails without it.",
                "Filter on status: one_of, not_in",
            ]
        );
    }
}
