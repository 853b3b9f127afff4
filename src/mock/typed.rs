//! Typed handles on the mock's operations: one method per operation on
//! [`MockApi`], named like the client's (`mock.severities_v1_show()`), that
//! returns a [`TypedRoute`] knowing the operation's success type and
//! request body type.
//!
//! The methods are written by build.rs from the same reading of the spec as
//! the client (one `mock_handles! {…}` call appended to the generated
//! code: a name, a success type and a body type per operation); everything
//! they return is this module's generic code. So a renamed operation is a
//! compile error in the test that names it, a response of another
//! operation's type does not compile, and a request body comes back as the
//! type the client sent, while the generated part stays one line per
//! operation.

use std::fmt;
use std::marker::PhantomData;

use bytes::Bytes;
use http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::MockApi;
use super::response::{ErrorBody, MockResponse};
use super::route::{MockRequest, MockRoute};
use crate::{Error, Operation};

/// A typed handle on one operation of a [`MockApi`]: what it answers, in the
/// operation's own success type `T`, and what it was sent, decoded into its
/// own request body type `B` (`()` for an operation without a body, as `T`
/// is for one that answers without a body).
///
/// Got from the method named like the client's, such as
/// `mock.severities_v1_show()`; the operation's types are fixed by it, so
/// only a value of the right type can be served:
///
/// ```no_run
/// # async fn run() -> Result<(), incidentio::Error> {
/// let mock = incidentio::mock::MockApi::start().await;
/// let show = mock.severities_v1_show();
/// let mut severity = show.example()?; // types::SeveritiesShowResultV1
/// severity.severity.name = "Overridden".parse().unwrap();
/// show.respond_ok(&severity)?;
/// # Ok(()) }
/// ```
///
/// Another operation's type is refused by the compiler:
///
/// ```compile_fail,E0308
/// # async fn run() -> Result<(), incidentio::Error> {
/// let mock = incidentio::mock::MockApi::start().await;
/// let list = mock.severities_v1_list().example()?; // types::SeveritiesListResultV1
/// mock.severities_v1_show().respond_ok(&list)?;
/// # Ok(()) }
/// ```
///
/// Handles are cheap to clone and see the same route as
/// [`MockApi::on`]'s untyped [`MockRoute`] for the operation (see
/// [`TypedRoute::route`]); a setting lasts until the next one or
/// [`TypedRoute::reset`].
pub struct TypedRoute<T, B = ()> {
    route: MockRoute,
    operation: &'static Operation,
    /// `fn() -> (T, B)`: the handle holds no `T` or `B`, so it is `Send`,
    /// `Sync` and `Clone` whatever they are.
    types: PhantomData<fn() -> (T, B)>,
}

impl<T, B> Clone for TypedRoute<T, B> {
    fn clone(&self) -> Self {
        TypedRoute {
            route: self.route.clone(),
            operation: self.operation,
            types: PhantomData,
        }
    }
}

impl<T, B> fmt::Debug for TypedRoute<T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedRoute")
            .field("operation", &self.operation.method_name)
            .field("route", &self.route.describe())
            .field("response", &std::any::type_name::<T>())
            .field("body", &std::any::type_name::<B>())
            .finish()
    }
}

/// One answer of a [`TypedRoute::respond_sequence`]: a success of the
/// operation's type, the API's error envelope, or any response.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum MockReply<T> {
    /// The operation's success status with this value as the body.
    Ok(T),
    /// The API's error envelope with this status, as
    /// [`TypedRoute::respond_error`] sends it.
    Error(StatusCode, ErrorBody),
    /// Any response: a `Retry-After` header, a body a proxy might send.
    Response(MockResponse),
}

impl<T> From<MockResponse> for MockReply<T> {
    fn from(response: MockResponse) -> Self {
        MockReply::Response(response)
    }
}

impl<T, B> TypedRoute<T, B> {
    /// The operation this handle serves (its id, method and path template).
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The untyped handle on the same route, for what the typed one does
    /// not cover (headers of the requests, say).
    pub fn route(&self) -> &MockRoute {
        &self.route
    }

    /// Answers with the API's error envelope and `status`, such as
    /// `ErrorBody::not_found()` with 404: the client decodes it into
    /// [`Error::Api`](crate::Error::Api).
    pub fn respond_error(&self, status: StatusCode, body: ErrorBody) -> &Self {
        self.route.respond_error(status, body);
        self
    }

    /// Back to the spec's example, and the call count to zero.
    pub fn reset(&self) -> &Self {
        self.route.reset();
        self
    }

    /// How many requests reached the operation (see [`MockRoute::calls`]):
    /// retries count, so a test can prove one happened.
    pub fn calls(&self) -> usize {
        self.route.calls()
    }

    /// The requests the operation received, oldest first, undecoded.
    pub fn requests(&self) -> Vec<MockRequest> {
        self.route.requests()
    }
}

impl<T: Serialize, B> TypedRoute<T, B> {
    /// Answers every later request with `value` and the operation's success
    /// status. `value` must be the operation's success type, the one
    /// [`TypedRoute::example`] gives: another operation's type does not
    /// compile. Fails only when `value` cannot be serialised (a map with
    /// non-string keys).
    pub fn respond_ok(&self, value: &T) -> Result<&Self, Error> {
        let response = self.ok_response(value)?;
        self.route.respond(response);
        Ok(self)
    }

