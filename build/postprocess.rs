//! Passes over the code progenitor generated, for what the spec cannot say
//! to progenitor. Each pass is a named function returning how many generated
//! items it changed, and fails loudly when it cannot find what it expects, so
//! a generator upgrade that changes the shape of the code breaks the build
//! instead of silently dropping behaviour.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;
use quote::quote;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;

use super::{CodegenError, ReportLine};

/// One operation of the spec, as the passes need it.
#[derive(Debug, Clone)]
pub struct SpecOperation {
    id: String,
    method: String,
    path: String,
    tags: Vec<String>,
    deprecated: bool,
    /// The body property the API de-duplicates this create on, if any.
    replay_key: Option<String>,
}

/// What the passes learnt about the generated code, beyond their counts.
#[derive(Debug, Default)]
pub struct Passes {
    /// One line per transform or pass, in order.
    pub report: Vec<ReportLine>,
    /// `(method name, success type)` for every operation, sorted by name;
    /// the type as written in the generated code (`types::X`, `()`, …).
    pub success_types: BTreeMap<String, String>,
}

/// Runs every pass in order.
pub fn apply_all(
    file: &mut syn::File,
    spec: &OpenAPI,
    deep_object_params: &BTreeSet<(String, String)>,
    replay_keys: &BTreeMap<String, String>,
) -> Result<Passes, CodegenError> {
    let mut ops = spec_operations(spec);
    for op in &mut ops {
        op.replay_key = replay_keys.get(&op.id).cloned();
    }
    let by_method_name: BTreeMap<String, SpecOperation> = ops
        .iter()
        .map(|op| (method_name(&op.id), op.clone()))
        .collect();
    let spec_json = serde_json::to_value(spec).map_err(|e| CodegenError::PostProcess {
        what: format!("the spec does not serialise back to JSON: {e}"),
    })?;
    let line = |name, touched| ReportLine { name, touched };
    let mut success_types = BTreeMap::new();
    // In order: each pass may rely on the shape the previous ones left.
    let report = vec![
        line(
            "route_deep_object_params",
            route_deep_object_params(file, &by_method_name, deep_object_params)?,
        ),
        line(
            "mark_deprecated_operations",
            mark_deprecated_operations(file, &ops)?,
        ),
        line("fence_doc_code_blocks", fence_doc_code_blocks(file)),
        line(
            "document_builder_parameters",
            document_builder_parameters(file, spec),
        ),
        line(
            "typed_send_errors",
            typed_send_errors(file, &mut success_types)?,
        ),
        line(
            "remove_unconfigured_constructor",
            remove_unconfigured_constructor(file)?,
        ),
        line("operation_table", operation_table(file, &by_method_name)?),
        line(
            "compiling_doc_examples",
            super::doc_examples::compiling_doc_examples(file, &spec_json)?,
        ),
        line("escape_doc_links_and_urls", escape_doc_links_and_urls(file)),
    ];
    Ok(Passes {
        report,
        success_types,
    })
}

fn spec_operations(spec: &OpenAPI) -> Vec<SpecOperation> {
    spec.operations()
        .map(|(path, method, op)| SpecOperation {
            id: op.operation_id.clone().unwrap_or_default(),
            method: method.to_uppercase(),
            path: path.to_owned(),
            tags: op.tags.clone(),
            deprecated: op.deprecated,
            replay_key: None,
        })
        .collect()
}

