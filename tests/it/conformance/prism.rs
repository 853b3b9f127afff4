//! Conformance against Prism, an OpenAPI mock server nobody here wrote,
//! serving the spec the crate was built from.
//!
//! - **static** (Prism answers with the spec's examples): every operation is
//!   called once through the crate, with the required parameters and the
//!   request body taken from the spec's examples (`$OUT_DIR/conformance_calls.rs`,
//!   written by build.rs). Prism validates each request against the spec and
//!   answers a violation with a 422 (or, where it still answers, an
//!   `sl-violations` header), so a call that succeeds proves the crate sent
//!   what the spec asks for and decoded what the spec promises.
//! - **dynamic** (`prism mock -d`: random schema-valid data): every operation
//!   is called [`DYNAMIC_CALLS`] times (default 20), counting decode
//!   failures. A failing body is fetched again raw, to name the value and the
//!   schema at the failing path.
//!
//! What fails the test: any failure that is not a proven defect of the spec
//! itself. Proven defects are named in the summary with their reason:
//! - static: the spec's example violates the spec's own schema (today the
//!   four `Escalations V2` path examples, whose `if_else` branches are `[{}]`
//!   without their required `id` and `type`; see tests/it/generated/examples.rs);
//! - dynamic: the value Prism generated violates the schema at the failing
//!   path (a missing required property, a wrong type, a value outside the
//!   `enum`, an invalid `date-time`), checked here against the spec.
//!
//! A decode failure on a value the schema allows is the crate's bug, as is a
//! request Prism rejects when the spec's example is valid.
//!
//! Needs Prism: `.ci/conformance` installs it into `.prism/`, starts it in
//! both modes and runs this file with the base URLs in
//! `INCIDENTIO_PRISM_STATIC_URL` and `INCIDENTIO_PRISM_DYNAMIC_URL`. Plain
//! `cargo test` lists these tests as ignored.

use crate::common::spec;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use incidentio::{Client, Error, Pacing, RawResponse, RetryPolicy};
use progenitor_client::ResponseValue;
use serde_json::Value;

/// Calls per operation in dynamic mode (`INCIDENTIO_PRISM_DYNAMIC_CALLS`
/// raises it).
const DYNAMIC_CALLS: usize = 20;

/// Requests in flight at once: Prism is one Node process.
const CONCURRENCY: usize = 8;

/// What one call through the crate produced.
enum Outcome {
    /// A success status; `violations` is Prism's `sl-violations` header.
    Ok {
        status: u16,
        violations: Option<String>,
    },
    /// The spec's example request body does not decode into the generated
    /// request type (nothing was sent).
    BadExample(String),
    /// The crate's error.
    Failed(Error),
}

