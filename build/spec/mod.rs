//! One reading of the spec: every question the build asks of the OpenAPI
//! document is answered here, and only here.
//!
//! Transforms, syntax passes and emitters (and `xtask`, which includes this
//! directory) call these functions instead of walking the JSON themselves,
//! so the generated client, the run-time operation catalog and the command
//! line built on that catalog cannot read the spec two ways: which methods
//! are operations, how a `$ref` resolves, which parameters an operation
//! takes (path-level ones included), which are deepObject filters, which
//! operation is a list and where its items are, which create the API
//! de-duplicates, what replaces a deprecated operation, which response is
//! the success and which example goes with it, which component schemas a
//! value reaches, how typify names a schema's type, and how services and
//! their versions are named.
//!
//! Nothing here names an operation, tag or schema of today's spec: each
//! answer is recognised from the document's shape.

pub mod examples;
pub mod pagination;
pub mod replay;
pub mod schema;

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase;
use serde_json::{Map, Value};

/// The keys of a path item that hold operations (OpenAPI 3.0).
pub const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// How many `$ref` hops [`resolve`] follows before giving up: enough for
/// any chain a real spec has, and a bound on a cycle of references.
pub const MAX_REF_HOPS: usize = 32;

/// The prefix of a reference to a component schema.
pub const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

/// Iterates over `(path, method, operation)` for every operation in
/// `paths`, methods in [`HTTP_METHODS`] order within a path.
pub fn operations(paths: &Map<String, Value>) -> impl Iterator<Item = (&str, &str, &Value)> {
    paths.iter().flat_map(|(path, item)| {
        HTTP_METHODS
            .iter()
            .filter_map(move |method| item.get(*method).map(|op| (path.as_str(), *method, op)))
    })
}

/// One operation with the path item it sits in (whose `parameters` apply
/// to it too).
#[derive(Debug, Clone, Copy)]
pub struct OperationRef<'a> {
    /// The path template, such as `/v2/incidents/{id}`.
    pub path: &'a str,
    /// The method key, lower case (`get`).
    pub method: &'a str,
    /// The path item object.
    pub path_item: &'a Value,
    /// The operation object.
    pub op: &'a Value,
}

impl<'a> OperationRef<'a> {
    /// The `operationId` (validated present by `validate_shape`).
    pub fn id(&self) -> &'a str {
        self.op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// A string field of the operation, empty when absent.
    pub fn text(&self, field: &str) -> &'a str {
        self.op
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The operation's tags.
    pub fn tags(&self) -> Vec<&'a str> {
        self.op
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    }

    /// The service it belongs to: its first tag, else the part of its id
    /// before `#`.
    pub fn service(&self) -> &'a str {
        self.tags()
            .first()
            .copied()
            .unwrap_or_else(|| self.id().split('#').next().unwrap_or_default())
    }

    /// Whether the spec marks it deprecated.
    pub fn deprecated(&self) -> bool {
        self.op.get("deprecated").and_then(Value::as_bool) == Some(true)
    }
}

/// Every operation of `spec`, with its path item.
pub fn operation_refs(spec: &Value) -> Vec<OperationRef<'_>> {
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    paths
        .iter()
        .flat_map(|(path, item)| {
            HTTP_METHODS.iter().filter_map(move |method| {
                Some(OperationRef {
                    path,
                    method,
                    path_item: item,
                    op: item.get(*method)?,
                })
            })
        })
        .collect()
}

/// Follows local `$ref`s (`#/…` JSON pointers) to what they name, at most
/// [`MAX_REF_HOPS`] hops; a reference that does not resolve is returned as
/// it is.
pub fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..MAX_REF_HOPS {
        let Some(target) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|pointer| spec.pointer(pointer))
        else {
            break;
        };
        value = target;
    }
    value
}

/// How a query parameter's value goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `name=value` (repeated for arrays).
    Plain,
    /// An operator filter, deepObject-style: `name[op]=value`.
    DeepObject,
    /// A filter keyed by an ID: `name[id][op]=value`.
    KeyedDeepObject,
}

