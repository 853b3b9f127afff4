//! The one error type of xtask. Every variant renders as one line that names
//! the file, URL or argument at fault, because `main` prints it as
//! `error: <message>` and CI logs show nothing else.

use std::path::PathBuf;

/// Why a command failed (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line is wrong.
    #[error("{0} (see `cargo xtask help`)")]
    Usage(String),
    /// A local file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file in the repository could not be written or replaced.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The download did not complete (DNS, connection, timeout, TLS, body).
    #[error("cannot download {url}: {what}")]
    Download {
        /// The URL.
        url: String,
        /// What went wrong, as the HTTP client says it.
        what: String,
    },
    /// The server answered, but not with a success status.
    #[error("{url} answered HTTP {status}, not a spec")]
    HttpStatus {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The document is not a spec the crate can be generated from.
    #[error("rejected spec {origin}: {what}")]
    Spec {
        /// Where the document came from (path or URL).
        origin: String,
        /// The problem, one line.
        what: String,
    },
    /// The provenance file exists but cannot be understood.
    #[error("cannot parse the provenance file {path}: {what}")]
    Lock {
        /// The file.
        path: PathBuf,
        /// The problem.
        what: String,
    },
    /// `CHANGELOG.md` exists but the change report has nowhere to go.
    #[error("cannot add the change report to {path}: {what}")]
    Changelog {
        /// The file.
        path: PathBuf,
        /// The problem.
        what: String,
    },
}