type CallFuture = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// One line of the build's conformance table.
struct Operation {
    id: &'static str,
    http: &'static str,
    method: &'static str,
    /// Required parameters from the spec's examples: (setter, value).
    params: Vec<(&'static str, String)>,
    /// The example request body, when the operation takes one.
    body: Option<&'static str>,
    /// Why the build could not derive a call, when it could not.
    skip: Option<&'static str>,
    call: Option<fn(Client) -> CallFuture>,
}

fn outcome<T>(result: Result<ResponseValue<T>, Error>) -> Outcome {
    match result {
        Ok(response) => Outcome::Ok {
            status: response.status().as_u16(),
            violations: response
                .headers()
                .get("sl-violations")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        },
        Err(error) => Outcome::Failed(error),
    }
}

/// Turns the build's table into [`Operation`]s, one statement per line
/// (a token muncher: the three line shapes start differently).
macro_rules! conformance_line {
    ($ops:ident;) => {};
    ($ops:ident; $id:literal, $http:ident, $method:ident, skip $reason:literal; $($tail:tt)*) => {
        $ops.push(Operation {
            id: $id,
            http: stringify!($http),
            method: stringify!($method),
            params: Vec::new(),
            body: None,
            skip: Some($reason),
            call: None,
        });
        conformance_line!($ops; $($tail)*);
    };
    ($ops:ident; $id:literal, $http:ident, $method:ident, [$($p:ident = $v:literal),* $(,)?], None; $($tail:tt)*) => {
        $ops.push(Operation {
            id: $id,
            http: stringify!($http),
            method: stringify!($method),
            params: vec![$((stringify!($p), $v.to_string())),*],
            body: None,
            skip: None,
            call: Some(|client: Client| -> CallFuture {
                Box::pin(async move {
                    outcome(client.$method()$(.$p($v))*.send().await)
                })
            }),
        });
        conformance_line!($ops; $($tail)*);
    };
    ($ops:ident; $id:literal, $http:ident, $method:ident, [$($p:ident = $v:literal),* $(,)?], Some($ty:ident, $json:literal); $($tail:tt)*) => {
        $ops.push(Operation {
            id: $id,
            http: stringify!($http),
            method: stringify!($method),
            params: vec![$((stringify!($p), $v.to_string())),*],
            body: Some($json),
            skip: None,
            call: Some(|client: Client| -> CallFuture {
                Box::pin(async move {
                    let body: incidentio::types::$ty = match serde_json::from_str($json) {
                        Ok(body) => body,
                        Err(e) => return Outcome::BadExample(e.to_string()),
                    };
                    outcome(client.$method()$(.$p($v))*.body(body).send().await)
                })
            }),
        });
        conformance_line!($ops; $($tail)*);
    };
}

macro_rules! conformance_calls {
    ($($lines:tt)*) => {
        /// Every operation of the spec, as build.rs derived its call.
        #[allow(deprecated, reason = "deprecated operations are part of the spec too")]
        fn operations() -> Vec<Operation> {
            let mut ops = Vec::new();
            conformance_line!(ops; $($lines)*);
            ops
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/conformance_calls.rs"));

/// Decodes a raw response as an operation's success type, with the JSON
/// path of a failure (for the diagnosis of a dynamic-mode decode failure).
/// It goes through the client's own decode (`RawResponse::json`), the one
/// `send()` uses: the same path a user sees, and no second copy of every
/// type's decoder in this binary.
type RawDecode = fn(&RawResponse) -> Result<(), (String, String)>;

fn raw_decode<T: serde::de::DeserializeOwned>(
    response: &RawResponse,
) -> Result<(), (String, String)> {
    response.json::<T>().map(drop).map_err(|error| match error {
        Error::Decode { path, message, .. } => (path, message),
        other => (".".to_owned(), other.to_string()),
    })
}

macro_rules! operation_types {
    ($($method:ident => $ty:ty,)*) => {
        const RAW_DECODERS: &[(&str, RawDecode)] = &[$((stringify!($method), raw_decode::<$ty>),)*];
    };
}

#[allow(
    unused_imports,
    reason = "the generated list names types as `types::X`"
)]
use incidentio::types;
include!(concat!(env!("OUT_DIR"), "/operation_types.rs"));

/// A fresh connection per request. Prism answers on one Node event loop;
/// generating a large random body (`Alert Sources V2#List` returns up to
/// 1.4 MB) blocks it for seconds, after which Node's 5 s keep-alive timer
/// fires before it reads a request already waiting on a reused socket, and
/// resets it. That says nothing about the crate (whose retries would resend
/// such a GET in real use), so no socket is reused.
fn http() -> reqwest::Client {
    incidentio::http_client_builder()
        .unwrap()
        .pool_max_idle_per_host(0)
        .build()
        .expect("HTTP client")
}

fn client(base_url: &str) -> Client {
    // One attempt per call, no pacing: Prism has no rate limit, and a retry
    // would hide a failure.
    Client::builder()
        .api_key("prism-conformance-key")
        .http_client(http())
        .base_url(base_url)
        .retry_policy(RetryPolicy::disabled())
        .pacing(Pacing::disabled())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

fn prism_url(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: run .ci/conformance, which starts Prism and sets it")
    })
}

/// Runs `calls` (operation index, repetition) with [`CONCURRENCY`] in flight.
async fn run_calls(
    client: &Client,
    ops: &Arc<Vec<Operation>>,
    calls: Vec<usize>,
) -> Vec<(usize, Outcome)> {
    let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for index in calls {
        let call = ops[index].call.expect("only callable operations are run");
        let client = client.clone();
        let permit = Arc::clone(&permits).acquire_owned().await.unwrap();
        tasks.spawn(async move {
            let outcome = call(client).await;
            drop(permit);
            (index, outcome)
        });
    }
    let mut out = Vec::new();
    while let Some(done) = tasks.join_next().await {
        out.push(done.expect("a call panicked"));
    }
    out.sort_by_key(|(index, _)| *index);
    out
}

/// One failed operation in a mode's summary.
struct Failure {
    id: &'static str,
    count: usize,
    first: String,
    /// `Some(reason)` when the failure is a proven defect of the spec (or of
    /// Prism's data), not of the crate.
    spec_defect: Option<String>,
}

fn summary(mode: &str, called: usize, calls: usize, ok: usize, failures: &[Failure]) -> String {
    let crate_failures = failures.iter().filter(|f| f.spec_defect.is_none()).count();
    let mut line = format!(
        "prism {mode}: {called} operations called ({calls} calls), {ok} calls succeeded, \
         {} operations failed ({crate_failures} crate, {} spec defects)",
        failures.len(),
        failures.len() - crate_failures,
    );
    for f in failures {
        let kind = match &f.spec_defect {
            Some(reason) => format!("SPEC DEFECT: {reason}"),
            None => "CRATE FAILURE".to_owned(),
        };
        line.push_str(&format!(
            "\n  - {} ({}x) {kind}; first error: {}",
            f.id, f.count, f.first
        ));
    }
    line
}

/// A 422 from Prism: the request violated the spec. Its problem+json body
/// (`validation: [{location, message}]`) names each violation.
fn request_violations(error: &Error) -> Option<String> {
    let api = error.api_error()?;
    if api.status.as_u16() != 422 {
        return None;
    }
    let validation = api
        .envelope
        .as_ref()
        .and_then(|e| e.extra.get("validation"))
        .and_then(Value::as_array);
    Some(match validation {
        Some(items) => items
            .iter()
            .map(|v| {
                format!(
                    "{} {}",
                    v["location"]
                        .as_array()
                        .map(|l| l
                            .iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("."))
                        .unwrap_or_default(),
                    v["message"].as_str().unwrap_or("?")
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        None => api.to_string(),
    })
}

/// The spec's operation with this id.
fn spec_op<'a>(spec: &'a Value, id: &str) -> &'a Value {
    spec::operations(spec)
        .into_iter()
        .find(|op| op.id == id)
        .unwrap_or_else(|| panic!("{id} is not in the spec"))
        .op
}

/// Why the spec's own examples for `id` cannot work, if they cannot: the
/// example response or request violates the operation's schema.
fn example_defect(spec: &Value, id: &str) -> Option<String> {
    let op = spec_op(spec, id);
    let mut reasons = Vec::new();
    if let Some((schema, Some(example))) = spec::json_success(op) {
        let violations = spec::violations(spec, schema, example);
        if !violations.is_empty() {
            reasons.push(format!(
                "the example response violates its schema ({})",
                violations.join(", ")
            ));
        }
    }
    let media = &op["requestBody"]["content"]["application/json"];
    if let (Some(schema), Some(example)) = (media.get("schema"), media.get("example")) {
        let violations = spec::violations(spec, schema, example);
        if !violations.is_empty() {
            reasons.push(format!(
                "the example request violates its schema ({})",
                violations.join(", ")
            ));
        }
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

fn describe(error: &Error) -> String {
    match request_violations(error) {
        Some(violations) => format!("Prism rejected the request: {violations}"),
        None => error.to_string(),
    }
}

/// The canary: a request the spec forbids (`page_size` above its maximum of
/// 500) must come back as a request violation, or a clean run would prove
/// nothing (Prism not validating, or this file not noticing).
async fn prism_rejects_an_invalid_request(client: &Client) {
    let error = client
        .incidents_v2_list()
        .page_size(100_000)
        .send()
        .await
        .expect_err("Prism accepted page_size=100000, which the spec caps at 500");
    let violations = request_violations(&error)
        .unwrap_or_else(|| panic!("not reported as a request violation: {error}"));
    assert!(violations.contains("page_size"), "{violations}");
}

#[tokio::test]
#[ignore = "needs Prism: run .ci/conformance"]
async fn static_mode_every_operation_with_the_spec_examples() {
    let base_url = prism_url("INCIDENTIO_PRISM_STATIC_URL");
    let spec = spec::load();
    let ops = Arc::new(operations());
    assert_eq!(
        ops.len(),
        spec::operations(&spec).len(),
        "the conformance table covers every operation of the spec"
    );
    for op in ops.iter().filter(|op| op.skip.is_some()) {
        eprintln!("skipped {}: {}", op.id, op.skip.unwrap());
    }
    let client = client(&base_url);
    prism_rejects_an_invalid_request(&client).await;
    let callable: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].call.is_some()).collect();
    let results = run_calls(&client, &ops, callable.clone()).await;

    let mut ok = 0;
    let mut failures = Vec::new();
    let mut with_body = 0;
    for (index, outcome) in &results {
        let op = &ops[*index];
        with_body += usize::from(op.body.is_some());
        let problem = match outcome {
            Outcome::Ok {
                violations: None, ..
            } => None,
            Outcome::Ok {
                status,
                violations: Some(v),
            } => Some(format!("{status} with request violations: {v}")),
            Outcome::BadExample(e) => Some(format!(
                "the example request does not decode into the generated request type: {e}"
            )),
            Outcome::Failed(e) => Some(describe(e)),
        };
        match problem {
            None => ok += 1,
            Some(first) => failures.push(Failure {
                id: op.id,
                count: 1,
                first,
                spec_defect: example_defect(&spec, op.id),
            }),
        }
    }
    let line = summary("static", callable.len(), results.len(), ok, &failures);
    println!("{line}");
    println!(
        "prism static: {} GET, {} with an example request body, all checked for request violations",
        callable.iter().filter(|&&i| ops[i].http == "GET").count(),
        with_body,
    );
    let crate_failures: Vec<&Failure> = failures
        .iter()
        .filter(|f| f.spec_defect.is_none())
        .collect();
    assert!(
        crate_failures.is_empty(),
        "{} operations failed against Prism's static mock for reasons other than a defect of \
         the spec:\n{line}",
        crate_failures.len()
    );
    assert!(ok > 0);
}

#[tokio::test]
#[ignore = "needs Prism: run .ci/conformance"]
async fn dynamic_mode_every_operation_decodes_random_schema_data() {
    let base_url = prism_url("INCIDENTIO_PRISM_DYNAMIC_URL");
    let repeat = std::env::var("INCIDENTIO_PRISM_DYNAMIC_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DYNAMIC_CALLS);
    let spec = spec::load();
    let ops = Arc::new(operations());
    let callable: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].call.is_some()).collect();
    // GETs `repeat` times; operations that write (whose responses are
    // decoded too) a quarter as often: Prism generates some of their large
    // schemas slowly, and their requests were checked in static mode.
    let write_repeat = repeat.div_ceil(4);
    let calls: Vec<usize> = callable
        .iter()
        .flat_map(|&i| {
            let n = if ops[i].http == "GET" {
                repeat
            } else {
                write_repeat
            };
            std::iter::repeat_n(i, n)
        })
        .collect();
    let client = client(&base_url);
    let started = std::time::Instant::now();
    let results = run_calls(&client, &ops, calls).await;

    let mut ok = 0;
    let mut decode_failures = 0;
    let mut by_op: BTreeMap<usize, (usize, String, bool)> = BTreeMap::new();
    for (index, outcome) in &results {
        let (first, is_decode) = match outcome {
            Outcome::Ok {
                violations: None, ..
            } => {
                ok += 1;
                continue;
            }
            Outcome::Ok {
                status,
                violations: Some(v),
            } => (format!("{status} with request violations: {v}"), false),
            Outcome::BadExample(e) => (format!("example request does not decode: {e}"), false),
            Outcome::Failed(e) => (describe(e), matches!(e, Error::Decode { .. })),
        };
        decode_failures += usize::from(is_decode);
        let entry = by_op.entry(*index).or_insert((0, first, is_decode));
        entry.0 += 1;
    }

    // Diagnose each failing operation: fetch raw bodies until one fails to
    // decode, then check the value at the failing path against the spec.
    let mut failures = Vec::new();
    for (index, (count, first, is_decode)) in by_op {
        let op = &ops[index];
        let spec_defect = if is_decode {
            diagnose(&client, &spec, op).await
        } else {
            None
        };
        let (spec_defect, first) = match spec_defect {
            Some(Diagnosis::PrismViolatesSpec(reason)) => (Some(reason), first),
            Some(Diagnosis::CrateRejectsValidValue(detail)) => {
                (None, format!("{first} [{detail}]"))
            }
            None => (example_defect(&spec, op.id).filter(|_| !is_decode), first),
        };
        failures.push(Failure {
            id: op.id,
            count,
            first,
            spec_defect,
        });
    }
    let line = summary("dynamic", callable.len(), results.len(), ok, &failures);
    println!("{line}");
    println!(
        "prism dynamic: {repeat} calls per GET, {write_repeat} per other operation, \
         {decode_failures} decode failures, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let crate_failures: Vec<&Failure> = failures
        .iter()
        .filter(|f| f.spec_defect.is_none())
        .collect();
    assert!(
        crate_failures.is_empty(),
        "{} operations failed against Prism's dynamic mock for reasons other than data that \
         violates the spec:\n{line}",
        crate_failures.len()
    );
}

enum Diagnosis {
    /// Prism's value at the failing path violates the schema there.
    PrismViolatesSpec(String),
    /// The value satisfies the schema (as far as checked) yet did not decode.
    CrateRejectsValidValue(String),
}

/// Fetches `op` raw from Prism until a body fails to decode as its success
/// type (random data: the failing shape may take a few tries), then judges
/// the value at the failing path against the spec.
async fn diagnose(client: &Client, spec: &Value, op: &Operation) -> Option<Diagnosis> {
    let decode = RAW_DECODERS
        .iter()
        .find(|(name, _)| *name == op.method)
        .map(|(_, decode)| *decode)?;
    let template = incidentio::Operation::by_method_name(op.method)?.path;
    let mut path = template.to_owned();
    let mut query = Vec::new();
    for (name, value) in &op.params {
        let placeholder = format!("{{{name}}}");
        if path.contains(&placeholder) {
            path = path.replace(&placeholder, value);
        } else {
            query.push((*name, value.as_str()));
        }
    }
    let method = reqwest::Method::from_bytes(op.http.as_bytes()).ok()?;
    let (schema, _) = spec::json_success(spec_op(spec, op.id))?;
    let request_body: Option<Value> = match op.body {
        Some(body) => Some(serde_json::from_str(body).ok()?),
        None => None,
    };
    for _ in 0..200 {
        let mut request = client.request(method.clone(), &path);
        for (name, value) in &query {
            request = request.query(*name, *value);
        }
        if let Some(body) = &request_body {
            request = request.json(body);
        }
        // An error status is not a decode failure of the success type.
        let Ok(response) = request.send().await else {
            continue;
        };
        let Err((at, message)) = decode(&response) else {
            continue;
        };
        let json: Value = serde_json::from_slice(response.body()).ok()?;
        let segments = path_segments(&at);
        let (value, sub_schema) = locate(spec, schema, &json, &segments);
        let shown = |v: &Value| {
            let text = v.to_string();
            if text.chars().count() > 160 {
                format!("{}…", text.chars().take(160).collect::<String>())
            } else {
                text
            }
        };
        let schema_text = sub_schema.map(|s| shown(&summarise_schema(spec, s)));
        let value_text = value.map(shown).unwrap_or_else(|| "<absent>".into());
        let problems = match (value, sub_schema) {
            (Some(value), Some(sub)) => spec_violations(spec, sub, value),
            _ => Vec::new(),
        };
        let detail = format!(
            "at `{at}`: {message}; value {value_text}; schema {}",
            schema_text.unwrap_or_else(|| "<not found>".into())
        );
        return Some(if problems.is_empty() {
            Diagnosis::CrateRejectsValidValue(detail)
        } else {
            Diagnosis::PrismViolatesSpec(format!(
                "Prism generated a value the schema forbids ({}) {detail}",
                problems.join(", ")
            ))
        });
    }
    None
}

/// `a.b[0].c` (serde_path_to_error's notation) as segments.
fn path_segments(path: &str) -> Vec<String> {
    if path == "." {
        return Vec::new();
    }
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(at) = rest.find('[') {
            if at > 0 {
                out.push(rest[..at].to_owned());
            }
            rest = &rest[at..];
            while let Some(end) = rest.find(']') {
                out.push(rest[1..end].to_owned());
                rest = &rest[end + 1..];
            }
        } else if !rest.is_empty() {
            out.push(rest.to_owned());
        }
    }
    out
}

/// The value at `segments` and the schema that describes it.
fn locate<'a>(
    spec: &'a Value,
    schema: &'a Value,
    value: &'a Value,
    segments: &[String],
) -> (Option<&'a Value>, Option<&'a Value>) {
    let mut schema = Some(spec::resolve(spec, schema));
    let mut value = Some(value);
    for segment in segments {
        value = value.and_then(|v| match v {
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            Value::Object(map) => map.get(segment),
            _ => None,
        });
        schema = schema.and_then(|s| {
            let next = if segment.parse::<usize>().is_ok() && s.get("items").is_some() {
                s.get("items")
            } else {
                s.get("properties")
                    .and_then(|p| p.get(segment))
                    .or_else(|| s.get("additionalProperties").filter(|a| a.is_object()))
            };
            next.map(|n| spec::resolve(spec, n))
        });
    }
    (value, schema)
}