    /// Answers requests with `replies` in order, then repeats the last: a
    /// 503 then a success to test retries, or one page after another. An
    /// empty list restores the example. Fails, setting nothing, when a
    /// success cannot be serialised.
    ///
    /// ```no_run
    /// use incidentio::mock::{ErrorBody, MockApi, MockReply, StatusCode};
    ///
    /// # async fn run() -> Result<(), incidentio::Error> {
    /// let mock = MockApi::start().await;
    /// let list = mock.severities_v1_list();
    /// let page = list.example()?;
    /// list.respond_sequence([
    ///     MockReply::Error(StatusCode::SERVICE_UNAVAILABLE, ErrorBody::new("service_unavailable")),
    ///     MockReply::Ok(page),
    /// ])?;
    /// # Ok(()) }
    /// ```
    pub fn respond_sequence(
        &self,
        replies: impl IntoIterator<Item = MockReply<T>>,
    ) -> Result<&Self, Error> {
        let responses = replies
            .into_iter()
            .map(|reply| match reply {
                MockReply::Ok(value) => self.ok_response(&value),
                MockReply::Error(status, body) => Ok(MockResponse::error(status, body)),
                MockReply::Response(response) => Ok(response),
            })
            .collect::<Result<Vec<_>, Error>>()?;
        self.route.respond_sequence(responses);
        Ok(self)
    }

    /// `value` as the operation answers it: its success status, and JSON,
    /// or no body at all for an operation that answers without one (`()`,
    /// which serialises as `null`).
    fn ok_response(&self, value: &T) -> Result<MockResponse, Error> {
        let body = serde_json::to_vec(value).map_err(|e| {
            Error::InvalidArgument(format!("cannot serialise the mock response: {e}"))
        })?;
        let status = self.route.route.status;
        Ok(if body == b"null" {
            MockResponse::empty(status)
        } else {
            MockResponse::json_bytes(status, body)
        })
    }
}

impl<T: DeserializeOwned, B> TypedRoute<T, B> {
    /// The operation's success value as the mock serves it by default: the
    /// spec's example (repaired where it lacks required fields), decoded
    /// the way the client decodes a response. Change a field and serve it
    /// with [`TypedRoute::respond_ok`].
    ///
    /// Fails for an operation whose spec gives no example of a body it
    /// declares (`utilities_v1_open_apiv3`, whose answer is the spec).
    pub fn example(&self) -> Result<T, Error> {
        let example = self.route.route.example.unwrap_or("");
        crate::body::decode::<T>(
            self.operation.method_name,
            &Bytes::from_static(example.as_bytes()),
        )
        .map_err(|error| match self.route.route.example {
            None => Error::InvalidArgument(format!(
                "the spec gives no example of the response of {}",
                self.operation.method_name
            )),
            Some(_) => error,
        })
    }
}

impl<T, B: DeserializeOwned> TypedRoute<T, B> {
    /// The body of the most recent request, decoded into the operation's
    /// request body type, as the client sent it. Fails when no request has
    /// arrived yet, or when its body is not of that type (the error names
    /// the JSON path, as a response's decode error does).
    pub fn last_body(&self) -> Result<B, Error> {
        let request = self.route.last_request().ok_or_else(|| {
            Error::InvalidArgument(format!(
                "no request has reached {} yet",
                self.operation.method_name
            ))
        })?;
        self.decode_body(&request)
    }

    /// Every request's body, oldest first, decoded as
    /// [`TypedRoute::last_body`] decodes one; fails at the first that does
    /// not decode.
    pub fn bodies(&self) -> Result<Vec<B>, Error> {
        self.route
            .requests()
            .iter()
            .map(|request| self.decode_body(request))
            .collect()
    }

    fn decode_body(&self, request: &MockRequest) -> Result<B, Error> {
        crate::body::decode::<B>(self.operation.method_name, &request.body)
    }
}

impl MockApi {
    /// The typed handle on the operation whose generated method is
    /// `method_name`; called only by the generated methods, whose names
    /// come from the same spec as the mock's routes.
    pub(crate) fn typed<T, B>(&self, method_name: &'static str) -> TypedRoute<T, B> {
        let route = self.on(method_name).unwrap_or_else(|_| {
            unreachable!("the mock's routes and its typed handles come from one spec")
        });
        let operation = route
            .operation()
            .unwrap_or_else(|| unreachable!("an operation's route knows its operation"));
        TypedRoute {
            route,
            operation,
            types: PhantomData,
        }
    }
}

/// Turns the `mock_handles! {…}` call build.rs appends to the generated
/// client into one method per operation on [`MockApi`], named like the
/// client's, returning its [`TypedRoute`].
macro_rules! mock_handles {
    ($($name:ident => ($response:ty, $body:ty)),* $(,)?) => {
        impl crate::mock::MockApi {$(
            #[doc = concat!(
                "The typed handle on [`Client::", stringify!($name), "`](crate::Client::",
                stringify!($name), "): serve its success type, count its calls, read the ",
                "bodies it was sent. See [`TypedRoute`](crate::mock::TypedRoute)."
            )]
            pub fn $name(&self) -> crate::mock::TypedRoute<$response, $body> {
                self.typed(stringify!($name))
            }
        )*}
    };
}
pub(crate) use mock_handles;
