//! `OperationInfo::request`: arguments to a request, one test per rule of
//! `src/catalog/arguments.rs`. Operations are found in the catalog by the
//! shape a rule needs (a path parameter, a filter, a header …), not by
//! name, so that the tests follow the spec.

use incidentio::catalog::{
    self, ArgumentError, Location, OperationInfo, OperationRequest, ParamStyle, Parameter,
};
use serde_json::{Value, json};

/// The first operation with a parameter for which `pick` holds, and it.
fn find(
    pick: impl Fn(&OperationInfo, &Parameter) -> bool,
) -> (&'static OperationInfo, &'static Parameter) {
    catalog::operations()
        .iter()
        .find_map(|op| op.parameters.iter().find(|p| pick(op, p)).map(|p| (op, p)))
        .expect("the spec has an operation of this shape")
}

/// The arguments every required parameter of `op` needs, with `value`
/// for `param`.
fn arguments(op: &OperationInfo, param: &str, value: Value) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    for p in op.parameters.iter().filter(|p| p.required) {
        out.insert(p.name.to_owned(), required_value(p));
    }
    if let Some(body) = op.body.filter(|b| b.required) {
        out.insert(
            catalog::BODY_PROPERTY.to_owned(),
            body.example().unwrap_or_else(|| json!({})),
        );
    }
    out.insert(param.to_owned(), value);
    out
}

fn required_value(p: &Parameter) -> Value {
    match p.json_type {
        "integer" => json!(25),
        "boolean" => json!(true),
        _ => p
            .enum_values
            .first()
            .map_or_else(|| json!("01GW2G3V0S59R238FAHPDS1R66"), |v| json!(v)),
    }
}

fn refused(op: &'static OperationInfo, args: serde_json::Map<String, Value>) -> ArgumentError {
    op.request(&args).expect_err("refused")
}

fn built(op: &'static OperationInfo, args: serde_json::Map<String, Value>) -> OperationRequest {
    op.request(&args)
        .unwrap_or_else(|e| panic!("{}: {e}", op.operation.id))
}

#[test]
fn an_unknown_argument_is_refused_naming_what_the_operation_takes() {
    let (op, param) = find(|_, p| p.location == Location::Path);
    let mut args = arguments(op, param.name, json!("x"));
    args.insert("colour".into(), json!("red"));
    let error = refused(op, args);
    assert_eq!(error.argument, "colour");
    assert!(error.message.contains(param.name), "{error}");
}

#[test]
fn a_missing_required_argument_is_named() {
    let (op, param) = find(|_, p| p.location == Location::Path);
    let mut args = arguments(op, param.name, json!("x"));
    args.remove(param.name);
    assert_eq!(refused(op, args).argument, param.name);
    // `null` counts as not given.
    assert_eq!(
        refused(op, arguments(op, param.name, Value::Null)).argument,
        param.name
    );
}

#[test]
fn a_value_of_the_wrong_type_or_outside_the_enum_is_refused() {
    let (op, param) = find(|_, p| p.json_type == "integer" && p.location == Location::Query);
    let error = refused(op, arguments(op, param.name, json!("25")));
    assert_eq!(error.argument, param.name);
    assert!(error.message.contains("integer"), "{error}");

    let (op, param) = find(|_, p| {
        p.style == ParamStyle::Plain && p.json_type == "string" && !p.enum_values.is_empty()
    });
    let error = refused(op, arguments(op, param.name, json!("sideways")));
    assert_eq!(error.argument, param.name);
    assert!(error.message.contains(param.enum_values[0]), "{error}");
    let ok = built(op, arguments(op, param.name, json!(param.enum_values[0])));
    assert!(
        ok.query
            .contains(&(param.name.to_owned(), param.enum_values[0].to_owned()))
    );
}

#[test]
fn an_array_parameter_takes_a_list_or_one_value() {
    let (op, param) = find(|_, p| p.style == ParamStyle::Plain && p.json_type == "array");
    let value = |v: &str| {
        param
            .enum_values
            .first()
            .map_or_else(|| v.to_owned(), |e| (*e).to_owned())
    };
    let list = built(
        op,
        arguments(op, param.name, json!([value("a"), value("b")])),
    );
    let sent: Vec<&(String, String)> = list.query.iter().filter(|(k, _)| k == param.name).collect();
    assert_eq!(sent.len(), 2, "{list:?}");
    let one = built(op, arguments(op, param.name, json!(value("a"))));
    assert_eq!(one.query.iter().filter(|(k, _)| k == param.name).count(), 1);
}

#[test]
fn a_filter_is_an_operator_map() {
    let (op, param) = find(|_, p| p.style == ParamStyle::DeepObject);
    let request = built(
        op,
        arguments(op, param.name, json!({"one_of": ["A", "B"], "gte": 3})),
    );
    let name = |operator: &str| format!("{}[{operator}]", param.name);
    let pairs: Vec<(String, String)> = request
        .query
        .iter()
        .filter(|(k, _)| k.starts_with(param.name))
        .cloned()
        .collect();
    assert_eq!(
        pairs,
        [
            (name("gte"), "3".to_owned()),
            (name("one_of"), "A".to_owned()),
            (name("one_of"), "B".to_owned()),
        ]
    );
    // The flag syntax is the command line's, not an argument.
    let error = refused(op, arguments(op, param.name, json!("one_of=A")));
    assert_eq!(error.argument, param.name);
    let error = refused(op, arguments(op, param.name, json!({"one_of": [{"x": 1}]})));
    assert_eq!(error.argument, format!("{}.one_of", param.name));
}

