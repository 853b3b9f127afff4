//! `Client::from_env` reads `INCIDENT_IO_API_KEY` and names it when it is
//! missing. Each case runs this test binary again as a child process with
//! the variable set or removed: the environment is process-wide, and
//! changing it in place would race with other tests (and needs `unsafe`,
//! which this crate forbids).

use std::process::Command;

use incidentio::{Client, Error};

const CASE: &str = "INCIDENTIO_TEST_FROM_ENV_CASE";

/// Runs `child` in a fresh process with the variable set to `value`
/// (removed when `None`), and returns whether it passed and its output.
fn run_child(case: &str, value: Option<&str>) -> (bool, String) {
    // This test's name in the harness: the module path without the crate.
    let child = format!("{}::child", module_path!().split_once("::").unwrap().1);
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([child.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .env(CASE, case);
    match value {
        Some(value) => command.env(incidentio::API_KEY_ENV, value),
        None => command.env_remove(incidentio::API_KEY_ENV),
    };
    let output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.contains("1 passed"),
        "the child case did not run: {text}"
    );
    (output.status.success(), text)
}

/// The body of each case, run only inside a child process.
#[test]
fn child() {
    let Ok(case) = std::env::var(CASE) else {
        return;
    };
    let result = Client::from_env();
    match case.as_str() {
        "unset" | "empty" => {
            let Err(Error::InvalidArgument(message)) = result else {
                panic!("expected an InvalidArgument error, got {result:?}");
            };
            assert!(message.contains("INCIDENT_IO_API_KEY"), "{message}");
            assert!(message.contains(if case == "unset" { "not set" } else { "empty" }));
        }
        "set" => {
            let client = result.expect("a client from the environment");
            assert!(!format!("{client:?}").contains("sk_env_secret"));
        }
        other => panic!("unknown case {other}"),
    }
}

#[test]
fn unset_variable_is_named_in_the_error() {
    let (passed, output) = run_child("unset", None);
    assert!(passed, "{output}");
}

#[test]
fn empty_variable_is_named_in_the_error() {
    let (passed, output) = run_child("empty", Some("  "));
    assert!(passed, "{output}");
}

#[test]
fn set_variable_builds_a_client() {
    let (passed, output) = run_child("set", Some("sk_env_secret\n"));
    assert!(passed, "{output}");
    assert!(!output.contains("sk_env_secret"));
}
