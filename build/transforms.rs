//! Spec transforms: each fixes one construct of the published spec that
//! progenitor (0.15) or typify (0.8) cannot take as it is, or that would give
//! users a type that breaks when the API evolves.
//!
//! Every transform has one signature, [`Transform`]: the JSON document to
//! reshape, the pipeline's [`Context`] (the spec's answers, read before any
//! transform ran), and the number of items it touched, for the build
//! report. `PIPELINE` in `build/mod.rs` runs them in order. None of them
//! names an operation, tag or schema of today's spec: they recognise
//! constructs, so older and newer specs work.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::context::Context;
use super::spec::{self, HTTP_METHODS};

/// The signature of every transform.
pub type Transform = fn(&mut Value, &Context<'_>) -> usize;

/// The crate the `x-rust-type` extensions point at (this crate, through
/// `extern crate self as incidentio;` in `src/lib.rs`).
pub const CRATE_NAME: &str = "incidentio";

/// Path of the hand-written wrapper that keeps unknown enum values.
pub const TOLERANT_PATH: &str = "incidentio::Tolerant";

/// Path of the hand-written deepObject query value (operator filters).
pub const FILTER_PATH: &str = "incidentio::filter::Filter";

/// **Construct:** the spec's services (tags: dozens of them), of which a user typically
/// calls two or three.
///
/// **Limitation:** progenitor generates every operation of the document,
/// and typify every schema it reaches: a user who needs incidents and the
/// catalog compiles the whole API.
///
/// **Fix:** remove the operations of the services the options do not
/// enable ([`spec::in_services`], the rule the context's answers follow);
/// pruning then drops the schemas only they reached. Returns the number of
/// operations removed.
pub fn select_services(spec: &mut Value, ctx: &Context<'_>) -> usize {
    let enabled = ctx.options.services.as_ref();
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return 0;
    };
    let mut removed = 0;
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        item.retain(|method, op| {
            if !HTTP_METHODS.contains(&method.as_str()) {
                return true;
            }
            let tags: Vec<&str> = op
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let keep = spec::in_services(&tags, enabled);
            if !keep {
                removed += 1;
            }
            keep
        });
    }
    paths.retain(|_, item| {
        item.as_object()
            .is_none_or(|i| i.keys().any(|k| HTTP_METHODS.contains(&k.as_str())))
    });
    removed
}

/// **Construct:** query parameters whose schema is an object: the operator
/// filters (`status[one_of]=…`, `custom_field[<id>][one_of]=…`), published
/// with no `style` (so form-style by default) or with `style: deepObject`.
///
/// **Limitation:** progenitor rejects `style: deepObject` outright
/// ("unsupported style of query parameter DeepObject"), and encodes object
/// parameters with `serde_urlencoded`, which fails at run time on nested
/// values ("builder error").
///
/// **Fix:** point the parameter's schema at the hand-written
/// `incidentio::filter::Filter` (through `x-rust-type`) and drop the style so
/// progenitor accepts it; the context's `deep_object_params` tell the
/// `route_deep_object_params` pass which generated calls must encode these
/// values deepObject-style. Returns the number of operation parameters
/// retyped.
pub fn deep_object_query_params(spec: &mut Value, ctx: &Context<'_>) -> usize {
    // Found through the context's answers (path-level parameters and
    // `$ref`s included), then rewritten where they are defined.
    let definitions: BTreeSet<(&str, &str)> = ctx
        .operations
        .iter()
        .flat_map(|op| {
            op.parameters
                .iter()
                .filter(|p| p.style != spec::ParamStyle::Plain)
                .map(|p| (op.op.path, p.name))
        })
        .collect();
    let mut pointers = BTreeSet::new();
    for (path, name) in &definitions {
        let item = &spec["paths"][*path];
        let lists = std::iter::once(("".to_owned(), item.get("parameters"))).chain(
            HTTP_METHODS.iter().map(|m| {
                (
                    format!("/{m}"),
                    item.get(*m).and_then(|op| op.get("parameters")),
                )
            }),
        );
        for (at, list) in lists {
            for (i, raw) in list
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if spec::resolve(spec, raw).get("name").and_then(Value::as_str) != Some(*name) {
                    continue;
                }
                let pointer = match raw.get("$ref").and_then(Value::as_str) {
                    Some(target) => target.trim_start_matches('#').to_owned(),
                    None => format!("/paths/{}{at}/parameters/{i}", spec::escape_pointer(path)),
                };
                pointers.insert(pointer);
            }
        }
    }
    for pointer in pointers {
        let Some(param) = spec.pointer_mut(&pointer).and_then(Value::as_object_mut) else {
            continue;
        };
        if param.get("in").and_then(Value::as_str) != Some("query") {
            continue;
        }
        let description = param
            .get("schema")
            .and_then(|s| s.get("description"))
            .cloned();
        let mut schema = json!({ "x-rust-type": rust_type(FILTER_PATH, vec![]) });
        if let Some(description) = description {
            schema["description"] = description;
        }
        param.insert("schema".into(), schema);
        param.remove("style");
        param.remove("explode");
        // `example` describes the object; it no longer matches the schema.
        param.remove("example");
    }
    ctx.deep_object_params.len()
}

