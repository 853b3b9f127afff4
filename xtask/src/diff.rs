//! What changed between two specs, as plain data: the report's content
//! before any wording. [`crate::verdict`] judges it and [`crate::render`]
//! writes it out; keeping the three apart lets each be tested alone.
//!
//! Operations are identified by method and path (operationIds get renamed,
//! e.g. `IncidentStatuses V1#List` became `Incident Statuses V1#List`),
//! parameters by location and name, properties by their path inside a
//! component schema (`attributes[].mode`: `[]` is an array's items, `{}` a
//! map's values). Everything is sorted so the report is stable.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

// The build's one reading of the spec, so the report reads it as the build
// does: operations, parameters, `$ref`s, versions, reachable schemas.
use crate::codegen::spec::{
    self as build_spec, OperationRef, collect_schema_refs, component_schemas, resolve,
    schema_ref_name, split_version,
};

use crate::spec::{self, Counts};

/// One operation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct OpRef {
    /// URL path template.
    pub path: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// operationId.
    pub operation_id: String,
    /// Tags (service versions) of the operation.
    pub tags: Vec<String>,
    /// Whether the operation is marked deprecated.
    pub deprecated: bool,
}

/// A tag (service version) that appeared or disappeared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceChange {
    /// The tag, e.g. `Alert Routes V3`.
    pub tag: String,
    /// The service without its version, e.g. `Alert Routes`.
    pub service: String,
    /// The version number, if the tag ends in `V<n>`.
    pub version: Option<u32>,
    /// Other versions of the same service on the other side of the change
    /// (for an added tag: those that already existed; for a removed tag:
    /// those that remain).
    pub other_versions: Vec<String>,
    /// Tags on the other side of the change that carry some of the same
    /// operations (method + path): a tag that was renamed.
    pub same_operations_as: Vec<String>,
    /// Set when every operation of the tag is, on the other side, under
    /// this one other tag: the tag was renamed (from or to it).
    pub renamed: Option<String>,
    /// The tag's operations (on the side where it exists).
    pub operations: Vec<OpRef>,
}

/// A parameter of an operation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Param {
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    /// Parameter name.
    pub name: String,
    /// Whether it is required (on the side where it is listed).
    pub required: bool,
}

/// How an operation present in both specs changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationChange {
    /// The operation as it is in the new spec.
    pub operation: OpRef,
    /// The old operationId, if it changed.
    pub renamed_from: Option<String>,
    /// Whether the rename changes the generated method's name.
    pub method_renamed: bool,
    /// New parameters.
    pub parameters_added: Vec<Param>,
    /// Parameters that are gone.
    pub parameters_removed: Vec<Param>,
    /// Parameters that were optional and are now required.
    pub now_required: Vec<Param>,
    /// Parameters that were required and are now optional.
    pub now_optional: Vec<Param>,
}

/// Values added to and removed from one enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumChange {
    /// `Schema.property` (or `parameter NAME of OPERATION_ID`).
    pub location: String,
    /// The component schema, when the enum is in one.
    pub schema: Option<String>,
    /// Values only in the new spec.
    pub added: Vec<String>,
    /// Values only in the old spec.
    pub removed: Vec<String>,
}

/// Properties added to and removed from a schema present in both specs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PropertyChange {
    /// Component schema name.
    pub schema: String,
    /// Property paths only in the new spec (outermost only).
    pub added: Vec<String>,
    /// Property paths only in the old spec (outermost only).
    pub removed: Vec<String>,
}

/// A property of a request body that callers must now send.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RequiredChange {
    /// Component schema name (or `METHOD path request body` when inline).
    pub schema: String,
    /// Property path.
    pub property: String,
}

