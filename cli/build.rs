//! Links the debug build of the `incidentio` binary as a position-dependent
//! executable on Linux (`-no-pie`); release builds, and every other target,
//! keep the platform's default (a position-independent executable, whose
//! load address is randomized).
//!
//! Why: the CLI's tests start the debug binary about 1,300 times, and a
//! position-independent debug binary of this size has over 100,000
//! relocations that the dynamic loader applies at every start, writing to
//! (and so copying) every page of its relocated data. Without them one start
//! took 0.7x the CPU time and half the page faults (`perf stat`, figures in
//! benches/README.md, "The test loop: the CLI's starts and waits").
//! Address randomization of the executable matters for a program in
//! production, which is a release build.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let debug_build = var("PROFILE") == "debug";
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if debug_build && linux_gnu {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
}
