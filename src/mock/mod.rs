//! An in-process mock of the incident.io API for testing code that uses
//! this client, with no network and no API key (feature `mock`).
//!
//! [`MockApi::start`] serves, on `127.0.0.1`, every operation of the spec
//! the crate was built from with the spec's own example response and
//! success status: the table is derived from the spec at build time, so a
//! new spec brings its new operations and examples with no hand work. A
//! test then overrides what matters to it through the operation's typed
//! handle, a method named like the client's ([`TypedRoute`]): a value of the
//! operation's own success type, the API's error envelope or a sequence of
//! both; it asserts how often the operation was called and reads the bodies
//! it was sent, decoded into the operation's body type:
//!
//! ```no_run
//! use incidentio::mock::{ErrorBody, MockApi, StatusCode};
//! use incidentio::types;
//!
//! # async fn run() -> Result<(), incidentio::Error> {
//! let mock = MockApi::start().await;
//! let client = mock.client()?;
//!
//! // Every operation answers with the spec's example…
//! let page = client.incidents_v2_list().send().await?;
//! assert!(!page.incidents.is_empty());
//!
//! // …until a test says otherwise.
//! let list = mock.incidents_v2_list();
//! list.respond_ok(&types::IncidentsListResultV2 {
//!     incidents: vec![],
//!     pagination_meta: None,
//! })?;
//! assert!(client.incidents_v2_list().send().await?.incidents.is_empty());
//! assert_eq!(list.calls(), 2);
//!
//! mock.incidents_v2_show()
//!     .respond_error(StatusCode::NOT_FOUND, ErrorBody::not_found());
//! let error = client.incidents_v2_show().id("01H…").send().await.unwrap_err();
//! assert!(error.is_not_found());
//! # Ok(()) }
//! ```
//!
//! [`MockApi::on`] reaches the same routes untyped, by name at run time
//! (for an operation renamed since the build, or from generic test code),
//! and [`MockApi::route`] adds one for an endpoint newer than the build.
//!
//! Every default answer decodes as its operation's response type. Where
//! the spec's example is invalid against its own schema, the build repairs
//! it, filling each missing required field from that field's schema example
//! (else an empty value of its type) and keeping everything the example
//! had. In today's spec that is the four Escalations V2 path operations
//! (`escalations_v2_list_paths`, `_create_path`, `_show_path`,
//! `_update_path`), whose `then_path`/`else_path` steps lack `id` and
//! `type`; the generated table names each repaired example in a comment.
//!
//! # Behaving like the API where a client would notice
//!
//! - A request without an `Authorization` header, or with one that is not
//!   `Bearer <non-empty key>`, gets the API's 401 `authentication_error`
//!   envelope (any non-empty key is accepted).
//! - A path no operation serves gets a 404 `not_found` envelope.
//! - A body that is not JSON gets a 422 `validation_error` envelope.
//! - The examples of list operations carry a `pagination_meta.after`
//!   cursor; a request that sends `after` (or, to an operation that
//!   takes no `after`, sends that cursor back in another parameter, as
//!   schedule entries take it in `entry_window_start`) gets the last page
//!   instead (the example with
//!   its lists emptied and no cursor), so page walks end.
//!
//! More specific routes win where templates overlap: a literal segment
//! beats a `{param}` at the first position they differ, whatever order
//! routes were added in. Routes are matched by this module, not by
//! httpmock's per-mock matching (which takes mocks in creation order and
//! could not let a later override win).
//!
//! The examples are only what the spec's authors wrote: they do not echo a
//! request, so a create returns the example object whatever was sent. Use
//! [`MockRoute::requests`] to assert on what was sent.

mod response;
mod route;
pub(crate) mod table;
mod typed;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use httpmock::{HttpMockRequest, HttpMockResponse, MockServer};

/// The status type the mock's responses take (the `http` crate's, as
/// reqwest and [`Error::status`](crate::Error::status) use), re-exported
/// so tests need no `http` dependency of their own.
pub use http::StatusCode;
pub use response::{ErrorBody, MockResponse};
pub use route::{MockRequest, MockRoute};
pub(crate) use table::mock_operations;
pub(crate) use typed::mock_handles;
pub use typed::{MockReply, TypedRoute};

use crate::path_template::Template;
use route::{Route, RouteState};

use crate::{Client, ClientBuilder, Error, Operation, RetryPolicy};

