//! `refresh-spec` against throw-away copies of the repository layout: bad
//! inputs leave `openapi/` byte-for-byte as it was, `--check` writes nothing
//! and exits 0 or 1, and a real refresh replaces the symlink (not its
//! target) with the stable form and rewrites the provenance file.

mod common;

use std::fs;

use common::{MINI_SPEC, Root, sha256, shared, subset};
use serde_json::Value;

/// Every bad input of the issue, and two more: each is refused with one
/// line naming the problem, exit code 2, and `openapi/` untouched.
#[test]
fn bad_inputs_are_refused_and_change_nothing() {
    let root = Root::pinned("bad-inputs", "incident-io.json");
    let before = root.fingerprint();
    let current = fs::read(shared("incident-io.json")).unwrap();
    let mut matrix: Value = serde_json::from_str(MINI_SPEC).unwrap();
    matrix["paths"]["/v1/things/{id}"]["get"]["parameters"][0]["style"] = "matrix".into();
    let mut no_id: Value = serde_json::from_str(MINI_SPEC).unwrap();
    no_id["paths"]["/v1/things/{id}"]["get"]
        .as_object_mut()
        .unwrap()
        .remove("operationId");

    let cases: [(&str, Vec<u8>, &str); 7] = [
        (
            "truncated.json",
            current[..current.len() / 2].to_vec(),
            "it ends too early, probably truncated",
        ),
        (
            "error-page.json",
            b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head></html>\n".to_vec(),
            "it looks like HTML or XML, not JSON",
        ),
        (
            "swagger.json",
            br#"{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}"#.to_vec(),
            "it is a Swagger 2.0 document; an OpenAPI 3.0.x spec is required",
        ),
        (
            "empty.json",
            Vec::new(),
            "the spec is not valid JSON: the file is empty",
        ),
        (
            "matrix.json",
            matrix.to_string().into_bytes(),
            "progenitor cannot generate a client from the spec: unexpected or unhandled format in the OpenAPI document unsupported style of path parameter Matrix",
        ),
        (
            "no-operation-id.json",
            no_id.to_string().into_bytes(),
            "GET /v1/things/{id} has no operationId",
        ),
        (
            "latin1.json",
            b"{\"openapi\": \"3.0.3\xe9\"}".to_vec(),
            "is not UTF-8 text",
        ),
    ];
    for (name, bytes, problem) in cases {
        let path = root.input(name, bytes);
        let run = root.xtask(&["refresh-spec", "--from", path.to_str().unwrap()]);
        run.assert_error(&format!("rejected spec {}: ", path.display()));
        run.assert_error(problem);
        assert_eq!(root.fingerprint(), before, "{name}: openapi/ unchanged");
        if name != "matrix.json" {
            // --check validates the document too (but does not generate).
            root.xtask(&["refresh-spec", "--check", "--from", path.to_str().unwrap()])
                .assert_error(problem);
        }
    }
    root.xtask(&["refresh-spec", "--from", "/nonexistent/spec.json"])
        .assert_error("cannot read /nonexistent/spec.json");
    assert_eq!(root.fingerprint(), before);
}