/// Everything the report says about two specs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecDiff {
    /// Counts of the old spec.
    pub old: Counts,
    /// Counts of the new spec.
    pub new: Counts,
    /// Whether the two documents are equal as JSON.
    pub identical: bool,
    /// Tags that appeared.
    pub services_added: Vec<ServiceChange>,
    /// Tags that disappeared.
    pub services_removed: Vec<ServiceChange>,
    /// Operations only in the new spec.
    pub operations_added: Vec<OpRef>,
    /// Operations only in the old spec.
    pub operations_removed: Vec<OpRef>,
    /// Operations deprecated in the new spec but not in the old.
    pub newly_deprecated: Vec<OpRef>,
    /// Operations deprecated in the old spec but not in the new.
    pub no_longer_deprecated: Vec<OpRef>,
    /// Operations in both whose id or parameters changed.
    pub operations_changed: Vec<OperationChange>,
    /// Enum values added or removed, by schema and property.
    pub enums: Vec<EnumChange>,
    /// Component schemas only in the new spec.
    pub schemas_added: Vec<String>,
    /// Component schemas only in the old spec.
    pub schemas_removed: Vec<String>,
    /// Properties added or removed in schemas present in both.
    pub properties: Vec<PropertyChange>,
    /// Request-body properties that became required.
    pub newly_required_in_requests: Vec<RequiredChange>,
    /// Schemas named above (removed, or with removed properties or enum
    /// values) that no operation of the old spec reached: the build prunes
    /// them, so they were never Rust types and changing them breaks nothing.
    pub unused_in_old: Vec<String>,
}

impl SpecDiff {
    /// Whether none of the tracked kinds of change happened (the documents
    /// may still differ in descriptions, examples or types).
    pub fn no_tracked_changes(&self) -> bool {
        self.services_added.is_empty()
            && self.services_removed.is_empty()
            && self.operations_added.is_empty()
            && self.operations_removed.is_empty()
            && self.newly_deprecated.is_empty()
            && self.no_longer_deprecated.is_empty()
            && self.operations_changed.is_empty()
            && self.enums.is_empty()
            && self.schemas_added.is_empty()
            && self.schemas_removed.is_empty()
            && self.properties.is_empty()
            && self.newly_required_in_requests.is_empty()
    }
}

/// Compares two parsed specs.
pub fn compare(old: &Value, new: &Value) -> SpecDiff {
    let old_ops = index_operations(old);
    let new_ops = index_operations(new);

    let mut diff = SpecDiff {
        old: spec::counts(old),
        new: spec::counts(new),
        identical: old == new,
        services_added: service_changes(&old_ops, &new_ops),
        services_removed: service_changes(&new_ops, &old_ops),
        operations_added: only_in(&new_ops, &old_ops),
        operations_removed: only_in(&old_ops, &new_ops),
        newly_deprecated: Vec::new(),
        no_longer_deprecated: Vec::new(),
        operations_changed: Vec::new(),
        enums: Vec::new(),
        schemas_added: Vec::new(),
        schemas_removed: Vec::new(),
        properties: Vec::new(),
        newly_required_in_requests: Vec::new(),
        unused_in_old: Vec::new(),
    };

    for (key, new_op) in &new_ops {
        let Some(old_op) = old_ops.get(key) else {
            continue;
        };
        match (old_op.info.deprecated, new_op.info.deprecated) {
            (false, true) => diff.newly_deprecated.push(new_op.info.clone()),
            (true, false) => diff.no_longer_deprecated.push(new_op.info.clone()),
            _ => {}
        }
        if let Some(change) = operation_change(old, old_op, new, new_op) {
            diff.operations_changed.push(change);
        }
        diff.enums
            .extend(parameter_enum_changes(old, old_op, new, new_op));
    }

    let old_schemas = schemas_by_name(old);
    let new_schemas = schemas_by_name(new);
    diff.schemas_added = keys_only_in(&new_schemas, &old_schemas);
    diff.schemas_removed = keys_only_in(&old_schemas, &new_schemas);

    let old_flat: BTreeMap<&str, Flat> = old_schemas
        .iter()
        .map(|(name, schema)| (*name, Flat::of(schema)))
        .collect();
    let new_flat: BTreeMap<&str, Flat> = new_schemas
        .iter()
        .map(|(name, schema)| (*name, Flat::of(schema)))
        .collect();
    for (name, new_schema) in &new_flat {
        let Some(old_schema) = old_flat.get(name) else {
            continue;
        };
        diff.enums
            .extend(enum_changes(old_schema, new_schema, Some(name), |rel| {
                join(name, rel)
            }));
        let added = outermost(keys_only_in(&new_schema.props, &old_schema.props));
        let removed = outermost(keys_only_in(&old_schema.props, &new_schema.props));
        if !added.is_empty() || !removed.is_empty() {
            diff.properties.push(PropertyChange {
                schema: (*name).to_owned(),
                added,
                removed,
            });
        }
    }
    diff.enums.sort_by(|a, b| a.location.cmp(&b.location));

    diff.newly_required_in_requests =
        newly_required_in_requests(old, &old_ops, new, &new_ops, &old_flat, &new_flat);

    let generated = generated_schemas(old);
    let named: BTreeSet<&str> = diff
        .schemas_removed
        .iter()
        .map(String::as_str)
        .chain(
            diff.properties
                .iter()
                .filter(|p| !p.removed.is_empty())
                .map(|p| p.schema.as_str()),
        )
        .chain(
            diff.enums
                .iter()
                .filter(|e| !e.removed.is_empty())
                .filter_map(|e| e.schema.as_deref()),
        )
        .collect();
    diff.unused_in_old = named
        .into_iter()
        .filter(|name| !generated.contains(*name))
        .map(str::to_owned)
        .collect();
    diff
}

