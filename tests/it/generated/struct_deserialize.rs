//! The generated structs' `Deserialize` (written by the build's
//! `compact_struct_deserialize` pass instead of `#[derive]`) behaves as the
//! derive does: the same JSON accepted, the same errors, unknown keys
//! ignored, absent `Option`s `None`, `default` attributes applied, and the
//! sequence form of non-self-describing formats.

use incidentio::types::{AlertAttributeV2, AlertSourceHeartbeatOptionsPayloadV2, IncidentV2};
use serde::de::{self, DeserializeOwned, Visitor};
use serde_json::{Value, json};

fn attribute() -> Value {
    json!({
        "array": false,
        "emoji": "bolt",
        "id": "01FCNDV6P870EA6S7TK1DSYDG0",
        "name": "Affected team",
        "required": true,
        "type": "Team"
    })
}

fn decode<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_str(&value.to_string()).map_err(|e| e.to_string())
}

#[test]
fn renamed_keys_and_every_field_decode() {
    let decoded: AlertAttributeV2 = decode(attribute()).unwrap();
    assert_eq!(decoded.type_, "Team");
    assert_eq!(decoded.emoji.as_deref(), Some("bolt"));
    assert!(decoded.required && !decoded.array);
    assert_eq!(serde_json::to_value(&decoded).unwrap(), attribute());
}

#[test]
fn a_missing_required_field_is_named() {
    let mut value = attribute();
    value.as_object_mut().unwrap().remove("type");
    let error = decode::<AlertAttributeV2>(value).unwrap_err();
    assert!(error.contains("missing field `type`"), "{error}");
}

#[test]
fn a_duplicate_key_is_named() {
    let text = r#"{"array":false,"id":"a","name":"n","required":true,"type":"T","id":"b"}"#;
    let error = serde_json::from_str::<AlertAttributeV2>(text)
        .unwrap_err()
        .to_string();
    assert!(error.contains("duplicate field `id`"), "{error}");
}

#[test]
fn unknown_keys_are_ignored_and_absent_or_null_options_are_none() {
    let mut value = attribute();
    let object = value.as_object_mut().unwrap();
    object.insert("added_later".into(), json!({"nested": [1, 2, {"x": null}]}));
    object.remove("emoji");
    let decoded: AlertAttributeV2 = decode(value.clone()).unwrap();
    assert_eq!(decoded.emoji, None);
    value["emoji"] = Value::Null;
    assert_eq!(decode::<AlertAttributeV2>(value).unwrap().emoji, None);
}

#[test]
fn a_wrong_type_names_the_field_path() {
    let mut value = attribute();
    value["required"] = json!("yes");
    let text = value.to_string();
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let error = serde_path_to_error::deserialize::<_, AlertAttributeV2>(&mut deserializer)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(error.path().to_string(), "required");
    assert!(
        error.inner().to_string().contains("invalid type"),
        "{error}"
    );
}

#[test]
fn default_attributes_apply_to_absent_fields() {
    // The spec's defaults: failure_threshold 1 (`default = "…"`), and
    // grace_period_seconds with a plain `default` (0).
    let decoded: AlertSourceHeartbeatOptionsPayloadV2 =
        decode(json!({"interval_seconds": 60})).unwrap();
    assert_eq!(decoded.failure_threshold, 1);
    assert_eq!(decoded.grace_period_seconds, 0);
    assert_eq!(decoded.interval_seconds, 60);
    let error = decode::<AlertSourceHeartbeatOptionsPayloadV2>(json!({})).unwrap_err();
    assert!(
        error.contains("missing field `interval_seconds`"),
        "{error}"
    );
}

/// The field list a type passes to `deserialize_struct`, in order: what a
/// non-self-describing format relies on.
fn struct_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Capture(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> de::Deserializer<'de> for &mut Capture {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut capture = Capture(None);
    let _ = T::deserialize(&mut capture);
    capture.0.expect("the type deserializes as a struct")
}

/// `value` (an object) as the array of its fields in declaration order.
fn as_sequence<T: DeserializeOwned>(value: &Value) -> Value {
    let fields = struct_fields::<T>();
    Value::Array(
        fields
            .iter()
            .map(|field| value.get(*field).cloned().unwrap_or(Value::Null))
            .collect(),
    )
}

#[test]
fn the_sequence_form_decodes_like_the_map_form() {
    let fields = struct_fields::<AlertAttributeV2>();
    assert_eq!(fields.len(), attribute().as_object().unwrap().len());
    let from_map: AlertAttributeV2 = decode(attribute()).unwrap();
    let from_seq: AlertAttributeV2 = decode(as_sequence::<AlertAttributeV2>(&attribute())).unwrap();
    assert_eq!(
        serde_json::to_value(from_seq).unwrap(),
        serde_json::to_value(from_map).unwrap()
    );
    let short = Value::Array(vec![json!(false)]);
    let error = decode::<AlertAttributeV2>(short).unwrap_err();
    assert!(error.contains("invalid length 1"), "{error}");
}

