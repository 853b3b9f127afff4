//! The `compact_struct_deserialize` pass: a smaller `Deserialize` for each
//! generated struct.

use quote::ToTokens;

use crate::codegen::CodegenError;
use crate::codegen::context::{Context, Outputs};

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
/// impl of the same behaviour in four small bodies: the key is matched to
/// its index by one shared seed (`crate::de::FieldIndex`) instead of a
/// per-struct enum (trying first the next field, then the one a per-struct static,
/// `crate::de::Order`, a byte per field, has seen come next), and the duplicate, missing and default handling is in
/// shared generic helpers (`src/de.rs`). What stays the same, and is tested
/// (`tests/it/generated/struct_deserialize.rs`): the JSON accepted and the
/// errors (`missing field`, `duplicate field`, the path of a wrong type),
/// unknown keys ignored, absent `Option` fields `None`, `default` attributes
/// applied, and the sequence form that non-self-describing formats (bincode,
/// postcard) use. `Serialize` stays derived.
///
/// The impls are written as source text, a module `types_deserialize`
/// appended beside `types` (`outputs.appended`: parsing them back into the
/// syntax tree and pretty-printing them cost the build script more than
/// writing them). Structs it does not recognise keep the derive. Returns
/// how many it replaced.
pub fn compact_struct_deserialize(
    file: &mut syn::File,
    _: &Context<'_>,
    outputs: &mut Outputs,
) -> Result<usize, CodegenError> {
    let mut impls = String::new();
    let mut replaced = 0;
    for item in &mut file.items {
        if let syn::Item::Mod(module) = item
            && module.ident == "types"
            && let Some((_, items)) = &mut module.content
        {
            for item in items.iter_mut() {
                // typify's `default = "defaults::…"` functions are
                // `pub(super)`: the impls beside `types` call them too.
                if let syn::Item::Mod(defaults) = item
                    && defaults.ident == "defaults"
                    && let Some((_, functions)) = &mut defaults.content
                {
                    for function in functions.iter_mut() {
                        if let syn::Item::Fn(function) = function {
                            function.vis = syn::parse_quote!(pub(crate));
                        }
                    }
                }
                if let syn::Item::Enum(enumeration) = item
                    && let Some(variants) = unit_variants(enumeration)
                    && remove_deserialize_derive(&mut enumeration.attrs)
                {
                    impls.push_str(&unit_enum_impl(&enumeration.ident, &variants));
                    replaced += 1;
                }
                if let syn::Item::Struct(strukt) = item
                    && let Some(fields) = plain_fields(strukt)
                    && remove_deserialize_derive(&mut strukt.attrs)
                {
                    impls.push_str(&deserialize_impl(&strukt.ident, &fields));
                    replaced += 1;
                }
            }
        }
    }
    let module = format!(
        "\n/// `Deserialize` for the plain structs of [`types`], written by the build's\n\
         /// `compact_struct_deserialize` pass in place of `#[derive]` (see `src/de.rs`).\n\
         mod types_deserialize {{\n    #[allow(unused_imports)]\n    use super::types::*;\n{impls}}}\n"
    );
    outputs.appended.push_str(&module);
    Ok(replaced)
}

/// The fields of a struct this pass can take: derives `Deserialize`, has
/// named fields, no generics, no container `#[serde]` attribute and only
/// field attributes it knows.
fn plain_fields(strukt: &syn::ItemStruct) -> Option<Vec<Field>> {
    if !strukt.generics.params.is_empty()
        || strukt.attrs.iter().any(|a| a.path().is_ident("serde"))
        || !derives(&strukt.attrs, "Deserialize")
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
    serde_attributes(&field.attrs, |meta| {
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
            return Ok(false);
        }
        Ok(true)
    })?;
    Some(Field {
        ident,
        ty: field.ty.clone(),
        key,
        missing,
    })
}

/// Calls `known` on each entry of the `#[serde(...)]` attributes in
/// `attrs`; it reads the entry and says whether it knows it. `None` when an
/// entry is unknown or does not parse: the item then keeps its derive.
fn serde_attributes(
    attrs: &[syn::Attribute],
    mut known: impl FnMut(&syn::meta::ParseNestedMeta) -> syn::Result<bool>,
) -> Option<()> {
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let mut all_known = true;
        attr.parse_nested_meta(|meta| {
            all_known &= known(&meta)?;
            Ok(())
        })
        .ok()?;
        if !all_known {
            return None;
        }
    }
    Some(())
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

fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().filter_map(derive_paths).any(|paths| {
        paths
            .iter()
            .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
    })
}

