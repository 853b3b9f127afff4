//! Code generation shared by `build.rs` and `cargo xtask`: spec in, Rust out.
//!
//! The layout says what each piece reads and writes:
//!
//! | folder / file | reads | writes |
//! |---|---|---|
//! | [`spec`] | the spec | answers: the one reading of the spec |
//! | [`transforms`] | the spec | the spec, reshaped for progenitor |
//! | progenitor (here) | the transformed spec | a syntax tree |
//! | [`passes`] | the syntax tree (and spec answers) | the syntax tree |
//! | [`markdown`] | text | text (the spec's Markdown made rustdoc-safe) |
//! | [`emit`] | spec answers | Rust source text appended to the client |
//! | [`test_outputs`] | spec answers, pass results | files only the crate's tests include |
//!
//! [`PIPELINE`] lists every step in the order [`generate_with`] runs it,
//! with what it reads; the build report (`codegen-report.txt`) follows it
//! line for line, and a run whose steps stray from the table fails.
//!
//! `build.rs` and `xtask` include this directory with `#[path]` so that the
//! validation done by `cargo xtask refresh-spec` is exactly the generation the
//! crate's build performs, never a copy of it; the unit tests beside the
//! parsers and name mappers run in xtask's test build (`cargo test -p
//! xtask`), never in a user's.

#![allow(
    dead_code,
    reason = "each includer uses a different part of this module"
)]

pub mod emit;
pub mod markdown;
pub mod passes;
pub mod spec;
pub mod test_outputs;
pub mod transforms;

use std::collections::BTreeMap;
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
    for (path, method, op) in spec::operations(paths) {
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
    /// The service features enabled (see [`spec::service_feature`]);
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
    /// Generate the run-time operation catalog (the crate's `catalog`
    /// feature).
    pub catalog: bool,
}

impl Default for Options {
    /// Everything: what validation of a new spec must prove generates.
    fn default() -> Self {
        Self {
            services: None,
            tolerant_enums: true,
            webhooks: true,
            mock: true,
            catalog: true,
        }
    }
}

/// Runs the whole pipeline on a parsed spec, generating everything.
pub fn generate(spec: Value) -> Result<Generated, CodegenError> {
    generate_with(spec, &Options::default())
}

/// What a pipeline step reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The spec as published (after `validate_shape`).
    RawSpec,
    /// The spec after the transforms before this step.
    TransformedSpec,
    /// progenitor's syntax tree, after the passes before this step.
    SyntaxTree,
    /// Answers of the spec queries (and pass results): the step writes text.
    Text,
}

/// Every step of [`generate_with`], in the order it runs, with what it
/// reads. Optional steps (service selection, tolerant enums, the feature
/// tables) are skipped when their option is off; the order never changes.
pub const PIPELINE: &[(&str, Input)] = &[
    // Read from the spec as published: every service, then the client's.
    ("services_table", Input::Text),
    ("select_services", Input::RawSpec),
    ("webhook_event_lists", Input::Text),
    ("mock_operation_table", Input::Text),
    // Transforms: what progenitor cannot take as published.
    ("deep_object_query_params", Input::TransformedSpec),
    ("strip_string_patterns", Input::TransformedSpec),
    ("prune_unreachable_schemas", Input::TransformedSpec),
    ("tolerant_enum_properties", Input::TransformedSpec),
    // progenitor generates; then the syntax passes.
    ("route_deep_object_params", Input::SyntaxTree),
    ("mark_deprecated_operations", Input::SyntaxTree),
    ("fence_doc_code_blocks", Input::SyntaxTree),
    ("document_builder_parameters", Input::SyntaxTree),
    ("typed_send_errors", Input::SyntaxTree),
    ("remove_unconfigured_constructor", Input::SyntaxTree),
    ("operation_table", Input::SyntaxTree),
    ("compiling_doc_examples", Input::SyntaxTree),
    ("escape_doc_links_and_urls", Input::SyntaxTree),
    ("prune_response_builders", Input::SyntaxTree),
    ("compact_struct_deserialize", Input::SyntaxTree),
    ("paginate_list_operations", Input::SyntaxTree),
    // Text written from the spec answers and the passes' results.
    ("operation_catalog", Input::Text),
    ("mock_typed_handles", Input::Text),
];