#[test]
fn a_large_example_decodes_the_same_from_map_and_sequence() {
    // The spec's own example incident: nested structs, lists, options.
    let example = example_incident();
    assert!(example.is_object(), "the spec has an IncidentV2 example");
    let from_map: IncidentV2 = decode(example.clone()).unwrap();
    let mut top = serde_json::to_value(&from_map).unwrap();
    // Only the top level is turned into a sequence; nested structs stay maps.
    let from_seq: IncidentV2 = decode(as_sequence::<IncidentV2>(&top)).unwrap();
    let reencoded = serde_json::to_value(from_seq).unwrap();
    top.as_object_mut().unwrap().retain(|_, v| !v.is_null());
    assert_eq!(reencoded, top);
}

// ---- unit-only enums ------------------------------------------------------

use incidentio::types::ActionV1Status;
use serde::Deserialize;
use serde::de::IntoDeserializer;
use serde::de::value::{Error as ValueError, StrDeserializer, U32Deserializer};

#[test]
fn an_enum_decodes_from_its_name_and_names_the_known_ones_otherwise() {
    let value: ActionV1Status = serde_json::from_str("\"not_doing\"").unwrap();
    assert_eq!(value, ActionV1Status::NotDoing);
    let error = serde_json::from_str::<ActionV1Status>("\"archived\"")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("unknown variant `archived`, expected one of `outstanding`"),
        "{error}"
    );
    // A number is not an enum in JSON (serde_json says so before any
    // visitor runs, as with the derive).
    assert!(serde_json::from_str::<ActionV1Status>("7").is_err());
    // Other self-describing inputs hand the name over as a string too.
    let name: StrDeserializer<'_, ValueError> = "completed".into_deserializer();
    assert_eq!(
        ActionV1Status::deserialize(name).unwrap(),
        ActionV1Status::Completed
    );
}

#[test]
fn an_enum_decodes_from_the_variant_index_that_serialize_writes() {
    // Non-self-describing formats write a unit variant as its index: every
    // index up to the first error decodes to the variant whose name the
    // derived Serialize (and Display) gives back.
    let mut count = 0u32;
    loop {
        let deserializer: U32Deserializer<ValueError> = count.into_deserializer();
        match ActionV1Status::deserialize(deserializer) {
            Ok(value) => {
                let name = serde_json::to_string(&value).unwrap();
                assert_eq!(name, format!("\"{value}\""));
                assert_eq!(
                    serde_json::from_str::<ActionV1Status>(&name).unwrap(),
                    value
                );
                count += 1;
            }
            Err(error) => {
                let error = error.to_string();
                assert!(
                    error.contains(&format!("variant index 0 <= i < {count}")),
                    "{error}"
                );
                break;
            }
        }
    }
    assert_eq!(count, 4, "outstanding, completed, deleted, not_doing");
}

// ---- key order and keys that look like field names -------------------------
//
// The shared lookup first tries the field the struct has seen come after
// the previous key (learned per struct type, in a static shared by every
// thread; the next field until it has seen otherwise), then scans the rest
// of the names from there, wrapping around; names are compared byte by
// byte or a word at a time. The tests below decode the same object with its
// keys in other orders, in turns and at once, and with near-miss keys added.

/// The spec's example incident: 29 fields, names from 2 to 25 bytes.
fn example_incident() -> Value {
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/openapi/incident-io.json"
        ))
        .unwrap(),
    )
    .unwrap();
    spec["components"]["schemas"]["IncidentV2"]["example"].clone()
}