/// The variants of an enum this pass can take, as `(ident, value)`: derives
/// `Deserialize` and `Copy`, no generics, no container `#[serde]`
/// attribute, every variant a unit with at most a `rename`.
fn unit_variants(enumeration: &syn::ItemEnum) -> Option<Vec<(syn::Ident, String)>> {
    if !enumeration.generics.params.is_empty()
        || enumeration.attrs.iter().any(|a| a.path().is_ident("serde"))
        || !derives(&enumeration.attrs, "Deserialize")
        || !derives(&enumeration.attrs, "Copy")
        || enumeration.variants.is_empty()
    {
        return None;
    }
    enumeration
        .variants
        .iter()
        .map(|variant| {
            if !matches!(variant.fields, syn::Fields::Unit) || variant.discriminant.is_some() {
                return None;
            }
            let mut value = variant.ident.to_string();
            serde_attributes(&variant.attrs, |meta| {
                if !meta.path.is_ident("rename") {
                    return Ok(false);
                }
                value = meta.value()?.parse::<syn::LitStr>()?.value();
                Ok(true)
            })?;
            Some((variant.ident.clone(), value))
        })
        .collect()
}

/// One unit-only enum's impl, as source text: the value is looked up by
/// the shared `crate::de::unit_variant` (what the derive's per-enum field
/// enum and visitors do), in the enum form every format uses, so strings
/// in JSON and variant indices in bincode both work as before.
fn unit_enum_impl(name: &syn::Ident, variants: &[(syn::Ident, String)]) -> String {
    let values: Vec<String> = variants.iter().map(|(_, v)| format!("{v:?}")).collect();
    let idents: Vec<String> = variants
        .iter()
        .map(|(i, _)| format!("{name}::{i}"))
        .collect();
    format!(
        r#"    impl<'de> ::serde::Deserialize<'de> for {name} {{
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {{
            const VARIANTS: &[&str] = &[{}];
            const VALUES: &[{name}] = &[{}];
            crate::de::unit_variant(deserializer, "{name}", VARIANTS, VALUES)
        }}
    }}
"#,
        values.join(", "),
        idents.join(", ")
    )
}

/// Drops `Deserialize` from an item's derive list.
fn remove_deserialize_derive(attrs: &mut [syn::Attribute]) -> bool {
    let mut removed = false;
    for attr in attrs {
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

fn tokens(tokens: impl ToTokens) -> String {
    tokens.into_token_stream().to_string()
}

/// One struct's impl, as source text (see [`compact_struct_deserialize`]).
fn deserialize_impl(name: &syn::Ident, fields: &[Field]) -> String {
    use std::fmt::Write as _;
    let keys: Vec<String> = fields.iter().map(|f| format!("{:?}", f.key)).collect();
    let mut elements = String::new();
    let mut slots = String::new();
    let mut arms = String::new();
    let mut finish = String::new();
    for (i, f) in fields.iter().enumerate() {
        let ident = f.ident.to_string();
        let key = &keys[i];
        let (element, last) = match &f.missing {
            Missing::Error => (
                format!("crate::de::element(&mut seq, {i}, &self)?"),
                format!("crate::de::required(field_{i}, {key})?"),
            ),
            Missing::None => (
                format!("crate::de::element(&mut seq, {i}, &self)?"),
                format!("field_{i}.unwrap_or_default()"),
            ),
            Missing::Default => (
                "seq.next_element()?.unwrap_or_default()".to_owned(),
                format!("field_{i}.unwrap_or_default()"),
            ),
            Missing::DefaultFn(path) => (
                format!("seq.next_element()?.unwrap_or_else({})", tokens(path)),
                format!("field_{i}.unwrap_or_else({})", tokens(path)),
            ),
        };
        let _ = writeln!(elements, "                    {ident}: {element},");
        let _ = writeln!(
            slots,
            "                let mut field_{i}: ::std::option::Option<{}> = ::std::option::Option::None;",
            tokens(&f.ty)
        );
        let _ = writeln!(
            arms,
            "                        {i} => crate::de::{}(&mut map, &mut field_{i}, {key}),",
            reader(&f.ty)
        );
        let _ = writeln!(finish, "                    {ident}: {last},");
    }
    // `crate::de::Order` keeps a field index in a byte: a struct of more
    // fields gets none (and always scans from the next field).
    let positions = if keys.len() < 256 { keys.len() + 1 } else { 0 };
    let keys = keys.join(", ");
    format!(
        r#"    impl<'de> ::serde::Deserialize<'de> for {name} {{
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {{
            const FIELDS: &[&str] = &[{keys}];
            static ORDER: crate::de::Order<{positions}> = crate::de::Order::new();
            static SHAPE: crate::de::Fields = crate::de::Fields::new(FIELDS, ORDER.entries());
            struct Visitor;
            impl<'de> ::serde::de::Visitor<'de> for Visitor {{
                type Value = {name};
                fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{
                    f.write_str("struct {name}")
                }}
                fn visit_seq<A>(self, mut seq: A) -> ::std::result::Result<{name}, A::Error>
                where
                    A: ::serde::de::SeqAccess<'de>,
                {{
                    ::std::result::Result::Ok({name} {{
{elements}                    }})
                }}
                fn visit_map<A>(self, mut map: A) -> ::std::result::Result<{name}, A::Error>
                where
                    A: ::serde::de::MapAccess<'de>,
                {{
{slots}                let mut keys = crate::de::Keys::new(&SHAPE);
                while let ::std::option::Option::Some(index) = keys.next(&mut map)? {{
                    let read = match index {{
{arms}                        _ => crate::de::skip(&mut map),
                    }};
                    read?;
                }}
                ::std::result::Result::Ok({name} {{
{finish}                }})
                }}
            }}
            deserializer.deserialize_struct("{name}", FIELDS, Visitor)
        }}
    }}
"#
    )
}