/// **Construct:** string schemas with a `pattern` (a handful of IDs and slugs).
///
/// **Limitation:** typify turns them into newtypes that validate with the
/// `regress` crate: one more dependency to compile, and a value that the
/// server accepts but the pattern of an older spec rejects would fail
/// client-side (IDs may change format, says the spec's compatibility promise).
///
/// **Fix:** drop `pattern`; the server still validates.
pub fn strip_string_patterns(spec: &mut Value, _: &Context<'_>) -> usize {
    fn walk(value: &mut Value) -> usize {
        match value {
            Value::Object(map) => {
                let mut n = 0;
                if map.get("type").and_then(Value::as_str) == Some("string")
                    && map.remove("pattern").is_some()
                {
                    n += 1;
                }
                n + map.values_mut().map(walk).sum::<usize>()
            }
            Value::Array(items) => items.iter_mut().map(walk).sum(),
            _ => 0,
        }
    }
    let mut n = 0;
    if let Some(paths) = spec.get_mut("paths") {
        n += walk(paths);
    }
    if let Some(components) = spec.get_mut("components") {
        n += walk(components);
    }
    n
}

/// **Construct:** component schemas that no operation reaches (webhook
/// payloads, retired types): about a third of `components.schemas`.
///
/// **Limitation:** typify generates a type for every component schema, used or
/// not; each costs compile time for nothing.
///
/// **Fix:** keep only the schemas reachable through `$ref` from `paths`
/// (and from `x-webhooks` with the `webhooks` option):
/// [`spec::generated_schemas`], asked of the spec as transformed so far
/// (the filters' schemas are gone). Returns the number of schemas removed.
pub fn prune_unreachable_schemas(spec: &mut Value, ctx: &Context<'_>) -> usize {
    let keep = spec::generated_schemas(spec, ctx.options.webhooks);
    let Some(schemas) = spec
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_object_mut)
    else {
        return 0;
    };
    let before = schemas.len();
    schemas.retain(|name, _| keep.contains(name));
    before - schemas.len()
}

/// **Construct:** string enums in object properties (inline, behind a
/// `$ref`, or as array items): the API adds values to them without notice
/// ("Adding new values to enums" is a compatible change in its promise).
///
/// **Limitation:** typify generates closed enums with no catch-all variant,
/// so a value added after the build makes the whole response fail to decode.
///
/// **Fix:** give each inline enum a component name (parent + property, as
/// typify would have named it), and replace the property's schema with an
/// `x-rust-type` pointing at the generic `incidentio::Tolerant<E>`, whose
/// parameter is that enum: known values stay typed, unknown ones are kept as
/// text and written back unchanged. Returns the number of properties wrapped.
pub fn tolerant_enum_properties(spec: &mut Value, _: &Context<'_>) -> usize {
    let Some(schemas) = spec
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_object_mut)
    else {
        return 0;
    };
    let enum_names: BTreeSet<String> = schemas
        .iter()
        .filter(|(_, s)| is_string_enum(s))
        .map(|(name, _)| name.clone())
        .collect();
    let mut taken: BTreeSet<String> = schemas.keys().map(|k| spec::type_name(k)).collect();
    let mut hoisted = BTreeMap::new();
    let mut touched = 0;
    for (name, schema) in schemas.iter_mut() {
        touched += wrap_object_properties(name, schema, &enum_names, &mut taken, &mut hoisted);
    }
    schemas.extend(hoisted);
    touched
}

/// Wraps the enum-typed properties of one object schema (and of the inline
/// objects nested in it), hoisting inline enums into `hoisted`.
fn wrap_object_properties(
    owner: &str,
    schema: &mut Value,
    enum_names: &BTreeSet<String>,
    taken: &mut BTreeSet<String>,
    hoisted: &mut BTreeMap<String, Value>,
) -> usize {
    let mut touched = 0;
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (prop_name, prop) in props.iter_mut() {
            let type_name = spec::type_name(&format!("{owner}_{prop_name}"));
            touched += wrap_enum_use(&type_name, prop, enum_names, taken, hoisted);
        }
    }
    if let Some(extra) = schema.get_mut("additionalProperties")
        && extra.is_object()
    {
        let type_name = spec::type_name(&format!("{owner}_value"));
        touched += wrap_enum_use(&type_name, extra, enum_names, taken, hoisted);
    }
    touched
}

