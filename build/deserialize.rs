//! The `compact_struct_deserialize` pass: a smaller `Deserialize` for each
//! generated struct.

use quote::{format_ident, quote};

/// How a field is filled when its key is absent from a map.
enum Missing {
    /// Required: "missing field `x`".
    Error,
    /// `Option<T>` without a default: `None`, as serde's derive does.
    None,
    /// `#[serde(default)]`: `Default::default()`.
    Default,
    /// `#[serde(default = "path")]`: `path()`.
    DefaultFn(syn::ExprPath),
}

/// One named field, as the generated impl needs it.
struct Field {
    ident: syn::Ident,
    ty: syn::Type,
    /// The JSON key (`rename`, else the field's name).
    key: String,
    missing: Missing,
}

/// **Why:** `#[derive(Deserialize)]` on a struct of N fields emits a field
/// enum with its own visitor (`visit_u64`, `visit_str`, `visit_bytes`, each an
/// N-arm match) and its own `Deserialize`, then `visit_seq` and `visit_map`
/// that repeat N error paths each. On the ~600 generated structs that is
/// about 8,000 function bodies, 40% of the crate's type checking and borrow
/// checking (measured with `-Zself-profile`). This pass replaces the derive
/// on each plain struct (named fields; only `rename`, `default` and
/// `skip_serializing_if` attributes, which are all typify emits) with an
/// impl of the same behaviour in three bodies: the key is matched to its
/// index by one shared seed ([`crate::de::FieldIndex`]) instead of a
/// per-struct enum, and the duplicate, missing and default handling is in
/// shared generic helpers. What stays the same, and is tested: the JSON
/// accepted and the errors (`missing field`, `duplicate field`, the path of
/// a wrong type), unknown keys ignored, absent `Option` fields `None`,
/// `default` attributes applied, and the sequence form that non-self-
/// describing formats (bincode, postcard) use. `Serialize` stays derived.
///
/// Structs it does not recognise keep the derive; returns how many it
/// replaced.
pub fn compact_struct_deserialize(file: &mut syn::File) -> usize {
    let mut replaced = 0;
    for item in &mut file.items {
        if let syn::Item::Mod(module) = item
            && module.ident == "types"
            && let Some((_, items)) = &mut module.content
        {
            let mut impls = Vec::new();
            for item in items.iter_mut() {
                if let syn::Item::Struct(strukt) = item
                    && let Some(fields) = plain_fields(strukt)
                    && remove_deserialize_derive(strukt)
                {
                    impls.push(deserialize_impl(&strukt.ident, &fields));
                }
            }
            replaced += impls.len();
            items.extend(impls);
        }
    }
    replaced
}

/// The fields of a struct this pass can take: derives `Deserialize`, has
/// named fields, no generics, no container `#[serde]` attribute and only
/// field attributes it knows.
fn plain_fields(strukt: &syn::ItemStruct) -> Option<Vec<Field>> {
    if !strukt.generics.params.is_empty()
        || strukt.attrs.iter().any(|a| a.path().is_ident("serde"))
        || !derives_deserialize(strukt)
    {
        return None;
    }
    let syn::Fields::Named(named) = &strukt.fields else {
        return None;
    };
    named.named.iter().map(field).collect()
}

fn field(field: &syn::Field) -> Option<Field> {
    let ident = field.ident.clone()?;
    let mut key = ident.to_string().trim_start_matches("r#").to_owned();
    let mut missing = if is_option(&field.ty) {
        Missing::None
    } else {
        Missing::Error
    };
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let mut known = true;
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                key = meta.value()?.parse::<syn::LitStr>()?.value();
            } else if meta.path.is_ident("default") {
                missing = if meta.input.peek(syn::Token![=]) {
                    let path = meta.value()?.parse::<syn::LitStr>()?;
                    Missing::DefaultFn(path.parse()?)
                } else {
                    Missing::Default
                };
            } else if meta.path.is_ident("skip_serializing_if") {
                meta.value()?.parse::<syn::LitStr>()?;
            } else {
                known = false;
            }
            Ok(())
        })
        .ok()?;
        if !known {
            return None;
        }
    }
    Some(Field {
        ident,
        ty: field.ty.clone(),
        key,
        missing,
    })
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

