//! The crate's examples (`examples/`), run as processes.

mod run;
