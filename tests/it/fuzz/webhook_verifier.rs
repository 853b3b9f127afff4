//! The webhook verifier faces the internet: whatever arrives (any headers,
//! any body, any secret in the configuration), it never panics, accepts
//! only a delivery carrying the right signature, and its errors never quote
//! the secret. A correctly signed body of any shape decodes or fails with an
//! error, never a panic.
//!
//! `webhooks/property.rs` checks that signing and verifying agree; this file
//! throws malformed input at it. For a long run:
//!
//! ```text
//! PROPTEST_CASES=200000 cargo test --release --all-features --test it fuzz::webhook_verifier -- --nocapture
//! ```

use crate::common::fuzz;

use std::time::{Duration, UNIX_EPOCH};

use fuzz::{fuzz, json_value};
use http::{HeaderMap, HeaderName, HeaderValue};
use incidentio::webhooks::{
    AuditLogEntry, HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, Verifier, WebhookEvent,
};
use proptest::prelude::*;

const NOW: u64 = 1_700_000_000;
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn verifier() -> Verifier {
    Verifier::new(SECRET)
        .unwrap()
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
}

/// Header bytes: mostly plausible (`v1,<base64>` lists, digits, ids), some
/// arbitrary, including bytes outside ASCII.
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    let signature_entry = prop_oneof![
        "v1,[A-Za-z0-9+/]{43}=",
        "v1,[A-Za-z0-9+/=]{0,60}",
        "v1a,[A-Za-z0-9+/=]{0,60}",
        "[a-z0-9]{0,4},[ -~]{0,20}",
    ];
    prop_oneof![
        prop::collection::vec(signature_entry, 0..5).prop_map(|e| e.join(" ").into_bytes()),
        (NOW - 400..NOW + 400).prop_map(|t| t.to_string().into_bytes()),
        "[0-9]{15,30}".prop_map(String::into_bytes),
        "msg_[A-Za-z0-9]{0,30}".prop_map(String::into_bytes),
        "[ -~]{0,100}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..100),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(usize, Vec<u8>)>> {
    prop::collection::vec((0usize..4, header_bytes()), 0..6)
}

fn header_map(entries: &[(usize, Vec<u8>)]) -> HeaderMap {
    let names = [
        HEADER_ID,
        HEADER_TIMESTAMP,
        HEADER_SIGNATURE,
        "content-type",
    ];
    let mut map = HeaderMap::new();
    for (name, value) in entries {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            map.append(HeaderName::from_static(names[*name]), value);
        }
    }
    map
}

/// Whether `headers` carry, for `body`, the signature the verifier itself
/// would produce: the only case in which verification may succeed.
fn correctly_signed(verifier: &Verifier, body: &[u8], headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(id), Some(timestamp), Some(signature)) = (
        text(HEADER_ID),
        text(HEADER_TIMESTAMP),
        text(HEADER_SIGNATURE),
    ) else {
        return false;
    };
    let Ok(timestamp) = timestamp.parse::<i64>() else {
        return false;
    };
    let expected = verifier.sign(id, timestamp, body);
    signature.split_ascii_whitespace().any(|s| s == expected)
}

#[test]
fn arbitrary_deliveries_never_panic_and_never_verify_unsigned() {
    let verifier = verifier();
    fuzz(
        "webhook verify, arbitrary headers and bodies",
        2048,
        (headers(), prop::collection::vec(any::<u8>(), 0..256)),
        |(entries, body)| {
            let headers = header_map(&entries);
            let verified = verifier.verify(&body, &headers);
            if verified.is_ok() {
                prop_assert!(correctly_signed(&verifier, &body, &headers));
            }
            if let Err(error) = &verified {
                let _ = (
                    error.to_string(),
                    format!("{error:?}"),
                    error.is_verification_failure(),
                );
            }
            let _ = verifier.verify_event(&body, &headers);
            let _ = verifier.verify_audit_log_entry(&body, &headers);
            let _ = verifier.verify_json::<serde_json::Value>(&body, &headers);
            // The string form too, with each header as text.
            let text = |i: usize| {
                entries
                    .iter()
                    .find(|(n, _)| *n == i)
                    .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
                    .unwrap_or_default()
            };
            let _ = verifier.verify_parts(&body, &text(0), &text(1), &text(2));
            Ok(())
        },
    );
}

#[test]
fn arbitrary_secrets_never_panic_nor_leak_into_errors() {
    fuzz(
        "webhook secrets",
        2048,
        prop_oneof![
            "whsec_[A-Za-z0-9+/=]{0,64}",
            "whsec_[ -~]{0,64}",
            "[ -~]{0,80}",
            any::<String>(),
        ],
        |secret| match Verifier::new(&secret) {
            Ok(verifier) => {
                let shown = format!("{verifier:?}");
                let encoded = secret.trim().trim_start_matches("whsec_");
                prop_assert!(
                    encoded.len() < 4 || !shown.contains(encoded),
                    "Debug shows the secret: {shown}"
                );
                Ok(())
            }
            Err(error) => {
                let shown = format!("{error} {error:?}");
                let encoded = secret.trim().trim_start_matches("whsec_");
                prop_assert!(
                    encoded.len() < 4 || !shown.contains(encoded),
                    "the error quotes the secret: {shown}"
                );
                Ok(())
            }
        },
    );
}

/// A correctly signed body of any shape: an event type (known, unknown or
/// malformed) with an arbitrary payload, or arbitrary JSON.
fn signed_body() -> impl Strategy<Value = Vec<u8>> {
    let event_type = prop_oneof![
        prop::sample::select(WebhookEvent::EVENT_TYPES.to_vec()).prop_map(str::to_owned),
        "[a-z_.]{0,30}",
    ];
    let action = prop::sample::select(AuditLogEntry::ACTIONS.to_vec());
    prop_oneof![
        (event_type, json_value()).prop_map(|(kind, payload)| {
            let mut body = serde_json::Map::new();
            body.insert("event_type".into(), kind.clone().into());
            body.insert(kind, payload);
            serde_json::to_vec(&body).unwrap()
        }),
        (action, json_value(), json_value()).prop_map(|((action, version), actor, metadata)| {
            serde_json::to_vec(&serde_json::json!({
                "action": action, "version": version, "actor": actor, "metadata": metadata,
                "occurred_at": "2024-01-01T00:00:00Z",
            }))
            .unwrap()
        }),
        json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        prop::collection::vec(any::<u8>(), 0..128),
    ]
}

#[test]
fn signed_bodies_of_any_shape_decode_or_fail_cleanly() {
    let verifier = verifier();
    fuzz(
        "webhook decode of signed bodies",
        1024,
        signed_body(),
        |body| {
            let headers = verifier.signed_headers("msg_fuzz", &body).unwrap();
            verifier.verify(&body, &headers).unwrap();
            match verifier.verify_event(&body, &headers) {
                Ok(event) => {
                    let _ = (event.event_type().to_owned(), event.is_unknown());
                    // What decoded encodes again.
                    serde_json::to_vec(&event).unwrap();
                }
                Err(error) => prop_assert!(!error.is_verification_failure(), "{error}"),
            }
            match verifier.verify_audit_log_entry(&body, &headers) {
                Ok(entry) => {
                    let _ = (
                        entry.action().to_owned(),
                        entry.version(),
                        entry.is_unknown(),
                    );
                }
                Err(error) => prop_assert!(!error.is_verification_failure(), "{error}"),
            }
            Ok(())
        },
    );
}