fn is_deserialize(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| s.ident == "Deserialize")
}

fn derive_paths(attr: &syn::Attribute) -> Option<Vec<syn::Path>> {
    if !attr.path().is_ident("derive") {
        return None;
    }
    attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        .ok()
        .map(|paths| paths.into_iter().collect())
}

fn derives_deserialize(strukt: &syn::ItemStruct) -> bool {
    strukt
        .attrs
        .iter()
        .filter_map(derive_paths)
        .any(|paths| paths.iter().any(is_deserialize))
}

/// Drops `Deserialize` from the struct's derive list.
fn remove_deserialize_derive(strukt: &mut syn::ItemStruct) -> bool {
    let mut removed = false;
    for attr in &mut strukt.attrs {
        let Some(paths) = derive_paths(attr) else {
            continue;
        };
        if paths.iter().any(is_deserialize) {
            let kept = paths.iter().filter(|p| !is_deserialize(p));
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
            removed = true;
        }
    }
    removed
}

fn deserialize_impl(name: &syn::Ident, fields: &[Field]) -> syn::Item {
    let expecting = format!("struct {name}");
    let name_str = name.to_string();
    let keys = fields.iter().map(|f| f.key.as_str());
    let slots: Vec<syn::Ident> = (0..fields.len())
        .map(|i| format_ident!("field_{i}"))
        .collect();
    let tys = fields.iter().map(|f| &f.ty);
    let idents: Vec<&syn::Ident> = fields.iter().map(|f| &f.ident).collect();
    let indices = 0..fields.len();
    let elements = fields.iter().enumerate().map(|(i, f)| match &f.missing {
        Missing::Default => quote!(seq.next_element()?.unwrap_or_default()),
        Missing::DefaultFn(path) => quote!(seq.next_element()?.unwrap_or_else(#path)),
        Missing::Error | Missing::None => quote!(crate::de::element(&mut seq, #i, &self)?),
    });
    let finish = fields.iter().zip(&slots).map(|(f, slot)| {
        let key = &f.key;
        match &f.missing {
            Missing::Error => quote!(crate::de::required(#slot, #key)?),
            Missing::None | Missing::Default => quote!(#slot.unwrap_or_default()),
            Missing::DefaultFn(path) => quote!(#slot.unwrap_or_else(#path)),
        }
    });
    let keys_for_match = fields.iter().map(|f| f.key.as_str());
    syn::parse_quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                const FIELDS: &[&str] = &[#(#keys),*];
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_seq<A>(self, mut seq: A) -> ::std::result::Result<#name, A::Error>
                    where
                        A: ::serde::de::SeqAccess<'de>,
                    {
                        ::std::result::Result::Ok(#name { #(#idents: #elements),* })
                    }
                    fn visit_map<A>(self, mut map: A) -> ::std::result::Result<#name, A::Error>
                    where
                        A: ::serde::de::MapAccess<'de>,
                    {
                        #(let mut #slots: ::std::option::Option<#tys> = ::std::option::Option::None;)*
                        while let ::std::option::Option::Some(index) =
                            ::serde::de::MapAccess::next_key_seed(&mut map, crate::de::FieldIndex(FIELDS))?
                        {
                            match index {
                                #(#indices => crate::de::field(&mut map, &mut #slots, #keys_for_match)?,)*
                                _ => crate::de::skip(&mut map)?,
                            }
                        }
                        ::std::result::Result::Ok(#name { #(#idents: #finish),* })
                    }
                }
                deserializer.deserialize_struct(#name_str, FIELDS, Visitor)
            }
        }
    }
}
