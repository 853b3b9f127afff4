//! Request behaviour shared by every generated operation: progenitor calls
//! these hooks around each request.

use progenitor_client::{ClientHooks, OperationInfo};

/// Per-client runtime state read by the hooks (retry policy, pacing, the
/// most recent rate-limit reading). Cheap to clone: clones share state.
#[derive(Clone, Debug, Default)]
pub struct Runtime {}

impl ClientHooks<Runtime> for crate::Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        use progenitor_client::ClientInfo;
        self.client().execute(request).await
    }
}