/// The parts of a schema that matter to a decode failure, without the
/// (long) descriptions.
fn summarise_schema(spec: &Value, schema: &Value) -> Value {
    let schema = spec::resolve(spec, schema);
    let mut out = serde_json::Map::new();
    for key in [
        "type", "format", "enum", "required", "pattern", "minimum", "maximum",
    ] {
        if let Some(v) = schema.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    Value::Object(out)
}

/// Violations of the schema by `value` at its top level and below: the
/// structural checks of `spec::violations`, plus `enum` and the string
/// formats the generated types parse (`date-time`, `date`).
fn spec_violations(spec: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut out = spec::violations(spec, schema, value);
    let schema = spec::resolve(spec, schema);
    if let (Some(allowed), Some(text)) =
        (schema.get("enum").and_then(Value::as_array), value.as_str())
        && !allowed.iter().any(|a| a.as_str() == Some(text))
    {
        out.push(format!("{text:?} is not in the enum"));
    }
    if let Some(text) = value.as_str() {
        match schema.get("format").and_then(Value::as_str) {
            Some("date-time") if chrono::DateTime::parse_from_rfc3339(text).is_err() => {
                out.push(format!("{text:?} is not an RFC 3339 date-time"));
            }
            Some("date") if chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() => {
                out.push(format!("{text:?} is not a full-date"));
            }
            _ => {}
        }
    }
    if let (Some(number), Some(min)) = (
        value.as_f64(),
        schema.get("minimum").and_then(Value::as_f64),
    ) && number < min
    {
        out.push(format!("{number} is below the minimum {min}"));
    }
    if let (Some(number), Some(max)) = (
        value.as_f64(),
        schema.get("maximum").and_then(Value::as_f64),
    ) && number > max
    {
        out.push(format!("{number} is above the maximum {max}"));
    }
    out
}
