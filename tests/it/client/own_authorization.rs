//! The heartbeat pings and HTTP alert events take their own `authorization`
//! header parameter: the caller's value is sent, alone, instead of the
//! client's key. Without it, the client's key is sent.

use std::sync::{Arc, Mutex};

use crate::common::*;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use incidentio::types::AlertEventsCreateHttpPayloadV2;

/// Answers `status` to everything and records every `authorization` header
/// value of every request (a request with two would show both).
async fn recording_server(status: u16, body: &str) -> (MockServer, Arc<Mutex<Vec<Vec<String>>>>) {
    let server = server().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let body = body.to_owned();
    server
        .mock_async(|when, then| {
            when.any_request();
            then.respond_with(move |request: &HttpMockRequest| {
                let values = request
                    .headers_vec()
                    .iter()
                    .filter(|(name, _)| name.eq_ignore_ascii_case("authorization"))
                    .map(|(_, value)| value.clone())
                    .collect();
                record.lock().unwrap().push(values);
                HttpMockResponse::builder()
                    .status(status)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .build()
            });
        })
        .await;
    (server, seen)
}

#[tokio::test]
async fn heartbeat_pings_send_the_callers_authorization() {
    let (server, seen) = recording_server(204, "").await;
    let client = client(&server);
    client
        .heartbeat_v2_ping()
        .alert_source_config_id("hb-1")
        .authorization("Bearer heartbeat-token")
        .send()
        .await
        .unwrap();
    client
        .heartbeat_v2_ping_1()
        .alert_source_config_id("hb-1")
        .authorization("Bearer heartbeat-token-get")
        .send()
        .await
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            vec!["Bearer heartbeat-token".to_owned()],
            vec!["Bearer heartbeat-token-get".to_owned()],
        ]
    );
}

#[tokio::test]
async fn http_alert_events_send_the_callers_authorization() {
    let (server, seen) = recording_server(
        202,
        r#"{"deduplication_key":"k","message":"Event accepted for processing","status":"success"}"#,
    )
    .await;
    let payload: AlertEventsCreateHttpPayloadV2 =
        typed::from_value(&serde_json::json!({"title": "Disk full", "status": "firing"})).unwrap();
    client(&server)
        .alert_events_v2_create_http()
        .alert_source_config_id("src-1")
        .authorization("Bearer alert-source-token")
        .body(payload)
        .send()
        .await
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![vec!["Bearer alert-source-token".to_owned()]]
    );
}

#[tokio::test]
async fn without_their_own_value_they_use_the_clients_key() {
    let (server, seen) = recording_server(204, "").await;
    client(&server)
        .heartbeat_v2_ping()
        .alert_source_config_id("hb-1")
        .send()
        .await
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![vec![format!("Bearer {KEY}")]]);
}
