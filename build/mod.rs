//! Code generation shared by `build.rs` and `cargo xtask`: spec in, Rust out.
//!
//! The pipeline is: parse the JSON spec, apply the [`transforms`] that make it
//! acceptable to progenitor and shape the types we want, run progenitor's
//! generator (builder interface), apply the [`postprocess`] passes to the
//! generated syntax tree, and pretty-print the result.
//!
//! `build.rs` and `xtask` include this directory with `#[path]` so that the
//! validation done by `cargo xtask refresh-spec` is exactly the generation the
//! crate's build performs, never a copy of it.

#![allow(
    dead_code,
    reason = "each includer uses a different part of this module"
)]

pub mod builders;
pub mod conformance;
pub mod deserialize;
pub mod doc_examples;
pub mod mock;
pub mod pagination;
pub mod postprocess;
pub mod replay;
pub mod transforms;
pub mod webhooks;

use std::fmt;
use std::path::Path;

use serde_json::Value;

/// Relative path, from the crate root, of the spec the build reads by default.
pub const DEFAULT_SPEC_PATH: &str = "openapi/incident-io.json";

/// Environment variable naming another spec file to build from.
pub const SPEC_ENV_VAR: &str = "INCIDENT_IO_OPENAPI";

/// The command that fetches a spec into place, named in every error about a
/// missing spec.
pub const FETCH_COMMAND: &str = "cargo xtask refresh-spec";

/// Why a spec could not be turned into code. Each variant renders as one line.
#[derive(Debug)]
pub enum CodegenError {
    /// The spec file could not be read.
    Read {
        path: String,
        source: std::io::Error,
    },
    /// The spec is not JSON, or not JSON of the expected shape.
    Json { what: String },
    /// The document is JSON but not an OpenAPI 3.0 document we can use.
    NotOpenApi { what: String },
    /// progenitor refused the (transformed) spec.
    Generator { what: String },
    /// A post-processing pass could not find what it expected in the
    /// generated code: the generator changed in a way this crate must follow.
    PostProcess { what: String },
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodegenError::Read { path, source } => write!(
                f,
                "cannot read the OpenAPI spec {path}: {source} (fetch it with `{FETCH_COMMAND}`, \
                 or point {SPEC_ENV_VAR} at a spec file)"
            ),
            CodegenError::Json { what } => write!(f, "the spec is not valid JSON: {what}"),
            CodegenError::NotOpenApi { what } => {
                write!(f, "the spec is not a usable OpenAPI 3.0 document: {what}")
            }
            CodegenError::Generator { what } => {
                write!(
                    f,
                    "progenitor cannot generate a client from the spec: {what}"
                )
            }
            CodegenError::PostProcess { what } => {
                write!(f, "post-processing the generated code failed: {what}")
            }
        }
    }
}

impl std::error::Error for CodegenError {}

/// One transform or pass and how many spec items or generated items it touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    /// The function's name, as in the source.
    pub name: &'static str,
    /// How many items it changed.
    pub touched: usize,
}

/// Everything one generation run produces.
#[derive(Debug)]
pub struct Generated {
    /// The formatted Rust source of the client.
    pub code: String,
    /// What each transform and pass did, in the order they ran.
    pub report: Vec<ReportLine>,
    /// `operation_types! { method => SuccessType, … }`: one line per
    /// operation, for tests that must name each operation's response type.
    /// Written beside the code; the library never includes it.
    pub operation_types: String,
    /// `list_operations! { method => Builder, … }`: the paginated operations,
    /// for tests. Written beside the code; the library never includes it.
    pub list_operations: String,
    /// `conformance_calls! { … }`: one call per operation with its required
    /// parameters and body from the spec's examples, for the conformance
    /// tests. Written beside the code; the library never includes it.
    pub conformance_calls: String,
    /// Number of operations in the spec (all of them are generated).
    pub operations: usize,
    /// Number of component schemas in the spec as published.
    pub schemas: usize,
}

