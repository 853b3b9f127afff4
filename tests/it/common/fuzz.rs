//! Running a property as a bounded fuzz campaign: proptest with a case count
//! that CI keeps small and `PROPTEST_CASES` raises, reporting how many
//! executions ran. A panic inside the property is a failure (proptest
//! catches it and shrinks the input).
//!
//! Use with `use crate::common::fuzz;`.

use std::cell::Cell;
use std::fmt::Debug;

use incidentio::{Client, ClientBuilder, Pacing, RetryPolicy};
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseResult, TestRunner};

/// Runs `property` on `cases` inputs from `strategy` (`PROPTEST_CASES`
/// overrides `cases`), prints the number of executions, and panics with
/// the shrunk input on failure.
pub fn fuzz<S>(name: &str, cases: u32, strategy: S, property: impl Fn(S::Value) -> TestCaseResult)
where
    S: Strategy,
    S::Value: Debug,
{
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    let config = Config {
        cases,
        // Inputs are printed on failure; no regression files in the tree.
        failure_persistence: None,
        ..config()
    };
    let mut runner = TestRunner::new(config);
    let executions = Cell::new(0u64);
    let result = runner.run(&strategy, |input| {
        executions.set(executions.get() + 1);
        property(input)
    });
    eprintln!(
        "fuzz {name}: {} executions ({cases} cases requested)",
        executions.get()
    );
    if let Err(error) = result {
        panic!("fuzz {name} failed: {error}");
    }
}

/// A client builder for a local server (`base_url`) that sends each call
/// once, at once: no retries and no pacing, so that a campaign's thousands
/// of calls each make one request.
pub fn one_request_per_call(base_url: &str) -> ClientBuilder {
    Client::builder()
        .api_key("fuzz-key")
        .base_url(base_url)
        .retry_policy(RetryPolicy::disabled())
        .pacing(Pacing::disabled())
}

/// proptest's default configuration with XorShift as the random source,
/// for every property in the tests: the cases need variety, not a
/// cryptographic source, and the default ChaCha's generic code is
/// instantiated unoptimized in proptest, a large share of the `it`
/// binary's time in a profile (benches/README.md, "Test-loop settings").
pub fn config() -> Config {
    Config {
        rng_algorithm: RngAlgorithm::XorShift,
        ..Config::default()
    }
}

/// Arbitrary JSON: scalars (including extreme numbers and odd strings),
/// arrays and objects, nested a few levels.
pub fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use proptest::prelude::*;
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,24}".prop_map(Value::String),
        prop_oneof![
            Just("2021-08-17T13:28:57.801578Z"),
            Just("2021-08-17"),
            Just("01FCNDV6P870EA6S7TK1DSYDG0"),
            Just(""),
            Just("active"),
            Just("9999-99-99T99:99:99Z"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
