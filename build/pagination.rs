//! Cursor pagination, recognised from the spec's shape and wired into the
//! generated builders.
//!
//! A list operation is paginated when it takes `after` and `page_size` query
//! parameters and its JSON success response is an object with a
//! `pagination_meta` property and exactly one array property of `$ref` items.
//! No list of operations is kept by hand: a new list endpoint that follows the
//! convention is paginated by the next build.

use heck::{ToPascalCase, ToSnakeCase};
use quote::{format_ident, quote};
use serde_json::Value;
use syn::visit::Visit;

use super::CodegenError;
use super::postprocess::{OperationInfoFinder, method_name};

/// A paginated list operation, as the pass needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOperation {
    /// The generated method name, e.g. `incidents_v2_list`.
    pub method_name: String,
    /// The generated type of the response page.
    pub page_type: String,
    /// The field of the page holding the items.
    pub items_field: String,
    /// The generated type of one item.
    pub item_type: String,
    /// Whether `pagination_meta` is required (else optional) in the page.
    pub meta_required: bool,
    /// Whether the meta carries `total_record_count`.
    pub has_total: bool,
    /// The `maximum` of the `page_size` parameter, when the spec gives one.
    pub max_page_size: Option<u64>,
}

/// Every paginated operation of the (transformed) spec.
pub fn list_operations(spec: &Value) -> Vec<ListOperation> {
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    super::transforms::operations(paths)
        .filter_map(|(_, _, op)| list_operation(spec, op))
        .collect()
}

fn list_operation(spec: &Value, op: &Value) -> Option<ListOperation> {
    let params = op.get("parameters")?.as_array()?;
    let query_param = |name: &str| {
        params.iter().find(|p| {
            p.get("in").and_then(Value::as_str) == Some("query")
                && p.get("name").and_then(Value::as_str) == Some(name)
        })
    };
    query_param("after")?;
    let page_size = query_param("page_size")?;
    let max_page_size = page_size
        .get("schema")
        .and_then(|s| s.get("maximum"))
        .and_then(Value::as_u64);

    let page_ref = op
        .get("responses")?
        .as_object()?
        .iter()
        .filter(|(code, _)| code.starts_with('2'))
        .find_map(|(_, r)| r.get("content")?.get("application/json")?.get("schema"))?
        .get("$ref")?
        .as_str()?;
    let page_name = page_ref.strip_prefix("#/components/schemas/")?;
    let page = resolve(
        spec,
        spec.pointer(&format!("/components/schemas/{page_name}"))?,
    );
    let properties = page.get("properties")?.as_object()?;
    let meta = resolve(spec, properties.get("pagination_meta")?);
    let mut arrays = properties.iter().filter(|(name, schema)| {
        name.as_str() != "pagination_meta"
            && resolve(spec, schema).get("type").and_then(Value::as_str) == Some("array")
    });
    let (items_field, items) = arrays.next()?;
    if arrays.next().is_some() {
        return None; // ambiguous: which array is the page?
    }
    let item_ref = resolve(spec, items).get("items")?.get("$ref")?.as_str()?;
    let item_name = item_ref.strip_prefix("#/components/schemas/")?;
    let required = |schema: &Value, name: &str| {
        schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(name)))
    };
    Some(ListOperation {
        method_name: method_name(op.get("operationId")?.as_str()?),
        page_type: page_name.to_pascal_case(),
        items_field: field_name(items_field),
        item_type: item_name.to_pascal_case(),
        meta_required: required(page, "pagination_meta"),
        has_total: meta
            .get("properties")
            .is_some_and(|p| p.get("total_record_count").is_some()),
        max_page_size,
    })
}

/// Follows local `$ref`s (`#/components/schemas/…`) to the schema they
/// name, a bounded number of hops; shared by the spec queries of the build.
pub fn resolve<'a>(spec: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(target) = schema.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match spec.pointer(target.trim_start_matches('#')) {
            Some(next) => schema = next,
            None => break,
        }
    }
    schema
}

/// The Rust field name typify gives a property.
fn field_name(property: &str) -> String {
    let name = property.to_snake_case();
    if syn::parse_str::<syn::Ident>(&name).is_ok() {
        name
    } else {
        format!("{name}_")
    }
}

/// **Why:** progenitor knows nothing of cursor pagination, so every caller
/// would write the `after` loop again. This pass adds, to the builder of each
/// paginated operation, an implementation of
/// `crate::pagination::ListRequest` (which needs the builder's private
/// fields, hence generated beside it) and the inherent methods `stream()`,
/// `pages()` and `paginate()`. Returns `(method name, builder struct)` of
/// each. Fails if an operation's builder is not found.
pub fn paginate_list_operations(
    file: &mut syn::File,
    lists: &[ListOperation],
) -> Result<Vec<(String, String)>, CodegenError> {
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
    for list in lists {
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
    Ok(added)
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

/// `list_operations! { method => Builder, … }`: the paginated operations,
/// for tests that check each against the spec's example.
pub fn list_operations_macro_call(added: &[(String, String)]) -> String {
    let mut out = String::from(
        "// Generated by build.rs: each paginated operation and its builder.\nlist_operations! {\n",
    );
    for (method, builder) in added {
        out.push_str(&format!("    {method} => {builder},\n"));
    }
    out.push_str("}\n");
    out
}
