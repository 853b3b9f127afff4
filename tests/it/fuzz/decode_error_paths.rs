//! A body that does not decode gives `Error::Decode` naming the JSON path
//! where decoding stopped. The client finds that path from the failing
//! position in the text rather than decoding again with path tracking;
//! here `serde_path_to_error`, which tracks the path while decoding, is the
//! oracle: on mutated examples of the main types, compact and pretty-printed,
//! both name the same path.

use super::response_decode::{apply, examples, mutation};
use crate::common::fuzz::fuzz;
use crate::common::raw_http::{RawServer, Reply};

use std::sync::{Arc, Mutex};

use incidentio::{Client, Error, Method, Pacing, RawResponse, RetryPolicy, types};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The path `serde_path_to_error` gives for `text` as `T`, or `None` when
/// it decodes.
fn oracle<T: DeserializeOwned>(text: &str) -> Option<String> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, T>(&mut deserializer)
        .err()
        .map(|error| error.path().to_string())
}

/// The path of the client's decode error for `response` as `T`, or `None`
/// when it decodes.
fn client_path<T: DeserializeOwned>(response: &RawResponse) -> Option<String> {
    match response.json::<T>() {
        Ok(_) => None,
        Err(Error::Decode { path, .. }) => Some(path),
        Err(other) => panic!("not a decode error: {other}"),
    }
}

/// Both paths for one type.
type Compare = fn(&str, &RawResponse) -> (Option<String>, Option<String>);

fn compare<T: DeserializeOwned>(
    text: &str,
    response: &RawResponse,
) -> (Option<String>, Option<String>) {
    (oracle::<T>(text), client_path::<T>(response))
}

#[test]
fn decode_error_paths_agree_with_path_tracking() {
    // (operation whose example is the base, the type it decodes as).
    let sources: [(&str, Compare); 3] = [
        ("incidents_v2_list", compare::<types::IncidentsListResultV2>),
        ("alerts_v2_list", compare::<types::AlertsListResultV2>),
        (
            "escalations_v2_show_path",
            compare::<types::EscalationsShowPathResultV2>,
        ),
    ];
    let examples = examples();
    let bases: Vec<(Value, Compare)> = sources
        .iter()
        .filter_map(|&(method, compare)| {
            let example = examples.iter().find(|(m, _)| m == method)?;
            Some((example.1.clone(), compare))
        })
        .collect();
    assert_eq!(bases.len(), sources.len(), "the spec has these examples");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let slot = Arc::new(Mutex::new(String::new()));
    let served = Arc::clone(&slot);
    let server = runtime.block_on(RawServer::start("127.0.0.1", move |_| Reply::Full {
        status: 200,
        headers: vec![("content-type".to_owned(), "application/json".to_owned())],
        body: served.lock().unwrap().clone().into_bytes(),
    }));
    let client = Client::builder()
        .api_key("paths-key")
        .base_url(server.url())
        .retry_policy(RetryPolicy::disabled())
        .pacing(Pacing::disabled())
        .build()
        .unwrap();

    let (cases, failures) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
    fuzz(
        "decode error paths",
        256,
        (
            0..bases.len(),
            prop::collection::vec(mutation(), 1..5),
            any::<bool>(),
        ),
        |(index, mutations, pretty)| {
            let (base, compare) = &bases[index];
            let mut document = base.clone();
            for m in &mutations {
                apply(&mut document, m);
            }
            let text = if pretty {
                serde_json::to_string_pretty(&document).unwrap()
            } else {
                document.to_string()
            };
            slot.lock().unwrap().clone_from(&text);
            let response = runtime
                .block_on(client.request(Method::GET, "/v2/body").send())
                .expect("the server answers 200");
            let (expected, found) = compare(&text, &response);
            cases.set(cases.get() + 1);
            failures.set(failures.get() + u32::from(expected.is_some()));
            prop_assert_eq!(expected, found, "body: {}", text);
            Ok(())
        },
    );
    eprintln!(
        "  {} of {} bodies failed to decode, with the same path",
        failures.get(),
        cases.get()
    );
    // Mutations of required fields and types fail often: the comparison
    // ran on failures, not only on bodies that decode.
    assert!(
        failures.get() * 10 > cases.get(),
        "only {} of {} bodies failed to decode",
        failures.get(),
        cases.get()
    );
}
