//! The `paginate_list_operations` pass: cursor pagination wired into the
//! generated builders of the list operations that [`crate::codegen::spec::pagination`]
//! recognises.

use quote::{format_ident, quote};
use syn::visit::Visit;

use super::OperationInfoFinder;
use crate::codegen::CodegenError;
use crate::codegen::context::{Context, Outputs};
use crate::codegen::spec::pagination::ListOperation;

/// **Why:** progenitor knows nothing of cursor pagination, so every caller
/// would write the `after` loop again. This pass adds, to the builder of each
/// paginated operation, an implementation of
/// `crate::pagination::ListRequest` (which needs the builder's private
/// fields, hence generated beside it) and the inherent methods `stream()`,
/// `pages()` and `paginate()`, and lists `(method name, builder struct)`
/// of each in `outputs.paginated` (for the tests). Returns how many it
/// paginated; fails if an operation's builder is not found.
pub fn paginate_list_operations(
    file: &mut syn::File,
    ctx: &Context<'_>,
    outputs: &mut Outputs,
) -> Result<usize, CodegenError> {
    let builder = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
            _ => None,
        })
        .map(|(_, items)| items)
        .ok_or_else(|| CodegenError::PostProcess {
            what: "no generated `builder` module".into(),
        })?;

    // Builder struct name of each operation, found through the operation id
    // its `send_raw` reports.
    let mut struct_of = std::collections::BTreeMap::new();
    for item in builder.iter() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let mut finder = OperationInfoFinder(None);
        finder.visit_item_impl(block);
        if let (Some(op), syn::Type::Path(ty)) = (finder.0, &*block.self_ty)
            && let Some(last) = ty.path.segments.last()
        {
            struct_of.insert(op, last.ident.clone());
        }
    }

    let mut added = Vec::new();
    for list in ctx.lists() {
        let Some(ident) = struct_of.get(&list.method_name) else {
            return Err(CodegenError::PostProcess {
                what: format!("no generated builder for {}", list.method_name),
            });
        };
        let optional =
            page_size_is_optional(builder, ident).ok_or_else(|| CodegenError::PostProcess {
                what: format!("builder {ident} has no `page_size` field"),
            })?;
        let fields = own_client(builder, ident)?;
        builder.extend(list_request_items(ident, list, optional, &fields));
        added.push((list.method_name.clone(), ident.to_string()));
    }
    let count = added.len();
    outputs.paginated.extend(added);
    Ok(count)
}

/// Whether the builder's `page_size` field holds an `Option` (the parameter
/// is optional) rather than a required value; `None` if there is no field.
fn page_size_is_optional(builder: &[syn::Item], ident: &syn::Ident) -> Option<bool> {
    let fields = builder.iter().find_map(|item| match item {
        syn::Item::Struct(s) if &s.ident == ident => Some(&s.fields),
        _ => None,
    })?;
    let field = fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "page_size"))?;
    let ty = &field.ty;
    Some(quote!(#ty).to_string().contains("Option"))
}

/// **Why:** a list builder borrows its client (`client: &'a Client`), so its
/// requests cannot outlive the caller's stack frame, and prefetch cannot
/// hand the next page's request to the runtime (`tokio::spawn` needs
/// `'static`), which is what makes it overlap with whatever the consumer
/// awaits. This pass makes the field a `Cow<'a, Client>`: borrowed as
/// before when built by `client.incidents_v2_list()`, owned (a cheap
/// clone: the client is reference-counted) in the `'static` copy that
/// `ListRequest::into_owned` makes. Returns the builder's other field names.
fn own_client(
    builder: &mut [syn::Item],
    ident: &syn::Ident,
) -> Result<Vec<syn::Ident>, CodegenError> {
    let missing = |what: &str| CodegenError::PostProcess {
        what: format!("list builder {ident}: {what}"),
    };
    let fields = builder
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Struct(s) if &s.ident == ident => Some(&mut s.fields),
            _ => None,
        })
        .ok_or_else(|| missing("no struct"))?;
    let mut others = Vec::new();
    let mut found = false;
    for field in fields.iter_mut() {
        let name = field
            .ident
            .clone()
            .ok_or_else(|| missing("unnamed field"))?;
        if name == "client" {
            field.ty = syn::parse_quote!(::std::borrow::Cow<'a, super::Client>);
            found = true;
        } else {
            others.push(name);
        }
    }
    if !found {
        return Err(missing("no `client` field"));
    }
    // `new(client: &'a Client)` stores it borrowed.
    let mut rewritten = false;
    for item in builder.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if !matches!(&*block.self_ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| &s.ident == ident))
        {
            continue;
        }
        for member in &mut block.items {
            if let syn::ImplItem::Fn(f) = member
                && f.sig.ident == "new"
            {
                let mut borrow = BorrowClient(false);
                syn::visit_mut::VisitMut::visit_block_mut(&mut borrow, &mut f.block);
                rewritten |= borrow.0;
            }
        }
    }
    if !rewritten {
        return Err(missing("`new` does not store `client: client`"));
    }
    Ok(others)
}