/// One path or query (or header) parameter of an operation, resolved.
#[derive(Debug, Clone, Copy)]
pub struct Parameter<'a> {
    /// The wire name.
    pub name: &'a str,
    /// `path`, `query`, `header` or `cookie`.
    pub location: &'a str,
    /// Required: path parameters always are.
    pub required: bool,
    /// The parameter object, `$ref` resolved.
    pub object: &'a Value,
    /// Its schema, `$ref` resolved (`null` when it has none).
    pub schema: &'a Value,
    /// How its value is encoded.
    pub style: ParamStyle,
}

impl<'a> Parameter<'a> {
    /// The JSON type of the value (`string` when the schema says none).
    pub fn json_type(&self) -> &'a str {
        self.schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("string")
    }

    /// The parameter's description, else its schema's.
    pub fn description(&self) -> &'a str {
        self.object
            .get("description")
            .or_else(|| self.schema.get("description"))
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The parameter's example, else its schema's.
    pub fn example(&self) -> Option<&'a Value> {
        self.object
            .get("example")
            .or_else(|| self.schema.get("example"))
    }

    /// The values the spec allows: the schema's `enum`, or its items'.
    pub fn enum_values(&self, spec: &'a Value) -> Option<&'a Vec<Value>> {
        self.schema
            .get("enum")
            .or_else(|| {
                self.schema
                    .get("items")
                    .map(|i| resolve(spec, i))
                    .and_then(|i| i.get("enum"))
            })
            .and_then(Value::as_array)
    }
}

/// The parameters of an operation: the path item's first, then the
/// operation's, an operation-level one replacing a path-level one of the
/// same name and location (OpenAPI's rule); `$ref`s resolved.
pub fn parameters<'a>(spec: &'a Value, op: &OperationRef<'a>) -> Vec<Parameter<'a>> {
    let mut out: Vec<Parameter<'a>> = Vec::new();
    for list in [op.path_item.get("parameters"), op.op.get("parameters")] {
        for raw in list.and_then(Value::as_array).into_iter().flatten() {
            let object = resolve(spec, raw);
            let (Some(name), Some(location)) = (
                object.get("name").and_then(Value::as_str),
                object.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            let schema = object
                .get("schema")
                .map_or(&Value::Null, |s| resolve(spec, s));
            let parameter = Parameter {
                name,
                location,
                required: location == "path"
                    || object.get("required").and_then(Value::as_bool) == Some(true),
                object,
                schema,
                style: param_style(spec, object),
            };
            match out
                .iter_mut()
                .find(|p| p.name == name && p.location == location)
            {
                Some(existing) => *existing = parameter,
                None => out.push(parameter),
            }
        }
    }
    out
}

/// The wire encoding of a parameter object: a query parameter whose schema
/// is an object (published with no `style`, or `style: deepObject`) is an
/// operator filter; one whose `additionalProperties` are objects is keyed
/// by an ID first.
pub fn param_style(spec: &Value, param: &Value) -> ParamStyle {
    if param.get("in").and_then(Value::as_str) != Some("query") {
        return ParamStyle::Plain;
    }
    let schema = param
        .get("schema")
        .map_or(&Value::Null, |s| resolve(spec, s));
    let deep_style = param.get("style").and_then(Value::as_str) == Some("deepObject");
    if !deep_style && schema.get("type").and_then(Value::as_str) != Some("object") {
        return ParamStyle::Plain;
    }
    let keyed = schema
        .get("additionalProperties")
        .map(|a| resolve(spec, a))
        .and_then(|a| a.get("type"))
        .and_then(Value::as_str)
        == Some("object");
    if keyed {
        ParamStyle::KeyedDeepObject
    } else {
        ParamStyle::DeepObject
    }
}

/// An operation's success response.
#[derive(Debug, Clone, Copy)]
pub struct Success<'a> {
    /// Its status code.
    pub status: u16,
    /// Its `application/json` schema, when it has one.
    pub schema: Option<&'a Value>,
    /// The spec's example of it: the media type's, else its schema's
    /// ([`example`]).
    pub example: Option<&'a Value>,
}

