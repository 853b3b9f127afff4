//! The operation catalog (the crate's `catalog` feature): every operation
//! described at run time, from the same spec queries the client is
//! generated from.
//!
//! [`entries`] reads the context's answers (the spec as published, for
//! the enabled services) into one Rust struct literal per operation;
//! [`render`] writes them, with each operation's generated success type
//! (known only once the syntax passes have run), as `static CATALOG` for
//! `src/catalog.rs`; [`operation_catalog`], the pipeline's step, does both. Schemas and examples are embedded
//! as JSON text, parsed only when asked for, so the catalog costs the
//! compiler string constants, not types.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::codegen::context::{Context, Operation, Outputs};
use crate::codegen::spec::{self, ParamStyle, schema::self_contained, service_feature};

/// How deep a response's shape goes: deep enough to name the fields of a
/// list's items and their objects (`incidents[].severity.name`), shallow
/// enough that the catalog stays small.
const RESPONSE_SHAPE_DEPTH: usize = 4;

/// One operation's catalog entry, all but its success type.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The generated method name (the catalog is sorted by it, as
    /// `OPERATIONS` is).
    pub method_name: String,
    /// The struct literal's other fields, as Rust source.
    pub fields: String,
}

/// The catalog's entries and services, read from `spec`.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// One per operation, sorted by method name.
    pub entries: Vec<Entry>,
    /// `(tag, feature, first line of its description)` per service.
    pub services: Vec<(String, String, String)>,
}

/// The catalog, appended to the outputs with each operation's success
/// type (`outputs.success_types`). Returns how many operations it lists.
pub fn operation_catalog(ctx: &Context<'_>, outputs: &mut Outputs) -> usize {
    let catalog = entries(ctx);
    let text = render(&catalog, &outputs.success_types);
    outputs.appended.push_str(&text);
    catalog.entries.len()
}

/// Reads every enabled operation into a catalog entry.
pub fn entries(ctx: &Context<'_>) -> Catalog {
    let spec = ctx.spec;
    let mut entries: Vec<Entry> = ctx
        .operations
        .iter()
        .map(|op| Entry {
            method_name: op.method_name.clone(),
            fields: fields(spec, op),
        })
        .collect();
    entries.sort_by(|a, b| a.method_name.cmp(&b.method_name));
    let descriptions = spec::service_descriptions(spec);
    let services = ctx
        .services()
        .into_iter()
        .map(|tag| {
            let description = descriptions.get(&tag).cloned().unwrap_or_default();
            let feature = service_feature(&tag);
            (tag, feature, description)
        })
        .collect();
    Catalog { entries, services }
}

fn fields(spec: &Value, operation: &Operation<'_>) -> String {
    let op = &operation.op;
    let service = op.service();
    let parameters: Vec<String> = operation
        .parameters
        .iter()
        .filter_map(|p| {
            let location = match p.location {
                "path" => "Path",
                "query" => "Query",
                "header" => "Header",
                _ => return None,
            };
            Some((p, location))
        })
        .map(|(p, location)| {
            let enum_values: Vec<String> = p
                .enum_values(spec)
                .into_iter()
                .flatten()
                .map(|v| {
                    format!(
                        "{:?}",
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                    )
                })
                .collect();
            let style = match p.style {
                ParamStyle::Plain => "Plain",
                ParamStyle::DeepObject => "DeepObject",
                ParamStyle::KeyedDeepObject => "KeyedDeepObject",
            };
            let schema = self_contained(spec, p.object.get("schema").unwrap_or(&Value::Null));
            format!(
                "crate::catalog::Parameter {{ name: {:?}, location: crate::catalog::Location::{}, \
                 json_type: {:?}, format: {}, required: {}, enum_values: &[{}], \
                 style: crate::catalog::ParamStyle::{style}, description: {:?}, example_json: {}, \
                 schema_json: {:?} }}",
                p.name,
                location,
                p.json_type(),
                option_str(p.schema.get("format").and_then(Value::as_str)),
                p.required,
                enum_values.join(", "),
                p.description(),
                option_json(p.example()),
                schema.to_string(),
            )
        })
        .collect();
    let body = match operation.request_body {
        None => "None".to_owned(),
        Some(body) => format!(
            "Some(crate::catalog::RequestBody {{ required: {}, type_name: {}, schema_json: {:?}, example_json: {} }})",
            body.required,
            option_str(
                spec::schema_ref_name(body.schema)
                    .map(spec::type_name)
                    .as_deref()
            ),
            self_contained(spec, body.schema).to_string(),
            option_json(body.example),
        ),
    };
    let pagination = match &operation.list {
        None => "None".to_owned(),
        Some(list) => format!(
            "Some(crate::catalog::Pagination {{ items_field: {:?}, item_type: {:?}, \
             cursor_param: {:?}, page_size_param: {:?}, max_page_size: {:?} }})",
            list.items_property,
            list.item_type,
            spec::pagination::CURSOR_PARAM,
            spec::pagination::PAGE_SIZE_PARAM,
            list.max_page_size,
        ),
    };
    let response_shape = operation
        .success
        .and_then(|s| s.schema)
        .map(|schema| spec::schema::shape(spec, schema, RESPONSE_SHAPE_DEPTH).to_string());
    let replacement = operation.replacement;
    format!(
        "service: {service:?}, feature: {:?}, summary: {:?}, description: {:?}, \
         parameters: &[{}], body: {body}, pagination: {pagination}, replacement: {}, \
         response_shape_json: {}",
        service_feature(service),
        op.text("summary"),
        op.text("description"),
        parameters.join(", "),
        option_str(replacement),
        option_str(response_shape.as_deref()),
    )
}

