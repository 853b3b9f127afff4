//! Code generation shared by `build.rs` and `cargo xtask`: spec in, Rust out.
//!
//! The layout says what each piece reads and writes:
//!
//! | folder / file | reads | writes |
//! |---|---|---|
//! | [`spec`] | the spec | answers: the one reading of the spec |
//! | [`context`] | spec answers | [`Context`]: the answers every step is handed, read once |
//! | [`transforms`] | the spec (and the context) | the spec, reshaped for progenitor |
//! | progenitor (here) | the transformed spec | a syntax tree |
//! | [`passes`] | the syntax tree (and the context) | the syntax tree |
//! | [`markdown`] | text | text (the spec's Markdown made rustdoc-safe) |
//! | [`emit`] | the context | Rust source text appended to the client |
//! | [`test_outputs`] | the context, pass results | files only the crate's tests include |
//!
//! [`PIPELINE`] is the table of every step, in the order [`generate_with`]
//! runs it: its name, what it reads and the function itself (one signature
//! per kind: [`transforms::Transform`] on the JSON, progenitor, a
//! [`passes::TokenPass`] on its tokens, the parse, [`passes::Pass`] on the
//! syntax tree, [`emit::Emit`] from the context), and the option that
//! turns it on. The build report
//! (`codegen-report.txt`) has a line per step that ran, in the table's
//! order.
//!
//! `build.rs` and `xtask` include this directory with `#[path]` so that the
//! validation done by `cargo xtask refresh-spec` is exactly the generation the
//! crate's build performs, never a copy of it; the unit tests beside every
//! transform, pass and emitter run in xtask's test build (`cargo test -p
//! xtask`), never in a user's.

#![allow(
    dead_code,
    reason = "each includer uses a different part of this module"
)]

pub mod context;
pub mod emit;
pub mod markdown;
pub mod passes;
pub mod spec;
pub mod test_outputs;
pub mod transforms;

use std::fmt;
use std::path::Path;

use proc_macro2::TokenStream;
use serde::Deserialize;
use serde_json::Value;

pub use context::{Context, Outputs};

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
    /// What each step did, in the order they ran.
    pub report: Vec<ReportLine>,
    /// Files for the crate's own tests, `(file name, contents)`, when
    /// [`Options::test_outputs`] asks for them: `operation_types.rs`
    /// (`operation_types! { method => SuccessType, … }`),
    /// `list_operations.rs` (`list_operations! { method => Builder, … }`)
    /// and `conformance_calls.rs` (a call per operation from the spec's
    /// examples). The library never includes them.
    pub test_files: Vec<(&'static str, String)>,
    /// Number of operations in the spec (all of them are generated).
    pub operations: usize,
    /// Number of component schemas in the spec as published.
    pub schemas: usize,
}

impl Generated {
    /// The report as text, one `name: touched` line per step that ran.
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
    if spec::component_schemas(spec).is_none() {
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
    /// Write the files only the crate's own tests include (see
    /// [`Generated::test_files`]): this workspace's builds, never a user's.
    pub test_outputs: bool,
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
            test_outputs: true,
        }
    }
}

/// Runs the whole pipeline on a parsed spec, generating everything.
pub fn generate(spec: Value) -> Result<Generated, CodegenError> {
    generate_with(spec, &Options::default())
}

/// What a step reads, and the function that runs it: one signature per
/// kind.
#[derive(Clone, Copy)]
pub enum Run {
    /// The spec's JSON as transformed so far, reshaped in place.
    Transform(transforms::Transform),
    /// The transformed spec, turned into tokens (progenitor).
    Generate(fn(&Value) -> Result<TokenStream, CodegenError>),
    /// progenitor's tokens, before they are parsed: whole items cut.
    Tokens(passes::TokenPass),
    /// The tokens, parsed into the syntax tree.
    Parse(fn(TokenStream) -> Result<syn::File, CodegenError>),
    /// The syntax tree, after the passes before this one.
    Pass(passes::Pass),
    /// The context only: writes text into the outputs.
    Emit(emit::Emit),
}

/// Where a run of the pipeline is: the spec's JSON, then progenitor's
/// tokens, then the syntax tree. Each kind of step needs one stage.
enum Stage {
    Json,
    Tokens(TokenStream),
    Tree(syn::File),
}

/// The option that turns a step on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Every run.
    Always,
    /// Only some services are enabled ([`Options::services`]).
    SomeServices,
    /// [`Options::webhooks`].
    Webhooks,
    /// [`Options::mock`].
    Mock,
    /// [`Options::catalog`].
    Catalog,
    /// [`Options::tolerant_enums`].
    TolerantEnums,
    /// [`Options::test_outputs`].
    TestOutputs,
}

