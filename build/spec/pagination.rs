//! Which operations are cursor-paginated lists, and the shape of their
//! pages: recognised from the spec's shape, never listed by hand.
//!
//! A list operation is paginated when it takes `after` and `page_size` query
//! parameters (path-level ones count) and its JSON success response (any
//! `2xx`) is an object with a `pagination_meta` property and exactly one
//! array property of `$ref` items (two such arrays would make the page
//! ambiguous: not paginated). A new list endpoint that follows the
//! convention is paginated by the next build, in the client, the catalog
//! and the command line alike.

use heck::ToSnakeCase;
use serde_json::Value;

use super::{
    OperationRef, Parameter, method_name, operation_refs, parameters, resolve, schema_ref_name,
    type_name,
};

/// The name of the cursor query parameter.
pub const CURSOR_PARAM: &str = "after";
/// The name of the page size query parameter.
pub const PAGE_SIZE_PARAM: &str = "page_size";

/// A paginated list operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOperation {
    /// The operation's id, e.g. `Incidents V2#List`.
    pub operation_id: String,
    /// The generated method name, e.g. `incidents_v2_list`.
    pub method_name: String,
    /// The generated type of the response page.
    pub page_type: String,
    /// The page's property holding the items, as on the wire.
    pub items_property: String,
    /// The Rust field of the page holding the items.
    pub items_field: String,
    /// The generated type of one item.
    pub item_type: String,
    /// The component schema of one item, as the spec names it.
    pub item_schema: String,
    /// Whether `pagination_meta` is required (else optional) in the page.
    pub meta_required: bool,
    /// Whether the meta carries `total_record_count`.
    pub has_total: bool,
    /// The `maximum` of the `page_size` parameter, when the spec gives one.
    pub max_page_size: Option<u64>,
}

/// Every paginated operation of the spec.
pub fn list_operations(spec: &Value) -> Vec<ListOperation> {
    operation_refs(spec)
        .iter()
        .filter_map(|op| list_operation(spec, op))
        .collect()
}

/// The operation's list shape, if it is a paginated list.
pub fn list_operation(spec: &Value, op: &OperationRef<'_>) -> Option<ListOperation> {
    list_shape(spec, op, &parameters(spec, op))
}

/// [`list_operation`] with the operation's parameters already read.
pub fn list_shape(
    spec: &Value,
    op: &OperationRef<'_>,
    params: &[Parameter<'_>],
) -> Option<ListOperation> {
    let query_param = |name: &str| {
        params
            .iter()
            .find(|p| p.location == "query" && p.name == name)
    };
    query_param(CURSOR_PARAM)?;
    let max_page_size = query_param(PAGE_SIZE_PARAM)?
        .schema
        .get("maximum")
        .and_then(Value::as_u64);

    let page_schema = super::json_success_schema(spec, op.op)?;
    let page_name = schema_ref_name(page_schema)?;
    let page = resolve(spec, page_schema);
    let properties = page.get("properties")?.as_object()?;
    let meta = resolve(spec, properties.get("pagination_meta")?);
    let mut arrays = properties.iter().filter(|(name, schema)| {
        name.as_str() != "pagination_meta"
            && resolve(spec, schema).get("type").and_then(Value::as_str) == Some("array")
    });
    let (items_property, items) = arrays.next()?;
    if arrays.next().is_some() {
        return None; // ambiguous: which array is the page?
    }
    let item_name = schema_ref_name(resolve(spec, items).get("items")?)?;
    let required = |schema: &Value, name: &str| {
        schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(name)))
    };
    Some(ListOperation {
        operation_id: op.id().to_owned(),
        method_name: method_name(op.id()),
        page_type: type_name(page_name),
        items_property: items_property.clone(),
        items_field: field_name(items_property),
        item_type: type_name(item_name),
        item_schema: item_name.to_owned(),
        meta_required: required(page, "pagination_meta"),
        has_total: meta
            .get("properties")
            .is_some_and(|p| p.get("total_record_count").is_some()),
        max_page_size,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(status: &str, arrays: &[&str]) -> Value {
        let mut properties = serde_json::Map::new();
        properties.insert(
            "pagination_meta".into(),
            json!({"$ref": "#/components/schemas/Meta"}),
        );
        for name in arrays {
            properties.insert(
                (*name).into(),
                json!({"type": "array", "items": {"$ref": "#/components/schemas/Item"}}),
            );
        }
        json!({
            "paths": {"/v1/things": {
                "parameters": [{"name": "after", "in": "query", "schema": {"type": "string"}}],
                "get": {
                    "operationId": "Things V1#List",
                    "parameters": [{"name": "page_size", "in": "query",
                                    "schema": {"type": "integer", "maximum": 50}}],
                    "responses": {status: {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Page"}}}}},
                },
            }},
            "components": {"schemas": {
                "Page": {"type": "object", "properties": properties, "required": ["pagination_meta"]},
                "Meta": {"type": "object", "properties": {"after": {"type": "string"}}},
                "Item": {"type": "object"},
            }},
        })
    }

    #[test]
    fn a_list_answering_201_with_a_path_level_cursor_is_paginated() {
        let lists = list_operations(&spec("201", &["things"]));
        assert_eq!(lists.len(), 1);
        let list = &lists[0];
        assert_eq!(list.items_property, "things");
        assert_eq!(list.item_schema, "Item");
        assert_eq!(list.max_page_size, Some(50));
        assert!(list.meta_required);
        assert!(!list.has_total);
    }

    #[test]
    fn two_arrays_are_ambiguous() {
        assert!(list_operations(&spec("200", &["a", "b"])).is_empty());
    }

    #[test]
    fn field_names_are_rust_identifiers() {
        assert_eq!(field_name("incidents"), "incidents");
        assert_eq!(field_name("catalogEntries"), "catalog_entries");
        assert_eq!(field_name("type"), "type_");
    }
}