/// Runs the whole pipeline on a parsed spec with the given options, step by
/// step as [`PIPELINE`] lists them.
pub fn generate_with(mut spec: Value, options: &Options) -> Result<Generated, CodegenError> {
    validate_shape(&spec)?;
    let operations = spec::operation_refs(&spec).len();
    let schemas = spec["components"]["schemas"]
        .as_object()
        .map_or(0, |s| s.len());
    let mut report = Vec::new();
    let mut line = |name: &'static str, touched: usize| report.push(ReportLine { name, touched });
    let mut appended = String::new();

    // The spec as published, narrowed to the enabled services: every spec
    // answer the passes and emitters use is read here, before the
    // transforms reshape parameters for progenitor.
    // `SERVICES` lists every service, compiled or not: the features table
    // of Cargo.toml is held to it.
    appended.push_str(&emit::services_table(&spec));
    line("services_table", spec::service_tags(&spec).len());
    if let Some(enabled) = &options.services {
        line(
            "select_services",
            transforms::select_services(&mut spec, enabled),
        );
    }
    if options.webhooks {
        let lists = emit::webhooks::event_lists(&spec);
        line("webhook_event_lists", lists.lines().count());
        appended.push_str(&lists);
    }
    if options.mock {
        let mock = emit::mock::operation_table(&spec);
        line("mock_operation_table", spec::operation_refs(&spec).len());
        appended.push_str(&mock);
    }
    let mock_bodies = options.mock.then(|| emit::mock::body_types(&spec));
    let ops = spec_operations(&spec);
    let lists = spec::pagination::list_operations(&spec);
    let catalog = options
        .catalog
        .then(|| emit::catalog::entries(&spec, &lists));

    let applied = transforms::apply_all(&mut spec, options.webhooks, options.tolerant_enums);
    for entry in &applied.report {
        line(entry.name, entry.touched);
    }
    let conformance_calls = test_outputs::conformance::calls(&spec);
    let request_types = passes::builders::request_types(&spec);

    let mut file = run_progenitor(&spec)?;

    let by_method_name: BTreeMap<String, passes::SpecOperation> = ops
        .iter()
        .map(|op| (spec::method_name(&op.id), op.clone()))
        .collect();
    let mut success_types = BTreeMap::new();
    line(
        "route_deep_object_params",
        passes::deep_objects::route_deep_object_params(
            &mut file,
            &by_method_name,
            &applied.deep_object_params,
        )?,
    );
    line(
        "mark_deprecated_operations",
        passes::deprecations::mark_deprecated_operations(&mut file, &ops)?,
    );
    line(
        "fence_doc_code_blocks",
        passes::doc_markdown::fence_doc_code_blocks(&mut file),
    );
    line(
        "document_builder_parameters",
        passes::parameter_docs::document_builder_parameters(&mut file, &spec),
    );
    line(
        "typed_send_errors",
        passes::typed_send::typed_send_errors(&mut file, &mut success_types)?,
    );
    line(
        "remove_unconfigured_constructor",
        passes::constructor::remove_unconfigured_constructor(&mut file)?,
    );
    line(
        "operation_table",
        passes::operation_table::operation_table(&mut file, &by_method_name)?,
    );
    line(
        "compiling_doc_examples",
        passes::doc_examples::compiling_doc_examples(&mut file, &spec)?,
    );
    line(
        "escape_doc_links_and_urls",
        passes::doc_markdown::escape_doc_links_and_urls(&mut file),
    );
    line(
        "prune_response_builders",
        passes::builders::prune_response_builders(&mut file, &request_types)?,
    );
    let (compacted, deserialize_impls) = passes::deserialize::compact_struct_deserialize(&mut file);
    line("compact_struct_deserialize", compacted);
    appended.push_str(&deserialize_impls);
    let paginated = passes::paginate::paginate_list_operations(&mut file, &lists)?;
    line("paginate_list_operations", paginated.len());

    if let Some(catalog) = &catalog {
        appended.push_str(&emit::catalog::render(catalog, &success_types));
        line("operation_catalog", catalog.entries.len());
    }
    if let Some(bodies) = &mock_bodies {
        appended.push_str(&emit::mock::typed_handles(&success_types, bodies));
        line("mock_typed_handles", success_types.len());
    }
    check_pipeline_order(&report)?;

    Ok(Generated {
        // The feature tables go into the one generated file, so the crate
        // still has a single `include!` of generated code.
        code: prettyplease::unparse(&file) + &appended,
        operation_types: test_outputs::operation_types_macro_call(&success_types),
        list_operations: test_outputs::list_operations_macro_call(&paginated),
        conformance_calls,
        report,
        operations,
        schemas,
    })
}