/// The success response of `op`: the lowest `2xx` status it declares (a
/// `$ref`ed response resolved), with its JSON schema and example when it
/// has them. One rule for the client's typed success, the catalog's
/// response shape, pagination and the mock's answer, so none can pick a
/// different response than another.
pub fn success<'a>(spec: &'a Value, op: &'a Value) -> Option<Success<'a>> {
    let (status, response) = op
        .get("responses")?
        .as_object()?
        .iter()
        .filter_map(|(code, response)| Some((code.parse::<u16>().ok()?, response)))
        .filter(|(code, _)| (200..300).contains(code))
        .min_by_key(|(code, _)| *code)?;
    let media = resolve(spec, response)
        .get("content")
        .and_then(|c| c.get("application/json"));
    let schema = media.and_then(|m| m.get("schema"));
    Some(Success {
        status,
        schema,
        example: media.and_then(|m| example(spec, m, schema)),
    })
}

/// The schema of the JSON success response ([`success`]).
pub fn json_success_schema<'a>(spec: &'a Value, op: &'a Value) -> Option<&'a Value> {
    success(spec, op)?.schema
}

/// The spec's example of a media type: its own `example`, else its
/// schema's (the `$ref` resolved). Request bodies and responses alike.
pub fn example<'a>(
    spec: &'a Value,
    media: &'a Value,
    schema: Option<&'a Value>,
) -> Option<&'a Value> {
    media
        .get("example")
        .or_else(|| schema.and_then(|s| resolve(spec, s).get("example")))
}

/// An operation's JSON request body.
#[derive(Debug, Clone, Copy)]
pub struct RequestBody<'a> {
    /// Whether the spec requires it.
    pub required: bool,
    /// Its schema as published (usually a `$ref` to a component).
    pub schema: &'a Value,
    /// The spec's example body ([`example`]).
    pub example: Option<&'a Value>,
}

/// The JSON request body of `op`, if it takes one (a `$ref`ed body
/// resolved).
pub fn request_body<'a>(spec: &'a Value, op: &'a Value) -> Option<RequestBody<'a>> {
    let body = resolve(spec, op.get("requestBody")?);
    let media = body.get("content")?.get("application/json")?;
    let schema = media.get("schema").unwrap_or(&Value::Null);
    Some(RequestBody {
        required: body.get("required").and_then(Value::as_bool) == Some(true),
        schema,
        example: example(spec, media, Some(schema)),
    })
}

/// Whether `op` takes a request body of any media type.
pub fn has_request_body(op: &Value) -> bool {
    op.get("requestBody").is_some()
}

/// The component name a schema refers to (`#/components/schemas/X` → `X`).
pub fn schema_ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(SCHEMA_REF_PREFIX))
}

/// A reference to the component schema `name`.
pub fn schema_ref(name: &str) -> String {
    format!("{SCHEMA_REF_PREFIX}{name}")
}

/// The component schemas of `spec`, if it has any.
pub fn component_schemas(spec: &Value) -> Option<&Map<String, Value>> {
    spec.get("components")?.get("schemas")?.as_object()
}

/// The component schema `name`, if `spec` has it.
pub fn component_schema<'a>(spec: &'a Value, name: &str) -> Option<&'a Value> {
    component_schemas(spec)?.get(name)
}

/// A JSON pointer segment: `~` and `/` escaped (RFC 6901).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The Rust type name typify gives the component schema `name` (and the
/// names the build gives the types it hoists, so they read as typify's):
/// every place that names a generated type from the spec calls this, so
/// a typify upgrade that renames is followed in one place.
pub fn type_name(name: &str) -> String {
    name.to_pascal_case()
}

/// Adds the name of every component schema a `$ref` in `value` names,
/// wherever it is (extensions included).
pub fn collect_schema_refs(value: &Value, out: &mut impl Extend<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref"
                    && let Some(name) = v.as_str().and_then(|r| r.strip_prefix(SCHEMA_REF_PREFIX))
                {
                    out.extend([name.to_owned()]);
                }
                collect_schema_refs(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_schema_refs(v, out)),
        _ => {}
    }
}

/// The component schemas reachable from `roots` through `$ref`s,
/// transitively (a name that the spec does not define is still listed).
pub fn reachable_schemas<'a>(
    spec: &Value,
    roots: impl IntoIterator<Item = &'a Value>,
) -> BTreeSet<String> {
    let mut pending = Vec::new();
    for root in roots {
        collect_schema_refs(root, &mut pending);
    }
    reachable_from_names(spec, pending)
}

