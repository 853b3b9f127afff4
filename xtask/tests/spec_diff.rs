//! The report on the real published versions of the spec, with expectations
//! checked by hand once (against the JSON, with a short script) and asserted
//! here, and the `spec-diff` command's formats and errors.
//!
//! Every exact expectation is about dated specs (`history/`, and the spec
//! published on 2026-08-21, found by its digest): refreshing the current
//! spec breaks none of them.

mod common;

use common::{shared, xtask};

use serde_json::Value;
use sha2::Digest;
use xtask::diff::{OpRef, SpecDiff, compare};
use xtask::spec;
use xtask::verdict::{Level, assess};

fn diff(old: &str, new: &str) -> SpecDiff {
    compare(
        &spec::read(&shared(old)).unwrap(),
        &spec::read(&shared(new)).unwrap(),
    )
}

/// The spec published on 2026-08-21, relative to `shared/openapi`: in
/// `history/` once a refresh has moved it there, else the current spec
/// while it is still that one (its sha256 tells). `None` when neither: its
/// facts cannot be checked, and the test that needs it says so.
fn dated_2026_08_21() -> Option<&'static str> {
    const SHA256: &str = "322cf815dc69c4c3e0593db8259a64a9c2f334f011601b4ac4a1e1444ad79ed4";
    if shared("history/2026-08-21.json").exists() {
        return Some("history/2026-08-21.json");
    }
    let bytes = std::fs::read(shared("incident-io.json")).ok()?;
    let digest = sha2::Sha256::digest(&bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    if hex == SHA256 {
        Some("incident-io.json")
    } else {
        eprintln!("the spec of 2026-08-21 is neither current nor in history/: not checked");
        None
    }
}

fn ids(ops: &[OpRef]) -> Vec<&str> {
    ops.iter().map(|o| o.operation_id.as_str()).collect()
}

#[test]
fn from_2025_06_20_to_2026_07_01_adds_13_service_versions_and_72_operations() {
    let d = diff("history/2025-06-20.json", "history/2026-07-01.json");
    let added: Vec<&str> = d.services_added.iter().map(|s| s.tag.as_str()).collect();
    assert_eq!(
        added,
        [
            "API Keys V1",
            "Alert Notes V1",
            "Heartbeat V2",
            "IPAllowlists V1",
            "Incident Relationships V1",
            "IncidentParticipantWorkloads V2",
            "IncidentParticipants V2",
            "MaintenanceWindows V1",
            "PostmortemDocuments V1",
            "Schedule Sync Targets V2",
            "Status Pages V2",
            "Teams V3",
            "Telemetry V2",
        ]
    );
    let status_pages = &d.services_added[10];
    assert_eq!(status_pages.other_versions, ["Status Pages V1"]);
    assert_eq!(status_pages.operations.len(), 11);
    // No `Teams` tag of any version existed before.
    let teams = &d.services_added[11];
    assert_eq!((teams.version, teams.other_versions.len()), (Some(3), 0));
    assert_eq!(d.operations_added.len(), 72);
    assert!(d.operations_removed.is_empty());
    assert!(d.services_removed.is_empty());
    assert!(d.newly_deprecated.is_empty());
    assert_eq!((d.old.operations, d.new.operations), (125, 197));
    // The one breaking change in this step: schema `APIKeyV2` is gone.
    assert_eq!(d.schemas_removed, ["APIKeyV2"]);
    assert_eq!(d.schemas_added.len(), 271);
}

#[test]
fn from_2026_07_01_to_2026_08_21_adds_alert_routes_v3_and_drops_the_old_openapi_route() {
    let Some(dated) = dated_2026_08_21() else {
        return;
    };
    let d = diff("history/2026-07-01.json", dated);
    let v3 = d
        .services_added
        .iter()
        .find(|s| s.tag == "Alert Routes V3")
        .expect("Alert Routes V3 is new");
    assert_eq!(v3.other_versions, ["Alert Routes V2"]);
    assert_eq!(v3.operations.len(), 5);
    assert_eq!(d.services_added.len(), 5);
    assert_eq!(d.operations_added.len(), 22);
    let removed: Vec<String> = d
        .operations_removed
        .iter()
        .map(|o| format!("{} {} {}", o.method, o.path, o.operation_id))
        .collect();
    assert_eq!(removed, ["GET /v1/openapi.json Utilities V1#OpenAPI"]);
    assert_eq!(d.schemas_added.len(), 142);
    assert!(d.schemas_removed.is_empty());
    // A value removed from an enum: `jira` gave way to `jsm`.
    let replica = d
        .enums
        .iter()
        .find(|e| e.location == "ScheduleReplicaV2.replica_provider")
        .unwrap();
    assert_eq!(
        (replica.added.as_slice(), replica.removed.as_slice()),
        (&["jsm".to_owned()][..], &["jira".to_owned()][..])
    );
    // An optional→required change in the other direction only.
    let notes = d
        .operations_changed
        .iter()
        .find(|c| c.operation.operation_id == "Alert Notes V1#List")
        .unwrap();
    assert_eq!(notes.now_optional[0].name, "alert_id");

    let verdict = assess(&d, Some("0.1.0"));
    assert_eq!(verdict.level, Level::Breaking);
    assert!(
        verdict.breaking[0].contains("GET /v1/openapi.json"),
        "{:?}",
        verdict.breaking
    );
    assert_eq!(verdict.bump.to.as_deref(), Some("0.2.0"));
}

