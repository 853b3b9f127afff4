//! Toolsets: the operations grouped by service, without the version, so an
//! agent (or the person configuring it) can switch on what a task needs.
//!
//! The rule, applied to each service's feature name with its version
//! dropped (`incident-statuses-v1` → `incident-statuses`): the first entry
//! of [`GROUPS`] that names it gives its toolset; a service no entry names
//! (a service added to the API after this was written) is a toolset of its
//! own, under that name. So every operation lands somewhere, and a new
//! version of a service joins its predecessor's toolset.

use incidentio::catalog::OperationInfo;

/// `(toolset, services without version, what it is for)`.
pub const GROUPS: &[(&str, &[&str], &str)] = &[
    (
        "incidents",
        &[
            "incidents",
            "incident-updates",
            "incident-memberships",
            "incident-relationships",
            "incident-attachments",
            "incident-timestamps",
            "incidentparticipants",
            "incidentparticipantworkloads",
            "postmortemdocuments",
            "call-sessions",
            "call-transcript-entries",
        ],
        "declare, read and update incidents, their updates, timestamps, participants, calls and post-mortems",
    ),
    (
        "incident-settings",
        &[
            "severities",
            "incident-statuses",
            "incident-roles",
            "incident-types",
            "custom-fields",
            "custom-field-options",
        ],
        "severities, statuses, roles, types and custom fields an incident refers to",
    ),
    (
        "alerts",
        &[
            "alerts",
            "alert-attributes",
            "alert-events",
            "alert-notes",
            "alert-routes",
            "alert-sources",
            "heartbeat",
        ],
        "alerts, their sources, routes, attributes and notes",
    ),
    (
        "escalations",
        &["escalations"],
        "escalations and escalation paths",
    ),
    (
        "schedules",
        &["schedules", "schedule-sync-targets"],
        "on-call schedules, overrides and entries",
    ),
    (
        "follow-ups",
        &["follow-ups", "actions"],
        "follow-ups and actions",
    ),
    (
        "catalog",
        &["catalog"],
        "the catalog: types, entries and resources",
    ),
    ("users", &["users", "teams"], "users and teams"),
    (
        "status-pages",
        &["status-pages", "maintenancewindows"],
        "status pages, their incidents and maintenance",
    ),
    (
        "workflows",
        &["workflows", "workflowruns"],
        "workflows and their runs",
    ),
    (
        "admin",
        &[
            "api-keys",
            "secrets",
            "ipallowlists",
            "utilities",
            "telemetry",
        ],
        "API keys, secrets, IP allowlists, identity and the spec",
    ),
];

/// The toolsets enabled when none are named: what incident response needs.
pub const DEFAULT: &[&str] = &[
    "incidents",
    "alerts",
    "escalations",
    "schedules",
    "follow-ups",
];

/// A service's feature name without its version: `alert-routes-v3` →
/// `alert-routes`.
pub fn unversioned(feature: &'static str) -> &'static str {
    match feature.rsplit_once("-v") {
        Some((base, version))
            if !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) =>
        {
            base
        }
        _ => feature,
    }
}

/// The toolset an operation belongs to.
pub fn toolset_of(op: &OperationInfo) -> &'static str {
    let base = unversioned(op.feature);
    GROUPS
        .iter()
        .find(|(_, services, _)| services.contains(&base))
        .map_or_else(|| unversioned(op.feature), |(name, _, _)| *name)
}

/// Every toolset name, the groups' first, then services no group names.
pub fn all_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = GROUPS.iter().map(|(name, _, _)| *name).collect();
    for op in incidentio::catalog::operations() {
        let name = toolset_of(op);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}
