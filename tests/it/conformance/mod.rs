//! Conformance against an independent mock of the spec (ignored unless
//! `.ci/conformance` starts Prism).

mod prism;
