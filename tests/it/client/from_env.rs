//! `Client::from_env` reads `INCIDENT_IO_API_KEY`, else `INCIDENT_API_KEY`,
//! and names the first when neither holds a key. Each case runs this test
//! binary again as a child process with the variables set or removed: the
//! environment is process-wide, and changing it in place would race with
//! other tests (and needs `unsafe`, which this crate forbids).

use std::process::Command;

use incidentio::{API_KEY_ENV, API_KEY_ENV_FALLBACK, Client, Error};

const CASE: &str = "INCIDENTIO_TEST_FROM_ENV_CASE";

/// Runs `child` in a fresh process with both key variables removed, then
/// `vars` set, and returns whether it passed and its output.
fn run_child(case: &str, vars: &[(&str, &str)]) -> (bool, String) {
    // This test's name in the harness: the module path without the crate.
    let child = format!("{}::child", module_path!().split_once("::").unwrap().1);
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([child.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .env(CASE, case)
        .env_remove(API_KEY_ENV)
        .env_remove(API_KEY_ENV_FALLBACK)
        .envs(vars.iter().copied());
    let output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.contains("1 passed") || text.contains("1 failed"),
        "the child case did not run: {text}"
    );
    (output.status.success(), text)
}

/// Checks `Client::from_env` against the environment this process has: a
/// client when either variable holds a key, else an error naming
/// `INCIDENT_IO_API_KEY` and what is wrong with it. In a normal run that is
/// the developer's or CI's environment; in a child, the case's, and the
/// case also says which outcome it set up.
#[test]
fn child() {
    let result = Client::from_env();
    let primary = std::env::var(API_KEY_ENV);
    let fallback = std::env::var(API_KEY_ENV_FALLBACK);
    let holds_key =
        |v: &Result<String, std::env::VarError>| v.as_ref().is_ok_and(|v| !v.trim().is_empty());
    let key = [&primary, &fallback].into_iter().find(|v| holds_key(v));
    match (&result, key) {
        (Ok(client), Some(Ok(key))) => {
            // Never print the key: the message says only where it leaked.
            assert!(
                !format!("{client:?}").contains(key.trim()),
                "the client's Debug shows the key"
            );
        }
        (Err(Error::InvalidArgument(message)), None) => {
            assert!(message.contains(API_KEY_ENV), "{message}");
            let what = match &primary {
                Err(std::env::VarError::NotPresent) => "not set",
                Err(std::env::VarError::NotUnicode(_)) => "not valid Unicode",
                Ok(_) => "empty",
            };
            assert!(message.contains(what), "expected {what:?}: {message}");
        }
        (Ok(_), _) => panic!("a client, though neither variable holds a key"),
        (Err(e), _) => panic!("an error, though a variable holds a key: {e}"),
    }
    if let Ok(case) = std::env::var(CASE) {
        let expected_ok = match case.as_str() {
            "unset" | "empty" => false,
            "set" | "fallback" => true,
            other => panic!("unknown case {other}"),
        };
        assert_eq!(result.is_ok(), expected_ok, "case {case}");
    }
}

#[test]
fn unset_variable_is_named_in_the_error() {
    let (passed, output) = run_child("unset", &[]);
    assert!(passed, "{output}");
}

#[test]
fn empty_variable_is_named_in_the_error() {
    let (passed, output) = run_child("empty", &[(API_KEY_ENV, "  "), (API_KEY_ENV_FALLBACK, "")]);
    assert!(passed, "{output}");
}

#[test]
fn set_variable_builds_a_client() {
    let (passed, output) = run_child("set", &[(API_KEY_ENV, "sk_env_secret\n")]);
    assert!(passed, "{output}");
    assert!(!output.contains("sk_env_secret"));
}

#[test]
fn the_fallback_variable_builds_a_client() {
    let (passed, output) = run_child(
        "fallback",
        &[
            (API_KEY_ENV, " "),
            (API_KEY_ENV_FALLBACK, "sk_fallback_secret"),
        ],
    );
    assert!(passed, "{output}");
    assert!(!output.contains("sk_fallback_secret"));
}