/// `names` and every component schema they reach through `$ref`s.
pub fn reachable_from_names(
    spec: &Value,
    names: impl IntoIterator<Item = String>,
) -> BTreeSet<String> {
    let mut pending: Vec<String> = names.into_iter().collect();
    let mut reached = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if let Some(schema) = component_schema(spec, &name)
            && !reached.contains(&name)
        {
            collect_schema_refs(schema, &mut pending);
        }
        reached.insert(name);
    }
    reached
}

/// The component schemas the generated code has a type for: those
/// reachable from `paths`, and from `x-webhooks` (event and audit-log
/// payloads) when `webhooks`.
pub fn generated_schemas(spec: &Value, webhooks: bool) -> BTreeSet<String> {
    let webhook_roots = webhooks.then(|| spec.get("x-webhooks")).flatten();
    reachable_schemas(spec, spec.get("paths").into_iter().chain(webhook_roots))
}

/// The component schemas reachable from the JSON request bodies of `ops`:
/// what callers build.
pub fn request_schemas<'a>(
    spec: &'a Value,
    ops: impl IntoIterator<Item = &'a OperationRef<'a>>,
) -> BTreeSet<String> {
    let bodies: Vec<&Value> = ops
        .into_iter()
        .filter_map(|op| request_body(spec, op.op))
        .map(|body| body.schema)
        .collect();
    reachable_schemas(spec, bodies)
}

/// Every tag used by an operation of `spec`, sorted.
pub fn service_tags(spec: &Value) -> BTreeSet<String> {
    operation_refs(spec)
        .iter()
        .flat_map(OperationRef::tags)
        .map(str::to_owned)
        .collect()
}

/// The first line of each tag's description in the spec's `tags` list.
pub fn service_descriptions(spec: &Value) -> BTreeMap<String, String> {
    spec.get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|tag| {
            let name = tag.get("name").and_then(Value::as_str)?;
            let description = tag
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default();
            Some((name.to_owned(), first_line(description).to_owned()))
        })
        .collect()
}

/// The first non-blank line of `text`, trimmed.
pub fn first_line(text: &str) -> &str {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
}

/// The Cargo feature that enables a service (an API tag): `Incidents V2` →
/// `incidents-v2`, `Follow-ups V2` → `follow-ups-v2`. Also the service's
/// command on the command line.
pub fn service_feature(tag: &str) -> String {
    let mut feature = String::new();
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() {
            feature.push(c.to_ascii_lowercase());
        } else if !feature.is_empty() && !feature.ends_with('-') {
            feature.push('-');
        }
    }
    feature.trim_end_matches('-').to_owned()
}

/// Whether an operation with `tags` belongs to the enabled services
/// (`None`: every service): one of its tags' features is enabled. The
/// `select_services` transform removes the others, and the pipeline's
/// answers leave them out by this same rule.
pub fn in_services(tags: &[&str], enabled: Option<&BTreeSet<String>>) -> bool {
    enabled.is_none_or(|enabled| {
        tags.iter()
            .any(|tag| enabled.contains(&service_feature(tag)))
    })
}

/// The name progenitor gives the method of an operationId (and the setter
/// of a parameter). Mirrors `progenitor_impl::util::sanitize(..,
/// Case::Snake)`, which is private; the unit tests pin its behaviour.
pub fn method_name(operation_id: &str) -> String {
    use heck::ToSnakeCase;
    let cleaned = operation_id
        .replace('\'', "")
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-");
    let out = cleaned.to_snake_case();
    match out.chars().next() {
        None => "x".into(),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("_{out}"),
    }
}

/// A tag split into its service and version: `Incidents V3` →
/// (`Incidents`, `Some(3)`); a tag that does not end in ` V<n>` →
/// (the tag, `None`).
pub fn split_version(tag: &str) -> (&str, Option<u32>) {
    tag.rsplit_once(' ')
        .and_then(|(service, last)| Some((service, Some(last.strip_prefix('V')?.parse().ok()?))))
        .unwrap_or((tag, None))
}

/// `"Catalog V2#ListEntries"` → `("Catalog", 2, "ListEntries")`.
pub fn split_versioned_id(id: &str) -> Option<(&str, u32, &str)> {
    let (tag, action) = id.split_once('#')?;
    let (service, version) = split_version(tag);
    Some((service, version?, action))
}

