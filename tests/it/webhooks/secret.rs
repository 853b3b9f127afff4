//! A malformed signing secret is refused when the verifier is built, with an
//! error that never quotes it; the secret never appears in `Debug` output.

use incidentio::webhooks::{Verifier, WebhookError};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[test]
fn malformed_secrets_are_refused_without_being_quoted() {
    for secret in [
        "",
        "   ",
        "whsec_",
        "whsec_ \n",
        "whsec_spaces inside here",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw====",
        "whsec_Zm9v-bar_",
        "sk_live_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ] {
        let err = Verifier::new(secret).unwrap_err();
        assert!(
            matches!(err, WebhookError::MalformedSecret { .. }),
            "{secret:?}: {err:?}"
        );
        assert!(!err.is_verification_failure());
        for shown in [err.to_string(), format!("{err:?}")] {
            for part in secret.split(['_', ' ', '\n', '!', '=', '-']) {
                assert!(
                    part.len() < 4 || part == "whsec" || !shown.contains(part),
                    "{shown:?} quotes part of {secret:?}"
                );
            }
        }
    }
}

#[test]
fn an_empty_raw_key_is_refused() {
    let err = Verifier::from_key(Vec::new()).unwrap_err();
    assert!(
        matches!(err, WebhookError::MalformedSecret { .. }),
        "{err:?}"
    );
}

#[test]
fn debug_output_redacts_the_key() {
    let verifier = Verifier::new(SECRET).unwrap();
    for shown in [format!("{verifier:?}"), format!("{verifier:#?}")] {
        assert!(shown.contains("****"), "{shown}");
        assert!(
            !shown.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            "{shown}"
        );
        // The key's first bytes, as a `Vec<u8>` would print them.
        assert!(!shown.contains("49, 242, 144"), "{shown}");
    }
    let raw = Verifier::from_key(b"raw key bytes".to_vec()).unwrap();
    let shown = format!("{raw:?}");
    assert!(
        !shown.contains("raw key bytes") && !shown.contains("114, 97, 119"),
        "{shown}"
    );
}

#[test]
fn the_key_from_a_secret_equals_the_raw_key() {
    use base64_decode::decode;
    let key = decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let from_secret = Verifier::new(SECRET).unwrap();
    let from_key = Verifier::from_key(key).unwrap();
    assert_eq!(
        from_secret.sign("msg", 1_614_265_330, b"{}"),
        from_key.sign("msg", 1_614_265_330, b"{}")
    );
}

/// A small standard-alphabet decoder, so this test checks the crate's
/// decoding against an independent one.
mod base64_decode {
    pub fn decode(text: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut bits = 0u32;
        let mut count = 0;
        let mut out = Vec::new();
        for c in text.bytes().filter(|&c| c != b'=') {
            let value = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
            bits = (bits << 6) | value;
            count += 6;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
                bits &= (1 << count) - 1;
            }
        }
        out
    }
}