/// The success body the mock serves by default for the generated method
/// `method_name` (`incidents_v2_show`): the spec's example, as JSON.
/// `None` for an operation unknown to this build or without a JSON
/// example. What a test, a fixture or an agent can expect a call to look
/// like, without starting a mock.
///
/// ```
/// let incident = incidentio::mock::example_response("incidents_v2_show").expect("an example");
/// assert!(incident["incident"]["id"].is_string());
/// ```
pub fn example_response(method_name: &str) -> Option<serde_json::Value> {
    let op = crate::generated::MOCK_OPERATIONS
        .iter()
        .find(|op| op.method_name == method_name)?;
    serde_json::from_str(op.example?).ok()
}

/// The API key [`MockApi::client`] authenticates with. The mock accepts any
/// non-empty key; this one is obviously not a real one in logs.
pub const MOCK_API_KEY: &str = "mock-api-key";

/// A running mock of the incident.io API on `127.0.0.1`; stops when
/// dropped. See the [module documentation](self).
pub struct MockApi {
    server: MockServer,
    routes: Arc<Routes>,
}

impl std::fmt::Debug for MockApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockApi")
            .field("base_url", &self.server.base_url())
            .finish_non_exhaustive()
    }
}

/// Every route, most specific first.
#[derive(Debug)]
struct Routes {
    routes: RwLock<Vec<Arc<Route>>>,
}

impl MockApi {
    /// A client for the real API when `INCIDENT_IO_API_KEY` is set;
    /// otherwise it says so in one line on stdout, starts the mock and
    /// returns a client for it, with the mock (keep it alive as long as the
    /// client is used). This is what the crate's examples run on, so that a
    /// newcomer's first `cargo run --example quickstart` works with no key and
    /// no network.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), incidentio::Error> {
    /// let (client, _mock) = incidentio::mock::MockApi::real_or_mock().await?;
    /// let page = client.incidents_v2_list().send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn real_or_mock() -> Result<(Client, Option<MockApi>), Error> {
        if std::env::var_os(crate::API_KEY_ENV).is_some() {
            return Ok((Client::from_env()?, None));
        }
        println!(
            "{} is not set: running against the built-in mock of the API",
            crate::API_KEY_ENV
        );
        let mock = MockApi::start().await;
        let client = mock.client()?;
        Ok((client, Some(mock)))
    }

    /// Starts a mock serving every operation's example.
    ///
    /// httpmock keeps a pool of servers (25 by default, the
    /// `HTTPMOCK_MAX_SERVERS` environment variable changes it); when all are
    /// in use this waits for one to be dropped.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), incidentio::Error> {
    /// let mock = incidentio::mock::MockApi::start().await;
    /// let client = mock.client()?;
    /// let severities = client.severities_v1_list().send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn start() -> MockApi {
        let server = MockServer::start_async().await;
        let routes = Arc::new(Routes::from_spec());
        let handler = Arc::clone(&routes);
        server
            .mock_async(|when, then| catch_all(when, then, handler))
            .await;
        MockApi { server, routes }
    }

    /// [`MockApi::start`] for synchronous tests: blocks the calling thread
    /// until the server is up (the server runs on its own thread either
    /// way).
    pub fn start_blocking() -> MockApi {
        let server = MockServer::start();
        let routes = Arc::new(Routes::from_spec());
        let handler = Arc::clone(&routes);
        server.mock(|when, then| catch_all(when, then, handler));
        MockApi { server, routes }
    }

    /// The mock's address, such as `http://127.0.0.1:41235`: give it to
    /// [`ClientBuilder::base_url`].
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// A client builder for this mock: its base URL, [`MOCK_API_KEY`], and
    /// retries that wait milliseconds rather than seconds, so tests of
    /// retrying code stay fast. Change anything before `build()`.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .api_key(MOCK_API_KEY)
            .base_url(self.base_url())
            .retry_policy(
                RetryPolicy::default()
                    .initial_backoff(Duration::from_millis(5))
                    .max_wait(Duration::from_millis(200))
                    .budget(Duration::from_secs(5)),
            )
    }

    /// A client of this mock (see [`MockApi::client_builder`]). Fails only
    /// if the HTTP client cannot be built at all (its TLS setup), which
    /// would fail for the real API too.
    pub fn client(&self) -> Result<Client, Error> {
        self.client_builder().build()
    }

    /// The route of an operation, by the name of its generated method
    /// (`incidents_v2_list`) or the spec's operation id
    /// (`Incidents V2#List`): to override its response or count its calls.
    /// Fails for a name the spec does not have.
    pub fn on(&self, operation: &str) -> Result<MockRoute, Error> {
        self.routes
            .read()
            .iter()
            .find(|r| {
                r.operation
                    .is_some_and(|op| op.method_name == operation || op.id == operation)
            })
            .map(|route| MockRoute {
                route: Arc::clone(route),
            })
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "the mock has no operation {operation:?} (use the generated method's \
                     name, such as \"incidents_v2_list\")"
                ))
            })
    }

    /// The route for `method` and `path_template` (`{name}` segments match
    /// any segment), added when no operation has it: for an endpoint newer
    /// than the crate's spec. An added route answers 200 with `{}` until
    /// told otherwise, and takes its place by specificity, so
    /// `/v2/incidents/special` wins over the operation at
    /// `/v2/incidents/{id}`. Fails for a method that is not a token or a
    /// template not starting with `/`.
    pub fn route(&self, method: &str, path_template: &str) -> Result<MockRoute, Error> {
        let method = method.to_ascii_uppercase();
        if http::Method::from_bytes(method.as_bytes()).is_err() {
            return Err(Error::InvalidArgument(format!(
                "{method:?} is not an HTTP method"
            )));
        }
        if !path_template.starts_with('/') || path_template.contains(['?', '#']) {
            return Err(Error::InvalidArgument(format!(
                "the path template {path_template:?} must start with `/` and have no query"
            )));
        }
        let mut routes = self.routes.write();
        if let Some(route) = routes
            .iter()
            .find(|r| r.method == method && r.path == path_template)
        {
            return Ok(MockRoute {
                route: Arc::clone(route),
            });
        }
        let route = Arc::new(Route {
            template: Template::parse(path_template),
            method,
            path: path_template.to_owned(),
            operation: None,
            status: StatusCode::OK,
            example: Some("{}"),
            takes_after: true,
            state: Default::default(),
        });
        Routes::insert(&mut routes, Arc::clone(&route));
        Ok(MockRoute { route })
    }

    /// Every route back to its example and every call count to zero.
    pub fn reset(&self) {
        for route in self.routes.read().iter() {
            MockRoute {
                route: Arc::clone(route),
            }
            .reset();
        }
    }
}

