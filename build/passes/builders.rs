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

use crate::codegen::CodegenError;
use crate::codegen::context::{Context, Outputs};

/// **Why:** see the module documentation. Removes, for every struct not
/// among the context's `request_types` (the component schemas reachable
/// from a request body, [`crate::codegen::spec::request_schemas`]), its
/// `types::builder::X` struct and impls, and the `X::builder()`
/// constructor. Returns the number of builders removed; fails if the
/// generated code has no `types` module.
pub fn prune_response_builders(
    file: &mut syn::File,
    ctx: &Context<'_>,
    _: &mut Outputs,
) -> Result<usize, CodegenError> {
    let keep = &ctx.request_types;
    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
            _ => None,
        })
        .map(|(_, items)| items)
        .ok_or_else(|| CodegenError::PostProcess {
            what: "no generated `types` module".into(),
        })?;

    let Some(builder) = types.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, i)| i),
        _ => None,
    }) else {
        return Ok(0); // a spec with no structs has no builders
    };
    let removed: BTreeSet<String> = builder
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if !keep.contains(&s.ident.to_string()) => {
                Some(s.ident.to_string())
            }
            _ => None,
        })
        .collect();
    builder.retain(|item| match item {
        syn::Item::Struct(s) => !removed.contains(&s.ident.to_string()),
        syn::Item::Impl(block) => !impl_mentions(block, &removed),
        _ => true,
    });
    // `impl X { pub fn builder() -> builder::X }` in `types`.
    for item in types.iter_mut() {
        if let syn::Item::Impl(block) = item
            && block.trait_.is_none()
            && type_ident(&block.self_ty).is_some_and(|name| removed.contains(&name))
        {
            block
                .items
                .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "builder"));
        }
    }
    types.retain(|item| !matches!(item, syn::Item::Impl(block) if block.trait_.is_none() && block.items.is_empty()));
    Ok(removed.len())
}

/// Whether an impl in the builder module is for, or converts to or from, one
/// of `names` (`impl Default for X`, `impl X`, `TryFrom<X> for super::X`,
/// `From<super::X> for X`).
fn impl_mentions(block: &syn::ItemImpl, names: &BTreeSet<String>) -> bool {
    if type_ident(&block.self_ty).is_some_and(|n| names.contains(&n)) {
        return true;
    }
    let Some((_, path, _)) = &block.trait_ else {
        return false;
    };
    let Some(last) = path.segments.last() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    args.args.iter().any(|arg| match arg {
        syn::GenericArgument::Type(ty) => type_ident(ty).is_some_and(|n| names.contains(&n)),
        _ => false,
    })
}

/// The last segment of a path type: `super::X` → `X`.
fn type_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::testing::{run, source, spec};
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
        let mut file: syn::File = syn::parse_quote! {
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
        let (removed, _) = run(prune_response_builders, &mut file, &spec);
        assert_eq!(removed.unwrap(), 1);
        let text = source(&file);
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
        let mut file: syn::File = syn::parse_quote! { pub mod builder {} };
        let (removed, _) = run(
            prune_response_builders,
            &mut file,
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
