//! The mock serves every operation of the spec with the spec's example
//! response and success status: at HTTP level for all of them, and decoded
//! through the generated client for those callable without arguments. An
//! example that violates its own schema is served repaired, so that every
//! default answer decodes as its operation's type.

#![allow(deprecated, reason = "every operation is called, deprecated ones too")]

use crate::common::spec;
use crate::common::typed;

use std::future::Future;
use std::pin::Pin;

use incidentio::Client;
use incidentio::mock::{MOCK_API_KEY, MockApi};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A path with every `{param}` filled in.
fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|s| {
            if s.contains('{') {
                "01FCNDV6P870EA6S7TK1DSYDG0"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether `got` has everything `want` has (objects may have more keys).
fn contains(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => w
            .iter()
            .all(|(k, v)| g.get(k).is_some_and(|gv| contains(gv, v))),
        (Value::Array(g), Value::Array(w)) => {
            g.len() == w.len() && g.iter().zip(w).all(|(g, w)| contains(g, w))
        }
        _ => got == want,
    }
}

/// The first 2xx status the spec declares and its JSON example.
fn expected(op: &Value) -> (u16, Option<&Value>) {
    let responses = op["responses"].as_object().expect("responses");
    let (code, response) = responses
        .iter()
        .filter_map(|(code, r)| Some((code.parse::<u16>().ok()?, r)))
        .filter(|(code, _)| (200..300).contains(code))
        .min_by_key(|(code, _)| *code)
        .expect("a success response");
    (code, response.pointer("/content/application~1json/example"))
}

#[tokio::test]
async fn every_operation_answers_its_example_over_http() {
    let spec = spec::load();
    let operations = spec::operations(&spec);
    assert!(
        operations.len() > 100,
        "only {} operations",
        operations.len()
    );
    let mock = MockApi::start().await;
    let http = incidentio::http_client_builder().unwrap().build().unwrap();

    let mut with_example = 0;
    for op in &operations {
        let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
        let url = format!("{}{}", mock.base_url(), concrete(op.path));
        let mut request = http.request(method, &url).bearer_auth(MOCK_API_KEY);
        if op.op.get("requestBody").is_some() {
            request = request
                .header("content-type", "application/json")
                .body("{}");
        }
        let response = request.send().await.unwrap();
        let (status, example) = expected(op.op);
        assert_eq!(
            response.status().as_u16(),
            status,
            "{} {}",
            op.method,
            op.path
        );
        let body = response.bytes().await.unwrap();
        match example {
            Some(example) => {
                let got: Value = serde_json::from_slice(&body)
                    .unwrap_or_else(|e| panic!("{}: body is not JSON: {e}", op.id));
                let schema = spec::json_success(op.op).map(|(schema, _)| schema).unwrap();
                if spec::violations(&spec, schema, example).is_empty() {
                    assert_eq!(
                        &got, example,
                        "{}: body differs from the spec example",
                        op.id
                    );
                } else {
                    // Repaired: schema-valid now, and only added to.
                    let violations = spec::violations(&spec, schema, &got);
                    assert!(violations.is_empty(), "{}: {violations:?}", op.id);
                    assert!(
                        contains(&got, example),
                        "{}: the repair removed data",
                        op.id
                    );
                }
                with_example += 1;
            }
            None => assert!(body.is_empty(), "{}: unexpected body", op.id),
        }
        let route = mock.on(op.id).unwrap();
        assert_eq!(route.calls(), 1, "{}: served by another route", op.id);
    }
    eprintln!(
        "{} operations answered, {with_example} with their example",
        operations.len()
    );
}

type Call = for<'a> fn(&'a Client) -> Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;

/// What calling an operation with no arguments set gave.
enum Outcome {
    /// The decoded body, serialised back.
    Decoded(Value),
    /// The builder refused: the operation needs arguments.
    NeedsArguments,
    /// Any other error.
    Failed(incidentio::Error),
}

fn call<'a, T, F>(send: F) -> Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>
where
    T: Serialize,
    F: Future<Output = Result<progenitor_client::ResponseValue<T>, incidentio::Error>> + Send + 'a,
{
    Box::pin(async move {
        match send.await {
            Ok(value) => Outcome::Decoded(typed::to_value(&value.into_inner()).unwrap()),
            Err(incidentio::Error::InvalidArgument(_)) => Outcome::NeedsArguments,
            Err(e) => Outcome::Failed(e),
        }
    })
}

