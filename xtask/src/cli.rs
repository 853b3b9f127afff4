//! The command line: parsing arguments into a [`Command`] and running it.
//! Parsing is hand-written: two subcommands and a handful of flags do not
//! justify an argument-parser dependency in a tool every maintainer builds.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::fetch::{self, Source};
use crate::layout::Layout;
use crate::render::{Format, Report};
use crate::{Error, date, diff, refresh, spec, verdict};

/// What `cargo xtask help` prints.
pub const USAGE: &str = "\
usage:
  cargo xtask refresh-spec [--from PATH|URL] [--check] [--format text|markdown|json]
                           [--timeout SECONDS] [--root DIR]
      Fetch the incident.io OpenAPI spec (default: the API's own URL), check that the
      crate can be generated from it, write it to openapi/incident-io.json in stable
      form, update openapi/incident-io.lock.json, and report what changed.
      --check  compare only, write nothing: exit 0 if identical, 1 if changed.
  cargo xtask spec-diff OLD NEW [--format text|markdown|json] [--root DIR]
      Report what changed between two spec files.
  cargo xtask help

--root DIR (or XTASK_ROOT) is the repository to work on; default: this checkout.
Exit codes: 0 ok, 1 changed (--check only), 2 error.
";

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `refresh-spec`.
    RefreshSpec {
        /// `--from`, or the API's URL.
        source: Source,
        /// `--check`.
        check: bool,
        /// `--format`.
        format: Format,
        /// `--timeout` for the download.
        timeout: Duration,
        /// `--root`.
        root: Option<PathBuf>,
    },
    /// `spec-diff OLD NEW`.
    SpecDiff {
        /// The old spec file.
        old: PathBuf,
        /// The new spec file.
        new: PathBuf,
        /// `--format`.
        format: Format,
        /// `--root` (for the crate version in the verdict).
        root: Option<PathBuf>,
    },
    /// `help`, `--help`, `-h`.
    Help,
}

/// How a successful command ended; the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Done (exit 0).
    Ok = 0,
    /// `--check` found a different spec (exit 1).
    Changed = 1,
}

/// Parses the arguments after `cargo xtask`.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, Error> {
    let mut args = args.into_iter();
    let Some(name) = args.next() else {
        return Err(Error::Usage("no command given".into()));
    };
    let mut flags = Flags::default();
    let mut positional = Vec::new();
    while let Some(arg) = args.next() {
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |flag: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| Error::Usage(format!("{flag} needs a value")))
        };
        match key.as_str() {
            "--from" => flags.from = Some(value("--from")?),
            "--format" => {
                let v = value("--format")?;
                flags.format = Some(Format::parse(&v).ok_or_else(|| {
                    Error::Usage(format!("unknown format {v:?}: use text, markdown or json"))
                })?);
            }
            "--timeout" => {
                let v = value("--timeout")?;
                let secs: u64 = v.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                    Error::Usage(format!("--timeout wants a number of seconds, not {v:?}"))
                })?;
                flags.timeout = Some(Duration::from_secs(secs));
            }
            "--root" => flags.root = Some(PathBuf::from(value("--root")?)),
            "--check" if inline.is_none() => flags.check = true,
            "-h" | "--help" => return Ok(Command::Help),
            other if other.starts_with('-') && other.len() > 1 => {
                return Err(Error::Usage(format!("unknown option {other}")));
            }
            _ => positional.push(arg),
        }
    }

    match name.as_str() {
        "help" | "-h" | "--help" => Ok(Command::Help),
        "refresh-spec" => {
            if let Some(extra) = positional.first() {
                return Err(Error::Usage(format!(
                    "refresh-spec takes no argument {extra:?}; did you mean --from {extra}?"
                )));
            }
            Ok(Command::RefreshSpec {
                source: Source::parse(flags.from.as_deref().unwrap_or(fetch::DEFAULT_URL)),
                check: flags.check,
                format: flags.format.unwrap_or_default(),
                timeout: flags.timeout.unwrap_or(fetch::DEFAULT_TIMEOUT),
                root: flags.root,
            })
        }
        "spec-diff" => {
            if flags.from.is_some() || flags.check || flags.timeout.is_some() {
                return Err(Error::Usage(
                    "spec-diff takes only OLD NEW, --format and --root".into(),
                ));
            }
            let [old, new]: [String; 2] = positional
                .try_into()
                .map_err(|_| Error::Usage("spec-diff needs two spec files: OLD NEW".into()))?;
            Ok(Command::SpecDiff {
                old: old.into(),
                new: new.into(),
                format: flags.format.unwrap_or_default(),
                root: flags.root,
            })
        }
        other => Err(Error::Usage(format!("unknown command {other:?}"))),
    }
}

