//! Filters survive the trip to the server whatever their keys and values
//! hold (`&`, `=`, `#`, `%`, `+`, brackets, spaces, non-ASCII, empty
//! strings): the query the server receives decodes to exactly the pairs
//! `Filter::query_pairs` lists, in order, and those are the `name[key][op]`
//! pairs the filter was built from.
//!
//! Sent through the client to a raw loopback server, which records the
//! request target as it arrived. For a long run:
//!
//! ```text
//! PROPTEST_CASES=50000 cargo test --release --all-features --test it fuzz::filter_encoding -- --nocapture
//! ```

use crate::common::fuzz;
use crate::common::raw_http;

use std::sync::{Arc, Mutex};

use fuzz::fuzz;
use incidentio::filter::Filter;
use proptest::prelude::*;
use raw_http::{RawServer, json};

/// Text with every character class that matters to query encoding.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_-]{0,16}",
        "[&=#%+?/\\[\\] ;,~.*'\"!$()@:]{0,12}",
        "\\PC{0,12}",
        any::<String>(),
    ]
}

/// `(key or none, operator, values)` for one condition.
fn condition() -> impl Strategy<Value = (Option<String>, String, Vec<String>)> {
    (
        proptest::option::of(text()),
        prop_oneof![
            Just("one_of".to_owned()),
            Just("not_in".to_owned()),
            Just("gte".to_owned()),
            text()
        ],
        prop::collection::vec(text(), 0..4),
    )
}

fn build(conditions: &[(Option<String>, String, Vec<String>)]) -> Filter {
    conditions
        .iter()
        .fold(Filter::new(), |filter, (key, op, values)| {
            let condition = Filter::operator(op, values.clone());
            filter.and(match key {
                Some(key) => Filter::keyed(key, condition),
                None => condition,
            })
        })
}

/// The pairs the model expects for a parameter called `name`.
fn model(
    name: &str,
    conditions: &[(Option<String>, String, Vec<String>)],
) -> Vec<(String, String)> {
    conditions
        .iter()
        .flat_map(|(key, op, values)| {
            let path = match key {
                Some(key) => format!("{name}[{key}][{op}]"),
                None => format!("{name}[{op}]"),
            };
            values.iter().map(move |v| (path.clone(), v.clone()))
        })
        .collect()
}

#[test]
fn filters_round_trip_through_query_encoding() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let seen = Arc::new(Mutex::new(String::new()));
    let record = Arc::clone(&seen);
    let server = runtime.block_on(RawServer::start("127.0.0.1", move |request| {
        *record.lock().unwrap() = request.target;
        json(
            200,
            r#"{"incidents":[],"pagination_meta":{"page_size":25}}"#,
        )
    }));
    let client = fuzz::one_request_per_call(&server.url()).build().unwrap();

    let strategy = (
        prop::collection::vec(condition(), 0..4),
        prop::collection::vec(condition(), 0..4),
    );
    fuzz(
        "filter query encoding",
        512,
        strategy,
        |(status, custom_field)| {
            let status_filter = build(&status);
            let custom_filter = build(&custom_field);
            // The filter's own pairs match the model.
            let own: Vec<(String, String)> = status_filter
                .query_pairs("status")
                .map(|(k, v)| (k, v.to_owned()))
                .collect();
            prop_assert_eq!(&own, &model("status", &status));

            runtime
                .block_on(
                    client
                        .incidents_v2_list()
                        .status(status_filter)
                        .custom_field(custom_filter)
                        .send(),
                )
                .map_err(|e| TestCaseError::fail(format!("call failed: {e}")))?;
            let target = seen.lock().unwrap().clone();
            let url = reqwest::Url::parse(&format!("http://host{target}")).unwrap();
            let received: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let only = |prefix: &str| -> Vec<(String, String)> {
                received
                    .iter()
                    .filter(|(k, _)| k.starts_with(prefix))
                    .cloned()
                    .collect()
            };
            prop_assert_eq!(
                only("status["),
                model("status", &status),
                "target {}",
                target
            );
            prop_assert_eq!(
                only("custom_field["),
                model("custom_field", &custom_field),
                "target {}",
                target
            );
            // Nothing else was smuggled in: every pair is a filter's or one
            // of the operation's own parameters.
            for (key, _) in &received {
                prop_assert!(
                    key.starts_with("status[")
                        || key.starts_with("custom_field[")
                        || key == "page_size",
                    "unexpected query parameter {key:?} in {target}"
                );
            }
            Ok(())
        },
    );
}
