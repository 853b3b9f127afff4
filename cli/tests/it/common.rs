//! Running the binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// A key that must never appear in any output.
pub const SECRET: &str = "sk_test_do_not_print_4f9a2c";

/// The spec the binary was built from.
pub fn spec() -> Value {
    let path = std::env::var("INCIDENT_IO_OPENAPI")
        .unwrap_or_else(|_| format!("{}/../openapi/incident-io.json", env!("CARGO_MANIFEST_DIR")));
    serde_json::from_str(&std::fs::read_to_string(path).expect("the spec")).expect("JSON")
}

/// Every operationId of the spec, counted from the file.
pub fn spec_operation_ids() -> Vec<String> {
    let spec = spec();
    let mut ids = Vec::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for (method, op) in item.as_object().expect("path item") {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                ids.push(op["operationId"].as_str().expect("operationId").to_owned());
            }
        }
    }
    ids
}

/// Runs the binary with `args` and no API key in the environment (unless
/// `key` is given), feeding `stdin`.
/// The binary with `args`, no key from this environment, and `key` (when
/// given) in `INCIDENT_IO_API_KEY`: the one way the tests start it.
pub fn incidentio(args: &[&str], key: Option<&str>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_incidentio"));
    cmd.args(args)
        .env_remove("INCIDENT_IO_API_KEY")
        .env_remove("INCIDENT_API_KEY");
    if let Some(key) = key {
        cmd.env("INCIDENT_IO_API_KEY", key);
    }
    cmd
}

pub fn run_with(args: &[&str], key: Option<&str>, stdin: Option<&str>) -> Output {
    let mut cmd = incidentio(args, key);
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("the binary exits")
}

/// Runs without a key.
pub fn run(args: &[&str]) -> Output {
    run_with(args, None, None)
}

/// Stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The exit code.
pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

/// Every operation as `describe` lists it.
pub fn described() -> Vec<Value> {
    let out = run(&["describe"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    serde_json::from_slice::<Value>(&out.stdout)
        .expect("describe is JSON")
        .as_array()
        .expect("an array")
        .clone()
}