/// Wraps one schema use site if it is an enum, an array of enums, or an inline
/// object with enum properties.
fn wrap_enum_use(
    type_name: &str,
    site: &mut Value,
    enum_names: &BTreeSet<String>,
    taken: &mut BTreeSet<String>,
    hoisted: &mut BTreeMap<String, Value>,
) -> usize {
    if let Some(target) = enum_ref(site, enum_names) {
        let description = site.get("description").cloned();
        *site = tolerant(json!({ "$ref": target }), description);
        return 1;
    }
    if is_string_enum(site) {
        let name = unique_name(type_name, taken);
        let description = site.get("description").cloned();
        let enum_schema = std::mem::take(site);
        hoisted.insert(name.clone(), enum_schema);
        *site = tolerant(json!({ "$ref": spec::schema_ref(&name) }), description);
        return 1;
    }
    if site.get("type").and_then(Value::as_str) == Some("array")
        && let Some(items) = site.get_mut("items")
    {
        let item_name = spec::type_name(&format!("{type_name}_item"));
        return wrap_enum_use(&item_name, items, enum_names, taken, hoisted);
    }
    if site.get("properties").is_some() || site.get("additionalProperties").is_some() {
        return wrap_object_properties(type_name, site, enum_names, taken, hoisted);
    }
    0
}

/// The `$ref` target of `site` if it refers to a component string enum.
fn enum_ref(site: &Value, enum_names: &BTreeSet<String>) -> Option<String> {
    let name = spec::schema_ref_name(site)?;
    enum_names.contains(name).then(|| spec::schema_ref(name))
}

fn is_string_enum(schema: &Value) -> bool {
    schema.get("enum").is_some_and(Value::is_array)
        && schema
            .get("type")
            .and_then(Value::as_str)
            .is_none_or(|t| t == "string")
}

fn unique_name(wanted: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = wanted.to_owned();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{wanted}{n}");
        n += 1;
    }
    name
}

fn tolerant(parameter: Value, description: Option<Value>) -> Value {
    let mut schema = json!({ "x-rust-type": rust_type(TOLERANT_PATH, vec![parameter]) });
    if let Some(description) = description {
        schema["description"] = description;
    }
    schema
}