/// The component schemas the build turns into Rust types with every feature
/// on (webhook payloads included): the build's own answer, which its
/// `prune_unreachable_schemas` transform keeps.
fn generated_schemas(spec: &Value) -> BTreeSet<String> {
    build_spec::generated_schemas(spec, true)
}

/// An operation with what the comparison needs from its spec.
struct IndexedOp<'a> {
    info: OpRef,
    op: OperationRef<'a>,
}

type OpKey = (String, String);

fn index_operations(spec: &Value) -> BTreeMap<OpKey, IndexedOp<'_>> {
    build_spec::operation_refs(spec)
        .into_iter()
        .map(|op| {
            let info = OpRef {
                path: op.path.to_owned(),
                method: op.method.to_uppercase(),
                operation_id: op.id().to_owned(),
                tags: op.tags().into_iter().map(str::to_owned).collect(),
                deprecated: op.deprecated(),
            };
            (
                (info.path.clone(), info.method.clone()),
                IndexedOp { info, op },
            )
        })
        .collect()
}

fn only_in(these: &BTreeMap<OpKey, IndexedOp>, not: &BTreeMap<OpKey, IndexedOp>) -> Vec<OpRef> {
    these
        .iter()
        .filter(|(key, _)| !not.contains_key(*key))
        .map(|(_, op)| op.info.clone())
        .collect()
}

/// Tags used by `these` operations and not by `other`'s.
fn service_changes(
    other: &BTreeMap<OpKey, IndexedOp>,
    these: &BTreeMap<OpKey, IndexedOp>,
) -> Vec<ServiceChange> {
    let tags_of = |ops: &BTreeMap<OpKey, IndexedOp>| -> BTreeSet<String> {
        ops.values()
            .flat_map(|op| op.info.tags.iter().cloned())
            .collect()
    };
    let other_tags = tags_of(other);
    // A tag on both sides was not renamed, even if it shares operations.
    let other_tags_here = tags_of(these);
    tags_of(these)
        .into_iter()
        .filter(|tag| !other_tags.contains(tag))
        .map(|tag| {
            let (service, version) = split_version(&tag);
            let operations: Vec<OpRef> = these
                .values()
                .filter(|op| op.info.tags.contains(&tag))
                .map(|op| op.info.clone())
                .collect();
            let counterparts: Vec<&IndexedOp> = operations
                .iter()
                .filter_map(|op| other.get(&(op.path.clone(), op.method.clone())))
                .collect();
            let same_operations_as: BTreeSet<String> = counterparts
                .iter()
                .flat_map(|op| op.info.tags.iter().cloned())
                .filter(|t| *t != tag)
                .collect();
            let renamed = (counterparts.len() == operations.len()
                && same_operations_as.len() == 1
                && !other_tags_here
                    .contains(same_operations_as.first().map_or("", String::as_str)))
            .then(|| same_operations_as.first().cloned())
            .flatten();
            ServiceChange {
                service: service.to_owned(),
                version,
                other_versions: other_tags
                    .iter()
                    .filter(|t| version.is_some() && split_version(t).0 == service)
                    .cloned()
                    .collect(),
                same_operations_as: same_operations_as.into_iter().collect(),
                renamed,
                operations,
                tag,
            }
        })
        .collect()
}