/// The `crate::de` function that reads a field of type `ty` in the map
/// form: `DateTime<Utc>` and `Option<DateTime<Utc>>` have their own (see
/// `crate::de::timestamp`), every other type `crate::de::field`.
fn reader(ty: &syn::Type) -> &'static str {
    if is_utc_timestamp(ty) {
        "timestamp"
    } else if is_option(ty) && first_type_argument(ty).is_some_and(is_utc_timestamp) {
        "optional_timestamp"
    } else {
        "field"
    }
}

/// `chrono::DateTime<chrono::offset::Utc>`, however its paths are spelled.
fn is_utc_timestamp(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else {
        return false;
    };
    p.qself.is_none()
        && p.path.segments.first().is_some_and(|s| s.ident == "chrono")
        && p.path
            .segments
            .last()
            .is_some_and(|s| s.ident == "DateTime")
        && matches!(first_type_argument(ty), Some(syn::Type::Path(zone))
            if zone.path.segments.last().is_some_and(|s| s.ident == "Utc"))
}

/// The first generic type argument of a path type's last segment (`T` in
/// `Option<T>`, `Utc` in `DateTime<Utc>`).
fn first_type_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::testing::{run, source, spec};
    use serde_json::json;

    #[test]
    fn plain_structs_and_unit_enums_get_the_compact_impl_others_keep_the_derive() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug, Deserialize, Serialize)]
                pub struct Thing {
                    pub id: ::std::string::String,
                    #[serde(rename = "type")]
                    pub type_: ::std::string::String,
                    #[serde(default, skip_serializing_if = "Option::is_none")]
                    pub name: Option<::std::string::String>,
                    #[serde(default = "defaults::thing_size")]
                    pub size: u64,
                    pub at: chrono::DateTime<chrono::offset::Utc>,
                }
                #[derive(Clone, Copy, Debug, Deserialize, Serialize)]
                pub enum Mode {
                    #[serde(rename = "standard")]
                    Standard,
                    Test,
                }
                #[derive(Clone, Debug, Deserialize, Serialize)]
                #[serde(untagged)]
                pub enum Either {
                    A(u64),
                    B(::std::string::String),
                }
                #[derive(Clone, Debug, Deserialize, Serialize)]
                pub struct Flattened {
                    #[serde(flatten)]
                    pub rest: ::std::collections::HashMap<String, String>,
                }
                pub mod defaults {
                    pub(super) fn thing_size() -> u64 { 1 }
                }
            }
        };
        let (replaced, outputs) = run(
            compact_struct_deserialize,
            &mut file,
            &spec(json!({}), json!({})),
        );
        assert_eq!(replaced.unwrap(), 2);
        let text = source(&file);
        assert!(
            text.contains("#[derive(Clone, Debug, Serialize)]\n    pub struct Thing"),
            "{text}"
        );
        assert!(
            text.contains("#[derive(Clone, Copy, Debug, Serialize)]\n    pub enum Mode"),
            "{text}"
        );
        assert!(
            text.contains(
                "#[derive(Clone, Debug, Deserialize, Serialize)]\n    #[serde(untagged)]"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "#[derive(Clone, Debug, Deserialize, Serialize)]\n    pub struct Flattened"
            ),
            "{text}"
        );
        assert!(
            text.contains("pub(crate) fn thing_size()"),
            "the impls call typify's defaults: {text}"
        );

        let impls = &outputs.appended;
        syn::parse_file(impls).expect("the impls are Rust");
        assert!(impls.contains("mod types_deserialize"), "{impls}");
        assert!(
            impls.contains(r#"const FIELDS: &[&str] = &["id", "type", "name", "size", "at"];"#),
            "{impls}"
        );
        assert!(
            impls.contains("crate::de::required(field_0, \"id\")?"),
            "{impls}"
        );
        assert!(impls.contains("field_2.unwrap_or_default()"), "{impls}");
        assert!(
            impls.contains("field_3.unwrap_or_else(defaults :: thing_size)"),
            "{impls}"
        );
        assert!(
            impls.contains("4 => crate::de::timestamp(&mut map, &mut field_4, \"at\")"),
            "{impls}"
        );
        assert!(
            impls.contains(r#"const VARIANTS: &[&str] = &["standard", "Test"];"#),
            "{impls}"
        );
        assert!(
            !impls.contains("for Either") && !impls.contains("for Flattened"),
            "{impls}"
        );
    }
}
