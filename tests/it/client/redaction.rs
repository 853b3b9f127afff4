//! The exact form of the API key type's `Debug`. Whether the key appears
//! in anything else formatted (the client, its builder, every error of a
//! failing call or a bad configuration, spans and dependency logs) is
//! `tests/security_secrets_never_formatted.rs`'s one test, which captures
//! everything at once.

use crate::common::*;
use incidentio::ApiKey;

#[test]
fn key_type_prints_a_redaction() {
    let key = ApiKey::from(KEY);
    assert_eq!(format!("{key:?}"), "ApiKey(****)");
    assert_eq!(format!("{key:#?}"), "ApiKey(****)");
    assert!(!format!("{key:?}").contains(KEY));
}
