//! Every example runs to completion against the built-in mock: with
//! `INCIDENT_IO_API_KEY` unset each one starts `incidentio::mock` itself.
//!
//! `cargo test` builds the examples before running tests; this runs the
//! binaries it built (under `target/<profile>/examples/`), so a
//! `cargo test --test it examples::` on its own needs a
//! `cargo build --examples` first.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs example `name` with no API key and returns its stdout, failing on
/// a non-zero exit, a missing binary or a run longer than a minute.
fn run(name: &str) -> String {
    // target/<profile>/deps/it-<hash> → target/<profile>/examples/
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("examples"))
        .expect("target directory");
    let binary: PathBuf = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.is_file(),
        "{} is missing: run `cargo test` (which builds the examples) or \
         `cargo build --examples` first",
        binary.display()
    );

    let mut child = Command::new(&binary)
        .env_remove(incidentio::API_KEY_ENV)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("example {name} did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "example {name} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(
        stdout.starts_with("INCIDENT_IO_API_KEY is not set: running against the built-in mock"),
        "example {name} should say it runs against the mock:\n{stdout}"
    );
    stdout
}

#[test]
fn quickstart_lists_and_shows_an_incident() {
    let out = run("quickstart");
    assert!(out.contains("most recent incidents:"), "{out}");
    assert!(out.contains("  severity: "), "{out}");
    assert!(out.contains("  status:   "), "{out}");
}

#[test]
fn create_incident_declares_one() {
    let out = run("create_incident");
    assert!(out.contains("declared "), "{out}");
}

#[test]
fn paginate_alerts_walks_to_the_end() {
    let out = run("paginate_alerts");
    assert!(out.contains("firing alerts since"), "{out}");
}

#[test]
fn catalog_sync_upserts_the_list() {
    let out = run("catalog_sync");
    assert!(out.contains("3 created, 0 updated, 0 unchanged"), "{out}");
    assert!(
        out.contains("kept "),
        "the example entry is left alone: {out}"
    );
}

#[cfg(feature = "webhooks")]
#[test]
fn webhook_receiver_verifies_and_dispatches() {
    let out = run("webhook_receiver");
    assert!(out.contains("msg_1: 200 opened private INC-"), "{out}");
    assert!(out.contains("msg_2: 200 ignored new event type"), "{out}");
    assert!(out.contains("msg_3: 400 rejected"), "{out}");
}
