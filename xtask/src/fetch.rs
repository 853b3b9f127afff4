//! Getting the spec's bytes from a file or over HTTP(S).
//!
//! HTTP is blocking (`ureq`, rustls): xtask does one request and needs no
//! async runtime. Every failure becomes one [`Error`] line naming the URL:
//! no answer within the timeout, a non-success status (a 500 from the API, a
//! 404 from a mistyped URL). A 200 whose body is not a spec (an HTML login
//! or error page) is caught by validation, which names the origin too.

use std::path::PathBuf;
use std::time::Duration;

use crate::Error;

/// The URL the API serves its own spec at (operation `Utilities V1#OpenAPIV3`).
pub const DEFAULT_URL: &str = "https://api.incident.io/v1/openapiV3.json";

/// The default time allowed for the whole download.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A spec larger than this is refused rather than read into memory: far
/// above any spec the API has published, far below what would hurt.
const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// Where a spec comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A local file.
    File(PathBuf),
    /// An `http://` or `https://` URL.
    Url(String),
}

impl Source {
    /// `http(s)://…` is a URL; anything else is a path.
    pub fn parse(arg: &str) -> Source {
        let lower = arg.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            Source::Url(arg.to_owned())
        } else {
            Source::File(PathBuf::from(arg))
        }
    }

    /// How the source is named in messages and in the provenance file.
    pub fn describe(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Url(url) => url.clone(),
        }
    }

    /// The raw bytes of the document.
    pub fn fetch(&self, timeout: Duration) -> Result<Vec<u8>, Error> {
        match self {
            Source::File(path) => std::fs::read(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            }),
            Source::Url(url) => download(url, timeout),
        }
    }
}

fn download(url: &str, timeout: Duration) -> Result<Vec<u8>, Error> {
    let failed = |e: ureq::Error| Error::Download {
        url: url.to_owned(),
        what: e.to_string(),
    };
    let mut config = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        // Statuses are checked below, to name them in the error.
        .http_status_as_error(false)
        .user_agent(concat!("incidentio-xtask/", env!("CARGO_PKG_VERSION")));
    if is_loopback(url) {
        // A proxy from the environment must never see test traffic.
        config = config.proxy(None);
    }
    let agent: ureq::Agent = config.build().into();
    let mut response = agent
        .get(url)
        .header("Accept", "application/json")
        .call()
        .map_err(failed)?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(Error::HttpStatus {
            url: url.to_owned(),
            status,
        });
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_BYTES)
        .read_to_vec()
        .map_err(failed)
}

fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or_default()
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths() {
        assert_eq!(Source::parse(DEFAULT_URL), Source::Url(DEFAULT_URL.into()));
        assert_eq!(
            Source::parse("../shared/openapi/incident-io.json"),
            Source::File("../shared/openapi/incident-io.json".into())
        );
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("http://127.0.0.1:8080/spec.json"));
        assert!(is_loopback("http://localhost/x"));
        assert!(is_loopback("http://[::1]:1/x"));
        assert!(!is_loopback(DEFAULT_URL));
        assert!(!is_loopback("http://127.0.0.1.example.com/x"));
    }
}