impl When {
    /// Whether `options` turn the step on.
    pub fn holds(self, options: &Options) -> bool {
        match self {
            When::Always => true,
            When::SomeServices => options.services.is_some(),
            When::Webhooks => options.webhooks,
            When::Mock => options.mock,
            When::Catalog => options.catalog,
            When::TolerantEnums => options.tolerant_enums,
            When::TestOutputs => options.test_outputs,
        }
    }
}

/// One row of [`PIPELINE`].
#[derive(Clone, Copy)]
pub struct Step {
    /// The function's name, as in the source and the build report.
    pub name: &'static str,
    /// What it reads, and the function.
    pub run: Run,
    /// The option that turns it on.
    pub when: When,
}

const fn step(name: &'static str, run: Run, when: When) -> Step {
    Step { name, run, when }
}

/// Every step of [`generate_with`], in the order it runs: transforms on
/// the JSON, then progenitor, then the passes on its syntax tree; emitters
/// read only the context, so they may stand anywhere, and stand where
/// their text goes in the generated file. Steps whose option is off are
/// skipped; the order never changes.
#[rustfmt::skip]
pub const PIPELINE: &[Step] = &[
    // Tables read from the context: every service (compiled or not), then
    // the enabled services alone.
    step("services_table", Run::Emit(emit::services_table), When::Always),
    step("select_services", Run::Transform(transforms::select_services), When::SomeServices),
    step("webhook_event_lists", Run::Emit(emit::webhooks::webhook_event_lists), When::Webhooks),
    step("mock_operation_table", Run::Emit(emit::mock::operation_table), When::Mock),
    // Transforms: what progenitor cannot take as published.
    step("deep_object_query_params", Run::Transform(transforms::deep_object_query_params), When::Always),
    step("strip_string_patterns", Run::Transform(transforms::strip_string_patterns), When::Always),
    step("prune_unreachable_schemas", Run::Transform(transforms::prune_unreachable_schemas), When::Always),
    step("tolerant_enum_properties", Run::Transform(transforms::tolerant_enum_properties), When::TolerantEnums),
    // progenitor generates; what need not be parsed is cut; then the
    // syntax passes.
    step("progenitor", Run::Generate(run_progenitor), When::Always),
    step("prune_response_builders", Run::Tokens(passes::builders::prune_response_builders), When::Always),
    step("parse", Run::Parse(parse_generated), When::Always),
    step("route_deep_object_params", Run::Pass(passes::deep_objects::route_deep_object_params), When::Always),
    step("mark_deprecated_operations", Run::Pass(passes::deprecations::mark_deprecated_operations), When::Always),
    step("fence_doc_code_blocks", Run::Pass(passes::doc_markdown::fence_doc_code_blocks), When::Always),
    step("document_builder_parameters", Run::Pass(passes::parameter_docs::document_builder_parameters), When::Always),
    step("typed_send_errors", Run::Pass(passes::typed_send::typed_send_errors), When::Always),
    step("remove_unconfigured_constructor", Run::Pass(passes::constructor::remove_unconfigured_constructor), When::Always),
    step("operation_table", Run::Pass(passes::operation_table::operation_table), When::Always),
    step("compiling_doc_examples", Run::Pass(passes::doc_examples::compiling_doc_examples), When::Always),
    step("escape_doc_links_and_urls", Run::Pass(passes::doc_markdown::escape_doc_links_and_urls), When::Always),
    step("compact_struct_deserialize", Run::Pass(passes::deserialize::compact_struct_deserialize), When::Always),
    step("paginate_list_operations", Run::Pass(passes::paginate::paginate_list_operations), When::Always),
    // Text written from the context and the passes' outputs.
    step("operation_catalog", Run::Emit(emit::catalog::operation_catalog), When::Catalog),
    step("mock_typed_handles", Run::Emit(emit::mock::mock_typed_handles), When::Mock),
    // Files for the crate's own tests.
    step("operation_types", Run::Emit(test_outputs::operation_types), When::TestOutputs),
    step("list_operations", Run::Emit(test_outputs::list_operations), When::TestOutputs),
    step("conformance_calls", Run::Emit(test_outputs::conformance::conformance_calls), When::TestOutputs),
];

