//! The commands, as the CLI arranges them: one per operation of the
//! library's operation catalog (`incidentio::catalog`), named for people
//! (`incidents-v2 list`). Everything about an operation (parameters, body,
//! pagination, replay key, deprecation) comes from the catalog: the CLI has
//! no reading of the spec of its own.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use incidentio::catalog::{self, OperationInfo, ParamStyle};
use serde_json::Value;

use crate::schema::simplify;

/// The whole table: one entry per operation, and the services' one-line
/// descriptions.
#[derive(Debug)]
pub struct Table {
    /// Service command name → the first line of its tag's description.
    pub services: BTreeMap<String, String>,
    /// Every operation, sorted by service and action.
    pub operations: Vec<Op>,
    /// The short names (`incidents`), derived from the services: see
    /// [`aliases`].
    pub aliases: Vec<Alias>,
}

/// A service's name without its version, as people say it: `incidents`
/// runs `incidents-v2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The short name, such as `incidents`.
    pub name: String,
    /// The versioned service command it runs, such as `incidents-v2`.
    pub service: String,
    /// Older versions that are current too (some operation not
    /// deprecated), such as `alert-routes-v2` beside `alert-routes-v3`:
    /// the alias passes over them, and `--help` says so.
    pub also_current: Vec<String>,
}

/// One operation, as a command.
#[derive(Debug)]
pub struct Op {
    /// The catalog's entry.
    pub info: &'static OperationInfo,
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
#[derive(Debug)]
pub struct Param {
    /// The wire name, such as `status_category`.
    pub name: String,
    /// `path` or `query`.
    pub location: String,
    /// The JSON type of the value.
    pub kind: String,
    /// Whether it must be given.
    pub required: bool,
    /// The allowed values, if the spec lists them.
    pub enum_values: Option<Vec<Value>>,
    /// The spec's description.
    pub description: String,
    /// 0: a plain value; 1: a deepObject operator filter (`name[op]=v`);
    /// 2: a filter keyed by an ID (`name[id][op]=v`).
    pub deep: u8,
    /// The catalog's parameter (its example is parsed only when asked).
    pub info: &'static catalog::Parameter,
}

/// A JSON request body. Its schema and example are parsed from the catalog
/// only when a command needs them (to check a body, or for `describe`), so
/// start-up does not parse every operation's schema.
#[derive(Debug)]
pub struct Body {
    /// Whether the spec requires one.
    pub required: bool,
    /// The body field the API de-duplicates a create on, if any: the CLI
    /// generates one when it is missing.
    pub replay_key: Option<&'static str>,
    /// The catalog's body.
    pub info: catalog::RequestBody,
}

impl Body {
    /// The catalog's self-contained JSON Schema of the body.
    pub fn json_schema(&self) -> Value {
        self.info.schema()
    }

    /// The simplified schema (`type`, `enum`, `properties`, `required`,
    /// `items`) the CLI validates against.
    pub fn schema(&self) -> Value {
        simplify(&self.json_schema())
    }

    /// The spec's example body.
    pub fn example(&self) -> Value {
        self.info.example().unwrap_or(Value::Null)
    }
}

impl Param {
    /// The flag name, such as `status-category`.
    pub fn flag(&self) -> String {
        self.name.replace('_', "-")
    }

