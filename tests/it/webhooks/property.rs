//! Properties of signing and verifying: a delivery signed with a key
//! verifies, whatever the body; changing any byte of the body, id,
//! timestamp or signature, or the key, makes it fail.
//!
//! Runs proptest's default 256 cases per property (a few seconds in a debug
//! build). For a long run:
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test --release --features webhooks --test it webhooks::property
//! ```

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;

use incidentio::webhooks::{Verifier, WebhookError};

const NOW: i64 = 1_700_000_000;

fn verifier(key: &[u8]) -> Verifier {
    Verifier::from_key(key.to_vec())
        .unwrap()
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW as u64))
}

fn key() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 1..64)
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..1024)
}

/// Svix ids are visible ASCII (`msg_…`); any such string works.
fn id() -> impl Strategy<Value = String> {
    prop::collection::vec(0x21u8..0x7f, 1..48).prop_map(|bytes| String::from_utf8(bytes).unwrap())
}

/// A timestamp within the default tolerance of `NOW`.
fn timestamp() -> impl Strategy<Value = i64> {
    NOW - 300..=NOW + 300
}

/// A visible ASCII byte other than `original`.
fn other_visible(original: u8, pick: u8) -> u8 {
    let candidate = 0x21 + pick % (0x7f - 0x21);
    if candidate == original {
        if candidate == 0x7e {
            0x21
        } else {
            candidate + 1
        }
    } else {
        candidate
    }
}

proptest! {
    #![proptest_config(crate::common::fuzz::config())]

    #[test]
    fn sign_then_verify_succeeds(key in key(), body in body(), id in id(), timestamp in timestamp()) {
        let verifier = verifier(&key);
        let signature = verifier.sign(&id, timestamp, &body);
        prop_assert!(verifier.verify_parts(&body, &id, &timestamp.to_string(), &signature).is_ok());
        // And through a header map, as a server receives it.
        let headers = verifier.signed_headers(&id, &body).unwrap();
        prop_assert!(verifier.verify(&body, &headers).is_ok());
    }

    #[test]
    fn changing_any_body_byte_fails(
        key in key(),
        body in prop::collection::vec(any::<u8>(), 1..1024),
        id in id(),
        timestamp in timestamp(),
        index in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let verifier = verifier(&key);
        let signature = verifier.sign(&id, timestamp, &body);
        let mut tampered = body.clone();
        let i = index.index(tampered.len());
        tampered[i] ^= flip;
        let result = verifier.verify_parts(&tampered, &id, &timestamp.to_string(), &signature);
        prop_assert!(matches!(result, Err(WebhookError::NoMatchingSignature)), "{:?}", result);
        // Adding or removing a byte fails too.
        let mut longer = body.clone();
        longer.insert(i, body[i]);
        prop_assert!(verifier.verify_parts(&longer, &id, &timestamp.to_string(), &signature).is_err());
        let mut shorter = body;
        shorter.remove(i);
        prop_assert!(verifier.verify_parts(&shorter, &id, &timestamp.to_string(), &signature).is_err());
    }

    #[test]
    fn changing_any_id_byte_fails(
        key in key(),
        body in body(),
        id in id(),
        timestamp in timestamp(),
        index in any::<prop::sample::Index>(),
        pick in any::<u8>(),
    ) {
        let verifier = verifier(&key);
        let signature = verifier.sign(&id, timestamp, &body);
        let mut bytes = id.into_bytes();
        let i = index.index(bytes.len());
        bytes[i] = other_visible(bytes[i], pick);
        let tampered = String::from_utf8(bytes).unwrap();
        let result = verifier.verify_parts(&body, &tampered, &timestamp.to_string(), &signature);
        prop_assert!(matches!(result, Err(WebhookError::NoMatchingSignature)), "{:?}", result);
    }

    #[test]
    fn changing_any_timestamp_byte_fails(
        key in key(),
        body in body(),
        id in id(),
        timestamp in timestamp(),
        index in any::<prop::sample::Index>(),
        pick in any::<u8>(),
    ) {
        let verifier = verifier(&key);
        let signature = verifier.sign(&id, timestamp, &body);
        let mut bytes = timestamp.to_string().into_bytes();
        let i = index.index(bytes.len());
        bytes[i] = other_visible(bytes[i], pick);
        let tampered = String::from_utf8(bytes).unwrap();
        // Another number is either out of tolerance or a different signed
        // message; anything else is malformed.
        prop_assert!(verifier.verify_parts(&body, &id, &tampered, &signature).is_err(), "{}", tampered);
    }

    #[test]
    fn changing_any_signature_byte_fails(
        key in key(),
        body in body(),
        id in id(),
        timestamp in timestamp(),
        index in any::<prop::sample::Index>(),
        pick in any::<u8>(),
    ) {
        let verifier = verifier(&key);
        let signature = verifier.sign(&id, timestamp, &body);
        let mut bytes = signature.into_bytes();
        // Skip the final `=`: padding is optional, so dropping it is no change.
        let i = index.index(bytes.len() - 1);
        bytes[i] = other_visible(bytes[i], pick);
        let tampered = String::from_utf8(bytes).unwrap();
        prop_assert!(verifier.verify_parts(&body, &id, &timestamp.to_string(), &tampered).is_err(), "{}", tampered);
    }

    #[test]
    fn another_key_fails(key in key(), other in key(), body in body(), id in id(), timestamp in timestamp()) {
        prop_assume!(key != other);
        let signature = verifier(&key).sign(&id, timestamp, &body);
        let result = verifier(&other).verify_parts(&body, &id, &timestamp.to_string(), &signature);
        prop_assert!(matches!(result, Err(WebhookError::NoMatchingSignature)), "{:?}", result);
    }
}
