//! The error path never panics on what a server (or a proxy in front of it)
//! sends back: any error status with any body and any `x-request-id`
//! becomes `Error::Api` with that status, the envelope when the body is one,
//! at most 512 bytes of the body otherwise, and a `Display` that formats.
//!
//! Bodies are mutations of the documented envelopes (so that decoding gets
//! deep), arbitrary JSON and arbitrary bytes, served by a raw loopback
//! server through the whole client (hooks, retry loop, `Error` conversion).
//! The envelope type's own decoder is fuzzed directly, and faster, in
//! `fuzz/response_decode.rs`. For a long run:
//!
//! ```text
//! PROPTEST_CASES=50000 cargo test --release --all-features --test it fuzz::error_envelope -- --nocapture
//! ```

use crate::common::fuzz;
use crate::common::raw_http;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fuzz::{fuzz, json_value};
use incidentio::Error;
use incidentio::error::ErrorEnvelope;
use proptest::prelude::*;
use raw_http::{RawServer, Reply};
use serde_json::{Value, json};

/// What the server answers next.
type Slot = Arc<Mutex<(u16, Vec<(String, String)>, Vec<u8>)>>;

fn documented_envelopes() -> Vec<Value> {
    vec![
        json!({"type": "validation_error", "status": 422, "request_id": "631766c4",
               "errors": [{"code": "is_required", "message": "A severity is required",
                           "source": {"field": "severity_id"}}]}),
        json!({"type": "authentication_error", "status": 401, "request_id": "8e3cc412",
               "errors": [{"code": "missing_authorization_material",
                           "message": "No authorization material provided in request"}]}),
        json!({"type": "too_many_requests", "status": 429, "request_id": "b839a403",
               "rate_limit": {"name": "key", "limit": 1200, "remaining": 0,
                              "retry_after": "2025-04-17T11:17:18Z"},
               "errors": [{"code": "too_many_requests", "message": "Too many requests"}]}),
    ]
}

/// A body: a documented envelope with one part replaced, arbitrary JSON, or
/// arbitrary bytes (HTML from a proxy, binary garbage, truncation).
fn body() -> impl Strategy<Value = Vec<u8>> {
    let envelopes = documented_envelopes();
    let paths = [
        "/type",
        "/status",
        "/request_id",
        "/errors",
        "/errors/0",
        "/errors/0/source",
        "/errors/0/source/field",
        "/errors/0/message",
        "/rate_limit",
        "/rate_limit/retry_after",
        "/rate_limit/limit",
    ];
    let mutated = (0..envelopes.len(), 0..paths.len(), json_value()).prop_map(
        move |(which, path, replacement)| {
            let mut envelope = envelopes[which].clone();
            if let Some(node) = envelope.pointer_mut(paths[path]) {
                *node = replacement;
            }
            serde_json::to_vec(&envelope).unwrap()
        },
    );
    let truncated = (0..3usize, any::<prop::sample::Index>()).prop_map(|(which, cut)| {
        let full = serde_json::to_vec(&documented_envelopes()[which]).unwrap();
        full[..cut.index(full.len())].to_vec()
    });
    prop_oneof![
        4 => mutated,
        2 => json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        2 => prop::collection::vec(any::<u8>(), 0..2048),
        1 => truncated,
        1 => prop::collection::vec(any::<u8>(), 600..4096),
    ]
}

/// A header value the `http` crate accepts: visible ASCII, spaces, tabs and
/// obs-text bytes.
fn header_value() -> impl Strategy<Value = String> {
    "[ -~\t]{0,64}".prop_map(|s| s.trim().to_owned())
}

#[test]
fn any_error_response_becomes_a_typed_api_error() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let slot: Slot = Arc::new(Mutex::new((500, Vec::new(), Vec::new())));
    let served = Arc::clone(&slot);
    let server = runtime.block_on(RawServer::start("127.0.0.1", move |_| {
        let (status, headers, body) = served.lock().unwrap().clone();
        Reply::Full {
            status,
            headers,
            body,
        }
    }));
    let client = fuzz::one_request_per_call(&server.url())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();

    let strategy = (
        prop_oneof![300u16..=399, 400u16..=499, 500u16..=599],
        body(),
        proptest::option::of(header_value()),
        proptest::option::of(header_value()),
        any::<bool>(),
    );
    fuzz(
        "error responses through the client",
        256,
        strategy,
        |(status, body, request_id, retry_after, json_type)| {
            let mut headers = Vec::new();
            if json_type {
                headers.push(("content-type".to_owned(), "application/json".to_owned()));
            }
            if let Some(id) = request_id {
                headers.push(("x-request-id".to_owned(), id));
            }
            if let Some(wait) = retry_after {
                headers.push(("retry-after".to_owned(), wait));
            }
            // 304 has no body in HTTP: bytes after its head would be read
            // as the next response on the connection.
            let body = if status == 304 { Vec::new() } else { body };
            *slot.lock().unwrap() = (status, headers, body.clone());

            let result = runtime.block_on(client.severities_v1_list().send());
            let error = match result {
                Ok(_) => return Err(TestCaseError::fail(format!("{status} succeeded"))),
                Err(error) => error,
            };
            let Error::Api(api) = &error else {
                return Err(TestCaseError::fail(format!("not Error::Api: {error:?}")));
            };
            prop_assert_eq!(api.status.as_u16(), status);
            // The envelope is decoded exactly when the body is one.
            let expected = serde_json::from_slice::<ErrorEnvelope>(&body).ok();
            prop_assert_eq!(&api.envelope, &expected);
            if expected.is_none() {
                prop_assert!(
                    api.body.len() <= 512 * 3,
                    "raw body kept: {}",
                    api.body.len()
                );
                // At most 200 characters of the body, each escaped to at
                // most 10 (`\u{10ffff}`).
                let shown = error.to_string();
                prop_assert!(shown.chars().count() < 2200, "Display: {shown}");
            } else {
                prop_assert!(api.body.is_empty());
            }
            // Every accessor and formatter runs.
            let _ = (
                error.to_string(),
                format!("{error:?}"),
                error.request_id(),
                error.retry_after(),
                error.field_errors(),
                error.is_validation(),
                error.is_rate_limited(),
                error.status(),
            );
            Ok(())
        },
    );
}
