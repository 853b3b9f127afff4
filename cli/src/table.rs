//! The commands, as the CLI arranges them: one per operation of the
//! library's operation catalog (`incidentio::catalog`), named for people
//! (`incidents-v2 list`). Everything about an operation (parameters, body,
//! pagination, replay key, deprecation) comes from the catalog: the CLI has
//! no reading of the spec of its own.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use incidentio::catalog::{self, OperationInfo, ParamStyle};
use serde_json::Value;

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

/// One operation, as a command: the catalog's entry and the names the
/// command line gives it. Everything else about the operation is read from
/// the catalog entry itself.
#[derive(Debug)]
pub struct Op {
    /// The catalog's entry.
    pub info: &'static OperationInfo,
    /// The action command, such as `list`.
    pub action: String,
    /// A name the action was known by before (`ping#1`), still accepted.
    pub old_action: Option<String>,
    /// The command to use instead of a deprecated one, such as
    /// `catalog-v3 list-entries`.
    pub replacement: Option<String>,
}

impl Op {
    /// The service command, such as `incidents-v2`.
    pub fn service_command(&self) -> &'static str {
        self.info.feature
    }

    /// The spec's operationId, such as `Incidents V2#List`.
    pub fn id(&self) -> &'static str {
        self.info.operation.id
    }

    /// Whether the spec marks it deprecated.
    pub fn deprecated(&self) -> bool {
        self.info.operation.deprecated
    }

    /// The page size a list gets on the command line when its spec
    /// requires one and none is given: the largest the spec allows, as the
    /// library's own walks choose.
    pub fn default_page_size(&self) -> Option<u64> {
        let pagination = self.info.pagination?;
        let param = self.info.parameter(pagination.page_size_param)?;
        param
            .required
            .then_some(pagination.max_page_size.unwrap_or(DEFAULT_PAGE_SIZE))
    }
}

/// The page size of a list whose spec requires one but gives no maximum.
const DEFAULT_PAGE_SIZE: u64 = 25;

/// The flag of a parameter (`status-category`), before any `param-`
/// prefix (see `commands::flag_name`).
pub fn flag(param: &catalog::Parameter) -> String {
    param.name.replace('_', "-")
}

/// The spec's example value of a parameter (none for filters: it describes
/// the object).
pub fn param_example(param: &catalog::Parameter) -> Value {
    match (param.style, param.example()) {
        (ParamStyle::Plain, Some(example)) => example,
        _ => Value::Null,
    }
}

/// The table, built once from the catalog.
pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build)
}

fn build() -> Table {
    let mut operations: Vec<Op> = catalog::operations().iter().map(op).collect();
    name_shared_actions(&mut operations);
    let replacements: Vec<Option<String>> = operations
        .iter()
        .map(|o| {
            let id = o.info.replacement?;
            let to = operations.iter().find(|r| r.id() == id)?;
            Some(format!("{} {}", to.service_command(), to.action))
        })
        .collect();
    for (op, replacement) in operations.iter_mut().zip(replacements) {
        op.replacement = replacement;
    }
    operations
        .sort_by(|a, b| (a.service_command(), &a.action).cmp(&(b.service_command(), &b.action)));
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
            .any(|o| o.service_command() == feature && !o.deprecated())
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
pub const BUILTIN_COMMANDS: [&str; 5] = ["api", "describe", "completions", "whoami", "oncall"];

/// The versioned service command a name stands for: itself, or the
/// service a short name runs.
pub fn canonical_service(name: &str) -> &str {
    table()
        .aliases
        .iter()
        .find(|a| a.name == name)
        .map_or(name, |a| a.service.as_str())
}

/// The action command of an operation id: the part after the service, in
/// kebab case (`Catalog V3#ListEntries` → `list-entries`).
pub fn action_of(id: &str) -> String {
    kebab_action(id.split_once('#').map_or(id, |(_, action)| action))
}

fn op(info: &'static OperationInfo) -> Op {
    Op {
        info,
        action: action_of(info.operation.id),
        old_action: None,
        replacement: None,
    }
}

/// Operations of one service that the spec gives the same name
/// (`Heartbeat V2#Ping` and `Heartbeat V2#Ping#1`) are told apart in
/// words people can type: the one without a number keeps the name, the
/// others add their method (`ping-get`), and their number when even that
/// is taken. The name with `#` stays accepted.
fn name_shared_actions(operations: &mut [Op]) {
    let taken: Vec<(&'static str, String)> = operations
        .iter()
        .map(|o| (o.service_command(), o.action.clone()))
        .collect();
    for op in operations.iter_mut() {
        let Some((base, number)) = op.action.split_once('#') else {
            continue;
        };
        let (base, number) = (base.to_owned(), number.to_owned());
        let is_taken = |name: &str| {
            taken
                .iter()
                .any(|(s, a)| *s == op.service_command() && a == name)
        };
        let by_method = format!("{base}-{}", op.info.operation.method.to_ascii_lowercase());
        let action = if is_taken(&by_method) {
            format!("{by_method}-{number}")
        } else {
            by_method
        };
        op.old_action = Some(std::mem::replace(&mut op.action, action));
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