/// The `static CATALOG` source: every entry with its success type (`None`
/// for an operation with no JSON body), and the services.
pub fn render(catalog: &Catalog, success_types: &BTreeMap<String, String>) -> String {
    let mut out = String::from(
        "/// The operation catalog of the spec this crate was built from (see\n\
         /// `crate::catalog`): one entry per generated method, in the order of\n\
         /// [`OPERATIONS`].\n\
         pub(crate) static CATALOG: crate::catalog::Catalog = crate::catalog::Catalog {\n    \
         operations: &[\n",
    );
    for (index, entry) in catalog.entries.iter().enumerate() {
        let response = success_types.get(&entry.method_name).and_then(|ty| {
            ty.replace(' ', "")
                .strip_prefix("types::")
                .map(str::to_owned)
        });
        out.push_str(&format!(
            "        crate::catalog::OperationInfo {{ operation: &OPERATIONS[{index}], \
             response_type: {}, {} }},\n",
            option_str(response.as_deref()),
            entry.fields
        ));
    }
    out.push_str("    ],\n    services: &[\n");
    for (tag, feature, description) in &catalog.services {
        let (base, version) = spec::split_version(tag);
        out.push_str(&format!(
            "        crate::catalog::Service {{ tag: {tag:?}, feature: {feature:?}, description: {description:?}, \
             base: {base:?}, version: {version:?} }},\n"
        ));
    }
    out.push_str("    ],\n};\n");
    out
}

fn option_str(value: Option<&str>) -> String {
    value.map_or_else(|| "None".to_owned(), |s| format!("Some({s:?})"))
}

fn option_json(value: Option<&Value>) -> String {
    value.map_or_else(
        || "None".to_owned(),
        |v| format!("Some({:?})", v.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_follow_the_spec_queries() {
        let spec = json!({
            "tags": [{"name": "Things V1", "description": "Things.\nMore."}],
            "paths": {"/v1/things/{id}": {
                "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
                "post": {
                    "operationId": "Things V1#Update", "tags": ["Things V1"],
                    "summary": "Update a thing",
                    "requestBody": {"required": true, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Body"}}}},
                    "responses": {"200": {}},
                },
            }},
            "components": {"schemas": {"Body": {"type": "object", "properties": {
                "idempotency_key": {"type": "string"}}}}},
        });
        let options = crate::codegen::Options::default();
        let ctx = Context::new(&spec, &options);
        let catalog = entries(&ctx);
        assert_eq!(catalog.entries.len(), 1);
        let fields = &catalog.entries[0].fields;
        assert!(
            fields.contains("name: \"id\", location: crate::catalog::Location::Path"),
            "{fields}"
        );
        assert!(fields.contains("type_name: Some(\"Body\")"), "{fields}");
        assert_eq!(
            catalog.services,
            [("Things V1".into(), "things-v1".into(), "Things.".into())]
        );
        let text = render(&catalog, &BTreeMap::new());
        assert!(
            text.contains("operation: &OPERATIONS[0], response_type: None"),
            "{text}"
        );
        assert!(
            text.contains("base: \"Things\", version: Some(1) },"),
            "{text}"
        );
    }
}
