//! `search_operations` answers questions as people ask them: questions an
//! on-call engineer or an agent would phrase (written here, not copied
//! from the operations' summaries), each with the operations that answer
//! it; at least 90% must have an answer in the first five matches. The
//! score is printed, to compare rankings by.

use serde_json::json;

use crate::mcp::Session;

/// A question and the operations (any of them) that answer it.
const QUESTIONS: &[(&str, &[&str])] = &[
    (
        "which account does this API key belong to",
        &["utilities_v1_identity"],
    ),
    ("who am I", &["utilities_v1_identity"]),
    (
        "send an alert from my monitoring system",
        &["alert_events_v2_create_http"],
    ),
    ("get the details of INC-123", &["incidents_v2_show"]),
    ("declare an incident", &["incidents_v2_create"]),
    (
        "open a new incident for the database outage",
        &["incidents_v2_create"],
    ),
    (
        "what incidents are happening right now",
        &["incidents_v2_list"],
    ),
    ("show me all active incidents", &["incidents_v2_list"]),
    ("change the severity of an incident", &["incidents_v2_edit"]),
    ("rename an incident", &["incidents_v2_edit"]),
    (
        "who is on call",
        &[
            "schedules_v2_list",
            "schedules_v2_list_schedule_entries",
            "schedules_v2_show",
        ],
    ),
    (
        "who is on call for the payments rota tonight",
        &[
            "schedules_v2_list_schedule_entries",
            "schedules_v2_list",
            "schedules_v2_show",
        ],
    ),
    (
        "swap my on-call shift with a colleague",
        &["schedules_v2_create_override"],
    ),
    ("cover someone's shift", &["schedules_v2_create_override"]),
    ("page the database team", &["escalations_v2_create"]),
    (
        "wake someone up about this problem",
        &["escalations_v2_create"],
    ),
    ("cancel a page", &["escalations_v2_cancel_escalation"]),
    (
        "what escalation policies do we have",
        &["escalations_v2_list_paths"],
    ),
    ("acknowledge or resolve an alert", &["alerts_v2_resolve"]),
    ("list firing alerts", &["alerts_v2_list"]),
    (
        "which alerts are attached to this incident",
        &["alerts_v2_list_incident_alerts"],
    ),
    (
        "send a heartbeat from my cron job",
        &["heartbeat_v2_ping", "heartbeat_v2_ping_1"],
    ),
    (
        "what severities can an incident have",
        &["severities_v1_list"],
    ),
    ("list the incident statuses", &["incident_statuses_v1_list"]),
    (
        "post an update on the incident",
        &[
            "incident_updates_v2_list",
            "status_pages_v2_create_status_page_incident_update",
        ],
    ),
    (
        "read the timeline updates of an incident",
        &["incident_updates_v2_list"],
    ),
    (
        "list the follow-up actions after an incident",
        &["follow_ups_v2_list"],
    ),
    ("create a follow up task", &["follow_ups_v2_create"]),
    (
        "link a jira ticket to a follow-up",
        &["follow_ups_v2_connect_external_issue"],
    ),
    (
        "who was involved in the incident",
        &[
            "incident_participants_v2_list",
            "incident_memberships_v1_create",
        ],
    ),
    (
        "assign someone as incident lead",
        &[
            "incident_roles_v2_list",
            "incident_memberships_v1_create",
            "incidents_v2_edit",
        ],
    ),
    ("find a user by email", &["users_v2_list"]),
    ("list the teams", &["teams_v3_list"]),
    (
        "add an entry to the service catalog",
        &["catalog_v3_create_entry"],
    ),
    (
        "look up a service in the catalog",
        &["catalog_v3_list_entries", "catalog_v3_show_entry"],
    ),
    (
        "what custom fields do incidents have",
        &["custom_fields_v2_list"],
    ),
    (
        "write the postmortem",
        &[
            "postmortem_documents_v1_list",
            "postmortem_documents_v1_show_content",
            "incidents_v2_import_postmortem_document",
        ],
    ),
    (
        "schedule planned maintenance",
        &[
            "maintenance_windows_v1_create",
            "status_pages_v2_create_status_page_maintenance",
        ],
    ),
    (
        "tell customers about the outage on our status page",
        &["status_pages_v2_create_status_page_incident"],
    ),
    (
        "which workflows run automatically",
        &["workflows_v2_list_workflows"],
    ),
    ("rotate an API key", &["api_keys_v1_rotate"]),
    (
        "where do alerts get routed",
        &["alert_routes_v3_list", "alert_routes_v3_show"],
    ),
    ("set up a new alert source", &["alert_sources_v2_create"]),
    (
        "attach a link to an incident",
        &["incident_attachments_v1_create"],
    ),
    (
        "get the transcript of the incident call",
        &["call_transcript_entries_v2_list"],
    ),
    (
        "how is someone notified when paged",
        &[
            "users_v2_list_notification_rules",
            "users_v2_list_notification_methods",
        ],
    ),
    // Written after the ranking was tuned on the ones above, as a check
    // that it does not only fit them.
    ("list recent incidents", &["incidents_v2_list"]),
    ("delete a severity", &["severities_v1_delete"]),
    ("show one alert", &["alerts_v2_show"]),
    (
        "what roles exist in an incident",
        &["incident_roles_v2_list"],
    ),
    ("get a schedule", &["schedules_v2_show"]),
    ("list users", &["users_v2_list"]),
    ("update an incident's status", &["incidents_v2_edit"]),
    ("create a catalog type", &["catalog_v3_create_type"]),
    ("resolve alert", &["alerts_v2_resolve"]),
    ("list the escalations that fired", &["escalations_v2_list"]),
    (
        "what types of incident are there",
        &["incident_types_v1_list"],
    ),
    (
        "show the status page",
        &[
            "status_pages_v2_list_status_pages",
            "status_pages_v2_show_status_page_structure",
        ],
    ),
    (
        "when did the incident start",
        &["incident_timestamps_v2_list", "incidents_v2_show"],
    ),
    ("list api keys", &["api_keys_v1_list"]),
    (
        "who responded to the incident",
        &["incident_participants_v2_list"],
    ),
];

