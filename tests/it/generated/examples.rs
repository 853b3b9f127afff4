//! Every JSON example response in the spec decodes into its operation's
//! generated type and survives a round trip; enum fields tolerate values added
//! after the build; unknown properties are ignored.

use crate::common::spec;
use crate::common::typed;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes JSON into an operation's success type and serialises it back.
type RoundTrip = fn(&Value) -> Result<Value, String>;

fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let decoded: T = typed::from_value(value).map_err(|e| e.to_string())?;
    typed::to_value(&decoded).map_err(|e| e.to_string())
}

macro_rules! operation_types {
    ($($method:ident => $ty:ty,)*) => {
        /// `(method name, round trip through its success type)`, from build.rs.
        const ROUND_TRIPS: &[(&str, RoundTrip)] = &[$((stringify!($method), round_trip::<$ty>),)*];
    };
}

#[allow(
    unused_imports,
    reason = "the generated list names types as `types::X`"
)]
use incidentio::types;
include!(concat!(env!("OUT_DIR"), "/operation_types.rs"));

fn round_trip_for(method_name: &str) -> RoundTrip {
    ROUND_TRIPS
        .iter()
        .find(|(name, _)| *name == method_name)
        .unwrap_or_else(|| panic!("no generated success type for {method_name}"))
        .1
}

/// An operation with a JSON example response.
struct Example<'a> {
    id: &'a str,
    schema: &'a Value,
    example: &'a Value,
    round_trip: RoundTrip,
}

fn examples(spec: &Value) -> Vec<Example<'_>> {
    spec::operations(spec)
        .into_iter()
        .filter_map(|op| {
            let (schema, example) = spec::json_success(op.op)?;
            let method_name = incidentio::OPERATIONS
                .iter()
                .find(|o| o.id == op.id)
                .unwrap_or_else(|| panic!("{} is not in OPERATIONS", op.id))
                .method_name;
            Some(Example {
                id: op.id,
                schema,
                example: example?,
                round_trip: round_trip_for(method_name),
            })
        })
        .collect()
}

/// Decoding agrees with the spec: an example decodes exactly when it is valid
/// against its own schema. Today four `Escalations V2` path examples write the
/// recursive `if_else.then_path`/`else_path` nodes as `[{}]`, without their
/// required `id` and `type`; a faithful type must reject them, so this test
/// proves each defect with the schema instead of loosening the types.
#[test]
fn every_example_response_decodes_unless_it_violates_its_schema() {
    let spec = spec::load();
    let examples = examples(&spec);
    let with_example = spec::operations(&spec)
        .iter()
        .filter(|op| spec::json_success(op.op).is_some_and(|(_, e)| e.is_some()))
        .count();
    assert_eq!(examples.len(), with_example);
    assert!(!examples.is_empty(), "the spec has no example responses");

    let mut defective = Vec::new();
    for ex in &examples {
        let violations = spec::violations(&spec, ex.schema, ex.example);
        let decoded = (ex.round_trip)(ex.example);
        match (violations.is_empty(), decoded) {
            (true, Ok(encoded)) => {
                // Re-serialised JSON decodes to an equal value.
                let again = (ex.round_trip)(&encoded)
                    .unwrap_or_else(|e| panic!("{}: re-decoding failed: {e}", ex.id));
                assert_eq!(again, encoded, "{}: round trip changed the value", ex.id);
            }
            (true, Err(e)) => panic!("{}: a schema-valid example fails to decode: {e}", ex.id),
            (false, Ok(_)) => panic!(
                "{}: decodes although it violates its schema: {violations:?}",
                ex.id
            ),
            (false, Err(_)) => defective.push((ex.id, violations)),
        }
    }
    for (id, violations) in &defective {
        assert!(
            id.starts_with("Escalations V2#")
                && violations
                    .iter()
                    .all(|v| v.contains("_path/") && v.contains("missing required property")),
            "{id}: unexpected schema violations {violations:?}"
        );
    }
    eprintln!(
        "{} examples decoded and round-tripped; {} defective in the spec: {:?}",
        examples.len() - defective.len(),
        defective.len(),
        defective.iter().map(|(id, _)| *id).collect::<Vec<_>>()
    );
}

/// Each enum value in each example, replaced by a value the spec does not
/// list, still decodes, and the new value survives the round trip unchanged.
#[test]
fn enum_fields_keep_values_added_after_the_build() {
    let spec = spec::load();
    let mut checked = 0;
    for ex in examples(&spec) {
        if !spec::violations(&spec, ex.schema, ex.example).is_empty() {
            continue; // proven defective above
        }
        for located in spec::enum_values(&spec, ex.schema, ex.example) {
            let listed = located.schema["enum"].as_array().expect("enum");
            let novel = Value::String("added_after_the_build".into());
            assert!(!listed.contains(&novel));
            let mut changed = ex.example.clone();
            *changed.pointer_mut(&located.pointer).expect("pointer") = novel.clone();
            let encoded = (ex.round_trip)(&changed).unwrap_or_else(|e| {
                panic!(
                    "{} {}: unknown enum value rejected: {e}",
                    ex.id, located.pointer
                )
            });
            assert_eq!(
                encoded.pointer(&located.pointer),
                Some(&novel),
                "{} {}: unknown enum value not kept",
                ex.id,
                located.pointer
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no enum fields found in the examples");
    eprintln!("{checked} enum values replaced and kept");
}

/// An extra property the spec does not know, in every record of an example
/// (objects with named properties, not free-form maps), does not stop it
/// decoding: the API adds response properties freely.
#[test]
fn unknown_properties_anywhere_still_decode() {
    let spec = spec::load();
    let mut objects = 0;
    for ex in examples(&spec) {
        if !spec::violations(&spec, ex.schema, ex.example).is_empty() {
            continue;
        }
        let mut changed = ex.example.clone();
        for pointer in spec::records(&spec, ex.schema, ex.example) {
            let record = changed.pointer_mut(&pointer).and_then(Value::as_object_mut);
            record
                .expect("records() points at objects")
                .insert("added_after_the_build".into(), Value::from(42));
            objects += 1;
        }
        (ex.round_trip)(&changed)
            .unwrap_or_else(|e| panic!("{}: unknown property rejected: {e}", ex.id));
    }
    assert!(objects > 0);
    eprintln!("{objects} records given an unknown property");
}
