//! The delivery's timestamp must be within the tolerance of the verifier's
//! clock: five minutes by default, inclusive, either way; configurable; the
//! clock settable. Stale and future timestamps are told apart.

use std::time::{Duration, UNIX_EPOCH};

use incidentio::webhooks::{DEFAULT_TOLERANCE, Verifier, WebhookError};

const NOW: i64 = 1_700_000_000;
const ID: &str = "msg_2bVwJ4r5m1Hq9XkGmZb0Qe3sTtU";
const BODY: &[u8] = br#"{"event_type":"schedule.deleted_v1"}"#;

fn verifier() -> Verifier {
    Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .unwrap()
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW as u64))
}

/// Verifies a delivery correctly signed at `timestamp`.
fn verify_signed_at(verifier: &Verifier, timestamp: i64) -> Result<(), WebhookError> {
    let signature = verifier.sign(ID, timestamp, BODY);
    verifier.verify_parts(BODY, ID, &timestamp.to_string(), &signature)
}

#[test]
fn the_default_tolerance_is_five_minutes() {
    assert_eq!(DEFAULT_TOLERANCE, Duration::from_secs(300));
    assert_eq!(verifier().tolerance(), DEFAULT_TOLERANCE);
}

#[test]
fn timestamps_within_the_tolerance_verify_edges_included() {
    let verifier = verifier();
    for offset in [-300, -299, -1, 0, 1, 299, 300] {
        verify_signed_at(&verifier, NOW + offset).unwrap_or_else(|e| panic!("{offset}: {e}"));
    }
}

#[test]
fn a_stale_timestamp_is_too_old() {
    let verifier = verifier();
    for offset in [301, 3_600, NOW] {
        let err = verify_signed_at(&verifier, NOW - offset).unwrap_err();
        match err {
            WebhookError::TimestampTooOld {
                timestamp,
                now,
                age,
                tolerance,
            } => {
                assert_eq!((timestamp, now, age), (NOW - offset, NOW, offset as u64));
                assert_eq!(tolerance, DEFAULT_TOLERANCE);
            }
            ref other => panic!("{offset}: {other:?}"),
        }
        assert!(err.is_verification_failure());
        assert!(err.to_string().contains("tolerance"), "{err}");
    }
}

#[test]
fn a_future_timestamp_is_too_new() {
    let verifier = verifier();
    for offset in [301, 86_400, i64::MAX - NOW] {
        let err = verify_signed_at(&verifier, NOW + offset).unwrap_err();
        match err {
            WebhookError::TimestampTooNew {
                timestamp, ahead, ..
            } => {
                assert_eq!((timestamp, ahead), (NOW + offset, offset as u64));
            }
            ref other => panic!("{offset}: {other:?}"),
        }
        assert!(err.is_verification_failure());
    }
}

#[test]
fn the_timestamp_is_checked_before_the_signature() {
    // A stale delivery with a wrong signature reports the staleness: the
    // clock problem is the one to fix first.
    let err = verifier()
        .verify_parts(
            BODY,
            ID,
            &(NOW - 1_000).to_string(),
            "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        )
        .unwrap_err();
    assert!(
        matches!(err, WebhookError::TimestampTooOld { .. }),
        "{err:?}"
    );
}

#[test]
fn the_tolerance_is_configurable() {
    let tight = verifier().with_tolerance(Duration::from_secs(10));
    verify_signed_at(&tight, NOW - 10).unwrap();
    verify_signed_at(&tight, NOW + 10).unwrap();
    assert!(matches!(
        verify_signed_at(&tight, NOW - 11),
        Err(WebhookError::TimestampTooOld { .. })
    ));
    assert!(matches!(
        verify_signed_at(&tight, NOW + 11),
        Err(WebhookError::TimestampTooNew { .. })
    ));

    let zero = verifier().with_tolerance(Duration::ZERO);
    verify_signed_at(&zero, NOW).unwrap();
    assert!(verify_signed_at(&zero, NOW - 1).is_err());

    // `Duration::MAX` turns the check off, without overflowing.
    let off = verifier().with_tolerance(Duration::MAX);
    for timestamp in [0, 1, NOW * 2, i64::MAX] {
        verify_signed_at(&off, timestamp).unwrap_or_else(|e| panic!("{timestamp}: {e}"));
    }
}

#[test]
fn the_clock_is_read_at_each_verification() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    let now = Arc::new(AtomicU64::new(NOW as u64));
    let clock = Arc::clone(&now);
    let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .unwrap()
        .with_clock(move || UNIX_EPOCH + Duration::from_secs(clock.load(Ordering::SeqCst)));
    assert_eq!(verifier.now(), NOW);
    verify_signed_at(&verifier, NOW).unwrap();
    now.store(NOW as u64 + 301, Ordering::SeqCst);
    assert!(matches!(
        verify_signed_at(&verifier, NOW),
        Err(WebhookError::TimestampTooOld { .. })
    ));
}

#[test]
fn without_a_clock_the_system_time_is_used() {
    let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let system = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((verifier.now() - system).abs() <= 5);
    verify_signed_at(&verifier, verifier.now()).unwrap();
}
