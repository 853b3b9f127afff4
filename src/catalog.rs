//! Every operation of the API described at run time: the operation catalog
//! (feature `catalog`).
//!
//! The build reads the spec once and generates both the client and this
//! catalog from the same answers, so what the catalog says an operation
//! takes is what its generated builder takes: parameters (name, location,
//! JSON type, enum values, filter style, description, example), the request
//! body as a self-contained JSON Schema, the success type, pagination, the
//! field the API de-duplicates a create on, deprecation and its
//! replacement. The command line builds every command from it, and tools of
//! your own (an agent's tool list, a form, a linter of API calls) can too.
//!
//! Off by default: a service that only calls the API pays nothing for it.
//!
//! ```
//! # #[cfg(feature = "catalog")] {
//! use incidentio::catalog;
//!
//! // Every operation that filters on `status`.
//! let filtering: Vec<&str> = catalog::operations()
//!     .iter()
//!     .filter(|op| op.parameters.iter().any(|p| p.name == "status"))
//!     .map(|op| op.operation.id)
//!     .collect();
//! assert!(filtering.contains(&"Incidents V2#List"));
//!
//! let create = catalog::by_method_name("incidents_v2_create").expect("in the spec");
//! let body = create.body.as_ref().expect("a create takes a body");
//! assert_eq!(body.schema()["type"], "object");
//! assert_eq!(create.operation.idempotency_key, Some("idempotency_key"));
//! # }
//! ```

use serde_json::{Map, Value, json};

use crate::Operation;

/// The catalog: operations and services. Reach it through [`operations`]
/// and [`services`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Catalog {
    /// Every operation, in the order of [`crate::OPERATIONS`].
    pub operations: &'static [OperationInfo],
    /// Every service (API tag) with operations.
    pub services: &'static [Service],
}

/// Every operation of the spec this crate was built from, sorted by method
/// name, entry for entry as [`crate::OPERATIONS`].
pub fn operations() -> &'static [OperationInfo] {
    crate::generated::CATALOG.operations
}

/// Every service (API tag) with operations, sorted by tag.
pub fn services() -> &'static [Service] {
    crate::generated::CATALOG.services
}

/// The operation whose generated method is `name` (`incidents_v2_list`).
pub fn by_method_name(name: &str) -> Option<&'static OperationInfo> {
    operations()
        .iter()
        .find(|op| op.operation.method_name == name)
}

/// The operation whose spec id is `id` (`Incidents V2#List`).
pub fn by_id(id: &str) -> Option<&'static OperationInfo> {
    operations().iter().find(|op| op.operation.id == id)
}

/// One API service: a tag of the spec, such as `Incidents V2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Service {
    /// The tag, such as `Incidents V2`.
    pub tag: &'static str,
    /// The Cargo feature that compiles its operations (`incidents-v2`),
    /// also its command on the command line.
    pub feature: &'static str,
    /// The first line of the tag's description in the spec.
    pub description: &'static str,
}

impl Service {
    /// The service's name without its version and its version, when the
    /// tag ends in one: `Incidents V2` → (`Incidents`, `Some(2)`).
    pub fn base_and_version(&self) -> (&'static str, Option<u32>) {
        match self.tag.rsplit_once(" V") {
            Some((base, version)) => match version.parse() {
                Ok(v) => (base, Some(v)),
                Err(_) => (self.tag, None),
            },
            None => (self.tag, None),
        }
    }
}

/// One operation, described.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct OperationInfo {
    /// Id, generated method name, HTTP method, path template, tags,
    /// deprecation and idempotency field: the entry of
    /// [`crate::OPERATIONS`].
    pub operation: &'static Operation,
    /// The service (tag) it belongs to.
    pub service: &'static str,
    /// The Cargo feature that compiles it.
    pub feature: &'static str,
    /// The spec's one-line summary.
    pub summary: &'static str,
    /// The spec's description (Markdown), the filter syntax included.
    pub description: &'static str,
    /// Path and query parameters, path-level ones included.
    pub parameters: &'static [Parameter],
    /// The JSON request body, if it takes one.
    pub body: Option<RequestBody>,
    /// The name of the generated success type (in [`crate::types`]), `None`
    /// when the success response has no JSON body.
    pub response_type: Option<&'static str>,
    /// How to walk its pages, for a paginated list.
    pub pagination: Option<Pagination>,
    /// For a deprecated operation, the id of the one that replaces it.
    pub replacement: Option<&'static str>,
    /// The body field the API de-duplicates this create on (the same as
    /// `operation.idempotency_key`).
    pub replay_key: Option<&'static str>,
}

