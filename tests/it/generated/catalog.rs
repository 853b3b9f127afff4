//! The operation catalog against the spec, read a second way
//! (`common::reading`), and against the generated client: one reading of
//! the spec, whoever asks.

use std::collections::BTreeSet;

use incidentio::catalog::{self, Location};
use serde_json::Value;

use crate::common::reading::{self, Takes, required_of};
use crate::common::spec;

// Every paginated operation the build wired into a generated builder.
macro_rules! list_operations {
    ($($method:ident => $builder:ident,)*) => {
        const PAGINATED_BUILDERS: &[&str] = &[$(stringify!($method),)*];
    };
}
include!(concat!(env!("OUT_DIR"), "/list_operations.rs"));

#[test]
fn one_entry_per_generated_method_in_the_order_of_operations() {
    let spec = spec::load();
    let catalog = catalog::operations();
    assert_eq!(catalog.len(), spec::operations(&spec).len());
    assert_eq!(catalog.len(), incidentio::OPERATIONS.len());
    for (entry, operation) in catalog.iter().zip(incidentio::OPERATIONS.iter()) {
        assert_eq!(entry.operation, operation);
        assert_eq!(
            catalog::by_method_name(operation.method_name).map(|e| e.operation.id),
            Some(operation.id)
        );
    }
}

#[test]
fn parameters_and_required_body_fields_match_a_second_reading() {
    let spec = spec::load();
    let expected = reading::read(&spec);
    let mut compared = 0;
    for entry in catalog::operations() {
        let mut params: Vec<(String, String, bool, Vec<String>)> = entry
            .parameters
            .iter()
            .map(|p| {
                (
                    p.name.to_owned(),
                    p.location.as_str().to_owned(),
                    p.required,
                    p.enum_values.iter().map(|v| (*v).to_owned()).collect(),
                )
            })
            .collect();
        params.sort();
        let actual = Takes {
            params,
            body_required: entry.body.map(|b| required_of(&b.schema())),
        };
        assert_eq!(
            Some(&actual),
            expected.get(entry.operation.id),
            "{}",
            entry.operation.id
        );
        compared += 1;
    }
    assert_eq!(compared, expected.len());
}

#[test]
fn pagination_is_what_the_generated_builders_have() {
    let in_catalog: BTreeSet<&str> = catalog::operations()
        .iter()
        .filter(|op| op.pagination.is_some())
        .map(|op| op.operation.method_name)
        .collect();
    let generated: BTreeSet<&str> = PAGINATED_BUILDERS.iter().copied().collect();
    assert!(!generated.is_empty());
    assert_eq!(in_catalog, generated);
    // The items field is an array of the page's example.
    let spec = spec::load();
    for op in catalog::operations() {
        let Some(pagination) = op.pagination else {
            continue;
        };
        let spec_op = spec::operations(&spec)
            .into_iter()
            .find(|s| s.id == op.operation.id)
            .expect("in the spec");
        if let Some((_, Some(example))) = spec::json_success(spec_op.op) {
            assert!(
                example[pagination.items_field].is_array(),
                "{}: `{}` of the example",
                op.operation.id,
                pagination.items_field
            );
        }
    }
}

#[test]
fn input_schemas_stand_alone() {
    for op in catalog::operations() {
        let schema = op.input_schema();
        let properties = schema["properties"].as_object().expect("properties");
        for p in op.parameters {
            assert!(
                properties.contains_key(p.name),
                "{} {}",
                op.operation.id,
                p.name
            );
            if p.location == Location::Path {
                assert!(p.required);
            }
        }
        assert_eq!(properties.contains_key("body"), op.body.is_some());
        // Every reference points into the schema's own `$defs`.
        let mut refs = Vec::new();
        collect_refs(&schema, &mut refs);
        for target in refs {
            let name = target
                .strip_prefix("#/$defs/")
                .unwrap_or_else(|| panic!("{}: foreign $ref {target}", op.operation.id));
            assert!(
                schema["$defs"].get(name).is_some(),
                "{}: {target}",
                op.operation.id
            );
        }
    }
}

#[test]
fn operations_taking_a_status_filter() {
    let filtering: Vec<&str> = catalog::operations()
        .iter()
        .filter(|op| op.parameter("status").is_some())
        .map(|op| op.operation.id)
        .collect();
    let spec = spec::load();
    let expected: Vec<&str> = {
        let mut ids: Vec<&str> = reading::read(&spec)
            .into_iter()
            .filter(|(_, takes)| takes.params.iter().any(|p| p.0 == "status"))
            .map(|(id, _)| catalog::by_id(&id).expect("in the catalog").operation.id)
            .collect();
        ids.sort_by_key(|id| catalog::by_id(id).map(|op| op.operation.method_name));
        ids
    };
    assert_eq!(filtering, expected);
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref"
                    && let Some(target) = v.as_str()
                {
                    out.push(target.to_owned());
                }
                collect_refs(v, out);
            }
        }
        Value::Array(list) => list.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
