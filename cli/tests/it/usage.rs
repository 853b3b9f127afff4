//! Usage errors: exit 2, nothing sent, a message naming the problem.

use crate::common::{code, run, run_with, stderr};

#[test]
fn missing_key_names_the_variable() {
    let out = run(&["incidents-v2", "list", "--base-url", "http://127.0.0.1:9"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("INCIDENT_IO_API_KEY"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).trim().lines().count(), 1);
}

#[test]
fn wrong_body_field_type_names_the_field() {
    let out = run(&[
        "--mock",
        "incidents-v2",
        "create",
        "--field",
        "name:=3",
        "--field",
        "visibility=public",
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("`name`"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("idempotency_key:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn nested_field_type_names_the_path() {
    let out = run(&[
        "--mock",
        "incidents-v2",
        "create",
        "--field",
        "visibility=public",
        "--field",
        "retrospective_incident_options.external_id=abc",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("retrospective_incident_options.external_id"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn missing_required_field_is_named() {
    let out = run(&["--mock", "incidents-v2", "create", "--field", "name=x"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("`visibility`"), "{}", stderr(&out));
}

#[test]
fn bad_enum_values_are_rejected() {
    let body = run(&[
        "--mock",
        "incidents-v2",
        "create",
        "--field",
        "visibility=secret",
    ]);
    assert_eq!(code(&body), 2);
    assert!(stderr(&body).contains("public"), "{}", stderr(&body));
    let flag = run(&["--mock", "incidents-v2", "list", "--sort-by", "sideways"]);
    assert_eq!(code(&flag), 2);
    assert!(stderr(&flag).contains("sideways"), "{}", stderr(&flag));
}

#[test]
fn malformed_input_and_unknown_flags() {
    let out = run_with(
        &["--mock", "incidents-v2", "create", "--input", "-"],
        None,
        Some("{not json"),
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not valid JSON"), "{}", stderr(&out));
    let out = run(&["--mock", "incidents-v2", "list", "--no-such-flag"]);
    assert_eq!(code(&out), 2);
    let out = run(&["--mock", "incidents-v2", "show"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--id"), "{}", stderr(&out));
    let out = run(&["--mock", "incidents-v2", "list", "--status", "one_of"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("OP=VALUE"), "{}", stderr(&out));
}

#[test]
fn deprecated_operations_warn_with_the_replacement() {
    let out = run(&["--mock", "catalog-v2", "list-types"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("deprecated; use `catalog-v3 list-types`"),
        "{}",
        stderr(&out)
    );
}
