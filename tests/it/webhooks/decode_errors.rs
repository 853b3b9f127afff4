//! A body that is not JSON, not an event, or not the shape its event type
//! declares gives a decoding error naming the JSON path: never a panic, and
//! never confused with a verification failure.

use incidentio::webhooks::{AuditLogEntry, Verifier, WebhookError, WebhookEvent};
use serde_json::json;

fn decode_error(result: Result<impl std::fmt::Debug, WebhookError>) -> (String, String) {
    match result {
        Err(WebhookError::Decode { path, message }) => (path, message),
        other => panic!("expected a decoding error, got {other:?}"),
    }
}

#[test]
fn a_body_that_is_not_json_fails_at_the_root() {
    for body in [&b""[..], b"not json", b"\xff\xfe", b"{} trailing"] {
        let (path, _) = decode_error(WebhookEvent::from_slice(body));
        assert_eq!(path, ".", "{body:?}");
        let (path, _) = decode_error(AuditLogEntry::from_slice(body));
        assert_eq!(path, ".", "{body:?}");
    }
    // Cut short: the path says where.
    let (path, message) = decode_error(WebhookEvent::from_slice(b"{\"event_type\":"));
    assert_eq!(path, "event_type", "{message}");
}

#[test]
fn json_that_is_not_an_object_fails_at_the_root() {
    for body in [
        json!([]),
        json!("schedule.created_v1"),
        json!(null),
        json!(3),
    ] {
        let (path, message) = decode_error(WebhookEvent::from_value(body.clone()));
        assert_eq!(
            (path.as_str(), message.as_str()),
            (".", "expected a JSON object")
        );
        let (path, _) = decode_error(AuditLogEntry::from_value(body));
        assert_eq!(path, ".");
    }
}

#[test]
fn a_missing_or_non_string_discriminant_is_named() {
    let (path, message) =
        decode_error(WebhookEvent::from_value(json!({"schedule.created_v1": {}})));
    assert_eq!((path.as_str(), message.as_str()), ("event_type", "missing"));
    let (path, message) = decode_error(WebhookEvent::from_value(json!({"event_type": 7})));
    assert_eq!(
        (path.as_str(), message.as_str()),
        ("event_type", "expected a string")
    );

    let (path, _) = decode_error(AuditLogEntry::from_value(json!({"version": 1})));
    assert_eq!(path, "action");
    let (path, _) = decode_error(AuditLogEntry::from_value(json!({"action": "a.b"})));
    assert_eq!(path, "version");
    let (path, message) = decode_error(AuditLogEntry::from_value(
        json!({"action": "a.b", "version": "1"}),
    ));
    assert_eq!(
        (path.as_str(), message.as_str()),
        ("version", "expected an integer")
    );
}

#[test]
fn a_known_event_with_the_wrong_shape_names_the_field() {
    // Known event type, payload missing entirely.
    let (path, message) = decode_error(WebhookEvent::from_value(
        json!({"event_type": "schedule.deleted_v1"}),
    ));
    assert!(message.contains("schedule.deleted_v1"), "{path}: {message}");

    // Known event type, a payload field of the wrong type.
    let (path, message) = decode_error(WebhookEvent::from_value(json!({
        "event_type": "schedule.deleted_v1",
        "schedule.deleted_v1": {
            "created_at": "2021-08-17T13:28:57.801578Z",
            "id": 42,
            "name": "Primary",
            "team_ids": [],
            "timezone": "Europe/London",
            "updated_at": "2021-08-17T13:28:57.801578Z",
        },
    })));
    assert_eq!(path, "schedule.deleted_v1.id", "{message}");
    // The payload is decoded through its own text: a line and column there
    // would point into a text the caller never saw.
    assert!(
        message.starts_with("invalid type: integer `42`") && !message.contains(" at line "),
        "{message}"
    );

    // Known audit action, wrong shape.
    let (action, version) = AuditLogEntry::ACTIONS[0];
    let (path, _) = decode_error(AuditLogEntry::from_value(json!({
        "action": action, "version": version, "actor": "nobody",
    })));
    assert!(!path.is_empty() && path != ".", "{path}");
}

#[test]
fn a_decoding_error_inside_another_type_keeps_the_path() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, reason = "only the error is inspected")]
    struct Batch {
        events: Vec<WebhookEvent>,
    }
    let err = serde_json::from_value::<Batch>(json!({"events": [{"event_type": 1}]})).unwrap_err();
    assert!(err.to_string().contains("event_type"), "{err}");
}

#[test]
fn verification_comes_before_decoding() {
    let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let body = b"<html>502 Bad Gateway</html>";

    // Signed garbage: authentic, but not an event.
    let headers = verifier.signed_headers("msg_1", body).unwrap();
    let err = verifier.verify_event(body, &headers).unwrap_err();
    assert!(matches!(err, WebhookError::Decode { .. }), "{err:?}");
    assert!(!err.is_verification_failure());
    let err = verifier
        .verify_json::<serde_json::Value>(body, &headers)
        .unwrap_err();
    assert!(matches!(err, WebhookError::Decode { .. }), "{err:?}");

    // Unsigned garbage: the signature is what is reported.
    let mut headers = headers;
    headers.insert(
        "webhook-signature",
        "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
            .parse()
            .unwrap(),
    );
    let err = verifier.verify_event(body, &headers).unwrap_err();
    assert!(matches!(err, WebhookError::NoMatchingSignature), "{err:?}");
    let err = verifier.verify_audit_log_entry(body, &headers).unwrap_err();
    assert!(matches!(err, WebhookError::NoMatchingSignature), "{err:?}");
}

#[test]
fn verify_json_decodes_into_any_type() {
    #[derive(serde::Deserialize)]
    struct Minimal {
        event_type: String,
    }
    let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let body = br#"{"event_type": "schedule.deleted_v1", "extra": true}"#;
    let headers = verifier.signed_headers("msg_1", body).unwrap();
    let minimal: Minimal = verifier.verify_json(body, &headers).unwrap();
    assert_eq!(minimal.event_type, "schedule.deleted_v1");
    let (path, _) = decode_error(verifier.verify_json::<Vec<u8>>(body, &headers));
    assert_eq!(path, ".");
}
