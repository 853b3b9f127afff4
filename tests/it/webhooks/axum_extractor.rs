//! The axum extractor runs the handler only for authentic deliveries, hands
//! it the decoded body with the delivery id, and answers 401 / 400 / 413
//! otherwise. Requests go through the router in memory (`oneshot`): no
//! sockets.

use std::time::{Duration, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::routing::post;
use http::{HeaderMap, Request, StatusCode};
use incidentio::webhooks::axum::VerifiedWebhook;
use incidentio::webhooks::{AuditLogEntry, Verifier, WebhookEvent};
use tower::ServiceExt;

const NOW: u64 = 1_700_000_000;
const EVENT: &str = r#"{"event_type":"schedule.deleted_v1","schedule.deleted_v1":{"created_at":"2021-08-17T13:28:57.801578Z","id":"01G0J1EXE7AXZ2C93K61WBPYEH","name":"Primary On-Call Schedule","team_ids":[],"timezone":"Europe/London","updated_at":"2021-08-17T13:28:57.801578Z"}}"#;

fn verifier() -> Verifier {
    Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .unwrap()
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
}

async fn on_event(webhook: VerifiedWebhook) -> String {
    let name = match &webhook.payload {
        WebhookEvent::ScheduleDeletedV1(schedule) => schedule.name.clone(),
        other => format!("other: {}", other.event_type()),
    };
    format!("{} {} {}", webhook.id, webhook.timestamp, name)
}

async fn on_audit(webhook: VerifiedWebhook<AuditLogEntry>) -> String {
    format!("{}.{}", webhook.payload.action(), webhook.payload.version())
}

async fn on_any(webhook: VerifiedWebhook<serde_json::Value>) -> String {
    webhook.payload["anything"].to_string()
}

fn app() -> Router {
    Router::new()
        .route("/events", post(on_event))
        .route("/audit", post(on_audit))
        .route("/any", post(on_any))
        .route("/small", post(on_any).layer(DefaultBodyLimit::max(64)))
        .with_state(verifier())
}

async fn send(path: &str, headers: HeaderMap, body: &str) -> (StatusCode, String) {
    let mut request = Request::post(path)
        .body(Body::from(body.to_owned()))
        .unwrap();
    *request.headers_mut() = headers;
    let response = app().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

fn signed(body: &str) -> HeaderMap {
    verifier()
        .signed_headers("msg_axum_1", body.as_bytes())
        .unwrap()
}

#[tokio::test]
async fn a_signed_event_reaches_the_handler_decoded() {
    let (status, text) = send("/events", signed(EVENT), EVENT).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(text, format!("msg_axum_1 {NOW} Primary On-Call Schedule"));
}

#[tokio::test]
async fn an_unknown_event_type_still_reaches_the_handler() {
    let body = r#"{"event_type":"schedule.exploded_v1","schedule.exploded_v1":{}}"#;
    let (status, text) = send("/events", signed(body), body).await;
    assert_eq!(
        (status, text.as_str()),
        (
            StatusCode::OK,
            "msg_axum_1 1700000000 other: schedule.exploded_v1"
        )
    );
}

#[tokio::test]
async fn other_payload_types_are_chosen_by_the_handler() {
    let body = r#"{"action":"thing.done","version":2}"#;
    let (status, text) = send("/audit", signed(body), body).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "thing.done.2"));

    let body = r#"{"anything":[1,2]}"#;
    let (status, text) = send("/any", signed(body), body).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "[1,2]"));
}

#[tokio::test]
async fn a_tampered_or_unsigned_delivery_is_unauthorized() {
    let tampered = EVENT.replace("Primary", "Secondary");
    let (status, text) = send("/events", signed(EVENT), &tampered).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.contains("no webhook signature matches"), "{text}");

    let (status, text) = send("/events", HeaderMap::new(), EVENT).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.contains("missing `webhook-id` header"), "{text}");

    let mut stale = signed(EVENT);
    stale.insert(
        "webhook-timestamp",
        (NOW - 3_600).to_string().parse().unwrap(),
    );
    let (status, text) = send("/events", stale, EVENT).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.contains("tolerance"), "{text}");
    assert!(!text.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
}

#[tokio::test]
async fn an_authentic_body_that_does_not_decode_is_a_bad_request() {
    for body in ["not json", r#"{"event_type":"schedule.deleted_v1"}"#, "[]"] {
        let (status, text) = send("/events", signed(body), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {text}");
        assert!(text.starts_with("cannot decode the webhook body"), "{text}");
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_before_verification() {
    let body = format!(r#"{{"anything":"{}"}}"#, "x".repeat(100));
    let (status, _) = send("/small", signed(&body), &body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}
