//! Every operation through the binary against Prism serving the spec
//! (`.ci/conformance` starts it and sets `INCIDENTIO_PRISM_STATIC_URL`).
//! Prism validates each request against the spec and answers a violation
//! with a 422, so exit 0 for every command proves each sends what the spec
//! asks for. Ignored in a plain `cargo test`.

use crate::common::spec_operation_ids;
use crate::every_operation::run_every_operation;

#[test]
#[ignore = "needs Prism: run .ci/conformance"]
fn every_operation_against_prism() {
    let url = std::env::var("INCIDENTIO_PRISM_STATIC_URL")
        .expect("INCIDENTIO_PRISM_STATIC_URL (run .ci/conformance)");
    let report = run_every_operation(&["--base-url", &url, "--no-retry"], Some("prism-test-key"));
    for f in &report.fallbacks {
        eprintln!("fell back to a minimal body: {f}");
    }
    eprintln!(
        "{} of {} operations passed against Prism",
        report.ran,
        spec_operation_ids().len()
    );
    assert!(
        report.failures.is_empty(),
        "{} failed:\n{}",
        report.failures.len(),
        report.failures.join("\n")
    );
    assert_eq!(report.ran, spec_operation_ids().len());
}