#[test]
fn check_exits_0_when_the_fetched_spec_is_the_pinned_one() {
    let root = Root::pinned("check-same", "incident-io.json");
    let before = root.fingerprint();
    let from = shared("incident-io.json");
    let run = root.xtask(&["refresh-spec", "--check", "--from", from.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("up to date"), "{}", run.stderr);
    assert_eq!(root.fingerprint(), before);
}

#[test]
fn check_exits_1_with_the_report_when_the_spec_changed() {
    let root = Root::pinned("check-changed", "history/2026-07-01.json");
    let before = root.fingerprint();
    let from = shared("incident-io.json");
    let run = root.xtask(&[
        "refresh-spec",
        "--check",
        "--format",
        "json",
        "--from",
        from.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["old_source"], "openapi/incident-io.json");
    assert_eq!(report["verdict"]["level"], "breaking");
    assert_eq!(report["operations_added"].as_array().unwrap().len(), 22);
    assert!(
        run.stderr
            .contains("run `cargo xtask refresh-spec` to update it"),
        "{}",
        run.stderr
    );
    assert_eq!(root.fingerprint(), before, "--check writes nothing");
}

/// Where the spec itself is not checked out, `--check` compares with the
/// provenance file's sha256.
#[test]
fn check_without_a_pinned_spec_uses_the_provenance_sha256() {
    let root = Root::empty("check-lock");
    fs::write(root.lock(), common::LOCK).unwrap();
    let current = shared("incident-io.json");
    let run = root.xtask(&[
        "refresh-spec",
        "--check",
        "--from",
        current.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let older = shared("history/2026-07-01.json");
    let run = root.xtask(&["refresh-spec", "--check", "--from", older.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("(no pinned spec)"));
    assert!(!root.spec().exists());
}

/// A real refresh, on the Alert Routes services of the 2026-07-01 and the
/// current spec (the whole spec takes seconds to generate, and every build
/// and `.ci/history-build` already prove it generates): the symlink is
/// replaced by the new spec in stable form, the provenance file is
/// rewritten with the new spec's counts, and a second run finds nothing to
/// do.
#[test]
fn refresh_replaces_the_symlink_with_the_stable_form_and_updates_the_lock() {
    let services = ["Alert Routes V2", "Alert Routes V3"];
    let read = |rel: &str| -> Value {
        subset(
            &serde_json::from_slice(&fs::read(shared(rel)).unwrap()).unwrap(),
            &services,
        )
    };
    let root = Root::empty("refresh");
    let old_target = root.input(
        "2026-07-01.json",
        read("history/2026-07-01.json").to_string(),
    );
    let old_target_sha = sha256(&fs::read(&old_target).unwrap());
    root.pin(&old_target);
    let source = read("incident-io.json");
    let from = root.input("current.json", source.to_string());
    let from = from.to_str().unwrap();

    let run = root.xtask(&["refresh-spec", "--from", from]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Alert Routes V3: new version of Alert Routes"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.starts_with("wrote openapi/incident-io.json"),
        "{}",
        run.stderr
    );

    // The link itself was replaced; its target is untouched.
    let meta = fs::symlink_metadata(root.spec()).unwrap();
    assert!(meta.file_type().is_file(), "no longer a symlink");
    assert_eq!(sha256(&fs::read(&old_target).unwrap()), old_target_sha);

    // Same document, stable form: sorted keys, two-space indent, newline.
    let written = fs::read(root.spec()).unwrap();
    let parsed: Value = serde_json::from_slice(&written).unwrap();
    assert_eq!(parsed, source);
    assert_eq!(written, xtask::stable::to_bytes(&source));
    let schemas = source["components"]["schemas"].as_object().unwrap();
    let first_schema = schemas.keys().min().unwrap();
    let opening =
        format!("{{\n  \"components\": {{\n    \"schemas\": {{\n      \"{first_schema}\": {{");
    assert!(written.starts_with(opening.as_bytes()));
    assert!(written.ends_with(b"}\n"));

    // The counts are the new spec's: every operation under the two tags.
    let operations: usize = source["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert!(operations > 0);
    let lock = fs::read_to_string(root.lock()).unwrap();
    assert_eq!(
        lock,
        format!(
            "{{\n  \"source\": \"{from}\",\n  \"sha256\": \"{}\",\n  \"date\": \"2026-08-21\",\n  \"operations\": {operations},\n  \"schemas\": {},\n  \"tags\": {}\n}}\n",
            sha256(&written),
            schemas.len(),
            services.len(),
        )
    );
    let entries: Vec<_> = root.fingerprint().into_keys().collect();
    assert_eq!(
        entries,
        ["incident-io.json", "incident-io.lock.json"],
        "no temporary files"
    );

    // Again: nothing to do, nothing written, the report says identical.
    let after_first = root.fingerprint();
    let again = root.xtask(&["refresh-spec", "--from", from]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stderr.contains("already up to date"),
        "{}",
        again.stderr
    );
    assert!(again.stdout.contains("The two specs are identical."));
    assert_eq!(root.fingerprint(), after_first);
    let check = root.xtask(&["refresh-spec", "--check", "--from", from]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

/// The first refresh of a checkout without a spec (it may be git-ignored):
/// both files are created.
#[test]
fn refresh_creates_the_spec_and_lock_when_there_are_none() {
    let root = Root::empty("first");
    let mini = root.input("mini.json", MINI_SPEC);
    let run = root.xtask(&[
        "refresh-spec",
        "--from",
        mini.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("`(no pinned spec)` → "),
        "{}",
        run.stdout
    );
    let written = fs::read(root.spec()).unwrap();
    let lock: Value = serde_json::from_slice(&fs::read(root.lock()).unwrap()).unwrap();
    assert_eq!(lock["sha256"], sha256(&written));
    assert_eq!(lock["date"], "2026-08-21");
    assert_eq!(
        (
            lock["operations"].as_u64(),
            lock["schemas"].as_u64(),
            lock["tags"].as_u64()
        ),
        (Some(1), Some(2), Some(1))
    );
}

/// A pinned spec that no longer parses does not block the refresh that
/// repairs it; `--check` refuses it.
#[test]
fn a_corrupt_pinned_spec_is_replaced_with_a_warning() {
    let root = Root::empty("corrupt");
    fs::write(root.spec(), "{\"openapi\": ").unwrap();
    fs::write(root.lock(), common::LOCK).unwrap();
    let mini = root.input("mini.json", MINI_SPEC);
    let mini = mini.to_str().unwrap();
    root.xtask(&["refresh-spec", "--check", "--from", mini])
        .assert_error("probably truncated");
    let run = root.xtask(&["refresh-spec", "--from", mini]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("warning: rejected spec"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read(root.spec()).unwrap(),
        xtask::stable::to_bytes(&serde_json::from_str(MINI_SPEC).unwrap())
    );
}
