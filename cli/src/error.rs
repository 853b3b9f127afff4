//! The CLI's errors and their exit codes.

use serde_json::{Value, json};

/// Exit code: the command succeeded.
pub const EXIT_OK: i32 = 0;
/// Exit code: the API answered with an error status.
pub const EXIT_API: i32 = 1;
/// Exit code: the command line was wrong; nothing was sent.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: transport, timeout or a response that did not decode.
pub const EXIT_TRANSPORT: i32 = 3;
/// Exit code: `--jq` failed on the response (jq's own code for an error
/// while running), so a script can tell it from a failed request.
pub const EXIT_JQ: i32 = 5;

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line was wrong (nothing was sent).
    #[error("{0}")]
    Usage(String),
    /// The library reported an error.
    #[error(transparent)]
    Api(#[from] incidentio::Error),
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
    /// The response was not the JSON expected.
    #[error("cannot decode the response: {0}")]
    Decode(String),
    /// The `--jq` expression failed on the response (it was sent).
    #[error("--jq: {0}")]
    Jq(String),
    /// Lines of an `--each` run failed (each is reported in its record);
    /// the run exits with the first failure's code.
    #[error("--each: {message}")]
    Bulk {
        /// The first failing line's exit code.
        code: i32,
        /// How many failed, and the first failure.
        message: String,
    },
}

impl CliError {
    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::Usage(message.into())
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => EXIT_USAGE,
            CliError::Api(incidentio::Error::Api(_)) => EXIT_API,
            CliError::Api(incidentio::Error::InvalidArgument(_)) => EXIT_USAGE,
            CliError::Api(_) | CliError::Io(_) | CliError::Decode(_) => EXIT_TRANSPORT,
            CliError::Jq(_) => EXIT_JQ,
            CliError::Bulk { code, .. } => *code,
        }
    }

    /// The error as a JSON object, for `--output json|ndjson`.
    pub fn to_json(&self) -> Value {
        let kind = match self {
            CliError::Usage(_) => "usage_error",
            CliError::Api(incidentio::Error::Api(_)) => "api_error",
            CliError::Api(incidentio::Error::Timeout { .. }) => "timeout",
            CliError::Api(incidentio::Error::Transport { .. }) => "transport_error",
            CliError::Api(incidentio::Error::Decode { .. }) | CliError::Decode(_) => "decode_error",
            CliError::Api(incidentio::Error::RepeatedCursor { .. }) => "repeated_cursor",
            CliError::Api(incidentio::Error::InvalidArgument(_)) => "invalid_argument",
            CliError::Api(_) => "error",
            CliError::Io(_) => "io_error",
            CliError::Jq(_) => "jq_error",
            CliError::Bulk { .. } => "bulk_error",
        };
        let mut out = json!({
            "message": self.to_string(),
            "exit_code": self.exit_code(),
            "type": kind,
        });
        if let CliError::Api(error) = self {
            if let Some(status) = error.status() {
                out["status"] = status.as_u16().into();
            }
            // The library's rule, the one its retry loop follows: a 5xx to
            // a create without its replay key is not retryable.
            out["retryable"] = error.is_retryable().into();
            if let Some(id) = error.request_id() {
                out["request_id"] = id.into();
            }
            if let Some(envelope) = error.api_error().and_then(|a| a.envelope.as_ref())
                && let Ok(Value::Object(env)) = serde_json::to_value(envelope)
            {
                for key in ["type", "errors"] {
                    if let Some(v) = env.get(key) {
                        out[key] = v.clone();
                    }
                }
            }
        } else {
            out["retryable"] = false.into();
        }
        out
    }
}