/// The example decoded into `T` and serialised back: what the client's
/// value must equal.
fn decode_example<T: DeserializeOwned + Serialize>(example: &Value) -> Result<Value, String> {
    let decoded: T = typed::from_value(example).map_err(|e| e.to_string())?;
    Ok(typed::to_value(&decoded).unwrap())
}

type Decode = fn(&Value) -> Result<Value, String>;

macro_rules! operation_types {
    ($($method:ident => $ty:ty,)*) => {
        /// Every operation: its method name, a call with no arguments set,
        /// and its success type's decoding of a JSON value.
        const CALLS: &[(&str, Call, Decode)] = &[$(
            (
                stringify!($method),
                |client| call(client.$method().send()),
                decode_example::<$ty>,
            ),
        )*];
    };
}

#[allow(
    unused_imports,
    reason = "the generated list names types as `types::X`"
)]
use incidentio::types;
include!(concat!(env!("OUT_DIR"), "/operation_types.rs"));

#[tokio::test]
async fn operations_without_arguments_decode_their_example_through_the_client() {
    let spec = spec::load();
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();

    let (mut decoded, mut needs_arguments) = (0, 0);
    let (mut defective, mut no_example) = (Vec::new(), Vec::new());
    for (method_name, call, decode) in CALLS {
        let operation = incidentio::Operation::by_method_name(method_name).unwrap();
        let spec_op = spec::operations(&spec)
            .into_iter()
            .find(|o| o.id == operation.id)
            .unwrap();
        let (_, example) = expected(spec_op.op);
        match call(&client).await {
            Outcome::NeedsArguments => needs_arguments += 1,
            Outcome::Decoded(value) => {
                match example.map(decode) {
                    Some(Ok(want)) => {
                        assert_eq!(value, want, "{method_name}: decoded value differs")
                    }
                    // A defective example, served repaired.
                    Some(Err(_)) => defective.push(*method_name),
                    None => assert_eq!(value, Value::Null, "{method_name}"),
                }
                assert_eq!(mock.on(method_name).unwrap().calls(), 1, "{method_name}");
                decoded += 1;
            }
            Outcome::Failed(incidentio::Error::Decode { .. })
                if example.is_none()
                    && spec_op
                        .op
                        .pointer(&format!(
                            "/responses/{}/content/application~1json/schema",
                            expected(spec_op.op).0
                        ))
                        .is_some() =>
            {
                // A JSON body with no example in the spec (the spec itself,
                // at /v1/openapiV3.json): the mock has nothing to serve but
                // the status, and the client rightly cannot decode that.
                no_example.push(*method_name);
            }
            Outcome::Failed(e) => panic!("{method_name}: {e}"),
        }
    }
    assert!(decoded >= 30, "only {decoded} operations decoded");
    assert_eq!(decoded + needs_arguments + no_example.len(), CALLS.len());
    assert!(no_example.len() <= 1, "{no_example:?}");
    eprintln!(
        "{decoded} decoded through the client, {needs_arguments} need arguments, \
         repaired examples among them: {defective:?}, JSON without an example: {no_example:?}"
    );
}

/// Every operation's default answer decodes as its success type, whatever
/// arguments it needs: fetched over HTTP, decoded with the type the
/// generated `send()` uses. The count is the spec's operations with an
/// example.
#[tokio::test]
async fn every_default_answer_decodes_as_its_operations_type() {
    let spec = spec::load();
    let mock = MockApi::start().await;
    let http = incidentio::http_client_builder().unwrap().build().unwrap();
    let mut checked = 0;
    for (method_name, _, decode) in CALLS {
        let operation = incidentio::Operation::by_method_name(method_name).unwrap();
        let spec_op = spec::operations(&spec)
            .into_iter()
            .find(|o| o.id == operation.id)
            .unwrap();
        if expected(spec_op.op).1.is_none() {
            continue;
        }
        let method = reqwest::Method::from_bytes(operation.method.as_bytes()).unwrap();
        let url = format!("{}{}", mock.base_url(), concrete(operation.path));
        let mut request = http.request(method, &url).bearer_auth(MOCK_API_KEY);
        if spec_op.op.get("requestBody").is_some() {
            request = request
                .header("content-type", "application/json")
                .body("{}");
        }
        let body: Value = request.send().await.unwrap().json().await.unwrap();
        decode(&body)
            .unwrap_or_else(|e| panic!("{method_name}: the mock's answer does not decode: {e}"));
        checked += 1;
    }
    let with_example = spec::operations(&spec)
        .iter()
        .filter(|op| expected(op.op).1.is_some())
        .count();
    assert_eq!(checked, with_example);
    assert!(checked > 100, "only {checked}");
}
