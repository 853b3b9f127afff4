//! Known answers: the signature Svix documents, and the one the Standard
//! Webhooks reference implementation tests against, are reproduced by
//! `sign` and accepted by `verify`.

use std::time::{Duration, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};
use incidentio::webhooks::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, Verifier};

struct Vector {
    secret: &'static str,
    id: &'static str,
    timestamp: i64,
    body: &'static [u8],
    signature: &'static str,
}

const VECTORS: [Vector; 2] = [
    // Svix, "Verifying webhooks manually".
    Vector {
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp: 1_614_265_330,
        body: br#"{"test": 2432232314}"#,
        signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    },
    // standardwebhooks 1.0.1, `test_sign`.
    Vector {
        secret: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        id: "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
        timestamp: 1_649_367_553,
        body: br#"{"email":"test@example.com","username":"test_user"}"#,
        signature: "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
    },
];

fn verifier_at(secret: &str, now: i64) -> Verifier {
    let now = UNIX_EPOCH + Duration::from_secs(now.try_into().unwrap());
    Verifier::new(secret).unwrap().with_clock(move || now)
}

#[test]
fn sign_reproduces_the_published_signatures() {
    for v in &VECTORS {
        let verifier = Verifier::new(v.secret).unwrap();
        assert_eq!(
            verifier.sign(v.id, v.timestamp, v.body),
            v.signature,
            "{}",
            v.id
        );
    }
}

#[test]
fn verify_accepts_the_published_signatures_as_strings() {
    for v in &VECTORS {
        verifier_at(v.secret, v.timestamp)
            .verify_parts(v.body, v.id, &v.timestamp.to_string(), v.signature)
            .unwrap_or_else(|e| panic!("{}: {e}", v.id));
    }
}

#[test]
fn verify_accepts_the_published_signatures_as_headers() {
    for v in &VECTORS {
        let mut headers = HeaderMap::new();
        headers.insert(HEADER_ID, HeaderValue::from_static(v.id));
        headers.insert(HEADER_TIMESTAMP, HeaderValue::from(v.timestamp));
        headers.insert(HEADER_SIGNATURE, HeaderValue::from_static(v.signature));
        verifier_at(v.secret, v.timestamp)
            .verify(v.body, &headers)
            .unwrap_or_else(|e| panic!("{}: {e}", v.id));
    }
}

#[test]
fn the_whsec_prefix_and_padding_are_optional() {
    let v = &VECTORS[0];
    let bare = v.secret.strip_prefix("whsec_").unwrap();
    for secret in [bare, &format!("  {}\n", v.secret)] {
        let verifier = Verifier::new(secret).unwrap();
        assert_eq!(verifier.sign(v.id, v.timestamp, v.body), v.signature);
    }
    // A 32-byte key is 44 base64 characters with one `=`; without it, the
    // same key.
    let padded = Verifier::new("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
    let unpadded = Verifier::new("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8").unwrap();
    let raw = Verifier::from_key((0u8..32).collect::<Vec<_>>()).unwrap();
    let expected = raw.sign("msg", 1, b"{}");
    assert_eq!(padded.sign("msg", 1, b"{}"), expected);
    assert_eq!(unpadded.sign("msg", 1, b"{}"), expected);
}
