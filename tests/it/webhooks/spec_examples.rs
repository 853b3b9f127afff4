//! Every example in the spec's `x-webhooks`, webhook events and audit-log
//! entries alike, decodes into its own variant (never the unknown arm),
//! survives a round trip, and verifies and decodes in one call once signed.
//! The list comes from the spec the crate was built from, read at test time.

use crate::common::spec;

use std::collections::BTreeSet;

use incidentio::webhooks::{AuditLogEntry, Verifier, WebhookEvent};
use serde_json::Value;

const EVENT_PREFIX: &str = "/x-webhooks/";
const AUDIT_PREFIX: &str = "/x-audit-logs/";

/// `(key suffix, example)` for each `x-webhooks` entry under `prefix`.
fn examples<'a>(spec: &'a Value, prefix: &str) -> Vec<(&'a str, &'a Value)> {
    spec["x-webhooks"]
        .as_object()
        .expect("the spec has x-webhooks")
        .iter()
        .filter_map(|(key, entry)| {
            let name = key.strip_prefix(prefix)?;
            let (_, example) = spec::json_success(&entry["get"]).expect("a 200 JSON response");
            Some((
                name,
                example.unwrap_or_else(|| panic!("{key} has no example")),
            ))
        })
        .collect()
}

#[test]
fn every_webhook_event_example_decodes_into_its_own_variant() {
    let spec = spec::load();
    let examples = examples(&spec, EVENT_PREFIX);
    assert!(
        examples.len() >= 30,
        "only {} event examples",
        examples.len()
    );
    let mut failures = Vec::new();
    for (event_type, example) in &examples {
        match WebhookEvent::from_value((*example).clone()) {
            Ok(event) if event.is_unknown() => failures.push(format!("{event_type}: unknown arm")),
            Ok(event) if event.event_type() != *event_type => {
                failures.push(format!("{event_type}: decoded as {}", event.event_type()))
            }
            Ok(event) => {
                // Serialising writes the body back; it decodes to the same
                // variant again.
                let again = serde_json::to_vec(&event).unwrap();
                let again = WebhookEvent::from_slice(&again).unwrap();
                assert_eq!(again.event_type(), *event_type);
                assert!(!again.is_unknown());
            }
            Err(e) => failures.push(format!("{event_type}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("{} webhook event examples decoded", examples.len());
}

#[test]
fn every_audit_log_example_decodes_into_its_own_variant() {
    let spec = spec::load();
    let examples = examples(&spec, AUDIT_PREFIX);
    assert!(
        examples.len() >= 200,
        "only {} audit-log examples",
        examples.len()
    );
    let mut failures = Vec::new();
    for (name, example) in &examples {
        let (action, version) = name.rsplit_once('.').unwrap();
        let version: i64 = version.parse().unwrap();
        match AuditLogEntry::from_value((*example).clone()) {
            Ok(entry) if entry.is_unknown() => failures.push(format!("{name}: unknown arm")),
            Ok(entry) if (entry.action(), entry.version()) != (action, version) => failures.push(
                format!("{name}: decoded as {}.{}", entry.action(), entry.version()),
            ),
            Ok(entry) => {
                let again = serde_json::to_vec(&entry).unwrap();
                let again = AuditLogEntry::from_slice(&again).unwrap();
                assert_eq!((again.action(), again.version()), (action, version));
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("{} audit-log examples decoded", examples.len());
}

#[test]
fn the_enums_list_exactly_the_spec_entries() {
    let spec = spec::load();
    let spec_events: BTreeSet<&str> = examples(&spec, EVENT_PREFIX)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let enum_events: BTreeSet<&str> = WebhookEvent::EVENT_TYPES.iter().copied().collect();
    assert_eq!(spec_events, enum_events);
    assert_eq!(
        WebhookEvent::EVENT_TYPES.len(),
        enum_events.len(),
        "no duplicates"
    );

    let spec_audits: BTreeSet<String> = examples(&spec, AUDIT_PREFIX)
        .into_iter()
        .map(|(n, _)| n.to_owned())
        .collect();
    let enum_audits: BTreeSet<String> = AuditLogEntry::ACTIONS
        .iter()
        .map(|(action, version)| format!("{action}.{version}"))
        .collect();
    assert_eq!(spec_audits, enum_audits);
    assert_eq!(
        AuditLogEntry::ACTIONS.len(),
        enum_audits.len(),
        "no duplicates"
    );
}

#[test]
fn every_example_verifies_and_decodes_in_one_call_once_signed() {
    let spec = spec::load();
    let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    for (event_type, example) in examples(&spec, EVENT_PREFIX) {
        let body = serde_json::to_vec(example).unwrap();
        let headers = verifier.signed_headers("msg_example", &body).unwrap();
        let event = verifier.verify_event(&body, &headers).unwrap();
        assert_eq!(event.event_type(), event_type);
    }
    for (name, example) in examples(&spec, AUDIT_PREFIX) {
        let body = serde_json::to_vec(example).unwrap();
        let headers = verifier.signed_headers("msg_example", &body).unwrap();
        let entry = verifier.verify_audit_log_entry(&body, &headers).unwrap();
        assert_eq!(format!("{}.{}", entry.action(), entry.version()), name);
    }
}