fn operation_change(
    old: &Value,
    old_op: &IndexedOp,
    new: &Value,
    new_op: &IndexedOp,
) -> Option<OperationChange> {
    let old_params = parameters(old, old_op);
    let new_params = parameters(new, new_op);
    let param = |(location, name): &(String, String), p: &ParamInfo| Param {
        location: location.clone(),
        name: name.clone(),
        required: p.required,
    };
    let mut change = OperationChange {
        operation: new_op.info.clone(),
        renamed_from: None,
        method_renamed: false,
        parameters_added: Vec::new(),
        parameters_removed: Vec::new(),
        now_required: Vec::new(),
        now_optional: Vec::new(),
    };
    if old_op.info.operation_id != new_op.info.operation_id {
        change.method_renamed = spec::method_name(&old_op.info.operation_id)
            != spec::method_name(&new_op.info.operation_id);
        change.renamed_from = Some(old_op.info.operation_id.clone());
    }
    for (key, p) in &new_params {
        match old_params.get(key) {
            None => change.parameters_added.push(param(key, p)),
            Some(o) if !o.required && p.required => change.now_required.push(param(key, p)),
            Some(o) if o.required && !p.required => change.now_optional.push(param(key, p)),
            Some(_) => {}
        }
    }
    for (key, p) in &old_params {
        if !new_params.contains_key(key) {
            change.parameters_removed.push(param(key, p));
        }
    }
    let unchanged = change.renamed_from.is_none()
        && change.parameters_added.is_empty()
        && change.parameters_removed.is_empty()
        && change.now_required.is_empty()
        && change.now_optional.is_empty();
    (!unchanged).then_some(change)
}

struct ParamInfo<'a> {
    required: bool,
    schema: Option<&'a Value>,
}

/// The parameters of an operation by location and name, as the build
/// reads them ([`build_spec::parameters`]: path-level ones included,
/// `$ref`s resolved).
fn parameters<'a>(
    spec: &'a Value,
    op: &IndexedOp<'a>,
) -> BTreeMap<(String, String), ParamInfo<'a>> {
    build_spec::parameters(spec, &op.op)
        .into_iter()
        .map(|p| {
            let info = ParamInfo {
                required: p.required,
                schema: (!p.schema.is_null()).then_some(p.schema),
            };
            ((p.location.to_owned(), p.name.to_owned()), info)
        })
        .collect()
}

fn parameter_enum_changes(
    old: &Value,
    old_op: &IndexedOp,
    new: &Value,
    new_op: &IndexedOp,
) -> Vec<EnumChange> {
    let old_params = parameters(old, old_op);
    let mut out = Vec::new();
    for (key, p) in parameters(new, new_op) {
        let (Some(new_schema), Some(old_schema)) =
            (p.schema, old_params.get(&key).and_then(|o| o.schema))
        else {
            continue;
        };
        let label = format!("parameter {} of {}", key.1, new_op.info.operation_id);
        out.extend(enum_changes(
            &Flat::of(old_schema),
            &Flat::of(new_schema),
            None,
            |rel| join(&label, rel),
        ));
    }
    out
}

fn schemas_by_name(spec: &Value) -> BTreeMap<&str, &Value> {
    component_schemas(spec)
        .into_iter()
        .flatten()
        .map(|(name, schema)| (name.as_str(), schema))
        .collect()
}

fn keys_only_in<K: Ord + ToString, V, W>(
    these: &BTreeMap<K, V>,
    not: &BTreeMap<K, W>,
) -> Vec<String> {
    these
        .keys()
        .filter(|k| !not.contains_key(*k))
        .map(ToString::to_string)
        .collect()
}

/// A schema flattened into property paths (with required-ness) and the
/// enums found at each path. `$ref`s are not followed: the referenced
/// schema is compared under its own name.
#[derive(Debug, Default)]
struct Flat {
    props: BTreeMap<String, bool>,
    enums: BTreeMap<String, BTreeSet<String>>,
}

impl Flat {
    fn of(schema: &Value) -> Flat {
        let mut flat = Flat::default();
        flat.walk(schema, "");
        flat
    }