#[test]
fn a_keyed_filter_is_an_object_of_operator_maps() {
    let (op, param) = find(|_, p| p.style == ParamStyle::KeyedDeepObject);
    let request = built(
        op,
        arguments(op, param.name, json!({"01GB": {"one_of": ["X"]}})),
    );
    assert!(
        request
            .query
            .contains(&(format!("{}[01GB][one_of]", param.name), "X".to_owned())),
        "{request:?}"
    );
    let error = refused(op, arguments(op, param.name, json!({"01GB": "X"})));
    assert_eq!(error.argument, format!("{}.01GB", param.name));
}

#[test]
fn a_path_value_stays_one_segment() {
    let (op, param) = find(|_, p| p.location == Location::Path && p.json_type == "string");
    let request = built(op, arguments(op, param.name, json!("a/b?c#d e%")));
    let segment = "a%2Fb%3Fc%23d%20e%25";
    assert_eq!(
        request.path,
        op.operation
            .path
            .replace(&format!("{{{}}}", param.name), segment)
    );
    for bad in ["", ".", ".."] {
        assert_eq!(
            refused(op, arguments(op, param.name, json!(bad))).argument,
            param.name
        );
    }
}

#[test]
fn a_header_parameter_is_sent_as_its_header_and_never_shown() {
    let (op, param) = find(|_, p| p.location == Location::Header);
    let secret = "Bearer never-show-me-31c";
    let request = built(op, arguments(op, param.name, json!(secret)));
    assert!(
        request.carries_own_authorization() == param.name.eq_ignore_ascii_case("authorization")
    );
    assert_eq!(request.header_names().collect::<Vec<_>>(), [param.name]);
    let client = incidentio::Client::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("client");
    let raw = request.to_raw(&client);
    let preview = raw.preview().expect("preview").to_string();
    for shown in [format!("{request:?}"), format!("{raw:?}"), preview.clone()] {
        assert!(!shown.contains("never-show-me"), "{shown}");
    }
    assert!(
        preview.contains(&format!("{}: ****", param.name)),
        "{preview}"
    );
    let error = refused(op, arguments(op, param.name, json!("a\nb")));
    assert!(!error.message.contains("a\nb"), "{error}");
}

#[test]
fn a_body_is_checked_against_its_schema_and_named_by_path() {
    let op = catalog::operations()
        .iter()
        .find(|op| op.body.is_some_and(|b| b.required) && op.operation.idempotency_key.is_some())
        .expect("a keyed create");
    let schema = op.body.expect("a body").compact_schema();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|f| Some(*f) != op.operation.idempotency_key)
        .collect();
    let missing = required.first().expect("a required field");
    let mut args = arguments(op, catalog::BODY_PROPERTY, json!({}));
    let error = refused(op, args.clone());
    assert!(error.argument.starts_with("body."), "{error:?}");
    args.insert(catalog::BODY_PROPERTY.into(), json!({ *missing: [1, 2] }));
    let error = refused(op, args);
    assert_eq!(error.argument, format!("body.{missing}"), "{error:?}");
    let no_body = catalog::operations()
        .iter()
        .find(|op| op.body.is_none() && op.parameters.iter().all(|p| !p.required))
        .expect("an operation without a body");
    assert_eq!(
        refused(
            no_body,
            arguments(no_body, catalog::BODY_PROPERTY, json!({}))
        )
        .argument,
        catalog::BODY_PROPERTY
    );
    let body_required = catalog::operations()
        .iter()
        .find(|op| op.body.is_some_and(|b| b.required) && op.parameters.is_empty())
        .expect("an operation that requires a body");
    assert_eq!(
        refused(body_required, serde_json::Map::new()).argument,
        catalog::BODY_PROPERTY
    );
}

#[test]
fn a_keyed_create_gets_its_key_generated_and_says_so() {
    let op = catalog::operations()
        .iter()
        .find(|op| op.operation.idempotency_key.is_some() && op.parameters.is_empty())
        .expect("a keyed create");
    let field = op.operation.idempotency_key.expect("keyed");
    let example = op.body.and_then(|b| b.example()).expect("an example body");
    let mut body = example.clone();
    body.as_object_mut().expect("an object").remove(field);
    let request = built(op, arguments(op, catalog::BODY_PROPERTY, body));
    let key = request.generated_key.clone().expect("a generated key");
    assert_eq!(key.field, field);
    assert_eq!(
        request.body.as_ref().expect("body")[field],
        json!(key.value)
    );
    assert_eq!(key.value.len(), 36);
    // A key given is kept, and nothing is generated.
    let request = built(op, arguments(op, catalog::BODY_PROPERTY, example.clone()));
    assert!(request.generated_key.is_none());
    assert_eq!(request.body.expect("body")[field], example[field]);
}
