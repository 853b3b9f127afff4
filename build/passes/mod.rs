//! Passes over the syntax tree progenitor generated, for what the spec
//! cannot say to progenitor. Each pass is a named function returning how
//! many generated items it changed, and fails loudly when it cannot find
//! what it expects, so a generator upgrade that changes the shape of the
//! code breaks the build instead of silently dropping behaviour. The order
//! they run in is the pipeline table of `build/mod.rs`; this module holds
//! the passes and the few syntax helpers they share.

pub mod builders;
pub mod constructor;
pub mod deep_objects;
pub mod deprecations;
pub mod deserialize;
pub mod doc_examples;
pub mod doc_markdown;
pub mod operation_table;
pub mod paginate;
pub mod parameter_docs;
pub mod typed_send;

use syn::visit::Visit;

/// One operation of the spec, as the passes need it (made from the spec
/// queries by the pipeline, so the passes read the spec through them).
#[derive(Debug, Clone)]
pub struct SpecOperation {
    /// The `operationId`.
    pub id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The spec's tags.
    pub tags: Vec<String>,
    /// Whether the spec marks it deprecated.
    pub deprecated: bool,
    /// The body property the API de-duplicates this create on, if any.
    pub replay_key: Option<String>,
    /// The id of the operation that replaces it, when deprecated.
    pub replacement: Option<String>,
}

/// The operation id a generated `send()` body reports in its
/// `OperationInfo { operation_id: "…" }`.
pub struct OperationInfoFinder(pub Option<String>);

impl<'ast> Visit<'ast> for OperationInfoFinder {
    fn visit_expr_struct(&mut self, node: &'ast syn::ExprStruct) {
        if node
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "OperationInfo")
        {
            for field in &node.fields {
                if let (syn::Member::Named(name), syn::Expr::Lit(lit)) =
                    (&field.member, &field.expr)
                    && name == "operation_id"
                    && let syn::Lit::Str(s) = &lit.lit
                {
                    self.0 = Some(s.value());
                }
            }
        }
        syn::visit::visit_expr_struct(self, node);
    }
}

/// Calls `f` on every method of every `impl` block in `item` (recursing into
/// inline modules).
pub(super) fn walk_impl_fns(item: &mut syn::Item, f: &mut dyn FnMut(&mut syn::ImplItemFn)) {
    match item {
        syn::Item::Impl(block) => {
            for impl_item in &mut block.items {
                if let syn::ImplItem::Fn(func) = impl_item {
                    f(func);
                }
            }
        }
        syn::Item::Mod(module) => {
            if let Some((_, items)) = &mut module.content {
                for item in items {
                    walk_impl_fns(item, f);
                }
            }
        }
        _ => {}
    }
}

/// The methods of the top-level `impl Client` block.
pub(super) fn client_methods(file: &mut syn::File) -> impl Iterator<Item = &mut syn::ImplItemFn> {
    file.items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Impl(block) if is_client_impl(block) => Some(block),
            _ => None,
        })
        .flat_map(|block| block.items.iter_mut())
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f),
            _ => None,
        })
}

pub(super) fn is_client_impl(block: &syn::ItemImpl) -> bool {
    block.trait_.is_none()
        && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// Calls `f` on every `impl` block in `item` (recursing into inline modules).
pub(super) fn walk_impl_blocks(item: &mut syn::Item, f: &mut dyn FnMut(&mut syn::ItemImpl)) {
    match item {
        syn::Item::Impl(block) => f(block),
        syn::Item::Mod(module) => {
            if let Some((_, items)) = &mut module.content {
                for item in items {
                    walk_impl_blocks(item, f);
                }
            }
        }
        _ => {}
    }
}
