//! Each way a delivery can fail verification gives its own error kind:
//! tampered body, wrong secret, missing or non-ASCII header, malformed
//! timestamp, garbage signature.

use std::time::{Duration, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};
use incidentio::webhooks::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, Verifier, WebhookError};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP: &str = "1614265330";
const BODY: &[u8] = br#"{"test": 2432232314}"#;
const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn verifier() -> Verifier {
    Verifier::new(SECRET)
        .unwrap()
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(1_614_265_330))
}

fn headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(HEADER_ID, HeaderValue::from_static(ID));
    headers.insert(HEADER_TIMESTAMP, HeaderValue::from_static(TIMESTAMP));
    headers.insert(HEADER_SIGNATURE, HeaderValue::from_static(SIGNATURE));
    headers
}

#[test]
fn the_untouched_delivery_verifies() {
    verifier().verify(BODY, &headers()).unwrap();
}

#[test]
fn a_tampered_body_matches_no_signature() {
    for body in [
        &br#"{"test": 2432232315}"#[..],
        br#"{"test":2432232314}"#,
        br#"{"test": 2432232314} "#,
        b"",
    ] {
        let err = verifier().verify(body, &headers()).unwrap_err();
        assert!(matches!(err, WebhookError::NoMatchingSignature), "{err:?}");
        assert!(err.is_verification_failure());
    }
}

#[test]
fn a_tampered_id_matches_no_signature() {
    let err = verifier()
        .verify_parts(BODY, "msg_p5jXN8AQM9LWM0D4loKWxJeK", TIMESTAMP, SIGNATURE)
        .unwrap_err();
    assert!(matches!(err, WebhookError::NoMatchingSignature), "{err:?}");
}

#[test]
fn a_wrong_secret_matches_no_signature() {
    let wrong = Verifier::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")
        .unwrap()
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(1_614_265_330));
    let err = wrong.verify(BODY, &headers()).unwrap_err();
    assert!(matches!(err, WebhookError::NoMatchingSignature), "{err:?}");
    assert!(
        err.to_string().contains("wrong signing secret"),
        "the message names the likely cause: {err}"
    );
}

#[test]
fn each_missing_header_is_named() {
    for name in [HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE] {
        let mut headers = headers();
        headers.remove(name);
        let err = verifier().verify(BODY, &headers).unwrap_err();
        match err {
            WebhookError::MissingHeader { name: missing } => assert_eq!(missing, name),
            other => panic!("{name}: {other:?}"),
        }
        assert!(err.to_string().contains(name));
        assert!(err.is_verification_failure());
    }
    let err = verifier().verify(BODY, &HeaderMap::new()).unwrap_err();
    assert!(matches!(err, WebhookError::MissingHeader { .. }), "{err:?}");
}

#[test]
fn a_header_that_is_not_visible_ascii_is_invalid() {
    for name in [HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE] {
        for bytes in [&b"caf\xc3\xa9"[..], b"\xff\xfe", b"a\tb"] {
            let mut headers = headers();
            headers.insert(name, HeaderValue::from_bytes(bytes).unwrap());
            let err = verifier().verify(BODY, &headers).unwrap_err();
            match err {
                WebhookError::InvalidHeader { name: bad } => assert_eq!(bad, name),
                other => panic!("{name} {bytes:?}: {other:?}"),
            }
        }
    }
}

#[test]
fn a_timestamp_that_is_not_unix_seconds_is_malformed() {
    for timestamp in [
        "",
        "now",
        "+1614265330",
        "-1614265330",
        " 1614265330",
        "1614265330.0",
        "1.6e9",
        "99999999999999999999999",
    ] {
        let err = verifier()
            .verify_parts(BODY, ID, timestamp, SIGNATURE)
            .unwrap_err();
        assert!(
            matches!(err, WebhookError::MalformedTimestamp),
            "{timestamp:?}: {err:?}"
        );
    }
}

#[test]
fn a_garbage_signature_is_malformed() {
    for signature in [
        "",
        " ",
        "garbage",
        "v1",
        "v1,",
        "v1,!!!!",
        // Base64, but not 32 bytes.
        "v1,c2hvcnQ=",
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=AAAA",
        // Right bytes, wrong version tag: only `v1` is HMAC-SHA256.
        "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        "V1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    ] {
        let err = verifier()
            .verify_parts(BODY, ID, TIMESTAMP, signature)
            .unwrap_err();
        assert!(
            matches!(err, WebhookError::MalformedSignature),
            "{signature:?}: {err:?}"
        );
        assert!(err.is_verification_failure());
    }
}

#[test]
fn a_well_formed_but_wrong_signature_matches_nothing() {
    // 32 bytes of zeros, and the right signature with one character changed.
    for signature in [
        "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "v1,h0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    ] {
        let err = verifier()
            .verify_parts(BODY, ID, TIMESTAMP, signature)
            .unwrap_err();
        assert!(
            matches!(err, WebhookError::NoMatchingSignature),
            "{signature:?}: {err:?}"
        );
    }
    // Unpadded base64 of the right bytes is still the right signature.
    verifier()
        .verify_parts(BODY, ID, TIMESTAMP, SIGNATURE.trim_end_matches('='))
        .unwrap();
}
