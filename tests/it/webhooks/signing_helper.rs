//! `signed_headers` and `sign` make deliveries that verify, for testing your
//! own handlers: signed at the verifier's clock, rejected once that clock
//! moves past the tolerance.

use std::time::{Duration, UNIX_EPOCH};

use incidentio::webhooks::{
    HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, Verifier, WebhookError, WebhookEvent,
};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY: &[u8] =
    br#"{"event_type":"public_incident.brand_new_v1","public_incident.brand_new_v1":{}}"#;

fn at(seconds: u64) -> Verifier {
    Verifier::new(SECRET)
        .unwrap()
        .with_clock(move || UNIX_EPOCH + Duration::from_secs(seconds))
}

#[test]
fn signed_headers_verify_and_decode() {
    let verifier = at(1_700_000_000);
    let headers = verifier.signed_headers("msg_test_1", BODY).unwrap();
    assert_eq!(headers.len(), 3);
    assert_eq!(headers[HEADER_ID], "msg_test_1");
    assert_eq!(headers[HEADER_TIMESTAMP], "1700000000");
    assert_eq!(
        headers[HEADER_SIGNATURE],
        verifier.sign("msg_test_1", 1_700_000_000, BODY).as_str()
    );
    verifier.verify(BODY, &headers).unwrap();
    let event: WebhookEvent = verifier.verify_event(BODY, &headers).unwrap();
    assert_eq!(event.event_type(), "public_incident.brand_new_v1");
}

#[test]
fn signed_headers_use_the_clock_so_they_go_stale() {
    let headers = at(1_700_000_000)
        .signed_headers("msg_test_2", BODY)
        .unwrap();
    at(1_700_000_300).verify(BODY, &headers).unwrap();
    let err = at(1_700_000_301).verify(BODY, &headers).unwrap_err();
    assert!(
        matches!(err, WebhookError::TimestampTooOld { .. }),
        "{err:?}"
    );
}

#[test]
fn signatures_cover_any_bytes_not_only_utf8() {
    let verifier = at(1_700_000_000);
    let body = [0xff, 0x00, 0xfe, b'{'];
    let headers = verifier.signed_headers("msg_binary", &body).unwrap();
    verifier.verify(&body, &headers).unwrap();
}

#[test]
fn an_id_no_header_can_carry_is_refused() {
    for id in ["msg\n1", "msg\u{e9}", "tab\there"] {
        let err = at(0).signed_headers(id, BODY).unwrap_err();
        assert!(
            matches!(err, WebhookError::InvalidHeader { name: HEADER_ID }),
            "{id:?}: {err:?}"
        );
    }
}