/// progenitor's generator (builder interface) on the transformed spec.
fn run_progenitor(spec: &Value) -> Result<syn::File, CodegenError> {
    let openapi: openapiv3::OpenAPI =
        serde_json::from_value(spec.clone()).map_err(|e| CodegenError::NotOpenApi {
            what: e.to_string(),
        })?;
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        // Per-client state (retry policy, pacer, last rate limit) that the
        // hand-written hooks in `src/hooks.rs` read; `Expected` makes a
        // missing hooks impl a compile error rather than a silent no-op.
        .with_inner_type(quote::quote!(crate::hooks::ClientState))
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
    syn::parse2(tokens).map_err(|e| CodegenError::Generator {
        what: format!("generated tokens do not parse: {e}"),
    })
}

/// The operations as the passes need them, read through the spec queries.
fn spec_operations(spec: &Value) -> Vec<passes::SpecOperation> {
    let refs = spec::operation_refs(spec);
    let deprecations: Vec<(&str, bool)> =
        refs.iter().map(|op| (op.id(), op.deprecated())).collect();
    refs.iter()
        .map(|op| passes::SpecOperation {
            id: op.id().to_owned(),
            method: op.method.to_uppercase(),
            path: op.path.to_owned(),
            tags: op.tags().into_iter().map(str::to_owned).collect(),
            deprecated: op.deprecated(),
            replay_key: spec::replay::replay_key(spec, op).map(str::to_owned),
            replacement: op
                .deprecated()
                .then(|| spec::replacement(op.id(), &deprecations))
                .flatten()
                .map(str::to_owned),
        })
        .collect()
}

/// Fails when the steps that ran are not in [`PIPELINE`]'s order, so the
/// table cannot drift from the code.
fn check_pipeline_order(report: &[ReportLine]) -> Result<(), CodegenError> {
    let mut table = PIPELINE.iter().map(|(name, _)| *name);
    for step in report {
        if !table.any(|name| name == step.name) {
            return Err(CodegenError::PostProcess {
                what: format!(
                    "step `{}` ran out of the order of build/mod.rs's PIPELINE table",
                    step.name
                ),
            });
        }
    }
    Ok(())
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipeline_names_are_unique() {
        let mut names: Vec<&str> = PIPELINE.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PIPELINE.len());
    }

    #[test]
    fn steps_out_of_order_are_refused() {
        let line = |name| ReportLine { name, touched: 0 };
        assert!(check_pipeline_order(&[line("select_services"), line("operation_table")]).is_ok());
        assert!(check_pipeline_order(&[line("operation_table"), line("select_services")]).is_err());
        assert!(check_pipeline_order(&[line("not_a_step")]).is_err());
    }
}