    /// The spec's example value (none for filters: it describes the
    /// object).
    pub fn example(&self) -> Value {
        match (self.deep, self.info.example()) {
            (0, Some(example)) => example,
            _ => Value::Null,
        }
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

/// The table, built once from the catalog.
pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build)
}

fn build() -> Table {
    let mut operations: Vec<Op> = catalog::operations().iter().map(op).collect();
    operations.sort_by(|a, b| (&a.service, &a.action).cmp(&(&b.service, &b.action)));
    let services = catalog::services()
        .iter()
        .map(|s| (s.feature.to_owned(), s.description.to_owned()))
        .collect();
    let aliases = aliases(catalog::services(), &operations);
    Table {
        services,
        operations,
        aliases,
    }
}

/// The short names, one rule for every service: the services that share a
/// name without their version (`Incidents V1`, `Incidents V2`) form a
/// family; its short name runs the newest version that has an operation
/// not deprecated (a family whose every operation is deprecated gets
/// none, so that a short name never leads to a deprecated command). The
/// short name is the versioned command without its `-vN`, and is skipped
/// when another command already has that name. Derived, not a hand list,
/// so that a new version in the spec moves the alias by itself.
pub fn aliases(services: &[catalog::Service], operations: &[Op]) -> Vec<Alias> {
    let current = |feature: &str| {
        operations
            .iter()
            .any(|o| o.service == feature && !o.deprecated)
    };
    let mut families: BTreeMap<&str, Vec<(u32, &str)>> = BTreeMap::new();
    for service in services {
        if let (base, Some(version)) = service.base_and_version()
            && current(service.feature)
        {
            families
                .entry(base)
                .or_default()
                .push((version, service.feature));
        }
    }
    let taken =
        |name: &str| services.iter().any(|s| s.feature == name) || BUILTIN_COMMANDS.contains(&name);
    let mut out = Vec::new();
    for mut family in families.into_values() {
        family.sort();
        let Some(&(version, newest)) = family.last() else {
            continue;
        };
        let Some(name) = newest.strip_suffix(&format!("-v{version}")) else {
            continue;
        };
        if name.is_empty() || taken(name) {
            continue;
        }
        out.push(Alias {
            name: name.to_owned(),
            service: newest.to_owned(),
            also_current: family[..family.len() - 1]
                .iter()
                .map(|(_, f)| (*f).to_owned())
                .collect(),
        });
    }
    out
}

/// Commands of the CLI's own, which no short name may shadow.
pub const BUILTIN_COMMANDS: [&str; 4] = ["api", "describe", "completions", "whoami"];

/// The versioned service command a name stands for: itself, or the
/// service a short name runs.
pub fn canonical_service(name: &str) -> &str {
    table()
        .aliases
        .iter()
        .find(|a| a.name == name)
        .map_or(name, |a| a.service.as_str())
}

/// The command that runs the operation with id `id`, as `service action`.
pub fn command_of(id: &str) -> Option<String> {
    let info = catalog::by_id(id)?;
    Some(format!("{} {}", info.feature, action_of(info.operation.id)))
}

/// The action command of an operation id: the part after the service, in
/// kebab case (`Catalog V3#ListEntries` → `list-entries`).
pub fn action_of(id: &str) -> String {
    kebab_action(id.split_once('#').map_or(id, |(_, action)| action))
}

fn op(info: &'static OperationInfo) -> Op {
    let operation = info.operation;
    Op {
        info,
        id: operation.id.to_owned(),
        service: info.feature.to_owned(),
        action: action_of(operation.id),
        method: operation.method.to_owned(),
        path: operation.path.to_owned(),
        summary: info.summary.to_owned(),
        description: info.description.to_owned(),
        deprecated: operation.deprecated,
        replacement: info.replacement.and_then(command_of),
        params: info
            .parameters
            .iter()
            .map(|p| {
                let deep = match p.style {
                    ParamStyle::Plain => 0,
                    ParamStyle::KeyedDeepObject => 2,
                    _ => 1,
                };
                Param {
                    name: p.name.to_owned(),
                    location: p.location.as_str().to_owned(),
                    kind: p.json_type.to_owned(),
                    required: p.required,
                    enum_values: (!p.enum_values.is_empty()).then(|| {
                        p.enum_values
                            .iter()
                            .map(|v| Value::String((*v).to_owned()))
                            .collect()
                    }),
                    description: p.description.to_owned(),
                    deep,
                    info: p,
                }
            })
            .collect(),
        body: info.body.map(|b| Body {
            required: b.required,
            replay_key: info.replay_key,
            info: b,
        }),
        paginated: info.pagination.is_some(),
        items: info.pagination.map(|p| p.items_field.to_owned()),
    }
}

/// `ListEntries` → `list-entries`, `ShowIPAllowlist` → `show-ip-allowlist`.
fn kebab_action(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let acronym_end = i > 0
                && chars[i - 1].is_uppercase()
                && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if (prev_lower || acronym_end) && !out.is_empty() {
                out.push('-');
            }
            out.extend(c.to_lowercase());
        } else if c == ' ' || c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}