/// In a builder's `new`, `Self { client: client, .. }` →
/// `Self { client: Cow::Borrowed(client), .. }`.
struct BorrowClient(bool);

impl syn::visit_mut::VisitMut for BorrowClient {
    fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
        if matches!(&field.member, syn::Member::Named(n) if n == "client") {
            field.expr = syn::parse_quote!(::std::borrow::Cow::Borrowed(client));
            field.colon_token.get_or_insert_with(Default::default);
            self.0 = true;
        }
    }
}

fn list_request_items(
    ident: &syn::Ident,
    list: &ListOperation,
    optional: bool,
    fields: &[syn::Ident],
) -> Vec<syn::Item> {
    let is_set = if optional {
        quote!(matches!(self.page_size, Ok(Some(_))))
    } else {
        quote!(self.page_size.is_ok())
    };
    let page = format_ident!("{}", list.page_type);
    let item = format_ident!("{}", list.item_type);
    let items = format_ident!("{}", list.items_field);
    let max = match list.max_page_size {
        Some(n) => quote!(::std::option::Option::Some(#n)),
        None => quote!(::std::option::Option::None),
    };
    let total = if list.has_total {
        quote!(meta.total_record_count)
    } else {
        quote!(::std::option::Option::None)
    };
    let meta = if list.meta_required {
        quote!(::std::option::Option::Some(page.pagination_meta))
    } else {
        quote!(page.pagination_meta)
    };
    let method = &list.method_name;
    let stream_doc = format!(
        "Every item of every page, fetched lazily page by page: see \
         [`crate::pagination`]. Parameters set on this builder (filters, sort, \
         page size) apply to every page; the page size defaults to the \
         largest the API allows{}.",
        list.max_page_size
            .map_or(String::new(), |n| format!(" ({n})"))
    );
    let pages_doc = format!(
        "Each page of `{method}` in turn, with its cursor and total: see [`crate::pagination`]."
    );
    vec![
        syn::parse_quote! {
            impl<'a> crate::pagination::ListRequest<'a> for #ident<'a> {
                type Page = types::#page;
                type Item = types::#item;
                const OPERATION: &'static str = #method;
                const MAX_PAGE_SIZE: ::std::option::Option<u64> = #max;

                fn page_size_is_set(&self) -> bool {
                    #is_set
                }

                fn with_after(self, after: ::std::string::String) -> Self {
                    self.after(after)
                }

                fn with_page_size(self, page_size: u64) -> Self {
                    self.page_size(page_size)
                }

                type Owned = #ident<'static>;

                fn into_owned(self) -> #ident<'static> {
                    #ident {
                        client: ::std::borrow::Cow::Owned(self.client.into_owned()),
                        #(#fields: self.#fields,)*
                    }
                }

                fn send_page(
                    self,
                ) -> impl ::std::future::Future<
                    Output = ::std::result::Result<
                        progenitor_client::ResponseValue<Self::Page>,
                        crate::Error,
                    >,
                > + Send + 'a {
                    self.send()
                }

                fn into_page(page: Self::Page) -> crate::pagination::Page<Self::Item> {
                    let (after, total_record_count) = match #meta {
                        ::std::option::Option::Some(meta) => (meta.after, #total),
                        ::std::option::Option::None => (::std::option::Option::None, ::std::option::Option::None),
                    };
                    crate::pagination::Page::new(page.#items, after, total_record_count)
                }
            }
        },
        syn::parse_quote! {
            impl<'a> #ident<'a> {
                #[doc = #stream_doc]
                #[inline]
                pub fn stream(self) -> crate::pagination::ItemStream<'a, types::#item> {
                    crate::pagination::Paginator::new(self).items()
                }

                #[doc = #pages_doc]
                #[inline]
                pub fn pages(self) -> crate::pagination::PageStream<'a, types::#item> {
                    crate::pagination::Paginator::new(self).pages()
                }

                /// A paginator with options (prefetch) before choosing items or pages.
                pub fn paginate(self) -> crate::pagination::Paginator<'a, Self> {
                    crate::pagination::Paginator::new(self)
                }
            }
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::testing::{run, source, spec};
    use serde_json::json;

    fn things() -> serde_json::Value {
        spec(
            json!({"/v1/things": {"get": {
                "operationId": "Things V1#List",
                "parameters": [
                    {"name": "after", "in": "query", "schema": {"type": "string"}},
                    {"name": "page_size", "in": "query", "schema": {"type": "integer", "maximum": 50}},
                ],
                "responses": {"200": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ThingsPage"}}}}},
            }}}),
            json!({
                "ThingsPage": {"type": "object", "required": ["things"], "properties": {
                    "things": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                    "pagination_meta": {"$ref": "#/components/schemas/Meta"},
                }},
                "Meta": {"type": "object", "properties": {"after": {"type": "string"},
                                                          "total_record_count": {"type": "integer"}}},
                "Thing": {"type": "object"},
            }),
        )
    }

    fn builder() -> syn::File {
        syn::parse_quote! {
            pub mod builder {
                pub struct ThingsV1List<'a> {
                    client: &'a super::Client,
                    after: Result<Option<::std::string::String>, String>,
                    page_size: Result<Option<u64>, String>,
                }
                impl<'a> ThingsV1List<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client: client, after: Ok(None), page_size: Ok(None) }
                    }
                    async fn send_raw(self) {
                        let info = OperationInfo { operation_id: "things_v1_list" };
                    }
                }
            }
        }
    }

    #[test]
    fn a_list_builder_gets_its_page_walk_and_owns_its_client() {
        let mut file = builder();
        let (paginated, outputs) = run(paginate_list_operations, &mut file, &things());
        assert_eq!(paginated.unwrap(), 1);
        assert_eq!(
            outputs.paginated,
            [("things_v1_list".to_owned(), "ThingsV1List".to_owned())]
        );
        let text = source(&file);
        assert!(
            text.contains("client: ::std::borrow::Cow<'a, super::Client>,"),
            "{text}"
        );
        assert!(
            text.contains("client: ::std::borrow::Cow::Borrowed(client),"),
            "{text}"
        );
        assert!(
            text.contains("impl<'a> crate::pagination::ListRequest<'a> for ThingsV1List<'a> {"),
            "{text}"
        );
        assert!(text.contains("type Page = types::ThingsPage;"), "{text}");
        assert!(text.contains("type Item = types::Thing;"), "{text}");
        assert!(text.contains("MAX_PAGE_SIZE: ::std::option::Option<u64> = ::std::option::Option::Some(\n            50u64,"), "{text}");
        assert!(
            text.contains("matches!(self.page_size, Ok(Some(_)))"),
            "{text}"
        );
        assert!(
            text.contains("(meta.after, meta.total_record_count)"),
            "{text}"
        );
        assert!(
            text.contains("crate::pagination::Page::new(page.things, after, total_record_count)"),
            "{text}"
        );
        assert!(
            text.contains("pub fn stream(self) -> crate::pagination::ItemStream<'a, types::Thing>"),
            "{text}"
        );
    }

    #[test]
    fn a_list_without_its_builder_fails_the_build() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {}
        };
        let (paginated, _) = run(paginate_list_operations, &mut file, &things());
        let error = paginated.unwrap_err().to_string();
        assert!(
            error.contains("no generated builder for things_v1_list"),
            "{error}"
        );
        let mut file: syn::File = syn::parse_quote! { pub mod types {} };
        let (paginated, _) = run(paginate_list_operations, &mut file, &things());
        assert!(
            paginated
                .unwrap_err()
                .to_string()
                .contains("no generated `builder` module")
        );
    }
}