#[test]
fn from_2023_04_26_to_2025_06_20_deprecates_all_of_catalog_v2() {
    let old = spec::read(&shared("history/2023-04-26.json")).unwrap();
    let d = diff("history/2023-04-26.json", "history/2025-06-20.json");
    assert_eq!(d.newly_deprecated.len(), 24);
    // Every Catalog V2 operation of the old spec (its entry and type
    // operations) is among them.
    let catalog_v2: Vec<&str> = spec::operations(&old)
        .filter(|(_, _, op)| op["tags"][0] == "Catalog V2")
        .map(|(_, _, op)| op["operationId"].as_str().unwrap())
        .collect();
    assert_eq!(catalog_v2.len(), 11);
    let deprecated = ids(&d.newly_deprecated);
    for id in &catalog_v2 {
        assert!(deprecated.contains(id), "{id} newly deprecated");
    }
    assert!(deprecated.contains(&"Utilities V1#OpenAPI"));

    let color = d
        .enums
        .iter()
        .find(|e| e.location == "CatalogTypeV2.color")
        .unwrap();
    assert_eq!(color.added, ["cyan", "orange", "pink"]);
    assert_eq!(color.removed, ["red", "slate"]);

    // `IncidentStatuses V1` became `Incident Statuses V1`: same operations,
    // and the generated method names do not change.
    let renamed = d
        .services_removed
        .iter()
        .find(|s| s.tag == "IncidentStatuses V1")
        .unwrap();
    assert_eq!(renamed.renamed.as_deref(), Some("Incident Statuses V1"));
    assert!(d.operations_changed.iter().all(|c| !c.method_renamed));
    assert_eq!(d.operations_added.len(), 70);
    assert!(d.operations_removed.is_empty());

    let verdict = assess(&d, Some("1.2.3"));
    assert_eq!(verdict.level, Level::Breaking);
    assert!(
        verdict
            .breaking
            .iter()
            .any(|r| r.contains("CatalogTypeV2.color (red, slate)"))
    );
    assert_eq!(verdict.bump.to.as_deref(), Some("2.0.0"));
}

#[test]
fn a_spec_compared_with_itself_is_unchanged() {
    let d = diff("history/2024-06-27.json", "history/2024-06-27.json");
    assert!(d.identical && d.no_tracked_changes());
    assert_eq!(assess(&d, Some("0.1.0")).level, Level::None);
}

#[test]
fn the_command_prints_text_markdown_and_json() {
    let old = shared("history/2025-06-20.json");
    let new = shared("history/2026-07-01.json");
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    // The version advice reads the root manifest: pin it.
    let root = common::Root::empty("diff-formats");
    std::fs::write(
        root.dir.join("Cargo.toml"),
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let xtask = |args: &[&str]| root.xtask(args);

    let text = xtask(&["spec-diff", old, new]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    for line in [
        "  operations 125 -> 197, schemas 490 -> 760, service versions (tags) 30 -> 43",
        "Verdict: breaking",
        "  version: minor bump, 0.1.0 -> 0.2.0: breaking change; while the crate is 0.x that is a minor bump",
        "    - 1 schema(s) removed: APIKeyV2",
        "    - 1 property(ies) removed: AlertRoutesCreatePayloadV2.version",
        "  Status Pages V2: new version of Status Pages (beside Status Pages V1), 11 operations",
        "    GET    /v2/heartbeat/{alert_source_config_id}/ping  Heartbeat V2#Ping#1",
        "  EscalationPathNodeV2.type: + delay, voicemail",
        "Schemas removed (1):",
    ] {
        assert!(
            text.stdout.lines().any(|l| l == line),
            "{line:?} in\n{}",
            text.stdout
        );
    }
    // Stable: the same inputs give the same bytes.
    assert_eq!(xtask(&["spec-diff", old, new]).stdout, text.stdout);

    let markdown = xtask(&["spec-diff", old, new, "--format", "markdown"]);
    assert_eq!(markdown.code, 0);
    assert!(markdown.stdout.starts_with("## Spec changes\n"));
    assert!(markdown.stdout.contains("**Verdict: breaking**"));
    assert!(
        markdown
            .stdout
            .contains("- 1 schema(s) removed: APIKeyV2\n")
    );
    assert!(
        markdown
            .stdout
            .contains("  - `GET /v3/teams` Teams V3#List\n")
    );

    let json = xtask(&["spec-diff", old, new, "--format=json"]);
    assert_eq!(json.code, 0);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["verdict"]["level"], "breaking");
    assert_eq!(report["operations_added"].as_array().unwrap().len(), 72);
    assert_eq!(report["schemas_removed"], serde_json::json!(["APIKeyV2"]));
    assert_eq!(report["new"]["operations"], 197);
}

#[test]
fn the_command_rejects_a_file_that_is_not_a_spec() {
    let root = common::Root::empty("diff-bad");
    let html = root.input(
        "page.html",
        "<!doctype html><html><body>Bad gateway</body></html>",
    );
    let good = shared("history/2023-04-26.json");
    let run = xtask(&["spec-diff", good.to_str().unwrap(), html.to_str().unwrap()]);
    run.assert_error("looks like HTML");
    xtask(&["spec-diff", "only-one.json"]).assert_error("needs two spec files");
    xtask(&["spec-diff", "missing.json", "missing.json"]).assert_error("cannot read missing.json");
}
