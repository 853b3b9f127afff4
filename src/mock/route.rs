//! One route of the mock (an operation, or a path a test added) and the
//! handle a test uses to override it and count its calls.

use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::StatusCode;
use serde::Serialize;

use super::response::{ErrorBody, MockResponse};
use crate::path_template::Template;
use crate::{Error, Operation};

/// A method and path template the mock answers, with its default response
/// and what a test has set since.
#[derive(Debug)]
pub(crate) struct Route {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) template: Template,
    pub(crate) operation: Option<&'static Operation>,
    /// The success status: the spec's for an operation, 200 for an added
    /// path.
    pub(crate) status: StatusCode,
    /// The spec's example body.
    pub(crate) example: Option<&'static str>,
    /// Whether the operation takes its cursor in `after`; one that does
    /// not (schedule entries) gets it back in another parameter.
    pub(crate) takes_after: bool,
    pub(crate) state: Mutex<RouteState>,
}

/// What a test set and what the route has seen.
#[derive(Debug, Default)]
pub(crate) struct RouteState {
    /// Served in order, the last one repeating; empty means the example.
    pub(crate) responses: Vec<MockResponse>,
    /// How many of `responses` were served since they were set.
    pub(crate) served: usize,
    pub(crate) requests: Vec<MockRequest>,
}

impl Route {
    pub(crate) fn lock(&self) -> MutexGuard<'_, RouteState> {
        // A panic while holding the lock cannot leave the state half
        // written (every update is one push or one assignment).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A request the mock received, as a test sees it afterwards through
/// [`MockRoute::requests`]: to assert on the body or query the code under
/// test sent. The `Authorization` header is not kept.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MockRequest {
    /// The HTTP method, such as `POST`.
    pub method: String,
    /// The path, percent-encoded as sent, without the query.
    pub path: String,
    /// The query string without `?`, when there was one.
    pub query: Option<String>,
    /// The headers other than `Authorization`, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Bytes,
}

impl MockRequest {
    /// The body parsed as JSON, when it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The decoded query parameters in order (`status[one_of]=firing` is
    /// `("status[one_of]", "firing")`).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let Some(query) = &self.query else {
            return Vec::new();
        };
        match reqwest::Url::parse(&format!("http://mock/?{query}")) {
            Ok(url) => url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The first value of query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A handle on one route of a [`MockApi`](crate::mock::MockApi): sets what
/// it answers and tells how often it was called.
///
/// Got from [`MockApi::on`](crate::mock::MockApi::on) for an operation or
/// [`MockApi::route`](crate::mock::MockApi::route) for any path. Handles are
/// cheap to clone and all see the same route; a setting lasts until the
/// next one or [`MockRoute::reset`].
#[derive(Debug, Clone)]
pub struct MockRoute {
    pub(crate) route: Arc<Route>,
}

impl MockRoute {
    /// The operation this route serves, when it is one of the spec's.
    pub fn operation(&self) -> Option<&'static Operation> {
        self.route.operation
    }

    /// The HTTP method and path template, such as `GET /v2/incidents/{id}`.
    pub fn describe(&self) -> String {
        format!("{} {}", self.route.method, self.route.path)
    }

    /// Answers every later request with `response`.
    pub fn respond(&self, response: MockResponse) -> &Self {
        self.respond_sequence([response])
    }

    /// Answers requests with `responses` in order, then repeats the last:
    /// a 429 then a success to test retries, or one body per page. An empty
    /// list restores the example.
    pub fn respond_sequence(&self, responses: impl IntoIterator<Item = MockResponse>) -> &Self {
        let mut state = self.route.lock();
        state.responses = responses.into_iter().collect();
        state.served = 0;
        drop(state);
        self
    }

    /// Answers with `value` serialised as JSON, with the operation's
    /// success status. `value` is typically the generated response type,
    /// such as `types::IncidentsShowResultV2`, so the override is checked
    /// against the same types the client decodes into.
    pub fn respond_json<T: Serialize + ?Sized>(&self, value: &T) -> Result<&Self, Error> {
        let response = MockResponse::json(self.route.status, value)?;
        Ok(self.respond(response))
    }

    /// Answers with the API's error envelope and `status`, such as
    /// `ErrorBody::not_found()` with 404: the client decodes it into
    /// [`Error::Api`](crate::Error::Api).
    pub fn respond_error(&self, status: StatusCode, body: ErrorBody) -> &Self {
        self.respond(MockResponse::error(status, body))
    }

    /// Back to the spec's example, and the call count to zero.
    pub fn reset(&self) -> &Self {
        let mut state = self.route.lock();
        state.responses.clear();
        state.served = 0;
        state.requests.clear();
        self
    }

    /// How many requests reached this route since the mock started (or
    /// since [`MockRoute::reset`]): those the mock turned away with a 401
    /// are not counted, those it answered with a 422 for a body that is
    /// not JSON are. Counts retries, so a test can prove one happened.
    pub fn calls(&self) -> usize {
        self.route.lock().requests.len()
    }

    /// The requests this route received, oldest first.
    pub fn requests(&self) -> Vec<MockRequest> {
        self.route.lock().requests.clone()
    }

    /// The most recent request, if any.
    pub fn last_request(&self) -> Option<MockRequest> {
        self.route.lock().requests.last().cloned()
    }
}
