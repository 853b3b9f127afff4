//! The crate's error type.

use progenitor_client::ResponseValue;

/// Everything that can go wrong calling the API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status.
    #[error("{status}: {body}")]
    Api {
        /// HTTP status.
        status: reqwest::StatusCode,
        /// The first bytes of the body.
        body: String,
    },
    /// The request could not be sent or the response not received.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// A success body did not match its type.
    #[error("cannot decode the response: {0}")]
    Decode(String),
    /// An argument was invalid.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

impl Error {
    /// Converts progenitor's error for operation `operation` (its method name).
    #[doc(hidden)]
    pub async fn from_progenitor<T>(
        _operation: &'static str,
        result: Result<ResponseValue<T>, progenitor_client::Error<()>>,
    ) -> Result<ResponseValue<T>, Error> {
        use progenitor_client::Error as P;
        match result {
            Ok(value) => Ok(value),
            Err(P::UnexpectedResponse(response)) => {
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                Err(Error::Api { status, body })
            }
            Err(P::InvalidResponsePayload(_, e)) => Err(Error::Decode(e.to_string())),
            Err(P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e)) => {
                Err(Error::Transport(e))
            }
            Err(P::InvalidRequest(s) | P::Custom(s)) => Err(Error::InvalidArgument(s)),
            Err(P::ErrorResponse(v)) => Err(Error::Api {
                status: v.status(),
                body: String::new(),
            }),
        }
    }
}
