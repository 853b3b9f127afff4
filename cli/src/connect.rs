//! The client a command talks through: the key (looked up by the library),
//! the base URL or the built-in mock, timeouts and retries; and the dry
//! run's preview.

use std::time::Duration;

use clap::ArgMatches;

use crate::error::CliError;
use crate::send::{Request, Sender};

/// The API key, looked up by the library: the file, else the environment
/// (`INCIDENT_IO_API_KEY`, then `INCIDENT_API_KEY`).
pub(crate) fn api_key(matches: &ArgMatches) -> Result<incidentio::ApiKey, CliError> {
    if let Some(path) = matches.get_one::<String>("api-key-file") {
        return incidentio::ApiKey::from_file(path).map_err(|e| match e {
            incidentio::Error::InvalidArgument(message) => {
                CliError::usage(format!("--api-key-file: {message}"))
            }
            other => CliError::Api(other),
        });
    }
    incidentio::ApiKey::from_env().map_err(|_| no_key_error())
}

/// No API key was found: the error names where one may come from.
pub(crate) fn no_key_error() -> CliError {
    CliError::usage(format!(
        "no API key: set {} (or {}), or pass --api-key-file PATH (or use --mock)",
        incidentio::API_KEY_ENV,
        incidentio::API_KEY_ENV_FALLBACK
    ))
}

/// The sender, and the mock it talks to (kept alive) with `--mock`. A dry
/// run needs no key, nor a request that carries its own `Authorization`
/// (`key_optional`): a stand-in that is never sent takes its place.
pub(crate) async fn sender(
    matches: &ArgMatches,
    key_optional: bool,
) -> Result<(Sender, Option<incidentio::mock::MockApi>), CliError> {
    let timeout = match matches.get_one::<f64>("timeout") {
        Some(s) if s.is_finite() && *s > 0.0 => Some(Duration::from_secs_f64(*s)),
        Some(s) => {
            return Err(CliError::usage(format!(
                "--timeout {s}: must be a positive number of seconds"
            )));
        }
        None => None,
    };
    let mut has_key = true;
    let (mut builder, mock) = if matches.get_flag("mock") {
        let mock = incidentio::mock::MockApi::start().await;
        (mock.client_builder(), Some(mock))
    } else {
        let key = match api_key(matches) {
            Ok(key) => key,
            Err(_) if key_optional => {
                has_key = false;
                incidentio::ApiKey::new("not-sent")
            }
            Err(e) => return Err(e),
        };
        let base = matches
            .get_one::<String>("base-url")
            .cloned()
            .unwrap_or_else(|| incidentio::DEFAULT_BASE_URL.to_owned());
        (
            incidentio::Client::builder().api_key(key).base_url(base),
            None,
        )
    };
    if let Some(timeout) = timeout {
        builder = builder.timeout(timeout);
    }
    if matches.get_flag("no-retry") {
        builder = builder.retry_policy(incidentio::RetryPolicy::disabled());
    }
    if matches.get_flag("no-pacing") {
        builder = builder.pacing(incidentio::Pacing::disabled());
    }
    builder = builder.app_name(concat!("incidentio-cli/", env!("CARGO_PKG_VERSION")));
    let client = builder.build()?;
    Ok((Sender::new(client, has_key), mock))
}

/// `--dry-run`: the library's preview of the request (key masked, the
/// user agent it really sends).
pub(crate) fn dry_run(sender: &Sender, request: &Request) -> Result<String, CliError> {
    Ok(sender.preview(request)?.to_string())
}
