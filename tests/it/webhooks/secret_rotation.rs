//! While incident.io rotates an endpoint's secret, `webhook-signature`
//! carries one signature per secret; a delivery verifies when any `v1`
//! entry matches, whatever surrounds it.

use std::time::{Duration, UNIX_EPOCH};

use incidentio::webhooks::{Verifier, WebhookError};

const OLD: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NEW: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const OTHER: &str = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const NOW: i64 = 1_700_000_000;
const ID: &str = "msg_rotation";
const BODY: &[u8] = br#"{"event_type":"schedule.updated_v1"}"#;

fn verifier(secret: &str) -> Verifier {
    Verifier::new(secret)
        .unwrap()
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW as u64))
}

fn signature(secret: &str) -> String {
    verifier(secret).sign(ID, NOW, BODY)
}

fn verify(secret: &str, header: &str) -> Result<(), WebhookError> {
    verifier(secret).verify_parts(BODY, ID, &NOW.to_string(), header)
}

#[test]
fn either_secret_verifies_a_doubly_signed_delivery() {
    let header = format!("{} {}", signature(OLD), signature(NEW));
    verify(OLD, &header).unwrap();
    verify(NEW, &header).unwrap();
    let reversed = format!("{} {}", signature(NEW), signature(OLD));
    verify(OLD, &reversed).unwrap();
    verify(NEW, &reversed).unwrap();
}

#[test]
fn a_third_secret_matches_none_of_them() {
    let header = format!("{} {}", signature(OLD), signature(NEW));
    assert!(matches!(
        verify(OTHER, &header),
        Err(WebhookError::NoMatchingSignature)
    ));
}

#[test]
fn the_matching_signature_may_be_anywhere_among_wrong_ones() {
    let wrong = [
        "v1,tFtCZ5RDCPxzWQRWXWPgrCgE2frDBe9gjpbWQxnVfsQ=",
        "v1,Mm7xgUVICxZfQ3bgf0h0Dof65L/IFx+PnZvnDWPCX6Q=",
        "v1,9DfC1c3eeOrXB6w/5dIDydLNQaEyww5KalE5jLBZucE=",
    ];
    let right = signature(NEW);
    for position in 0..=wrong.len() {
        let mut entries: Vec<&str> = wrong.to_vec();
        entries.insert(position, &right);
        verify(NEW, &entries.join(" ")).unwrap_or_else(|e| panic!("{position}: {e}"));
    }
    assert!(matches!(
        verify(NEW, &wrong.join(" ")),
        Err(WebhookError::NoMatchingSignature)
    ));
}

#[test]
fn other_versions_garbage_entries_and_extra_spaces_are_skipped() {
    let header = format!(
        "  v1a,c29tZSBlZDI1NTE5IHNpZ25hdHVyZQ==   garbage v1,!!! v1,c2hvcnQ=\t{}  ",
        signature(NEW)
    );
    verify(NEW, &header).unwrap();
    assert!(matches!(
        verify(OLD, &header),
        Err(WebhookError::NoMatchingSignature)
    ));
}
