//! A body that does not decode gives `Error::Decode` naming the JSON path
//! where decoding stopped. The client finds that path from the failing
//! position in the text rather than decoding again with path tracking;
//! here `serde_path_to_error`, which tracks the path while decoding, is the
//! oracle: on mutated examples of the main types, compact and pretty-printed,
//! both name the same path.

use super::response_decode::{apply, examples, mutation};
use crate::common::fuzz::{fuzz, one_request_per_call};
use crate::common::raw_http::{RawServer, json};

use std::sync::{Arc, Mutex};

use incidentio::{Client, Error, Method, RawResponse, types};
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

    let served = Served::start();

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
            let response = served.respond(&text);
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

/// A local server answering every request with the body last given to
/// [`Served::respond`], and a client without retries to fetch it: the
/// client's decode errors come from a real response.
struct Served {
    // Dropped in this order: the server and client before their runtime.
    _server: RawServer,
    client: Client,
    body: Arc<Mutex<String>>,
    runtime: tokio::runtime::Runtime,
}

impl Served {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let body = Arc::new(Mutex::new(String::new()));
        let served = Arc::clone(&body);
        let server = runtime.block_on(RawServer::start("127.0.0.1", move |_| {
            json(200, served.lock().unwrap().clone())
        }));
        let client = one_request_per_call(&server.url()).build().unwrap();
        Served {
            _server: server,
            client,
            body,
            runtime,
        }
    }

    /// The response of a request answered with `text`.
    fn respond(&self, text: &str) -> RawResponse {
        *self.body.lock().unwrap() = text.to_owned();
        self.runtime
            .block_on(self.client.request(Method::GET, "/v2/body").send())
            .expect("the server answers 200")
    }
}

/// A struct written as an array with more elements than it has fields
/// fails at the first extra element, but the value at fault is the array:
/// its path is the array's (a case the fuzz campaign found: the client
/// named the extra element).
#[test]
fn extra_elements_of_a_struct_written_as_an_array_name_the_array() {
    let served = Served::start();
    let cases = [
        (
            r#"{"id":"a","type":"escalation_path","escalation_path":["b",null]}"#,
            Some("escalation_path"),
        ),
        // An extra element that is itself an array or object: serde_json
        // reports the error inside it (found by the campaign above).
        (
            r#"{"id":"a","type":"escalation_path","escalation_path":["b",[null]]}"#,
            Some("escalation_path"),
        ),
        (
            r#"{"id":"a","type":"escalation_path","escalation_path":["b",{"c":[1]}]}"#,
            Some("escalation_path"),
        ),
        (
            "{\"id\":\"a\",\"type\":\"escalation_path\",\"escalation_path\":[\n  \"b\",\n  [\n    null\n  ]\n]}",
            Some("escalation_path"),
        ),
        (
            r#"{"id":"a","type":"escalation_path","escalation_path":["b"]}"#,
            None,
        ),
        (
            r#"{"id":"a","type":"escalation_path","escalation_path":[null]}"#,
            Some("escalation_path[0]"),
        ),
    ];
    for (text, path) in cases {
        let response = served.respond(text);
        let (expected, found) = compare::<types::EscalationPathNodeV2>(text, &response);
        assert_eq!(
            found, expected,
            "client and path tracking differ for {text}"
        );
        assert_eq!(found.as_deref(), path, "the path for {text}");
    }
    // At the top level the array is the whole body.
    let text = r#"["b",null]"#;
    let response = served.respond(text);
    assert_eq!(
        compare::<types::EscalationPathNodeEscalationPathV2>(text, &response),
        (Some(".".to_owned()), Some(".".to_owned()))
    );
}