fn rust_type(path: &str, parameters: Vec<Value>) -> Value {
    json!({
        "crate": CRATE_NAME,
        "version": "*",
        "path": path,
        "parameters": parameters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::Options;

    /// Runs `transform` on a copy of `spec`, with the context of `spec` as
    /// published (as the pipeline does): the count and the result.
    fn run(transform: Transform, spec: &Value, options: &Options) -> (usize, Value) {
        let ctx = Context::new(spec, options);
        let mut working = spec.clone();
        let touched = transform(&mut working, &ctx);
        (touched, working)
    }

    #[test]
    fn select_services_keeps_the_enabled_services_operations() {
        let spec = json!({"paths": {
            "/v1/a": {"get": {"operationId": "A V1#List", "tags": ["A V1"]},
                      "post": {"operationId": "B V1#Create", "tags": ["B V1"]}},
            "/v1/b": {"parameters": [], "get": {"operationId": "B V1#List", "tags": ["B V1"]}},
            "/v1/c": {"get": {"operationId": "C#List"}},
        }});
        let options = Options {
            services: Some(["a-v1".to_owned()].into()),
            ..Options::default()
        };
        let (removed, spec) = run(select_services, &spec, &options);
        assert_eq!(removed, 3);
        assert_eq!(
            spec,
            json!({"paths": {"/v1/a": {"get": {"operationId": "A V1#List", "tags": ["A V1"]}}}})
        );
        let ctx_spec =
            json!({"paths": {"/v1/a": {"get": {"operationId": "A V1#List", "tags": ["A V1"]}}}});
        assert_eq!(run(select_services, &ctx_spec, &options).0, 0);
    }

    #[test]
    fn deep_object_filters_become_filter_values_where_they_are_defined() {
        let spec = json!({
            "paths": {"/v1/things": {
                "parameters": [{"$ref": "#/components/parameters/Status"}],
                "get": {"operationId": "Things V1#List", "parameters": [
                    {"name": "custom_field", "in": "query", "style": "deepObject", "explode": true,
                     "example": {"01X": {"one_of": ["a"]}},
                     "schema": {"type": "object", "description": "By custom field",
                                "additionalProperties": {"type": "object"}}},
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                ]},
                "post": {"operationId": "Things V1#Create"},
            }},
            "components": {"parameters": {"Status": {
                "name": "status", "in": "query", "schema": {"type": "object"}}}},
        });
        let (retyped, spec) = run(deep_object_query_params, &spec, &Options::default());
        assert_eq!(retyped, 3, "status of both operations, custom_field of one");
        let filter = json!({"crate": "incidentio", "version": "*",
                            "path": "incidentio::filter::Filter", "parameters": []});
        assert_eq!(
            spec["components"]["parameters"]["Status"],
            json!({"name": "status", "in": "query", "schema": {"x-rust-type": filter}})
        );
        assert_eq!(
            spec["paths"]["/v1/things"]["get"]["parameters"][0],
            json!({"name": "custom_field", "in": "query",
                   "schema": {"x-rust-type": filter, "description": "By custom field"}})
        );
        assert_eq!(
            spec["paths"]["/v1/things"]["get"]["parameters"][1],
            json!({"name": "q", "in": "query", "schema": {"type": "string"}})
        );
    }

    #[test]
    fn only_string_patterns_are_stripped() {
        let spec = json!({
            "paths": {"/v1/things/{id}": {"get": {"parameters": [
                {"name": "id", "in": "path", "schema": {"type": "string", "pattern": "^[0-9A-Z]+$"}}]}}},
            "components": {"schemas": {
                "Id": {"type": "string", "pattern": "^x"},
                "Odd": {"type": "integer", "pattern": "^1"},
                "Holder": {"properties": {"slug": {"type": "string", "pattern": "^[a-z]"}}},
            }},
        });
        let (stripped, spec) = run(strip_string_patterns, &spec, &Options::default());
        assert_eq!(stripped, 3);
        assert_eq!(spec["components"]["schemas"]["Odd"]["pattern"], "^1");
        assert!(spec["components"]["schemas"]["Id"].get("pattern").is_none());
    }

    #[test]
    fn unreachable_schemas_are_pruned_webhook_payloads_kept_on_request() {
        let spec = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "x-webhooks": {"/x-webhooks/e": {"get": {"responses": {"200": {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/W"}}}}}}}},
            "components": {"schemas": {
                "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"type": "string"},
                "W": {"type": "object"},
                "Unused": {"type": "object"},
            }},
        });
        let names = |spec: &Value| -> Vec<String> {
            spec["components"]["schemas"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect()
        };
        let no_webhooks = Options {
            webhooks: false,
            ..Options::default()
        };
        let (pruned, without) = run(prune_unreachable_schemas, &spec, &no_webhooks);
        assert_eq!(
            (pruned, names(&without)),
            (2, vec!["A".to_owned(), "B".to_owned()])
        );
        let (pruned, with) = run(prune_unreachable_schemas, &spec, &Options::default());
        assert_eq!(
            (pruned, names(&with)),
            (1, vec!["A".into(), "B".into(), "W".into()])
        );
    }

    #[test]
    fn enum_properties_become_tolerant_inline_ones_hoisted_under_free_names() {
        let spec = json!({"components": {"schemas": {
            "Mode": {"type": "string", "enum": ["a", "b"]},
            "thing_status": {"type": "object"},
            "Thing": {"type": "object", "properties": {
                "mode": {"$ref": "#/components/schemas/Mode", "description": "The mode"},
                "status": {"type": "string", "enum": ["live", "closed"]},
                "kinds": {"type": "array", "items": {"type": "string", "enum": ["x"]}},
                "inner": {"type": "object", "properties": {"level": {"enum": ["high"]}}},
                "name": {"type": "string"},
            }},
        }}});
        let (wrapped, spec) = run(tolerant_enum_properties, &spec, &Options::default());
        assert_eq!(wrapped, 4);
        let schemas = &spec["components"]["schemas"];
        let tolerant = |target: &str| {
            json!({"crate": "incidentio", "version": "*",
            "path": "incidentio::Tolerant", "parameters": [{"$ref": target}]})
        };
        let thing = &schemas["Thing"]["properties"];
        assert_eq!(
            thing["mode"],
            json!({"x-rust-type": tolerant("#/components/schemas/Mode"), "description": "The mode"})
        );
        // `ThingStatus` is taken by `thing_status`: the next free name.
        assert_eq!(
            thing["status"],
            json!({"x-rust-type": tolerant("#/components/schemas/ThingStatus2")})
        );
        assert_eq!(
            schemas["ThingStatus2"],
            json!({"type": "string", "enum": ["live", "closed"]})
        );
        assert_eq!(
            thing["kinds"]["items"],
            json!({"x-rust-type": tolerant("#/components/schemas/ThingKindsItem")})
        );
        assert_eq!(
            thing["inner"]["properties"]["level"],
            json!({"x-rust-type": tolerant("#/components/schemas/ThingInnerLevel")})
        );
        assert_eq!(thing["name"], json!({"type": "string"}));
    }
}