    fn walk(&mut self, schema: &Value, at: &str) {
        let Some(obj) = schema.as_object() else {
            return;
        };
        if obj.contains_key("$ref") {
            return;
        }
        if let Some(values) = obj.get("enum").and_then(Value::as_array) {
            self.enums
                .entry(at.to_owned())
                .or_default()
                .extend(values.iter().map(enum_text));
        }
        let required: BTreeSet<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, prop) in obj
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let path = join(at, name);
            *self.props.entry(path.clone()).or_default() |= required.contains(name.as_str());
            self.walk(prop, &path);
        }
        if let Some(items) = obj.get("items") {
            self.walk(items, &format!("{at}[]"));
        }
        if let Some(values) = obj.get("additionalProperties") {
            self.walk(values, &format!("{at}{{}}"));
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for member in obj.get(key).and_then(Value::as_array).into_iter().flatten() {
                self.walk(member, at);
            }
        }
    }
}

fn enum_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn join(at: &str, name: &str) -> String {
    match (at.is_empty(), name.is_empty()) {
        (_, true) => at.to_owned(),
        (true, false) => name.to_owned(),
        (false, false) => format!("{at}.{name}"),
    }
}

/// Enum values added and removed at each path present on both sides,
/// located by `locate(relative path)`.
fn enum_changes(
    old: &Flat,
    new: &Flat,
    schema: Option<&str>,
    locate: impl Fn(&str) -> String,
) -> Vec<EnumChange> {
    new.enums
        .iter()
        .filter_map(|(rel, new_values)| {
            let old_values = old.enums.get(rel)?;
            let added: Vec<String> = new_values.difference(old_values).cloned().collect();
            let removed: Vec<String> = old_values.difference(new_values).cloned().collect();
            (!added.is_empty() || !removed.is_empty()).then(|| EnumChange {
                location: locate(rel),
                schema: schema.map(str::to_owned),
                added,
                removed,
            })
        })
        .collect()
}

/// The property paths enclosing `path`, innermost first
/// (`a[].b.c` → `a[].b`, `a`).
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices()
        .rev()
        .filter(|(_, c)| *c == '.')
        .map(move |(i, _)| path[..i].trim_end_matches(['[', ']', '{', '}']))
}

/// Drops paths inside another path of the list: when an object property is
/// added, its own properties are not news.
fn outermost(paths: Vec<String>) -> Vec<String> {
    let set: BTreeSet<&str> = paths.iter().map(String::as_str).collect();
    paths
        .iter()
        .filter(|p| !ancestors(p).any(|a| set.contains(a)))
        .cloned()
        .collect()
}

fn newly_required_in_requests(
    old: &Value,
    old_ops: &BTreeMap<OpKey, IndexedOp>,
    new: &Value,
    new_ops: &BTreeMap<OpKey, IndexedOp>,
    old_flat: &BTreeMap<&str, Flat>,
    new_flat: &BTreeMap<&str, Flat>,
) -> Vec<RequiredChange> {
    let mut out = BTreeSet::new();
    let mut push_new = |owner: &str, old_schema: &Flat, new_schema: &Flat| {
        for (path, required) in &new_schema.props {
            let was_required = old_schema.props.get(path).copied().unwrap_or(false);
            // Only where the enclosing object already existed: inside a new
            // optional object nothing is forced on existing callers.
            let parent_existed = ancestors(path)
                .next()
                .is_none_or(|parent| old_schema.props.contains_key(parent));
            if *required && !was_required && parent_existed {
                out.insert(RequiredChange {
                    schema: owner.to_owned(),
                    property: path.clone(),
                });
            }
        }
    };

    let mut named: BTreeSet<String> = BTreeSet::new();
    for (key, new_op) in new_ops {
        for schema in request_schemas(new, new_op.op.op) {
            if let Some(name) = schema_ref_name(schema) {
                named.insert(name.to_owned());
                continue;
            }
            // An inline body: compare with the same operation's old body.
            let Some(old_op) = old_ops.get(key) else {
                continue;
            };
            let old_inline = request_schemas(old, old_op.op.op)
                .into_iter()
                .find(|s| schema_ref_name(s).is_none());
            if let Some(old_inline) = old_inline {
                let owner = format!("{} {} request body", key.1, key.0);
                collect_schema_refs(schema, &mut named);
                push_new(&owner, &Flat::of(old_inline), &Flat::of(schema));
            }
        }
    }

    // Every schema reachable from a request body is part of what callers send.
    let seen = build_spec::reachable_from_names(new, named);
    for name in &seen {
        if let (Some(o), Some(n)) = (old_flat.get(name.as_str()), new_flat.get(name.as_str())) {
            push_new(name, o, n);
        }
    }
    out.into_iter().collect()
}

