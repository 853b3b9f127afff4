//! For every paginated operation, the stream's item type is the element type
//! of its page's array: the spec's example page, split by the operation's
//! `ListRequest`, gives back the example's items, in order, unchanged.

use crate::common::spec;
use crate::common::typed;

use incidentio::pagination::ListRequest;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes an example page and re-encodes the items `R` extracts from it.
type SplitExample = fn(&Value) -> Result<(Vec<Value>, Option<String>), String>;

fn split_example<R>(example: &Value) -> Result<(Vec<Value>, Option<String>), String>
where
    R: ListRequest<'static>,
    R::Page: DeserializeOwned,
    R::Item: Serialize,
{
    let page: R::Page = typed::from_value(example).map_err(|e| e.to_string())?;
    let page = R::into_page(page);
    let items = page
        .items
        .iter()
        .map(|item| typed::to_value(item).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    Ok((items, page.after))
}

macro_rules! list_operations {
    ($($method:ident => $builder:ident,)*) => {
        const LIST_OPERATIONS: &[(&str, SplitExample)] =
            &[$((stringify!($method), split_example::<incidentio::builder::$builder<'static>>),)*];
    };
}
include!(concat!(env!("OUT_DIR"), "/list_operations.rs"));

#[test]
fn each_paginated_operation_streams_the_element_type_of_its_page() {
    let spec = spec::load();
    let mut checked = 0;
    for (method, split) in LIST_OPERATIONS {
        let op = incidentio::Operation::by_method_name(method).expect("known operation");
        let spec_op = spec::operations(&spec)
            .into_iter()
            .find(|o| o.id == op.id)
            .expect("in the spec");
        let (schema, example) = spec::json_success(spec_op.op).expect("a JSON response");
        let Some(example) = example else { continue };
        if !spec::violations(&spec, schema, example).is_empty() {
            // Proven defective in generated/examples.rs (Escalations V2 paths).
            assert!(
                split(example).is_err(),
                "{}: a defective example decoded",
                op.id
            );
            continue;
        }
        // The array the page schema declares, beside `pagination_meta`.
        let page_schema = spec::resolve(&spec, schema);
        let (array_name, _) = page_schema["properties"]
            .as_object()
            .expect("page properties")
            .iter()
            .find(|(name, s)| {
                name.as_str() != "pagination_meta" && spec::resolve(&spec, s)["type"] == "array"
            })
            .expect("an array property");
        let (items, after) = split(example).unwrap_or_else(|e| panic!("{}: {e}", op.id));
        let expected = example[array_name].as_array().expect("example array");
        assert!(
            spec::same_json(&Value::Array(items), &Value::Array(expected.clone())),
            "{}: items differ from the example",
            op.id
        );
        assert_eq!(
            after.as_deref(),
            example["pagination_meta"]["after"].as_str(),
            "{}: cursor",
            op.id
        );
        checked += 1;
    }
    // Every operation the spec shapes as a cursor list is in the list.
    let shaped = spec::operations(&spec)
        .iter()
        .filter(|op| {
            let names: Vec<&str> = op.op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str())
                .collect();
            names.contains(&"after")
                && names.contains(&"page_size")
                && spec::json_success(op.op).is_some_and(|(schema, _)| {
                    spec::resolve(&spec, schema)["properties"]
                        .get("pagination_meta")
                        .is_some()
                })
        })
        .count();
    assert_eq!(LIST_OPERATIONS.len(), shaped);
    assert!(checked > 0);
    eprintln!(
        "{checked} of {} paginated operations checked against their example",
        LIST_OPERATIONS.len()
    );
}