/// The operation that replaces a deprecated one: the same action in the
/// highest later version of the same service that is not itself
/// deprecated. `ops` is `(operationId, deprecated)` of every operation.
pub fn replacement<'a>(id: &str, ops: &[(&'a str, bool)]) -> Option<&'a str> {
    let (service, version, action) = split_versioned_id(id)?;
    ops.iter()
        .filter(|(_, deprecated)| !deprecated)
        .filter_map(|(other, _)| {
            let (s, v, a) = split_versioned_id(other)?;
            (s == service && v > version && a == action).then_some((v, *other))
        })
        .max_by_key(|(v, _)| *v)
        .map(|(_, other)| other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn method_names_follow_progenitor() {
        assert_eq!(method_name("Incidents V2#List"), "incidents_v2_list");
        assert_eq!(method_name("Heartbeat V2#Ping#1"), "heartbeat_v2_ping_1");
        assert_eq!(
            method_name("IP Allowlists V1#Show"),
            "ip_allowlists_v1_show"
        );
        assert_eq!(
            method_name("Catalog V3#ListEntries"),
            "catalog_v3_list_entries"
        );
        assert_eq!(method_name("page_size"), "page_size");
        assert_eq!(method_name("2fa"), "_2fa");
        assert_eq!(method_name(""), "x");
        assert_eq!(method_name("it's"), "its");
    }

    #[test]
    fn service_features_are_kebab_case() {
        assert_eq!(service_feature("Incidents V2"), "incidents-v2");
        assert_eq!(service_feature("Follow-ups V2"), "follow-ups-v2");
        assert_eq!(service_feature("  Status Pages V1 "), "status-pages-v1");
    }

    #[test]
    fn versioned_ids_and_replacements() {
        assert_eq!(
            split_versioned_id("Catalog V2#ListEntries"),
            Some(("Catalog", 2, "ListEntries"))
        );
        assert_eq!(split_versioned_id("Utilities#Identity"), None);
        let ops = [
            ("Catalog V2#ListEntries", true),
            ("Catalog V3#ListEntries", false),
            ("Catalog V4#ListEntries", true),
            ("Catalog V3#ShowEntry", false),
        ];
        assert_eq!(
            replacement("Catalog V2#ListEntries", &ops),
            Some("Catalog V3#ListEntries")
        );
        assert_eq!(replacement("Catalog V3#ShowEntry", &ops), None);
    }

    #[test]
    fn resolve_follows_chains_and_stops_on_cycles() {
        let spec = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/C"},
            "C": {"type": "string"},
            "X": {"$ref": "#/components/schemas/Y"},
            "Y": {"$ref": "#/components/schemas/X"},
        }}});
        let a = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(resolve(&spec, &a), &json!({"type": "string"}));
        let x = json!({"$ref": "#/components/schemas/X"});
        assert!(resolve(&spec, &x).get("$ref").is_some());
        let missing = json!({"$ref": "#/components/schemas/Nope"});
        assert_eq!(resolve(&spec, &missing), &missing);
    }

    #[test]
    fn path_level_parameters_apply_and_are_overridden() {
        let spec = json!({"paths": {"/v1/things/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "schema": {"type": "string"}},
                {"name": "q", "in": "query", "schema": {"type": "string"}},
            ],
            "get": {"operationId": "Things V1#Show", "parameters": [
                {"name": "q", "in": "query", "required": true, "schema": {"type": "integer"}},
                {"name": "status", "in": "query", "schema": {"type": "object"}},
                {"name": "custom_field", "in": "query", "style": "deepObject",
                 "schema": {"type": "object", "additionalProperties": {"type": "object"}}},
            ]},
        }}});
        let ops = operation_refs(&spec);
        let params = parameters(&spec, &ops[0]);
        let summary: Vec<(&str, &str, bool, &str, ParamStyle)> = params
            .iter()
            .map(|p| (p.name, p.location, p.required, p.json_type(), p.style))
            .collect();
        assert_eq!(
            summary,
            [
                ("id", "path", true, "string", ParamStyle::Plain),
                ("q", "query", true, "integer", ParamStyle::Plain),
                ("status", "query", false, "object", ParamStyle::DeepObject),
                (
                    "custom_field",
                    "query",
                    false,
                    "object",
                    ParamStyle::KeyedDeepObject
                ),
            ]
        );
    }

    #[test]
    fn the_success_is_the_lowest_2xx_with_or_without_content() {
        let spec = json!({"components": {
            "responses": {"Created": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}}}}},
            "schemas": {"Thing": {"type": "object", "example": {"id": "x"}}},
        }});
        let op = json!({"responses": {
            "204": {},
            "201": {"$ref": "#/components/responses/Created"},
            "default": {},
        }});
        let found = success(&spec, &op).expect("a 2xx");
        assert_eq!(found.status, 201);
        assert_eq!(
            found.example,
            Some(&json!({"id": "x"})),
            "the schema's example"
        );
        assert_eq!(json_success_schema(&spec, &op), found.schema);
        // The lowest 2xx wins even without content: no JSON success then.
        let op = json!({"responses": {
            "200": {},
            "201": {"content": {"application/json": {"schema": {"type": "object"}}}},
        }});
        assert_eq!(success(&spec, &op).map(|s| s.status), Some(200));
        assert_eq!(json_success_schema(&spec, &op), None);
        assert!(success(&spec, &json!({"responses": {"404": {}}})).is_none());
    }

    #[test]
    fn a_request_example_is_the_media_types_else_the_resolved_schemas() {
        let spec = json!({"components": {
            "requestBodies": {"Body": {"required": true, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Payload"}}}}},
            "schemas": {"Payload": {"type": "object", "example": {"name": "a"}}},
        }});
        let op = json!({"requestBody": {"$ref": "#/components/requestBodies/Body"}});
        let body = request_body(&spec, &op).expect("a body");
        assert!(body.required);
        assert_eq!(schema_ref_name(body.schema), Some("Payload"));
        assert_eq!(body.example, Some(&json!({"name": "a"})));
        let op = json!({"requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Payload"}, "example": {"name": "b"}}}}});
        assert_eq!(
            request_body(&spec, &op).unwrap().example,
            Some(&json!({"name": "b"}))
        );
        assert!(request_body(&spec, &json!({})).is_none());
    }

    #[test]
    fn schema_refs_are_collected_transitively_from_roots() {
        let spec = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "x-webhooks": {"/x-webhooks/e": {"get": {"responses": {"200": {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/W"}}}}}}}},
            "components": {"schemas": {
                "A": {"properties": {"b": {"x-rust-type": {"parameters": [
                    {"$ref": "#/components/schemas/B"}]}}}},
                "B": {"items": {"$ref": "#/components/schemas/A"}},
                "W": {"type": "object"},
                "Unused": {"$ref": "#/components/schemas/A"},
            }},
        });
        let names = |set: BTreeSet<String>| set.into_iter().collect::<Vec<_>>();
        assert_eq!(names(generated_schemas(&spec, false)), ["A", "B"]);
        assert_eq!(names(generated_schemas(&spec, true)), ["A", "B", "W"]);
        assert_eq!(
            names(reachable_from_names(
                &spec,
                ["Unused".to_owned(), "Gone".to_owned()]
            )),
            ["A", "B", "Gone", "Unused"]
        );
        assert_eq!(schema_ref("A"), "#/components/schemas/A");
        assert_eq!(
            component_schema(&spec, "W"),
            Some(&json!({"type": "object"}))
        );
        assert_eq!(escape_pointer("/v1/a~b"), "~1v1~1a~0b");
    }

    #[test]
    fn type_names_and_versions() {
        assert_eq!(type_name("IncidentV2"), "IncidentV2");
        assert_eq!(type_name("incident_v2_mode"), "IncidentV2Mode");
        assert_eq!(type_name("Owner_labels_item"), "OwnerLabelsItem");
        assert_eq!(split_version("Incidents V3"), ("Incidents", Some(3)));
        assert_eq!(split_version("Utilities"), ("Utilities", None));
        assert_eq!(split_version("Vendor V"), ("Vendor V", None));
        assert_eq!(
            split_version("Status Pages V12"),
            ("Status Pages", Some(12))
        );
    }
}
