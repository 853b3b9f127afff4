//! The operation table `build.rs` derives from the spec, parsed at start-up.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

/// The whole table: one entry per operation, and the services' one-line
/// descriptions.
#[derive(Debug, Deserialize)]
pub struct Table {
    /// Service command name → the first line of its tag's description.
    pub services: BTreeMap<String, String>,
    /// Every operation, sorted by service and action.
    pub operations: Vec<Op>,
}

/// One operation of the spec.
#[derive(Debug, Deserialize)]
pub struct Op {
    /// The spec's operationId, such as `Incidents V2#List`.
    pub id: String,
    /// The service command, such as `incidents-v2`.
    pub service: String,
    /// The action command, such as `list`.
    pub action: String,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path template, such as `/v2/incidents/{id}`.
    pub path: String,
    /// The spec's summary.
    pub summary: String,
    /// The spec's description.
    pub description: String,
    /// Whether the spec marks it deprecated.
    pub deprecated: bool,
    /// The command to use instead, such as `catalog-v3 list-entries`.
    pub replacement: Option<String>,
    /// Path and query parameters.
    pub params: Vec<Param>,
    /// The JSON request body, if any.
    pub body: Option<Body>,
    /// Whether `--all` can walk its pages.
    pub paginated: bool,
    /// The page's items property, when paginated.
    pub items: Option<String>,
}

/// One path or query parameter.
#[derive(Debug, Deserialize)]
pub struct Param {
    /// The wire name, such as `status_category`.
    pub name: String,
    /// `path` or `query`.
    #[serde(rename = "in")]
    pub location: String,
    /// The JSON type of the value.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether it must be given.
    pub required: bool,
    /// The allowed values, if the spec lists them.
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<Value>>,
    /// The spec's description.
    pub description: String,
    /// 0: a plain value; 1: a deepObject operator filter (`name[op]=v`);
    /// 2: a filter keyed by an ID (`name[id][op]=v`).
    pub deep: u8,
    /// The spec's example value.
    pub example: Value,
}

/// A JSON request body.
#[derive(Debug, Deserialize)]
pub struct Body {
    /// Whether the spec requires one.
    pub required: bool,
    /// The simplified schema (`type`, `enum`, `properties`, `required`,
    /// `items`).
    pub schema: Value,
    /// Whether the body has an `idempotency_key` property.
    pub idempotency_key: bool,
    /// The spec's example body.
    pub example: Value,
}

impl Param {
    /// The flag name, such as `status-category`.
    pub fn flag(&self) -> String {
        self.name.replace('_', "-")
    }

    /// The enum values as strings.
    pub fn enum_strings(&self) -> Vec<String> {
        self.enum_values
            .iter()
            .flatten()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    }
}

/// The table, parsed once.
pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/table.json")))
            .expect("build.rs writes a valid table")
    })
}
