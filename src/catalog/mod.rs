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
//!
//! // Arguments to a request, checked before anything is sent.
//! let request = create
//!     .request(serde_json::json!({"body": {"name": "DB slow", "visibility": "public"}}).as_object().unwrap())
//!     .expect("valid arguments");
//! assert_eq!(request.generated_key.as_ref().map(|k| k.field), Some("idempotency_key"));
//! let refused = create.request(serde_json::json!({"body": {"visibility": "sideways"}}).as_object().unwrap());
//! assert_eq!(refused.unwrap_err().argument, "body.visibility");
//! # }
//! ```

mod arguments;
mod body_schema;

pub use arguments::{ArgumentError, GeneratedKey, OperationRequest};

use serde_json::{Map, Value, json};

use crate::Operation;

/// The catalog as the build writes it: operations and services. Reached
/// through [`operations`] and [`services`].
#[derive(Debug)]
pub(crate) struct Catalog {
    /// Every operation, in the order of [`crate::OPERATIONS`].
    pub(crate) operations: &'static [OperationInfo],
    /// Every service (API tag) with operations.
    pub(crate) services: &'static [Service],
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
    /// The tag without its version (the build's reading of the tag, so
    /// the library never splits it a second way).
    pub(crate) base: &'static str,
    /// The tag's version, when it ends in one.
    pub(crate) version: Option<u32>,
}

impl Service {
    /// The service's name without its version and its version, when the
    /// tag ends in one: `Incidents V2` → (`Incidents`, `Some(2)`).
    pub fn base_and_version(&self) -> (&'static str, Option<u32>) {
        (self.base, self.version)
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
    /// Path, query and header parameters, path-level ones included.
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
    /// The success response's shape as JSON text; parsed by
    /// [`OperationInfo::response_shape`].
    pub response_shape_json: Option<&'static str>,
}

impl OperationInfo {
    /// Builds this operation's request from a JSON object of arguments,
    /// checked before anything is sent: the parameters by name (path,
    /// query and header alike), a deepObject filter as an operator map
    /// (`{"one_of": ["live"]}`), the body under [`BODY_PROPERTY`]. A
    /// missing, unknown, mistyped or out-of-enum argument, or a body its
    /// schema refuses, is an [`ArgumentError`] naming the argument
    /// (`body.severity_id`). A create the API de-duplicates gets its key
    /// generated when the body lacks it, and the result says so
    /// ([`OperationRequest::generated_key`]). The command line, its
    /// `--each` lines and its MCP server all build their requests here, so
    /// the same arguments make the same request whichever way they came.
    ///
    /// ```no_run
    /// # async fn run(client: incidentio::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use incidentio::catalog;
    /// use serde_json::json;
    ///
    /// let list = catalog::by_id("Incidents V2#List").expect("in the spec");
    /// let arguments = json!({"page_size": 25, "status_category": {"one_of": ["live", "learning"]}});
    /// let request = list.request(arguments.as_object().expect("an object"))?;
    /// let page: serde_json::Value = request.to_raw(&client).send().await?.json()?;
    /// # Ok(()) }
    /// ```
    pub fn request(
        &'static self,
        arguments: &Map<String, Value>,
    ) -> Result<OperationRequest, ArgumentError> {
        arguments::build(self, arguments)
    }

    /// Whether calling it only reads: the one rule every front end uses to
    /// tell reads from writes (a read-only MCP server, say).
    pub fn is_read(&self) -> bool {
        self.operation.is_read()
    }

    /// The shape of the JSON success response, for choosing fields before
    /// the first call: each property by name, an array as a list of its
    /// item's shape, a leaf as its type (`"string (date-time)"`,
    /// `"enum: a|b"`), objects a few levels down as `"object"`. `None`
    /// when the response has no JSON body.
    pub fn response_shape(&self) -> Option<Value> {
        self.response_shape_json.map(parse_embedded)
    }

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
    /// In a header, such as an alert source's own `authorization` secret,
    /// which replaces the API key on that request. Its value may be a
    /// secret: it is never shown.
    Header,
}

impl Location {
    /// `path`, `query` or `header`, as the spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
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

/// One path, query or header parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Parameter {
    /// The wire name, such as `status_category`.
    pub name: &'static str,
    /// Path, query or header.
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
    /// The spec's example as JSON text; parsed by [`Parameter::example`].
    pub example_json: Option<&'static str>,
    /// The parameter's schema as JSON text; parsed by [`Parameter::schema`].
    pub schema_json: &'static str,
}

impl Parameter {
    /// The parameter's schema, self-contained.
    pub fn schema(&self) -> Value {
        parse_embedded(self.schema_json)
    }

    /// The spec's example as JSON.
    pub fn example(&self) -> Option<Value> {
        self.example_json.map(parse_embedded)
    }

    /// The JSON type of an array parameter's items (`string` when the
    /// spec says none); the parameter's own type otherwise.
    pub fn item_type(&self) -> &'static str {
        if self.json_type != "array" {
            return self.json_type;
        }
        match self.schema()["items"]["type"].as_str() {
            Some("integer") => "integer",
            Some("number") => "number",
            Some("boolean") => "boolean",
            _ => "string",
        }
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
    /// The schema as JSON text; parsed by [`RequestBody::schema`].
    pub schema_json: &'static str,
    /// The spec's example body as JSON text; parsed by
    /// [`RequestBody::example`].
    pub example_json: Option<&'static str>,
}

impl RequestBody {
    /// The body's JSON Schema, self-contained: every `$ref` of the spec
    /// resolved, recursive types under `$defs`.
    pub fn schema(&self) -> Value {
        parse_embedded(self.schema_json)
    }

    /// The compact view of the schema a body is checked against by
    /// [`OperationInfo::request`]: `type`, `enum`, `properties`,
    /// `required`, `items` (and `additional` where other properties are
    /// allowed), `allOf` merged, a few levels deep. Smaller than
    /// [`RequestBody::schema`], for showing a person what to fill in.
    pub fn compact_schema(&self) -> Value {
        body_schema::compact(&self.schema())
    }

    /// The spec's example body.
    pub fn example(&self) -> Option<Value> {
        self.example_json.map(parse_embedded)
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