#[test]
fn questions_find_their_operations_in_the_first_five() {
    assert!(QUESTIONS.len() >= 40);
    let mut session = Session::start(&["--mock", "mcp"], None);
    let mut missed = Vec::new();
    for (question, answers) in QUESTIONS {
        for answer in *answers {
            assert!(
                incidentio::catalog::by_method_name(answer).is_some(),
                "{answer} is not an operation"
            );
        }
        let result = session.call("search_operations", json!({"query": question, "limit": 5}));
        let found: Vec<&str> = result["structuredContent"]["matches"]
            .as_array()
            .expect("matches")
            .iter()
            .filter_map(|m| m["operation"].as_str())
            .collect();
        let tools: Vec<&str> = result["structuredContent"]["matches"]
            .as_array()
            .expect("matches")
            .iter()
            .filter_map(|m| m["tool"].as_str())
            .collect();
        if question.contains("on call") {
            assert_eq!(tools, ["who_is_on_call"], "{question}");
        }
        if !found.iter().any(|f| answers.contains(f)) {
            missed.push(format!("{question:?}: got {found:?}"));
        }
    }
    let score = (QUESTIONS.len() - missed.len()) as f64 / QUESTIONS.len() as f64;
    println!(
        "search relevance: {} of {} questions answered in the first five ({:.0}%)",
        QUESTIONS.len() - missed.len(),
        QUESTIONS.len(),
        score * 100.0
    );
    assert!(
        score >= 0.9,
        "{:.0}% answered; missed:\n{}",
        score * 100.0,
        missed.join("\n")
    );
}
