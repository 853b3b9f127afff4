//! Descriptions of the API's operations, as the spec names them.

/// One operation of the incident.io API, as published in the spec.
///
/// progenitor names each generated method after the operation's id in
/// snake case (`Incidents V2#List` → `incidents_v2_list`); this keeps the
/// original id, HTTP method and path template next to it, for tracing, error
/// messages and tooling. The full list is [`crate::OPERATIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Operation {
    /// The spec's `operationId`, such as `Incidents V2#List`.
    pub id: &'static str,
    /// The name of the generated method on [`crate::Client`].
    pub method_name: &'static str,
    /// The HTTP method in upper case, such as `GET`.
    pub method: &'static str,
    /// The path template, such as `/v2/incidents/{id}`.
    pub path: &'static str,
    /// The spec's tags: the API service and version, such as `Incidents V2`.
    pub tags: &'static [&'static str],
    /// Whether the spec marks the operation `deprecated`.
    pub deprecated: bool,
    /// For a create the API de-duplicates, the request-body field it
    /// de-duplicates on, such as `idempotency_key` on an incident create or
    /// `deduplication_key` on an HTTP alert event. A `POST` of such an
    /// operation whose body carries the field is retried like a `PUT` (see
    /// [`crate::RetryPolicy`]). Recognised from the spec's shape at build
    /// time, so a new keyed create needs no hand work.
    pub idempotency_key: Option<&'static str>,
}

impl Operation {
    /// The HTTP method (`GET` for a method the spec names oddly: the
    /// build only writes the methods OpenAPI allows).
    pub fn http_method(&self) -> reqwest::Method {
        reqwest::Method::from_bytes(self.method.as_bytes()).unwrap_or(reqwest::Method::GET)
    }

    /// Whether calling it only reads (`GET` or `HEAD`): the rule a
    /// read-only front end holds writes back by.
    pub fn is_read(&self) -> bool {
        matches!(self.method, "GET" | "HEAD")
    }

    /// Looks up an operation by the name of its generated method.
    pub fn by_method_name(name: &str) -> Option<&'static Operation> {
        crate::OPERATIONS.iter().find(|op| op.method_name == name)
    }
}