impl OperationInfo {
    /// The parameter called `name`.
    pub fn parameter(&self, name: &str) -> Option<&'static Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// Everything the operation takes as one JSON Schema object: each path
    /// and query parameter a property (deepObject filters as objects of
    /// operator → value), the body under `body`, required ones listed, any
    /// recursive definitions of the body under `$defs`. The shape an agent
    /// tool's `inputSchema` takes.
    pub fn input_schema(&self) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for p in self.parameters {
            let mut schema = p.schema();
            if let Value::Object(map) = &mut schema
                && !p.description.is_empty()
            {
                map.entry("description")
                    .or_insert_with(|| Value::String(p.description.to_owned()));
            }
            properties.insert(p.name.to_owned(), schema);
            if p.required {
                required.push(Value::String(p.name.to_owned()));
            }
        }
        let mut defs = None;
        if let Some(body) = &self.body {
            let mut schema = body.schema();
            if let Value::Object(map) = &mut schema {
                defs = map.remove("$defs");
            }
            properties.insert(BODY_PROPERTY.to_owned(), schema);
            if body.required {
                required.push(Value::String(BODY_PROPERTY.to_owned()));
            }
        }
        let mut schema = json!({
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        });
        if let Some(defs) = defs {
            schema["$defs"] = defs;
        }
        schema
    }
}

/// The property of [`OperationInfo::input_schema`] that holds the body.
pub const BODY_PROPERTY: &str = "body";

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// In the path template (`{id}`): always required.
    Path,
    /// In the query string.
    Query,
}

impl Location {
    /// `path` or `query`, as the spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
        }
    }
}

/// How a query parameter's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamStyle {
    /// `name=value`, repeated for an array.
    Plain,
    /// An operator filter: `name[one_of]=A` (see [`crate::filter::Filter`]).
    DeepObject,
    /// A filter keyed by an ID: `name[<id>][one_of]=A`
    /// ([`crate::filter::Filter::keyed`]).
    KeyedDeepObject,
}

/// One path or query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Parameter {
    /// The wire name, such as `status_category`.
    pub name: &'static str,
    /// Path or query.
    pub location: Location,
    /// The JSON type of the value (`string` when the spec says none).
    pub json_type: &'static str,
    /// The spec's `format`, such as `int64` or `date-time`.
    pub format: Option<&'static str>,
    /// Whether it must be given.
    pub required: bool,
    /// The values the spec allows (of the value, or of an array's items);
    /// empty when any value goes.
    pub enum_values: &'static [&'static str],
    /// Plain, or a deepObject filter.
    pub style: ParamStyle,
    /// The spec's description (for filters, the operators accepted).
    pub description: &'static str,
    /// The spec's example, as JSON text.
    pub example: Option<&'static str>,
    /// The parameter's schema as JSON text; see [`Parameter::schema`].
    pub schema: &'static str,
}

impl Parameter {
    /// The parameter's schema, self-contained.
    pub fn schema(&self) -> Value {
        parse_embedded(self.schema)
    }

    /// The spec's example as JSON.
    pub fn example(&self) -> Option<Value> {
        self.example.map(parse_embedded)
    }
}

/// An operation's JSON request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestBody {
    /// Whether the spec requires one.
    pub required: bool,
    /// The generated type of the body (in [`crate::types`]), when the spec
    /// names a component.
    pub type_name: Option<&'static str>,
    /// The schema as JSON text; see [`RequestBody::schema`].
    pub schema: &'static str,
    /// The spec's example body as JSON text.
    pub example: Option<&'static str>,
}

impl RequestBody {
    /// The body's JSON Schema, self-contained: every `$ref` of the spec
    /// resolved, recursive types under `$defs`.
    pub fn schema(&self) -> Value {
        parse_embedded(self.schema)
    }

    /// The spec's example body.
    pub fn example(&self) -> Option<Value> {
        self.example.map(parse_embedded)
    }
}

/// How to walk a paginated list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pagination {
    /// The page's property holding the items, such as `incidents`.
    pub items_field: &'static str,
    /// The generated type of one item.
    pub item_type: &'static str,
    /// The query parameter of the cursor (`after`).
    pub cursor_param: &'static str,
    /// The query parameter of the page size (`page_size`).
    pub page_size_param: &'static str,
    /// The largest page size the spec allows, if it says.
    pub max_page_size: Option<u64>,
}

/// JSON text the build embedded: it wrote it with `serde_json`, so it
/// parses (`null` if it ever did not, never a panic).
fn parse_embedded(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}