/// The schemas of an operation's request body (every media type).
fn request_schemas<'a>(spec: &'a Value, op: &'a Value) -> Vec<&'a Value> {
    let Some(body) = op.get("requestBody").map(|b| resolve(spec, b)) else {
        return Vec::new();
    };
    body.get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(_, media)| media.get("schema"))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A spec with one operation per `(path, method, operationId, tag,
    /// parameters)` and the given component schemas.
    fn spec(ops: &[(&str, &str, &str, &str, Value)], schemas: Value) -> Value {
        let mut paths = serde_json::Map::new();
        for (path, method, id, tag, params) in ops {
            let item = paths.entry(*path).or_insert_with(|| json!({}));
            item[*method] = json!({
                "operationId": id,
                "tags": [tag],
                "parameters": params,
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreatePayload"}}}},
                "responses": {"200": {"description": "ok"}}
            });
        }
        json!({"openapi": "3.0.3", "paths": paths, "components": {"schemas": schemas}})
    }

    fn old() -> Value {
        spec(
            &[
                (
                    "/v1/things",
                    "get",
                    "Things V1#List",
                    "Things V1",
                    json!([
                        {"name": "page_size", "in": "query", "schema": {"type": "integer"}},
                        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
                        {"name": "gone", "in": "query", "schema": {"type": "string"}}
                    ]),
                ),
                (
                    "/v1/old",
                    "get",
                    "OldThings V1#List",
                    "OldThings V1",
                    json!([]),
                ),
            ],
            json!({
                "CreatePayload": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string"},
                    "owner": {"$ref": "#/components/schemas/Owner"},
                    "labels": {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}}}}
                }},
                "Owner": {"type": "object", "properties": {"id": {"type": "string"}}},
                "Thing": {"type": "object", "properties": {
                    "color": {"type": "string", "enum": ["red", "slate"]},
                    "legacy": {"type": "string"}
                }},
                "Dropped": {"type": "string"}
            }),
        )
    }

    fn new() -> Value {
        spec(
            &[
                (
                    "/v1/things",
                    "get",
                    "Things V1#List",
                    "Things V1",
                    json!([
                        {"name": "page_size", "in": "query", "required": true, "schema": {"type": "integer"}},
                        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc", "random"]}},
                        {"name": "after", "in": "query", "schema": {"type": "string"}}
                    ]),
                ),
                (
                    "/v1/old",
                    "get",
                    "Old Things V1#List",
                    "Old Things V1",
                    json!([]),
                ),
                (
                    "/v2/things",
                    "get",
                    "Things V2#List",
                    "Things V2",
                    json!([]),
                ),
            ],
            json!({
                "CreatePayload": {"type": "object", "required": ["name", "owner"], "properties": {
                    "name": {"type": "string"},
                    "owner": {"$ref": "#/components/schemas/Owner"},
                    "labels": {"type": "array", "items": {"type": "object", "required": ["value"], "properties": {
                        "key": {"type": "string"}, "value": {"type": "string"}
                    }}},
                    "extra": {"type": "object", "required": ["inner"], "properties": {"inner": {"type": "string"}}}
                }},
                "Owner": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                "Thing": {"type": "object", "properties": {
                    "color": {"type": "string", "enum": ["red", "cyan"]}
                }},
                "Added": {"type": "string"}
            }),
        )
    }

    #[test]
    fn identical_specs_have_no_changes() {
        let diff = compare(&old(), &old());
        assert!(diff.identical);
        assert!(diff.no_tracked_changes());
    }

    #[test]
    fn services_and_operations() {
        let diff = compare(&old(), &new());
        let tags: Vec<_> = diff.services_added.iter().map(|s| s.tag.as_str()).collect();
        assert_eq!(tags, ["Old Things V1", "Things V2"]);
        let v2 = &diff.services_added[1];
        assert_eq!((v2.service.as_str(), v2.version), ("Things", Some(2)));
        assert_eq!(v2.other_versions, ["Things V1"]);
        assert_eq!(v2.renamed, None);
        assert_eq!(
            diff.services_added[0].renamed.as_deref(),
            Some("OldThings V1")
        );
        assert_eq!(
            diff.services_removed[0].renamed.as_deref(),
            Some("Old Things V1")
        );
        assert_eq!(diff.operations_added.len(), 1);
        assert!(diff.operations_removed.is_empty());
    }

    #[test]
    fn parameters_and_renames() {
        let diff = compare(&old(), &new());
        let [renamed, things] = diff.operations_changed.as_slice() else {
            panic!("{:#?}", diff.operations_changed);
        };
        assert_eq!(renamed.renamed_from.as_deref(), Some("OldThings V1#List"));
        assert!(!renamed.method_renamed, "the method name ignores spaces");
        let names = |ps: &[Param]| ps.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&things.parameters_added), ["after"]);
        assert_eq!(names(&things.parameters_removed), ["gone"]);
        assert_eq!(names(&things.now_required), ["page_size"]);
    }

    #[test]
    fn enums_schemas_and_properties() {
        let diff = compare(&old(), &new());
        let locations: Vec<_> = diff.enums.iter().map(|e| e.location.as_str()).collect();
        assert_eq!(
            locations,
            ["Thing.color", "parameter sort of Things V1#List"]
        );
        assert_eq!(diff.enums[0].added, ["cyan"]);
        assert_eq!(diff.enums[0].removed, ["slate"]);
        assert_eq!(diff.schemas_added, ["Added"]);
        assert_eq!(diff.schemas_removed, ["Dropped"]);
        let create = diff
            .properties
            .iter()
            .find(|p| p.schema == "CreatePayload")
            .unwrap();
        // `extra.inner` is inside the new `extra`: only `extra` is news.
        assert_eq!(create.added, ["extra", "labels[].value"]);
        let thing = diff
            .properties
            .iter()
            .find(|p| p.schema == "Thing")
            .unwrap();
        assert_eq!(thing.removed, ["legacy"]);
    }

    #[test]
    fn newly_required_in_request_bodies_follows_refs() {
        let diff = compare(&old(), &new());
        let required: Vec<String> = diff
            .newly_required_in_requests
            .iter()
            .map(|r| format!("{}.{}", r.schema, r.property))
            .collect();
        // `extra` is optional, so its required `inner` forces nothing on
        // existing callers; `Owner` is reached from the body through a $ref.
        assert_eq!(
            required,
            [
                "CreatePayload.labels[].value",
                "CreatePayload.owner",
                "Owner.id"
            ]
        );
    }

    #[test]
    fn changes_to_schemas_no_operation_reached_are_not_breaking() {
        let diff = compare(&old(), &new());
        // Neither is referenced from `paths`: the build prunes them.
        assert_eq!(diff.unused_in_old, ["Dropped", "Thing"]);
        let verdict = crate::verdict::assess(&diff, Some("0.3.1"));
        assert_eq!(verdict.level, crate::verdict::Level::Breaking);
        let breaking = verdict.breaking.join("\n");
        assert!(
            breaking.contains("1 parameter(s) removed: gone of Things V1#List"),
            "{breaking}"
        );
        assert!(
            breaking.contains("1 parameter(s) now required: page_size"),
            "{breaking}"
        );
        assert!(
            breaking.contains("request-body property(ies) now required"),
            "{breaking}"
        );
        for unused in ["Dropped", "Thing.legacy", "Thing.color"] {
            assert!(!breaking.contains(unused), "{unused} in {breaking}");
        }
    }

    #[test]
    fn version_suffixes() {
        assert_eq!(split_version("Incidents V3"), ("Incidents", Some(3)));
        assert_eq!(split_version("Utilities"), ("Utilities", None));
        assert_eq!(split_version("Vendor V"), ("Vendor V", None));
    }

    #[test]
    fn ancestors_strip_array_and_map_markers() {
        assert_eq!(ancestors("a[].b{}.c").collect::<Vec<_>>(), ["a[].b", "a"]);
        assert_eq!(
            outermost(vec!["a".into(), "a.b".into(), "c[].d".into()]),
            ["a", "c[].d"]
        );
    }
}
