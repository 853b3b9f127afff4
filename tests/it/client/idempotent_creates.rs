//! Creates that carry their idempotency (or deduplication) key are retried
//! like idempotent requests, with the same key, typed or raw; other posts,
//! and creates without their key, are not. Which operations those are
//! comes from the spec.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::common::*;
use crate::common::{raw_http, spec, typed};
use httpmock::prelude::*;
use incidentio::Method;
use raw_http::{After, RawServer, Received, Reply};

fn incident_create_body(key: Option<&str>) -> serde_json::Value {
    let mut body = serde_json::json!({"visibility": "public", "name": "Checkout down"});
    if let Some(key) = key {
        body["idempotency_key"] = key.into();
    }
    body
}

#[tokio::test]
async fn the_operations_with_an_idempotency_key_come_from_the_spec() {
    // Every POST whose JSON body has `idempotency_key` or
    // `deduplication_key` at its top level, read from the spec here.
    let spec = spec::load();
    let mut expected = Vec::new();
    for (_, methods) in spec["paths"].as_object().unwrap() {
        let Some(op) = methods.get("post") else {
            continue;
        };
        let mut schema = &op["requestBody"]["content"]["application/json"]["schema"];
        while let Some(name) = schema["$ref"].as_str() {
            schema = &spec["components"]["schemas"][name.rsplit('/').next().unwrap()];
        }
        for key in ["idempotency_key", "deduplication_key"] {
            if schema["properties"].get(key).is_some() {
                expected.push((op["operationId"].as_str().unwrap().to_owned(), key));
            }
        }
    }
    expected.sort();
    let mut actual: Vec<(String, &str)> = incidentio::OPERATIONS
        .iter()
        .filter_map(|op| Some((op.id.to_owned(), op.idempotency_key?)))
        .collect();
    actual.sort();
    assert!(!expected.is_empty());
    assert_eq!(actual, expected);
}

#[tokio::test]
async fn an_incident_create_with_its_key_is_retried_on_503_with_the_same_key() {
    let server = server().await;
    let keys = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&keys);
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    server
        .mock_async(move |when, then| {
            when.method(POST).path("/v2/incidents");
            then.respond_with(move |request: &httpmock::HttpMockRequest| {
                let body: serde_json::Value = serde_json::from_slice(request.body_ref()).unwrap();
                seen.lock().unwrap().push(body["idempotency_key"].clone());
                match counter.fetch_add(1, Ordering::SeqCst) {
                    0 | 1 => status(503),
                    _ => json(200, r#"{"incident":{}}"#),
                }
            });
        })
        .await;
    let body: incidentio::types::IncidentsCreatePayloadV2 =
        typed::from_value(&incident_create_body(Some("deploy-4711"))).unwrap();
    // The typed decode of `{}` fails; what matters is how many calls were made.
    let _ = client(&server)
        .incidents_v2_create()
        .body(body)
        .send_json()
        .await
        .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 3);
    assert_eq!(
        *keys.lock().unwrap(),
        vec![serde_json::json!("deploy-4711"); 3]
    );
}

#[tokio::test]
async fn an_incident_create_with_its_key_is_retried_after_a_dropped_connection() {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    let server = RawServer::start("127.0.0.1", move |_: Received| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::Raw {
                bytes: Vec::new(),
                then: After::Reset,
            }
        } else {
            raw_http::json(200, r#"{"incident":{}}"#)
        }
    })
    .await;
    let body: incidentio::types::IncidentsCreatePayloadV2 =
        typed::from_value(&incident_create_body(Some("deploy-4712"))).unwrap();
    let result = raw_client(&server)
        .incidents_v2_create()
        .body(body)
        .send_json()
        .await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_raw_post_to_a_known_create_with_its_key_is_retried_too() {
    let server = server().await;
    let calls = serve_in_turn(
        &server,
        POST,
        "/v2/incidents",
        vec![status(502), json(201, "{}")],
    )
    .await;
    client(&server)
        .request(Method::POST, "/v2/incidents")
        .json(&incident_create_body(Some("raw-key")))
        .send()
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_http_alert_event_without_a_deduplication_key_is_not_retried() {
    let server = server().await;
    let calls = serve_in_turn(
        &server,
        POST,
        "/v2/alert_events/http/src-1",
        vec![status(503), json(202, "{}")],
    )
    .await;
    let payload: incidentio::types::AlertEventsCreateHttpPayloadV2 =
        typed::from_value(&serde_json::json!({"title": "Disk full", "status": "firing"})).unwrap();
    let error = client(&server)
        .alert_events_v2_create_http()
        .alert_source_config_id("src-1")
        .body(payload)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // With the key, the same call is retried.
    let (responder, calls) = sequence(vec![
        status(503),
        json(
            202,
            r#"{"deduplication_key":"k","message":"ok","status":"success"}"#,
        ),
    ]);
    server.reset_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/alert_events/http/src-1");
            then.respond_with(responder);
        })
        .await;
    let payload: incidentio::types::AlertEventsCreateHttpPayloadV2 = typed::from_value(
        &serde_json::json!({"title": "Disk full", "status": "firing", "deduplication_key": "k"}),
    )
    .unwrap();
    client(&server)
        .alert_events_v2_create_http()
        .alert_source_config_id("src-1")
        .body(payload)
        .send_json()
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn other_posts_and_creates_without_their_key_are_not_retried() {
    let server = server().await;
    let (responder, calls) = sequence(vec![status(503)]);
    server
        .mock_async(|when, then| {
            when.method(POST);
            then.respond_with(responder);
        })
        .await;
    let body: incidentio::types::SeveritiesCreatePayloadV1 =
        serde_json::from_str(r#"{"name":"Minor","description":"Low impact","rank":1}"#).unwrap();
    let client = client(&server);
    assert!(
        client
            .severities_v1_create()
            .body(body)
            .send()
            .await
            .is_err()
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // An empty key is no key.
    let error = client
        .request(Method::POST, "/v2/incidents")
        .json(&incident_create_body(Some("")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}