/// The name progenitor gives the method of an operationId. Mirrors
/// `progenitor_impl::util::sanitize(.., Case::Snake)`, which is private.
pub fn method_name(operation_id: &str) -> String {
    use heck::ToSnakeCase;
    let cleaned = operation_id
        .replace('\'', "")
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-");
    let out = cleaned.to_snake_case();
    match out.chars().next() {
        None => "x".into(),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("_{out}"),
    }
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
    by_method_name: &BTreeMap<String, SpecOperation>,
    params: &BTreeSet<(String, String)>,
) -> Result<usize, CodegenError> {
    let mut wanted: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (op_id, name) in params {
        wanted.entry(op_id).or_default().insert(name);
    }
    let mut done: BTreeSet<(String, String)> = BTreeSet::new();
    for item in &mut file.items {
        walk_impl_fns(item, &mut |f| {
            let mut finder = OperationInfoFinder(None);
            finder.visit_impl_item_fn(f);
            let Some(op) = finder.0.and_then(|m| by_method_name.get(&m)) else {
                return;
            };
            let Some(names) = wanted.get(op.id.as_str()) else {
                return;
            };
            let mut router = DeepObjectRouter {
                names,
                replaced: BTreeSet::new(),
            };
            router.visit_impl_item_fn_mut(f);
            done.extend(router.replaced.into_iter().map(|n| (op.id.clone(), n)));
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

/// Calls `f` on every method of every `impl` block in `item` (recursing into
/// inline modules).
fn walk_impl_fns(item: &mut syn::Item, f: &mut dyn FnMut(&mut syn::ImplItemFn)) {
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

fn is_client_impl(block: &syn::ItemImpl) -> bool {
    block.trait_.is_none()
        && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// **Why:** progenitor 0.15 ignores `deprecated: true` on operations, so users
/// get no compiler warning when they call an endpoint that incident.io will
/// retire three months after deprecating it. This pass adds
/// `#[deprecated(note = …)]` to each such method of `Client`, naming the
/// operation that replaces it when the spec has one (same service, higher
/// version, same action, not itself deprecated).
pub fn mark_deprecated_operations(
    file: &mut syn::File,
    ops: &[SpecOperation],
) -> Result<usize, CodegenError> {
    let notes: BTreeMap<String, String> = ops
        .iter()
        .filter(|op| op.deprecated)
        .map(|op| (method_name(&op.id), deprecation_note(op, ops)))
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

/// `"Catalog V2#ListEntries"` → `("Catalog", 2, "ListEntries")`.
fn split_versioned_id(id: &str) -> Option<(&str, u32, &str)> {
    let (tag, action) = id.split_once('#')?;
    let (service, version) = tag.rsplit_once(" V")?;
    Some((service, version.parse().ok()?, action))
}

fn deprecation_note(op: &SpecOperation, ops: &[SpecOperation]) -> String {
    let replacement = split_versioned_id(&op.id).and_then(|(service, version, action)| {
        ops.iter()
            .filter(|other| !other.deprecated)
            .filter_map(|other| {
                let (s, v, a) = split_versioned_id(&other.id)?;
                (s == service && v > version && a == action).then_some((v, other))
            })
            .max_by_key(|(v, _)| *v)
            .map(|(_, other)| other)
    });
    match replacement {
        Some(new) => format!(
            "incident.io has deprecated `{}`; use `{}` ({} {}) instead",
            op.id,
            method_name(&new.id),
            new.method,
            new.path
        ),
        None => format!(
            "incident.io has deprecated `{}` ({} {}); it will be removed from the API",
            op.id, op.method, op.path
        ),
    }
}

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

/// **Why:** progenitor's `send()` returns `progenitor_client::Error<()>`,
/// where a refused request is an unread `reqwest::Response` and a body that
/// does not decode says nothing of where; it decodes with
/// `serde_json::from_slice` (UTF-8 checked inside every string) and reads
/// the body after the hooks' retry loop, so a body broken mid-read is never
/// retried and a huge one is never bounded. This pass renames each
/// builder's generated `send` to a private `send_raw` that stops at the
/// success response (`Ok(response)` in place of its decode), and adds:
///
/// - `send()`, which decodes into the operation's type through
///   `crate::body::finish` (the crate's own `crate::Error`: the API's error
///   envelope, the body limit, a decode error with the JSON path and body);
/// - `send_json()`, the same call with the body untyped, for a caller whose
///   typed decode fails because the API sent what the spec does not declare.
///
/// Fails if a `send` does not have the `Result<ResponseValue<T>, Error<_>>`
/// shape it rewrites, or decodes its success in a way it does not know.
pub fn typed_send_errors(
    file: &mut syn::File,
    success_types: &mut BTreeMap<String, String>,
) -> Result<usize, CodegenError> {
    let mut rewritten = 0;
    let mut failure = None;
    for item in &mut file.items {
        walk_impl_blocks(item, &mut |block| {
            let Some(index) = block.items.iter().position(
                |i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "send" && f.sig.asyncness.is_some()),
            ) else {
                return;
            };
            let syn::ImplItem::Fn(raw) = &mut block.items[index] else {
                unreachable!("position() matched a fn");
            };
            let Some(success) = response_value_type(&raw.sig.output) else {
                failure = Some(format!(
                    "a generated send() returns `{}`, not Result<ResponseValue<T>, Error<_>>",
                    {
                        let output = &raw.sig.output;
                        quote!(#output)
                    }
                ));
                return;
            };
            let mut operation = OperationInfoFinder(None);
            operation.visit_impl_item_fn(raw);
            let operation = operation.0.unwrap_or_default();
            let mut stop = StopAtSuccessResponse(0);
            stop.visit_block_mut(&mut raw.block);
            if stop.0 == 0 {
                failure = Some(format!(
                    "the generated send() of {operation} decodes its success in an unknown way"
                ));
                return;
            }
            success_types.insert(operation.clone(), quote!(#success).to_string());
            let docs: Vec<syn::Attribute> = raw.attrs.clone();
            raw.sig.ident = syn::parse_quote!(send_raw);
            raw.sig.output = syn::parse_quote!(-> Result<reqwest::Response, Error<()>>);
            raw.vis = syn::Visibility::Inherited;
            raw.attrs.retain(|a| !a.path().is_ident("doc"));
            block.items.push(syn::parse_quote! {
                #(#docs)*
                /// Sends the request. Errors are [`crate::Error`]: the API's
                /// error envelope, a transport failure, a timeout, a body over
                /// the size limit, or a body that does not match its type
                /// (with the JSON path, and the body).
                pub async fn send(self) -> ::std::result::Result<ResponseValue<#success>, crate::Error> {
                    crate::body::finish(#operation, self.send_raw().await).await
                }
            });
            block.items.push(syn::parse_quote! {
                /// Sends the request like `send()` (the same retries, pacing
                /// and errors) and returns the body as untyped JSON, every
                /// field kept: for data the spec does not (yet) declare, or
                /// when the typed decode fails.
                pub async fn send_json(
                    self,
                ) -> ::std::result::Result<ResponseValue<::serde_json::Value>, crate::Error> {
                    crate::body::finish(#operation, self.send_raw().await).await
                }
            });
            rewritten += 1;
        });
    }
    if let Some(what) = failure {
        return Err(CodegenError::PostProcess { what });
    }
    if rewritten == 0 {
        return Err(CodegenError::PostProcess {
            what: "no generated send() methods found".into(),
        });
    }
    Ok(rewritten)
}

/// Replaces a generated `send`'s success decode,
/// `ResponseValue::from_response(response).await` or
/// `Ok(ResponseValue::empty(response))`, with `Ok(response)`, counting
/// replacements.
struct StopAtSuccessResponse(usize);

impl StopAtSuccessResponse {
    fn is_response_value_call(expr: &syn::Expr, function: &str) -> bool {
        let syn::Expr::Call(call) = expr else {
            return false;
        };
        let syn::Expr::Path(path) = &*call.func else {
            return false;
        };
        let names: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        names.ends_with(&["ResponseValue".to_owned(), function.to_owned()])
    }
}

impl VisitMut for StopAtSuccessResponse {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        let replace = match &*expr {
            syn::Expr::Await(awaited) => {
                Self::is_response_value_call(&awaited.base, "from_response")
            }
            syn::Expr::Call(call) => {
                matches!(&*call.func, syn::Expr::Path(p) if p.path.is_ident("Ok"))
                    && call.args.len() == 1
                    && Self::is_response_value_call(&call.args[0], "empty")
            }
            _ => false,
        };
        if replace {
            *expr = syn::parse_quote!(Ok(response));
            self.0 += 1;
        } else {
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
}

/// `T` in `-> Result<ResponseValue<T>, …>`.
fn response_value_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let generic_args = |ty: &syn::Type, name: &str| -> Option<Vec<syn::Type>> {
        let syn::Type::Path(path) = ty else {
            return None;
        };
        let last = path.path.segments.last()?;
        if last.ident != name {
            return None;
        }
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        Some(
            args.args
                .iter()
                .filter_map(|a| match a {
                    syn::GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                })
                .collect(),
        )
    };
    let result_args = generic_args(ty, "Result")?;
    let value_args = generic_args(result_args.first()?, "ResponseValue")?;
    value_args.into_iter().next()
}

/// Calls `f` on every `impl` block in `item` (recursing into inline modules).
fn walk_impl_blocks(item: &mut syn::Item, f: &mut dyn FnMut(&mut syn::ItemImpl)) {
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

/// **Why:** progenitor generates `Client::new(baseurl, inner)`, which builds
/// a `reqwest::Client` with `.unwrap()` (a panic where TLS cannot be set up)
/// and bypasses the crate's configuration (auth, timeouts, user agent). The
/// hand-written `Client::new(api_key)` and `Client::builder()` replace it;
/// this pass removes the generated one so the names do not clash.
pub fn remove_unconfigured_constructor(file: &mut syn::File) -> Result<usize, CodegenError> {
    let mut removed = 0;
    for item in &mut file.items {
        if let syn::Item::Impl(block) = item
            && is_client_impl(block)
        {
            let before = block.items.len();
            block
                .items
                .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
            removed += before - block.items.len();
        }
    }
    if removed != 1 {
        return Err(CodegenError::PostProcess {
            what: format!("expected one generated Client::new, found {removed}"),
        });
    }
    Ok(removed)
}

/// **Why:** progenitor's builder setters carry no documentation, yet the
/// spec describes every parameter, and for the operator filters the
/// description is the only place that lists the operators each accepts
/// (`one_of`, `not_in`, `gte`, …). This pass copies each parameter's
/// description onto its setter, noting when it is required. Returns the
/// number of setters documented.
pub fn document_builder_parameters(file: &mut syn::File, spec: &OpenAPI) -> usize {
    let mut docs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (_, _, op) in spec.operations() {
        let Some(id) = &op.operation_id else {
            continue;
        };
        let params = docs.entry(method_name(id)).or_default();
        for param in &op.parameters {
            let openapiv3::ReferenceOr::Item(param) = param else {
                continue;
            };
            let data = param.parameter_data_ref();
            let mut doc = data
                .description
                .clone()
                .unwrap_or_else(|| format!("The `{}` parameter.", data.name));
            if data.required {
                doc.push_str("\n\nRequired: `send()` fails without it.");
            }
            params.insert(method_name(&data.name), doc);
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
    documented
}

/// **Why:** the spec's descriptions are Markdown written for a website: code
/// blocks indented by a tab or four spaces, or fenced without a language, hold
/// `curl` commands and JSON. progenitor copies them into doc comments, where
/// rustdoc takes every such block for a Rust doctest that fails to compile.
/// This pass marks them as `text` (fenced blocks without a language, or
/// marked `rust`, become `text`; indented blocks are fenced as `text`), so
/// they render as what they are and `cargo test` runs only real doctests.
/// Returns the number of doc attributes changed.
pub fn fence_doc_code_blocks(file: &mut syn::File) -> usize {
    struct Fencer(usize);
    impl VisitMut for Fencer {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            if !attr.path().is_ident("doc") {
                return;
            }
            let syn::Meta::NameValue(meta) = &mut attr.meta else {
                return;
            };
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(doc),
                ..
            }) = &meta.value
            else {
                return;
            };
            let original = doc.value();
            let fenced = fence_markdown_code(&original);
            if fenced != original {
                meta.value = syn::parse_quote!(#fenced);
                self.0 += 1;
            }
        }
    }
    let mut fencer = Fencer(0);
    fencer.visit_file_mut(file);
    fencer.0
}

/// Marks every code block of a Markdown text as `text` (see
/// [`fence_doc_code_blocks`]).
pub fn fence_markdown_code(doc: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut in_indented = false;
    let mut previous_blank = true;
    for line in doc.lines() {
        let trimmed = line.trim_start();
        let blank = trimmed.is_empty();
        if in_fence {
            out.push(line.to_owned());
            in_fence = !trimmed.starts_with("```");
            previous_blank = blank;
            continue;
        }
        let indented = line.starts_with('\t') || line.starts_with("    ");
        if in_indented {
            if blank || indented {
                out.push(line.to_owned());
                continue;
            }
            close_indented_block(&mut out);
            in_indented = false;
        }
        if let Some(info) = trimmed.strip_prefix("```") {
            let info = info.trim();
            let indent = &line[..line.len() - trimmed.len()];
            if info.is_empty() || info == "rust" {
                out.push(format!("{indent}```text"));
            } else {
                out.push(line.to_owned());
            }
            in_fence = true;
        } else if indented && previous_blank && !blank {
            out.push("```text".to_owned());
            out.push(line.to_owned());
            in_indented = true;
        } else {
            out.push(line.to_owned());
        }
        previous_blank = blank;
    }
    if in_indented {
        close_indented_block(&mut out);
    }
    let mut text = out.join("\n");
    if doc.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Ends an indented block turned fenced, before its trailing blank lines.
fn close_indented_block(out: &mut Vec<String>) {
    let trailing = out.iter().rev().take_while(|l| l.trim().is_empty()).count();
    let at = out.len() - trailing;
    out.insert(at, "```".to_owned());
}

/// **Why:** the spec's descriptions are Markdown for a website, where a bare
/// URL is linked by the renderer and `[secret]` or `[Links](url)` are plain
/// text; rustdoc leaves the first unlinked (`rustdoc::bare_urls`) and takes
/// the others for intra-doc links to items that do not exist
/// (`rustdoc::broken_intra_doc_links`), so `cargo doc` warns and a
/// `-D warnings` docs build fails. This pass, over every doc attribute of the
/// generated file and outside code, wraps each bare URL in `<…>` and escapes
/// the brackets of each `[text]` that is neither an intra-doc link to a
/// code item (`` [`Item`] ``) nor a link to a URL or anchor
/// (`[text](https://…)`, `[text](#…)`), as `\[text\]`. Returns the number of
/// doc attributes changed.
pub fn escape_doc_links_and_urls(file: &mut syn::File) -> usize {
    struct Escaper(usize);
    impl VisitMut for Escaper {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            let Some(original) = super::doc_examples::doc_text(attr) else {
                return;
            };
            let escaped = escape_markdown_links(&original);
            if escaped != original {
                super::doc_examples::set_doc(attr, &escaped);
                self.0 += 1;
            }
        }
    }
    let mut escaper = Escaper(0);
    escaper.visit_file_mut(file);
    escaper.0
}

/// Wraps bare URLs and escapes non-link brackets of a Markdown text, outside
/// fenced code blocks and code spans (see [`escape_doc_links_and_urls`]).
pub fn escape_markdown_links(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    let mut in_fence = false;
    for (i, line) in doc.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            out.push_str(line);
        } else if in_fence {
            out.push_str(line);
        } else {
            escape_line(line, &mut out);
        }
    }
    out
}

fn escape_line(line: &str, out: &mut String) {
    let chars: Vec<char> = line.chars().collect();
    let mut close_to_escape: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let previous = i.checked_sub(1).map(|p| chars[p]);
        if c == '`' {
            // A code span: copied up to the closing run of as many backticks.
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            let after = i + run;
            let close = (after..chars.len()).find(|&j| {
                chars[j..].iter().take_while(|&&c| c == '`').count() == run
                    && chars.get(j.wrapping_sub(1)) != Some(&'`')
            });
            let end = close.map_or(chars.len(), |j| j + run);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if c == '\\' && i + 1 < chars.len() {
            out.push(c);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == ']' && close_to_escape.last() == Some(&i) {
            close_to_escape.pop();
            out.push_str("\\]");
            i += 1;
            continue;
        }
        if c == '['
            && let Some(close) = (i + 1..chars.len()).find(|&j| chars[j] == ']')
        {
            let content: String = chars[i + 1..close].iter().collect();
            let target: Option<String> = (chars.get(close + 1) == Some(&'(')).then(|| {
                chars[close + 2..]
                    .iter()
                    .take_while(|&&c| c != ')')
                    .collect()
            });
            let is_link = content.starts_with('`')
                || target.is_some_and(|t| {
                    t.contains("://") || t.starts_with('#') || t.starts_with("mailto:")
                });
            if !is_link && !content.is_empty() {
                out.push_str("\\[");
                close_to_escape.push(close);
                i += 1;
                continue;
            }
        }
        let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
        if (rest.starts_with("https://") || rest.starts_with("http://"))
            && !matches!(previous, Some('<' | '(' | '"' | '\'' | '='))
        {
            let mut end = (i..chars.len())
                .find(|&j| chars[j].is_whitespace() || matches!(chars[j], '<' | '>' | '"'))
                .unwrap_or(chars.len());
            while end > i
                && matches!(
                    chars[end - 1],
                    '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']'
                )
            {
                end -= 1;
            }
            out.push('<');
            out.extend(&chars[i..end]);
            out.push('>');
            i = end;
            continue;
        }
        out.push(c);
        i += 1;
    }
}