#[derive(Default)]
struct Flags {
    from: Option<String>,
    check: bool,
    format: Option<Format>,
    timeout: Option<Duration>,
    root: Option<PathBuf>,
}

/// Runs `command`: the report goes to `out`, progress notes to `log`.
pub fn run(command: Command, out: &mut dyn Write, log: &mut dyn Write) -> Result<Status, Error> {
    match command {
        Command::Help => {
            emit(out, USAGE);
            Ok(Status::Ok)
        }
        Command::SpecDiff {
            old,
            new,
            format,
            root,
        } => {
            let layout = Layout::resolve(root);
            let old_spec = spec::read(&old)?;
            let new_spec = spec::read(&new)?;
            let diff = diff::compare(&old_spec, &new_spec);
            let verdict = verdict::assess(&diff, layout.crate_version().as_deref());
            let report = Report {
                old_source: old.display().to_string(),
                new_source: new.display().to_string(),
                diff,
                verdict,
            };
            emit(out, &report.render(format));
            Ok(Status::Ok)
        }
        Command::RefreshSpec {
            source,
            check,
            format,
            timeout,
            root,
        } => {
            let options = refresh::Options {
                source,
                check,
                format,
                timeout,
                layout: Layout::resolve(root),
                today: date::today(),
            };
            match refresh::run(&options, out, log)? {
                refresh::Outcome::Changed if check => Ok(Status::Changed),
                _ => Ok(Status::Ok),
            }
        }
    }
}

/// Writes to stdout or stderr; a closed pipe (`| head`) is not an error
/// worth failing a command for.
pub fn emit(sink: &mut dyn Write, text: &str) {
    let _ = sink.write_all(text.as_bytes());
    let _ = sink.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn refresh_defaults_to_the_api_url() {
        let Command::RefreshSpec {
            source,
            check,
            format,
            timeout,
            root,
        } = parse(args("refresh-spec")).unwrap()
        else {
            panic!("not refresh-spec");
        };
        assert_eq!(source, Source::Url(fetch::DEFAULT_URL.into()));
        assert!(!check);
        assert_eq!(format, Format::Text);
        assert_eq!(timeout, fetch::DEFAULT_TIMEOUT);
        assert_eq!(root, None);
    }

    #[test]
    fn flags_in_both_spellings() {
        let cmd = parse(args(
            "refresh-spec --from=a.json --check --format markdown --root /r --timeout 5",
        ))
        .unwrap();
        assert_eq!(
            cmd,
            Command::RefreshSpec {
                source: Source::File("a.json".into()),
                check: true,
                format: Format::Markdown,
                timeout: Duration::from_secs(5),
                root: Some("/r".into()),
            }
        );
        let cmd = parse(args("spec-diff old.json new.json --format=json")).unwrap();
        assert_eq!(
            cmd,
            Command::SpecDiff {
                old: "old.json".into(),
                new: "new.json".into(),
                format: Format::Json,
                root: None,
            }
        );
    }

    #[test]
    fn usage_errors_name_the_problem() {
        for (line, expected) in [
            ("", "no command given"),
            ("publish", "unknown command"),
            ("spec-diff a.json", "needs two spec files"),
            ("refresh-spec --format yaml", "unknown format \"yaml\""),
            ("refresh-spec --from", "--from needs a value"),
            ("refresh-spec --timeout 0", "--timeout wants"),
            ("refresh-spec --frm x", "unknown option --frm"),
            ("refresh-spec x.json", "did you mean --from x.json"),
        ] {
            let err = parse(args(line)).unwrap_err().to_string();
            assert!(err.contains(expected), "{line:?}: {err}");
        }
    }
}