/// The example incident's entries, in the spec's (alphabetical) order.
fn example_entries() -> Vec<(String, Value)> {
    let example = example_incident();
    let object = example
        .as_object()
        .expect("the spec has an IncidentV2 example");
    object.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// An object's text with its entries in the given order (a `Value` would
/// sort them).
fn object_text(entries: &[(String, Value)]) -> String {
    let fields: Vec<String> = entries
        .iter()
        .map(|(key, value)| format!("{}:{value}", Value::from(key.as_str())))
        .collect();
    format!("{{{}}}", fields.join(","))
}

fn decoded_incident(text: &str) -> Value {
    let incident: IncidentV2 = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    serde_json::to_value(incident).unwrap()
}

#[test]
fn keys_in_any_order_decode_the_same() {
    let entries = example_entries();
    assert!(entries.len() > 20, "the example has most fields");
    let expected = decoded_incident(&object_text(&entries));
    let mut reversed = entries.clone();
    reversed.reverse();
    // Every other key first, then the rest: each lookup starts past the
    // key it wants, so it wraps around.
    let (even, odd): (Vec<_>, Vec<_>) = entries
        .iter()
        .cloned()
        .enumerate()
        .partition(|(i, _)| i % 2 == 0);
    let interleaved: Vec<_> = odd.into_iter().chain(even).map(|(_, e)| e).collect();
    let mut rotated = entries.clone();
    rotated.rotate_left(entries.len() / 2);
    for order in [reversed, interleaved, rotated] {
        assert_eq!(decoded_incident(&object_text(&order)), expected);
    }
}

#[test]
fn orders_that_take_turns_or_race_decode_the_same() {
    // One order learned, then others (and the same with keys left out)
    // taking turns inside one page, on several threads at once: each
    // thread overwrites what the others taught the struct, which must only
    // ever cost time.
    let entries = example_entries();
    let expected = decoded_incident(&object_text(&entries));
    let mut reversed = entries.clone();
    reversed.reverse();
    let mut rotated = entries.clone();
    rotated.rotate_left(7);
    let orders = [entries.clone(), reversed, rotated];
    // Every third key left out (an optional one each time, so the object
    // still decodes): the learned successor is then often absent.
    let required: Vec<&str> = struct_fields::<IncidentV2>()
        .iter()
        .copied()
        .filter(|name| {
            let mut without = entries.clone();
            without.retain(|(key, _)| key != name);
            serde_json::from_str::<IncidentV2>(&object_text(&without)).is_err()
        })
        .collect();
    let thinned: Vec<Vec<(String, Value)>> = orders
        .iter()
        .map(|order| {
            order
                .iter()
                .enumerate()
                .filter(|(i, (key, _))| i % 3 != 0 || required.contains(&key.as_str()))
                .map(|(_, entry)| entry.clone())
                .collect()
        })
        .collect();
    // What each thinned object must decode to, from the full one: its
    // fields where the object has the key, absent (or null) elsewhere.
    let expected_thinned: Vec<Value> = thinned
        .iter()
        .map(|entries| {
            let mut fields = expected.as_object().unwrap().clone();
            fields.retain(|name, value| {
                !value.is_null() && entries.iter().any(|(key, _)| key == name)
            });
            Value::Object(fields)
        })
        .collect();
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let (orders, thinned, expected, expected_thinned) =
                (&orders, &thinned, &expected, &expected_thinned);
            scope.spawn(move || {
                for round in 0..200 {
                    let which = (round + thread) % orders.len();
                    let page = format!(
                        "[{},{}]",
                        object_text(&orders[which]),
                        object_text(&thinned[which])
                    );
                    let decoded: Vec<IncidentV2> = serde_json::from_str(&page).unwrap();
                    assert_eq!(serde_json::to_value(&decoded[0]).unwrap(), *expected);
                    let mut thin = serde_json::to_value(&decoded[1]).unwrap();
                    thin.as_object_mut()
                        .unwrap()
                        .retain(|_, value| !value.is_null());
                    assert_eq!(thin, expected_thinned[which]);
                }
            });
        }
    });
}

#[test]
fn a_key_one_byte_off_a_field_name_is_ignored() {
    // For every field name and every byte of it, the name with that byte
    // changed (same length, so only the byte comparison tells them apart)
    // is added as an unknown key with a value of the wrong type: taking it
    // for the field would fail the decode (`duplicate field` or a type
    // error), ignoring it leaves the decoded value as it was.
    let entries = example_entries();
    let expected = decoded_incident(&object_text(&entries));
    for (key, _) in &entries {
        for at in 0..key.len() {
            let mut near = key.clone().into_bytes();
            near[at] = if near[at] == b'x' { b'y' } else { b'x' };
            let near = String::from_utf8(near).unwrap();
            // Before and after the real key, so that the lookup has just
            // matched the field (or its predecessor) either way.
            for before in [true, false] {
                let mut with_near = Vec::new();
                for entry in &entries {
                    if entry.0 == *key && before {
                        with_near.push((near.clone(), json!([{"wrong": "type"}])));
                    }
                    with_near.push(entry.clone());
                    if entry.0 == *key && !before {
                        with_near.push((near.clone(), json!([{"wrong": "type"}])));
                    }
                }
                assert_eq!(
                    decoded_incident(&object_text(&with_near)),
                    expected,
                    "{near} beside {key}"
                );
            }
        }
    }
}

#[test]
fn a_repeated_key_is_a_duplicate_wherever_it_comes_again() {
    let entries = example_entries();
    // Right after itself, and after the lookup has moved on past it.
    for (repeat_at, (key, value)) in [(1, &entries[0]), (entries.len(), &entries[3])] {
        let mut repeated = entries.clone();
        repeated.insert(repeat_at, (key.clone(), value.clone()));
        let error = serde_json::from_str::<IncidentV2>(&object_text(&repeated))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&format!("duplicate field `{key}`")),
            "{error}"
        );
    }
}