impl Routes {
    fn from_spec() -> Routes {
        let mut routes = Vec::with_capacity(crate::generated::MOCK_OPERATIONS.len());
        for op in crate::generated::MOCK_OPERATIONS {
            let route = Arc::new(Route {
                method: op.method.to_owned(),
                path: op.path.to_owned(),
                template: Template::parse(op.path),
                operation: Operation::by_method_name(op.method_name),
                status: StatusCode::from_u16(op.status).unwrap_or(StatusCode::OK),
                example: op.example,
                takes_after: op.takes_after,
                state: Default::default(),
            });
            Routes::insert(&mut routes, route);
        }
        Routes {
            routes: RwLock::new(routes),
        }
    }

    /// Inserts after every route of the same or higher priority: the order
    /// routes are tried in.
    fn insert(routes: &mut Vec<Arc<Route>>, route: Arc<Route>) {
        let priority = route.template.priority();
        let at = routes.partition_point(|r| r.template.priority() <= priority);
        routes.insert(at, route);
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Arc<Route>>> {
        self.routes.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Vec<Arc<Route>>> {
        self.routes.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Answers one request: 401 without valid auth, 404 when no route
    /// matches, 422 for a body that is not JSON, else the route's response.
    fn handle(&self, request: &HttpMockRequest) -> HttpMockResponse {
        let (path, query) = split_uri(request.uri_str());
        let authorization = request
            .headers_vec()
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
            .map(|(_, value)| value.as_str());
        match authorization {
            None => {
                return to_httpmock(MockResponse::error(
                    StatusCode::UNAUTHORIZED,
                    ErrorBody::missing_authorization(),
                ));
            }
            Some(value) if !is_bearer(value) => {
                return to_httpmock(MockResponse::error(
                    StatusCode::UNAUTHORIZED,
                    ErrorBody::invalid_authorization(),
                ));
            }
            Some(_) => {}
        }

        let method = request.method_str().to_ascii_uppercase();
        let route = self
            .read()
            .iter()
            .find(|r| r.method == method && r.template.matches(path))
            .cloned();
        let Some(route) = route else {
            return to_httpmock(MockResponse::error(
                StatusCode::NOT_FOUND,
                ErrorBody::new("not_found").error(
                    "not_found",
                    format!("No API endpoint matches {method} {path}"),
                ),
            ));
        };

        let body = Bytes::copy_from_slice(request.body_ref());
        let recorded = MockRequest {
            method,
            path: path.to_owned(),
            query: query.map(str::to_owned),
            headers: request
                .headers_vec()
                .iter()
                .filter(|(name, _)| !name.eq_ignore_ascii_case("authorization"))
                .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
                .collect(),
            body,
        };
        let not_json = !recorded.body.is_empty()
            && serde_json::from_slice::<serde::de::IgnoredAny>(&recorded.body).is_err();
        // Only where `after` is not the cursor: elsewhere an ID filter
        // may carry the same value as the example's cursor.
        let later_page = recorded.query_param("after").is_some_and(|a| !a.is_empty())
            || (!route.takes_after
                && route
                    .example
                    .and_then(example_cursor)
                    .is_some_and(|cursor| {
                        recorded.query_pairs().iter().any(|(_, v)| *v == cursor)
                    }));

        let mut state = route.lock();
        state.requests.push(recorded);
        if not_json {
            return to_httpmock(MockResponse::error(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::new("validation_error").error(
                    "invalid_json",
                    "The request body could not be parsed as JSON",
                ),
            ));
        }
        to_httpmock(respond(&route, &mut state, later_page))
    }
}

/// The response a route gives now: the next of the test's, or the example.
fn respond(route: &Route, state: &mut RouteState, later_page: bool) -> MockResponse {
    if let Some(last) = state.responses.last() {
        let next = state.responses.get(state.served).unwrap_or(last).clone();
        state.served += 1;
        return next;
    }
    match route.example {
        None => MockResponse::empty(route.status),
        Some(example) if later_page => match last_page(example) {
            Some(body) => MockResponse::json_bytes(route.status, body),
            None => MockResponse::json_bytes(route.status, example),
        },
        Some(example) => MockResponse::json_bytes(route.status, example),
    }
}

/// The cursor a list example carries (`pagination_meta.after`), if any.
fn example_cursor(example: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(example).ok()?;
    let cursor = value.pointer("/pagination_meta/after")?.as_str()?;
    (!cursor.is_empty()).then(|| cursor.to_owned())
}

/// For a list example (an object with `pagination_meta`), the last page:
/// its arrays emptied, those of an object it holds too (schedule entries
/// come as `schedule_entries.final` and its siblings), and the cursor
/// removed, so a pagination walk over the mock ends after the example
/// page instead of following the example's cursor forever. A meta that
/// held nothing but the cursor (schedule entries' again, whose fields are
/// required) goes with it.
fn last_page(example: &str) -> Option<Vec<u8>> {
    let mut value: serde_json::Value = serde_json::from_str(example).ok()?;
    let object = value.as_object_mut()?;
    let meta = object.get_mut("pagination_meta")?.as_object_mut()?;
    meta.remove("after");
    meta.remove("after_url");
    if meta.is_empty() {
        object.remove("pagination_meta");
    }
    for field in object.values_mut() {
        match field {
            serde_json::Value::Array(items) => items.clear(),
            serde_json::Value::Object(inner) => inner
                .values_mut()
                .filter_map(serde_json::Value::as_array_mut)
                .for_each(Vec::clear),
            _ => {}
        }
    }
    serde_json::to_vec(&value).ok()
}

/// `Bearer <key>`: the scheme in any case, then a non-empty key without
/// spaces.
fn is_bearer(value: &str) -> bool {
    let Some((scheme, key)) = value.trim().split_once(' ') else {
        return false;
    };
    let key = key.trim();
    scheme.eq_ignore_ascii_case("bearer") && !key.is_empty() && !key.contains(char::is_whitespace)
}

/// Path and query of a request target (origin form, or absolute form as a
/// proxy would send).
fn split_uri(uri: &str) -> (&str, Option<&str>) {
    let without_fragment = uri.split('#').next().unwrap_or(uri);
    let target = match without_fragment.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |at| &rest[at..]),
        None => without_fragment,
    };
    match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    }
}

fn to_httpmock(response: MockResponse) -> HttpMockResponse {
    let mut builder = HttpMockResponse::builder().status(response.status.as_u16());
    for (name, value) in &response.headers {
        // Header values were validated when set; a non-UTF-8 value (only
        // possible from `HeaderValue` bytes) is sent lossily.
        builder = builder.header(
            name.as_str(),
            String::from_utf8_lossy(value.as_bytes()).into_owned(),
        );
    }
    match response.body {
        Some(body) => builder.body(body).build(),
        None => builder.build(),
    }
}

/// The one httpmock mock a [`MockApi`] registers: it takes every request
/// and leaves auth, routing and body checks to [`Routes::handle`], in an
/// order this module decides rather than httpmock's creation order.
fn catch_all(when: httpmock::When, then: httpmock::Then, routes: Arc<Routes>) {
    when.any_request();
    then.respond_with(move |request| routes.handle(request));
}