impl Generated {
    /// The report as text, one `name: touched` line per transform.
    pub fn report_text(&self) -> String {
        let mut out = format!(
            "operations: {}\nschemas (as published): {}\n",
            self.operations, self.schemas
        );
        for line in &self.report {
            out.push_str(&format!("{}: {}\n", line.name, line.touched));
        }
        out
    }
}

/// Reads a spec file into JSON, with errors that name the file.
pub fn read_spec(path: &Path) -> Result<Value, CodegenError> {
    let text = std::fs::read_to_string(path).map_err(|source| CodegenError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse_spec(&text)
}

/// Parses spec text into JSON and checks the few facts every later step
/// relies on, so a wrong document fails here with a message that says why.
pub fn parse_spec(text: &str) -> Result<Value, CodegenError> {
    if text.trim().is_empty() {
        return Err(CodegenError::Json {
            what: "the file is empty".into(),
        });
    }
    let spec: Value = serde_json::from_str(text).map_err(|e| CodegenError::Json {
        what: describe_json_error(text, &e),
    })?;
    validate_shape(&spec)?;
    Ok(spec)
}

fn describe_json_error(text: &str, e: &serde_json::Error) -> String {
    let start = text.trim_start();
    if start.starts_with('<') {
        return format!("it looks like HTML or XML, not JSON ({e})");
    }
    if e.is_eof() {
        return format!("it ends too early, probably truncated ({e})");
    }
    e.to_string()
}

/// Checks that `spec` is an OpenAPI 3.0.x document with paths, component
/// schemas, and an `operationId` on every operation.
pub fn validate_shape(spec: &Value) -> Result<(), CodegenError> {
    let not = |what: String| CodegenError::NotOpenApi { what };
    let Some(root) = spec.as_object() else {
        return Err(not("the top level is not a JSON object".into()));
    };
    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => return Err(not(format!("version {v} is not OpenAPI 3.0.x"))),
        None if root.contains_key("swagger") => {
            return Err(not(
                "it is a Swagger 2.0 document; an OpenAPI 3.0.x spec is required".into(),
            ));
        }
        None => return Err(not("there is no `openapi` version field".into())),
    }
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return Err(not("there is no `paths` object".into()));
    };
    if root
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .is_none()
    {
        return Err(not("there is no `components.schemas` object".into()));
    }
    for (path, method, op) in transforms::operations(paths) {
        if op.get("operationId").and_then(Value::as_str).is_none() {
            return Err(not(format!(
                "{} {path} has no operationId",
                method.to_uppercase()
            )));
        }
    }
    Ok(())
}

/// What to generate beyond the API's operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The service features enabled (see [`transforms::service_feature`]);
    /// `None` generates every service (the crate's `full` feature).
    pub services: Option<std::collections::BTreeSet<String>>,
    /// Generate the types of `x-webhooks` payloads and the lists of webhook
    /// events and audit-log entries (the crate's `webhooks` feature).
    pub webhooks: bool,
    /// Wrap enum fields in `Tolerant<E>` (always, but for measuring what
    /// tolerance costs).
    pub tolerant_enums: bool,
    /// Generate the table of operations and example responses behind the
    /// in-process mock server (the crate's `mock` feature).
    pub mock: bool,
}

impl Default for Options {
    /// Everything: what validation of a new spec must prove generates.
    fn default() -> Self {
        Self {
            services: None,
            tolerant_enums: true,
            webhooks: true,
            mock: true,
        }
    }
}

/// Runs the whole pipeline on a parsed spec, generating everything.
pub fn generate(spec: Value) -> Result<Generated, CodegenError> {
    generate_with(spec, &Options::default())
}

