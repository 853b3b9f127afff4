//! Struct builders only where callers build values: request bodies.
//!
//! typify gives every generated struct a `types::builder::X` (a struct of
//! `Result` fields, `Default`, setters, and conversions both ways), which is
//! how callers fill request bodies without naming every optional field, so a
//! field the API adds later never breaks their code. Response types are only
//! ever decoded, yet their builders were more than half of the generated
//! code. This pass keeps the builders of the schemas reachable from request
//! bodies (transitively, since nested request objects evolve too) and removes
//! the rest.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;

use super::tokens::{self, Item};
use crate::codegen::CodegenError;
use crate::codegen::context::{Context, Outputs};

/// **Why:** see the module documentation. Removes, for every struct not
/// among the context's `request_types` (the component schemas reachable
/// from a request body, [`crate::codegen::spec::request_schemas`]), its
/// `types::builder::X` struct and impls, and the `X::builder()`
/// constructor. It runs on progenitor's tokens, before they are parsed:
/// the builders it removes are most of the generated code, and parsing
/// them only to drop them was the largest cost of the build script.
/// Returns the number of builders removed; fails if the generated code has
/// no `types` module.
pub fn prune_response_builders(
    stream: &mut TokenStream,
    ctx: &Context<'_>,
    _: &mut Outputs,
) -> Result<usize, CodegenError> {
    let keep = &ctx.request_types;
    let mut items = tokens::items(std::mem::take(stream));
    let removed = tokens::rewrite_module(&mut items, "types", |types| {
        let removed = tokens::rewrite_module(types, "builder", |builder| {
            let removed: BTreeSet<String> = builder
                .iter()
                .filter(|item| item.keyword().as_deref() == Some("struct"))
                .filter_map(Item::name)
                .filter(|name| !keep.contains(name))
                .collect();
            builder.retain(|item| match item.keyword().as_deref() {
                Some("struct") => !item.name().is_some_and(|n| removed.contains(&n)),
                // `impl Default for X`, `impl X`, `TryFrom<X> for super::X`,
                // `From<super::X> for X`.
                Some("impl") => !item.header_idents().iter().any(|i| removed.contains(i)),
                _ => true,
            });
            removed
        })
        .unwrap_or_default(); // a spec with no structs has no builders
        // `impl X { pub fn builder() -> builder::X { … } }` in `types`.
        types.retain(|item| !is_builder_constructor(item, &removed));
        removed.len()
    });
    *stream = tokens::join(items);
    removed.ok_or_else(|| CodegenError::PostProcess {
        what: "no generated `types` module".into(),
    })
}

/// Whether `item` is `impl X { pub fn builder() … }` for an `X` in
/// `removed`, with nothing else in it.
fn is_builder_constructor(item: &Item, removed: &BTreeSet<String>) -> bool {
    let header = item.header_idents();
    let [keyword, name] = header.as_slice() else {
        return false;
    };
    let Some(body) = item.body() else {
        return false;
    };
    let body: Vec<String> = body
        .stream()
        .into_iter()
        .filter_map(|t| match t {
            proc_macro2::TokenTree::Ident(i) => Some(i.to_string()),
            _ => None,
        })
        .collect();
    let functions: Vec<&str> = body
        .windows(2)
        .filter(|pair| pair[0] == "fn")
        .map(|pair| pair[1].as_str())
        .collect();
    keyword == "impl" && removed.contains(name) && functions == ["builder"]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::testing::{run_tokens, source, spec};
    use quote::quote;
    use serde_json::json;

    #[test]
    fn builders_stay_only_for_types_reached_from_a_request_body() {
        let spec = spec(
            json!({"/v1/things": {"post": {
                "operationId": "Things V1#Create",
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/create_payload"}}}},
                "responses": {"201": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Thing"}}}}},
            }}}),
            json!({
                "create_payload": {"type": "object", "properties": {
                    "owner": {"$ref": "#/components/schemas/Owner"}}},
                "Owner": {"type": "object"},
                "Thing": {"type": "object"},
            }),
        );
        let mut stream = quote! {
            pub mod types {
                pub struct CreatePayload { pub owner: Owner }
                impl CreatePayload { pub fn builder() -> builder::CreatePayload { Default::default() } }
                pub struct Owner {}
                impl Owner { pub fn builder() -> builder::Owner { Default::default() } }
                pub struct Thing {}
                impl Thing { pub fn builder() -> builder::Thing { Default::default() } }
                pub mod builder {
                    pub struct CreatePayload { owner: Result<super::Owner, String> }
                    impl Default for CreatePayload { fn default() -> Self { todo!() } }
                    impl ::std::convert::TryFrom<CreatePayload> for super::CreatePayload {
                        type Error = String;
                        fn try_from(value: CreatePayload) -> Result<Self, String> { todo!() }
                    }
                    pub struct Owner {}
                    impl Default for Owner { fn default() -> Self { todo!() } }
                    pub struct Thing {}
                    impl Default for Thing { fn default() -> Self { todo!() } }
                    impl ::std::convert::TryFrom<Thing> for super::Thing {
                        type Error = String;
                        fn try_from(value: Thing) -> Result<Self, String> { todo!() }
                    }
                    impl ::std::convert::From<super::Thing> for Thing {
                        fn from(value: super::Thing) -> Self { todo!() }
                    }
                }
            }
        };
        let (removed, _) = run_tokens(prune_response_builders, &mut stream, &spec);
        assert_eq!(removed.unwrap(), 1);
        let text = source(&syn::parse2(stream).expect("still Rust"));
        assert!(!text.contains("impl Thing {"), "{text}");
        assert!(
            !text.contains("for Thing") && !text.contains("<Thing>"),
            "{text}"
        );
        assert_eq!(
            text.matches("pub struct Thing {}").count(),
            1,
            "the type stays: {text}"
        );
        assert!(
            text.contains("pub fn builder() -> builder::CreatePayload"),
            "{text}"
        );
        assert!(
            text.contains("pub fn builder() -> builder::Owner"),
            "reached through a $ref: {text}"
        );
        assert!(
            text.contains("impl ::std::convert::TryFrom<CreatePayload> for super::CreatePayload"),
            "{text}"
        );
    }

    #[test]
    fn no_types_module_fails_the_build() {
        let mut stream = quote! { pub mod builder {} };
        let (removed, _) = run_tokens(
            prune_response_builders,
            &mut stream,
            &spec(json!({}), json!({})),
        );
        assert!(
            removed
                .unwrap_err()
                .to_string()
                .contains("no generated `types` module")
        );
    }
}
