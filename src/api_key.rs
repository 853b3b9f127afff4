//! The API key, kept out of every `Debug`, `Display`, error and log line.

use std::fmt;

use reqwest::header::HeaderValue;

use crate::Error;

/// The environment variable [`Client::from_env`](crate::Client::from_env)
/// reads the API key from.
pub const API_KEY_ENV: &str = "INCIDENT_IO_API_KEY";

/// The variable read when [`API_KEY_ENV`] is unset or empty: the name
/// incident.io's own tools use, so a key exported for them works here too.
pub const API_KEY_ENV_FALLBACK: &str = "INCIDENT_API_KEY";

/// An incident.io API key.
///
/// A key grants whatever roles it was created with, for the whole
/// organisation, so it must never end up in a log or a bug report. This type
/// has no `Display` and no accessor, and its `Debug` prints `ApiKey(****)`;
/// the client sends it only as `Authorization: Bearer …`, in a header value
/// marked sensitive so that HTTP-level debugging redacts it too.
///
/// ```
/// let key = incidentio::ApiKey::from("sk_live_secret");
/// assert_eq!(format!("{key:?}"), "ApiKey(****)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key. Surrounding whitespace (a trailing newline from a file or
    /// a shell) is dropped; the key is checked when the client is built, so
    /// this never fails.
    pub fn new(key: impl Into<String>) -> Self {
        let key = key.into();
        let trimmed = key.trim();
        if trimmed.len() == key.len() {
            ApiKey(key)
        } else {
            ApiKey(trimmed.to_owned())
        }
    }

    /// Reads the key from [`API_KEY_ENV`], else [`API_KEY_ENV_FALLBACK`],
    /// failing with an error that names the variable when it is unset,
    /// empty or not Unicode: the most common first-run mistake deserves a
    /// message that says how to fix it.
    pub fn from_env() -> Result<Self, Error> {
        let primary = std::env::var(API_KEY_ENV);
        let primary_usable = matches!(&primary, Ok(v) if !v.trim().is_empty());
        if !primary_usable
            && let Ok(value) = std::env::var(API_KEY_ENV_FALLBACK)
            && !value.trim().is_empty()
        {
            return Ok(ApiKey::new(value));
        }
        match primary {
            Ok(value) if !value.trim().is_empty() => Ok(ApiKey::new(value)),
            Ok(_) => Err(Error::InvalidArgument(format!(
                "the environment variable {API_KEY_ENV} is empty; set it to an incident.io API key"
            ))),
            Err(std::env::VarError::NotPresent) => Err(Error::InvalidArgument(format!(
                "the environment variable {API_KEY_ENV} is not set; set it to an incident.io API key \
                 (create one at https://app.incident.io/settings/api-keys)"
            ))),
            Err(std::env::VarError::NotUnicode(_)) => Err(Error::InvalidArgument(format!(
                "the environment variable {API_KEY_ENV} is not valid Unicode"
            ))),
        }
    }

    /// Reads the key from a file (a secret mounted by an orchestrator, say):
    /// surrounding whitespace dropped; an unreadable or empty file is an
    /// error that names the path, never the content.
    ///
    /// ```no_run
    /// let key = incidentio::ApiKey::from_file("/run/secrets/incident-io")?;
    /// let client = incidentio::Client::builder().api_key(key).build()?;
    /// # Ok::<(), incidentio::Error>(())
    /// ```
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::InvalidArgument(format!(
                "cannot read the API key file {}: {e}",
                path.display()
            ))
        })?;
        if text.trim().is_empty() {
            return Err(Error::InvalidArgument(format!(
                "the API key file {} is empty",
                path.display()
            )));
        }
        Ok(ApiKey::new(text))
    }

    /// The `Authorization` header value, marked sensitive. The error never
    /// quotes the key.
    pub(crate) fn header_value(&self) -> Result<HeaderValue, Error> {
        if self.0.is_empty() {
            return Err(Error::InvalidArgument("the API key is empty".into()));
        }
        if self.0.chars().any(|c| !c.is_ascii_graphic()) {
            return Err(Error::InvalidArgument(
                "the API key contains characters that cannot appear in an HTTP header \
                 (only printable ASCII without spaces is allowed)"
                    .into(),
            ));
        }
        let mut value = HeaderValue::try_from(format!("Bearer {}", self.0)).map_err(|_| {
            Error::InvalidArgument("the API key is not a valid HTTP header value".into())
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(****)")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey::new(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        ApiKey::new(key)
    }
}

impl From<&String> for ApiKey {
    fn from(key: &String) -> Self {
        ApiKey::new(key.as_str())
    }
}