/// Runs the whole pipeline on a parsed spec with the given options.
pub fn generate_with(mut spec: Value, options: &Options) -> Result<Generated, CodegenError> {
    validate_shape(&spec)?;
    let operations = transforms::operations(spec["paths"].as_object().expect("validated")).count();
    let schemas = spec["components"]["schemas"]
        .as_object()
        .map_or(0, |s| s.len());

    let mut appended = services_table(&spec);
    let mut report = Vec::new();
    if let Some(enabled) = &options.services {
        report.push(ReportLine {
            name: "select_services",
            touched: transforms::select_services(&mut spec, enabled),
        });
    }
    if options.webhooks {
        appended.push_str(&webhooks::event_lists(&spec));
    }
    if options.mock {
        appended.push_str(&mock::operation_table(&spec));
    }
    let replay_keys = replay::replay_safe_creates(&spec);
    let applied = transforms::apply_all(&mut spec, options.webhooks, options.tolerant_enums);
    report.extend(applied.report);

    let lists = pagination::list_operations(&spec);
    let conformance_calls = conformance::calls(&spec);
    let request_types = builders::request_types(&spec);

    let openapi: openapiv3::OpenAPI =
        serde_json::from_value(spec).map_err(|e| CodegenError::NotOpenApi {
            what: e.to_string(),
        })?;

    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        // Per-client state (retry policy, pacer, last rate limit) that the
        // hand-written hooks in `src/hooks.rs` read; `Expected` makes a
        // missing hooks impl a compile error rather than a silent no-op.
        .with_inner_type(quote::quote!(crate::hooks::Runtime))
        .with_hooks(progenitor::HooksMode::Expected)
        .with_crate(
            transforms::CRATE_NAME,
            progenitor::CrateVers::Any,
            None::<&String>,
        );
    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&openapi)
        .map_err(|e| CodegenError::Generator {
            what: one_line(&e.to_string()),
        })?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| CodegenError::Generator {
        what: format!("generated tokens do not parse: {e}"),
    })?;

    let passes = postprocess::apply_all(
        &mut file,
        &openapi,
        &applied.deep_object_params,
        &replay_keys,
    )?;
    report.extend(passes.report);
    report.push(ReportLine {
        name: "prune_response_builders",
        touched: builders::prune_response_builders(&mut file, &request_types)?,
    });
    let (compacted, deserialize_impls) = deserialize::compact_struct_deserialize(&mut file);
    report.push(ReportLine {
        name: "compact_struct_deserialize",
        touched: compacted,
    });
    appended.push_str(&deserialize_impls);
    let paginated = pagination::paginate_list_operations(&mut file, &lists)?;
    report.push(ReportLine {
        name: "paginate_list_operations",
        touched: paginated.len(),
    });

    Ok(Generated {
        // The webhook and mock lists go into the one generated file, so the
        // crate still has a single `include!` of generated code.
        code: prettyplease::unparse(&file) + &appended,
        operation_types: operation_types_macro_call(&passes.success_types),
        list_operations: pagination::list_operations_macro_call(&paginated),
        conformance_calls,
        report,
        operations,
        schemas,
    })
}

/// `SERVICES`: every service (tag) of the spec with its Cargo feature, so a
/// test can hold `Cargo.toml`'s `[features]` to the spec.
fn services_table(spec: &Value) -> String {
    let mut out = String::from(
        "/// Every service (API tag) of the spec this crate was built from, with\n\
         /// the Cargo feature that compiles its operations.\n\
         pub const SERVICES: &[(&str, &str)] = &[\n",
    );
    for tag in transforms::service_tags(spec) {
        out.push_str(&format!(
            "    ({tag:?}, {:?}),\n",
            transforms::service_feature(&tag)
        ));
    }
    out.push_str("];\n");
    out
}

fn operation_types_macro_call(types: &std::collections::BTreeMap<String, String>) -> String {
    let mut out = String::from(
        "// Generated by build.rs: each operation's method and success type.\noperation_types! {\n",
    );
    for (method, ty) in types {
        out.push_str(&format!("    {method} => {ty},\n"));
    }
    out.push_str("}\n");
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
