//! An axum extractor that verifies and decodes a webhook delivery (feature
//! `axum`).
//!
//! Put a [`Verifier`] in the router's state (or make it reachable with
//! [`FromRef`]) and take a [`VerifiedWebhook`] as the handler's last
//! argument: the handler then runs only for authentic deliveries.
//!
//! ```no_run
//! use axum::{Router, routing::post};
//! use incidentio::webhooks::{Verifier, WebhookEvent, axum::VerifiedWebhook};
//!
//! async fn on_webhook(webhook: VerifiedWebhook) {
//!     if let WebhookEvent::PublicIncidentIncidentCreatedV2(incident) = webhook.payload {
//!         println!("{} opened", incident.reference);
//!     }
//! }
//!
//! # fn app() -> Result<Router, incidentio::webhooks::WebhookError> {
//! let verifier = Verifier::new(&std::env::var("INCIDENT_IO_WEBHOOK_SECRET").unwrap_or_default())?;
//! let app: Router = Router::new()
//!     .route("/webhooks/incident-io", post(on_webhook))
//!     .with_state(verifier);
//! # Ok(app)
//! # }
//! ```

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRef, FromRequest, Request};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::de::DeserializeOwned;

use super::{Verifier, WebhookError, WebhookEvent};

/// A delivery whose signature verified, with its body decoded as `T`
/// ([`WebhookEvent`] unless said otherwise; use
/// [`AuditLogEntry`](super::AuditLogEntry) for an audit-log endpoint, or
/// `serde_json::Value` to accept any JSON that verifies).
///
/// Extraction reads the whole body (within axum's body limit), verifies it
/// with the state's [`Verifier`], then decodes it; it fails with a
/// [`WebhookRejection`]. Being a body extractor, it must be the handler's
/// last argument.
///
/// The fields are public, and the struct open, so that a handler's unit
/// tests can build one directly instead of signing a request.
#[derive(Clone, Debug)]
pub struct VerifiedWebhook<T = WebhookEvent> {
    /// The `webhook-id`: the same on every retry of a delivery, so record
    /// it to process each delivery once.
    pub id: String,
    /// The `webhook-timestamp`, in seconds since the Unix epoch.
    pub timestamp: i64,
    /// The decoded body.
    pub payload: T,
}

impl<S, T> FromRequest<S> for VerifiedWebhook<T>
where
    S: Send + Sync,
    Verifier: FromRef<S>,
    T: DeserializeOwned,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(WebhookRejection::Body)?;
        let (id, timestamp) = verifier.verify_headers(&body, &headers)?;
        let payload = super::decode_slice(&body)?;
        Ok(VerifiedWebhook {
            id,
            timestamp,
            payload,
        })
    }
}

/// Why [`VerifiedWebhook`] refused a request. As a response: 401 for a
/// delivery that is not authentic, 400 for one that verified but does not
/// decode, and axum's own status when the body could not be read (413 when
/// it is over the limit). The response text names the check that failed and
/// never the secret.
///
/// A non-2xx answer makes incident.io retry the delivery later; decode as
/// `serde_json::Value` instead if a body that does not match the spec
/// should still be accepted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The body could not be read.
    #[error(transparent)]
    Body(BytesRejection),
    /// Verification or decoding failed.
    #[error(transparent)]
    Webhook(#[from] WebhookError),
}

impl WebhookRejection {
    /// The response status this rejection gives.
    pub fn status(&self) -> StatusCode {
        match self {
            WebhookRejection::Body(rejection) => rejection.status(),
            WebhookRejection::Webhook(e) if e.is_verification_failure() => StatusCode::UNAUTHORIZED,
            WebhookRejection::Webhook(WebhookError::Decode { .. }) => StatusCode::BAD_REQUEST,
            WebhookRejection::Webhook(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let status = self.status();
        match self {
            WebhookRejection::Body(rejection) => rejection.into_response(),
            WebhookRejection::Webhook(error) => {
                tracing::warn!(%status, %error, "rejected a webhook delivery");
                (status, error.to_string()).into_response()
            }
        }
    }
}
