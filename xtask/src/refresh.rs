//! `refresh-spec`: fetch, validate, write, report, in that order.
//!
//! Nothing in the repository is touched until the new spec has passed every
//! check, including full code generation; the files to change are then
//! collected in a [`Plan`] and replaced together, Cargo.toml's per-service
//! `[features]` table (kept in sync with the spec's tags) and the change
//! report's entry in `CHANGELOG.md` (see [`crate::changelog`]) included.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use crate::cli::emit;
use crate::fetch::Source;
use crate::layout::Layout;
use crate::lock::Provenance;
use crate::render::{Format, Report};
use crate::write::Plan;
use crate::{Error, changelog, codegen, diff, features, spec, stable, verdict};

/// What `refresh-spec` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to fetch the spec from.
    pub source: Source,
    /// Compare only; write nothing.
    pub check: bool,
    /// Report format.
    pub format: Format,
    /// Download timeout.
    pub timeout: Duration,
    /// The repository to update.
    pub layout: Layout,
    /// `YYYY-MM-DD` for the provenance file.
    pub today: String,
}

/// How a refresh ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The fetched spec is the pinned one (nothing written).
    Unchanged,
    /// `--check`: the fetched spec differs from the pinned one.
    Changed,
    /// The spec and provenance file were replaced.
    Written,
}

/// Runs `refresh-spec`.
pub fn run(options: &Options, out: &mut dyn Write, log: &mut dyn Write) -> Result<Outcome, Error> {
    let origin = options.source.describe();
    let bytes = options.source.fetch(options.timeout)?;
    let new = spec::parse(&bytes, &origin)?;
    let spec_path = options.layout.spec();
    let lock_path = options.layout.lock();
    let old_lock = Provenance::read(&lock_path)?;
    let old = read_pinned(&spec_path, options.check, log)?;

    if options.check {
        return check(
            options,
            &origin,
            &bytes,
            &new,
            old.as_ref(),
            old_lock.as_ref(),
            out,
            log,
        );
    }

    let stable_bytes = stable::to_bytes(&new);
    let counts = spec::counts(&new);
    let lock = Provenance {
        source: origin.clone(),
        sha256: stable::sha256_hex(&stable_bytes),
        date: options.today.clone(),
        operations: counts.operations,
        schemas: counts.schemas,
        tags: counts.tags,
        other: old_lock
            .as_ref()
            .map(|l| l.other.clone())
            .unwrap_or_default(),
    };

    let on_disk = std::fs::read(&spec_path).ok();
    let up_to_date = on_disk.as_deref() == Some(stable_bytes.as_slice())
        && old_lock.as_ref().is_some_and(|l| l.same_spec(&lock));
    // Generation is the slow step (seconds); a spec already pinned
    // byte-for-byte passed it when it was written.
    if !up_to_date {
        spec::check_generates(&new, &origin)?;
    }
    let report = report(options, old.as_ref(), &new, &origin);
    let outcome = if up_to_date {
        emit(
            log,
            &format!(
                "{}: already up to date with {origin}; nothing written\n",
                codegen::DEFAULT_SPEC_PATH
            ),
        );
        Outcome::Unchanged
    } else {
        let mut plan = Plan::default();
        plan.stage(spec_path, stable_bytes);
        plan.stage(lock_path, lock.to_bytes());
        let manifest_path = options.layout.manifest();
        let features = std::fs::read_to_string(&manifest_path)
            .ok()
            .and_then(|manifest| features::sync(&manifest, &new));
        if let Some(features) = &features {
            plan.stage(manifest_path, features.manifest.clone().into_bytes());
        }
        // The change report goes under `## [Unreleased]`; a changelog it
        // cannot go into refuses the refresh here, before anything is written.
        let changelog_path = options.layout.changelog();
        let changelog = match std::fs::read_to_string(&changelog_path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(Error::Read {
                    path: changelog_path,
                    source,
                });
            }
            Ok(text) => Some(changelog::insert(
                &text,
                &changelog::entry(&report, &options.today),
                &changelog_path,
            )?),
        };
        let changelog_written = changelog.is_some();
        if let Some(text) = changelog {
            plan.stage(changelog_path, text.into_bytes());
        }
        plan.commit()?;
        if let Some(features) = &features {
            emit(
                log,
                &format!(
                    "Cargo.toml: service features added {:?}, removed {:?}\n",
                    features.added, features.removed
                ),
            );
        }
        emit(
            log,
            &format!(
                "wrote {} (sha256 {}; {} operations, {} schemas, {} service versions) and its provenance file\n",
                codegen::DEFAULT_SPEC_PATH,
                lock.sha256,
                lock.operations,
                lock.schemas,
                lock.tags
            ),
        );
        if changelog_written {
            emit(
                log,
                "CHANGELOG.md: change report added under [Unreleased]\n",
            );
        } else {
            emit(
                log,
                "CHANGELOG.md: not found; the change report was not recorded there\n",
            );
        }
        Outcome::Written
    };
    emit(out, &report.render(options.format));
    Ok(outcome)
}

/// `--check`: identical as JSON → `Unchanged`, else the report → `Changed`.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site; a struct would only rename them"
)]
fn check(
    options: &Options,
    origin: &str,
    bytes: &[u8],
    new: &Value,
    old: Option<&Value>,
    old_lock: Option<&Provenance>,
    out: &mut dyn Write,
    log: &mut dyn Write,
) -> Result<Outcome, Error> {
    let identical = match old {
        Some(old) => old == new,
        // No spec checked out (it may be git-ignored): the provenance file's
        // sha256 is what was pinned, either of the raw or the stable bytes.
        None => old_lock.is_some_and(|lock| {
            lock.sha256 == stable::sha256_hex(bytes)
                || lock.sha256 == stable::sha256_hex(&stable::to_bytes(new))
        }),
    };
    if identical {
        emit(
            log,
            &format!("{}: up to date with {origin}\n", codegen::DEFAULT_SPEC_PATH),
        );
        return Ok(Outcome::Unchanged);
    }
    emit(
        out,
        &report(options, old, new, origin).render(options.format),
    );
    emit(
        log,
        &format!(
            "{} differs from {origin}; run `{}` to update it\n",
            codegen::DEFAULT_SPEC_PATH,
            codegen::FETCH_COMMAND
        ),
    );
    Ok(Outcome::Changed)
}

/// The pinned spec, `None` if there is none. A pinned spec that cannot be
/// parsed fails `--check`, but a refresh goes on: it is how one repairs it.
fn read_pinned(path: &Path, check: bool, log: &mut dyn Write) -> Result<Option<Value>, Error> {
    match std::fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read {
            path: path.to_path_buf(),
            source,
        }),
        Ok(bytes) => match spec::parse(&bytes, &path.display().to_string()) {
            Ok(value) => Ok(Some(value)),
            Err(e) if check => Err(e),
            Err(e) => {
                emit(
                    log,
                    &format!("warning: {e}; reporting against an empty spec\n"),
                );
                Ok(None)
            }
        },
    }
}

fn report(options: &Options, old: Option<&Value>, new: &Value, origin: &str) -> Report {
    let empty = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {}}});
    let (old, old_source) = match old {
        Some(old) => (old, codegen::DEFAULT_SPEC_PATH.to_owned()),
        None => (&empty, "(no pinned spec)".to_owned()),
    };
    let diff = diff::compare(old, new);
    let verdict = verdict::assess(&diff, options.layout.crate_version().as_deref());
    Report {
        old_source,
        new_source: origin.to_owned(),
        diff,
        verdict,
    }
}
