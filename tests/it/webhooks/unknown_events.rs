//! Event types and audit-log actions (or versions) added after the build
//! decode into the unknown arm, keeping the raw JSON, instead of failing.

use incidentio::webhooks::{AuditLogEntry, WebhookEvent};
use serde_json::json;

#[test]
fn an_unknown_event_type_keeps_its_type_and_body() {
    let body = json!({
        "event_type": "public_incident.incident_teleported_v7",
        "public_incident.incident_teleported_v7": {"id": "01H", "to": "mars", "nested": [1, {"a": null}]},
    });
    let event = WebhookEvent::from_slice(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert!(event.is_unknown());
    assert_eq!(event.event_type(), "public_incident.incident_teleported_v7");
    match &event {
        WebhookEvent::Unknown {
            event_type,
            body: raw,
        } => {
            assert_eq!(event_type, "public_incident.incident_teleported_v7");
            assert_eq!(raw, &body);
        }
        other => panic!("{other:?}"),
    }
    // Written back unchanged.
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
}

#[test]
fn a_known_event_name_with_a_new_version_is_unknown() {
    let event = WebhookEvent::from_value(json!({
        "event_type": "public_incident.incident_created_v99",
        "public_incident.incident_created_v99": {},
    }))
    .unwrap();
    assert!(event.is_unknown());
}

#[test]
fn an_unknown_audit_action_keeps_its_action_version_and_body() {
    let body = json!({"action": "time_machine.used", "version": 1, "actor": {"type": "user"}});
    let entry = AuditLogEntry::from_value(body.clone()).unwrap();
    assert!(entry.is_unknown());
    assert_eq!((entry.action(), entry.version()), ("time_machine.used", 1));
    match &entry {
        AuditLogEntry::Unknown {
            action,
            version,
            body: raw,
        } => {
            assert_eq!((action.as_str(), *version), ("time_machine.used", 1));
            assert_eq!(raw, &body);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(serde_json::to_value(&entry).unwrap(), body);
}

#[test]
fn a_new_version_of_a_known_audit_action_is_unknown() {
    let (action, _) = AuditLogEntry::ACTIONS[0];
    let entry = AuditLogEntry::from_value(json!({"action": action, "version": 99})).unwrap();
    assert!(entry.is_unknown());
    assert_eq!((entry.action(), entry.version()), (action, 99));
}

#[test]
fn the_enums_deserialize_inside_other_types() {
    #[derive(serde::Deserialize)]
    struct Envelope {
        events: Vec<WebhookEvent>,
        entries: Vec<AuditLogEntry>,
    }
    let envelope: Envelope = serde_json::from_value(json!({
        "events": [{"event_type": "x.y_v1", "x.y_v1": {}}],
        "entries": [{"action": "x.y", "version": 1}],
    }))
    .unwrap();
    assert_eq!(envelope.events[0].event_type(), "x.y_v1");
    assert_eq!(envelope.entries[0].action(), "x.y");
}