/// Runs the whole pipeline on a parsed spec with the given options: the
/// context read once, then every step of [`PIPELINE`] its options turn on,
/// in order.
pub fn generate_with(spec: Value, options: &Options) -> Result<Generated, CodegenError> {
    validate_shape(&spec)?;
    let ctx = Context::new(&spec, options);
    let mut working = spec.clone();
    let mut stage = Stage::Json;
    let mut outputs = Outputs::default();
    let mut report = Vec::new();
    for step in PIPELINE.iter().filter(|step| step.when.holds(options)) {
        let out_of_order = || CodegenError::PostProcess {
            what: format!(
                "step `{}` is out of order in build/mod.rs's PIPELINE: it cannot read what the \
                 steps before it left",
                step.name
            ),
        };
        let touched = match (step.run, &mut stage) {
            (Run::Transform(transform), Stage::Json) => transform(&mut working, &ctx),
            (Run::Generate(generate), Stage::Json) => {
                let tokens = generate(&working)?;
                let items = passes::tokens::items(tokens.clone()).len();
                stage = Stage::Tokens(tokens);
                items
            }
            (Run::Tokens(pass), Stage::Tokens(tokens)) => pass(tokens, &ctx, &mut outputs)?,
            (Run::Parse(parse), Stage::Tokens(tokens)) => {
                let file = parse(std::mem::take(tokens))?;
                let builders = passes::operation_builders(&file);
                stage = Stage::Tree(file);
                builders
            }
            (Run::Pass(pass), Stage::Tree(file)) => pass(file, &ctx, &mut outputs)?,
            (Run::Emit(emit), _) => emit(&ctx, &mut outputs),
            _ => return Err(out_of_order()),
        };
        report.push(ReportLine {
            name: step.name,
            touched,
        });
    }
    let Stage::Tree(file) = stage else {
        return Err(CodegenError::PostProcess {
            what: "PIPELINE ends before the generated code is parsed".into(),
        });
    };
    Ok(Generated {
        // The feature tables go into the one generated file, so the crate
        // still has a single `include!` of generated code.
        code: prettyplease::unparse(&file) + &outputs.appended,
        test_files: outputs.test_files,
        report,
        operations: spec::operation_refs(&spec).len(),
        schemas: spec::component_schemas(&spec).map_or(0, |s| s.len()),
    })
}

/// progenitor's generator (builder interface) on the transformed spec
/// (reported as the number of top-level items it generated).
pub fn run_progenitor(spec: &Value) -> Result<TokenStream, CodegenError> {
    // Read from the borrowed document: no copy of the whole spec.
    let openapi = openapiv3::OpenAPI::deserialize(spec).map_err(|e| CodegenError::NotOpenApi {
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
    generator
        .generate_tokens(&openapi)
        .map_err(|e| CodegenError::Generator {
            what: one_line(&e.to_string()),
        })
}

/// progenitor's tokens parsed into the syntax tree the passes rewrite
/// (reported as the number of operation builders in it).
pub fn parse_generated(tokens: TokenStream) -> Result<syn::File, CodegenError> {
    syn::parse2(tokens).map_err(|e| CodegenError::Generator {
        what: format!("generated tokens do not parse: {e}"),
    })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipeline_names_are_unique() {
        let mut names: Vec<&str> = PIPELINE.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PIPELINE.len());
    }

    #[test]
    fn transforms_then_progenitor_then_token_passes_then_parse_then_passes() {
        let kinds: String = PIPELINE
            .iter()
            .filter_map(|s| match s.run {
                Run::Transform(_) => Some('t'),
                Run::Generate(_) => Some('g'),
                Run::Tokens(_) => Some('k'),
                Run::Parse(_) => Some('r'),
                Run::Pass(_) => Some('p'),
                Run::Emit(_) => None,
            })
            .collect();
        let shape = kinds
            .trim_start_matches('t')
            .trim_end_matches('p')
            .replace('k', "");
        assert_eq!(shape, "gr", "{kinds}");
    }

    #[test]
    fn options_turn_steps_off_but_never_reorder_them() {
        let all = Options::default();
        let user = Options {
            services: Some(Default::default()),
            webhooks: false,
            mock: false,
            catalog: false,
            test_outputs: false,
            ..Options::default()
        };
        let on = |options: &Options| -> Vec<&str> {
            PIPELINE
                .iter()
                .filter(|s| s.when.holds(options))
                .map(|s| s.name)
                .collect()
        };
        let everything = on(&all);
        let users = on(&user);
        assert!(users.contains(&"select_services") && !everything.contains(&"select_services"));
        for off in [
            "webhook_event_lists",
            "mock_operation_table",
            "operation_catalog",
            "operation_types",
            "list_operations",
            "conformance_calls",
        ] {
            assert!(everything.contains(&off) && !users.contains(&off), "{off}");
        }
        let common: Vec<&str> = everything
            .iter()
            .copied()
            .filter(|n| users.contains(n))
            .collect();
        let users_common: Vec<&str> = users
            .iter()
            .copied()
            .filter(|n| everything.contains(n))
            .collect();
        assert_eq!(common, users_common);
    }

    #[test]
    fn a_spec_with_no_operations_generates_and_reports_each_step() {
        let spec = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {}},
        });
        // progenitor generates a client with no methods; the passes that
        // expect generated items fail loudly, naming what they missed.
        let error = generate(spec).unwrap_err().to_string();
        assert!(
            error.contains("no generated send() methods found"),
            "{error}"
        );
    }
}
