//! Passes over the syntax tree progenitor generated, for what the spec
//! cannot say to progenitor. Every pass has one signature, [`Pass`]: the
//! syntax tree, the pipeline's [`Context`] (the spec's answers) and its
//! [`Outputs`] (what a pass produces besides the tree) in, the number of
//! generated items it changed out, or the error that names the shape it
//! expected and did not find, so a generator upgrade that changes the
//! shape of the code breaks the build instead of silently dropping
//! behaviour. The order they run in is the `PIPELINE` table of
//! `build/mod.rs`; this module holds the passes and the few syntax helpers
//! they share. Each file has unit tests on a small syntax tree.

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
pub mod tokens;
pub mod typed_send;

use syn::visit::Visit;

use super::CodegenError;
use super::context::{Context, Outputs};

/// The signature of every pass.
pub type Pass = fn(&mut syn::File, &Context<'_>, &mut Outputs) -> Result<usize, CodegenError>;

/// The signature of a pass on progenitor's tokens before they are parsed
/// (see [`tokens`]): for cuts of whole items, which then cost no parsing.
pub type TokenPass =
    fn(&mut proc_macro2::TokenStream, &Context<'_>, &mut Outputs) -> Result<usize, CodegenError>;

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

/// The number of operation builders in the generated `builder` module
/// (one per operation progenitor generated).
pub(super) fn operation_builders(file: &syn::File) -> usize {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .map_or(0, |(_, items)| {
            items
                .iter()
                .filter(|item| matches!(item, syn::Item::Struct(_)))
                .count()
        })
}

/// What the passes' unit tests share: a pass run on a small syntax tree
/// with the context of a small spec.
#[cfg(test)]
pub(crate) mod testing {
    use serde_json::Value;

    use super::Pass;
    use crate::codegen::context::{Context, Outputs};
    use crate::codegen::{CodegenError, Options};

    /// Runs `step` with the context of `spec`, every option on, and fresh
    /// outputs.
    fn with_context(
        spec: &Value,
        step: impl FnOnce(&Context, &mut Outputs) -> Result<usize, CodegenError>,
    ) -> (Result<usize, CodegenError>, Outputs) {
        let options = Options::default();
        let ctx = Context::new(spec, &options);
        let mut outputs = Outputs::default();
        let result = step(&ctx, &mut outputs);
        (result, outputs)
    }

    /// Runs `pass` on `file` with the context of `spec`, every option on.
    pub fn run(
        pass: Pass,
        file: &mut syn::File,
        spec: &Value,
    ) -> (Result<usize, CodegenError>, Outputs) {
        with_context(spec, |ctx, outputs| pass(file, ctx, outputs))
    }

    /// Runs the token pass `pass` on `stream` with the context of `spec`,
    /// every option on.
    pub fn run_tokens(
        pass: super::TokenPass,
        stream: &mut proc_macro2::TokenStream,
        spec: &Value,
    ) -> (Result<usize, CodegenError>, Outputs) {
        with_context(spec, |ctx, outputs| pass(stream, ctx, outputs))
    }

    /// The file as Rust source, for assertions.
    pub fn source(file: &syn::File) -> String {
        prettyplease::unparse(file)
    }

    /// The text of every doc attribute in `file`, in order.
    pub fn docs(file: &syn::File) -> Vec<String> {
        struct Docs(Vec<String>);
        impl<'ast> syn::visit::Visit<'ast> for Docs {
            fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
                self.0.extend(super::doc_examples::doc_text(attr));
            }
        }
        let mut docs = Docs(Vec::new());
        syn::visit::Visit::visit_file(&mut docs, file);
        docs.0
    }

    /// A spec of these `paths` and component `schemas`.
    pub fn spec(paths: Value, schemas: Value) -> Value {
        serde_json::json!({"paths": paths, "components": {"schemas": schemas}})
    }
}
