//! What every step of the pipeline is handed: the spec's answers, read
//! once ([`Context`]), and what the steps produce besides the syntax tree
//! ([`Outputs`]).
//!
//! The answers come from the spec as published, narrowed to the enabled
//! services by the same rule as the `select_services` transform, and are
//! computed before any transform reshapes the JSON for progenitor: a pass
//! or an emitter never sees a parameter rewritten for the generator, and
//! no two steps can read the same fact two ways. Only `build/spec` is
//! asked; this module holds the results.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Options;
use super::spec::{
    self, OperationRef, ParamStyle, Parameter, RequestBody, Success, pagination::ListOperation,
};

/// One operation of an enabled service, with the spec's answers about it.
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    /// Where it is in the spec.
    pub op: OperationRef<'a>,
    /// The `operationId`.
    pub id: &'a str,
    /// The generated method name ([`spec::method_name`]).
    pub method_name: String,
    /// Its parameters, path-level ones included ([`spec::parameters`]).
    pub parameters: Vec<Parameter<'a>>,
    /// Its success response ([`spec::success`]).
    pub success: Option<Success<'a>>,
    /// Its JSON request body ([`spec::request_body`]).
    pub request_body: Option<RequestBody<'a>>,
    /// Its list shape, when it is a paginated list.
    pub list: Option<ListOperation>,
    /// The body property the API de-duplicates it on, if any.
    pub replay_key: Option<&'static str>,
    /// The operation that replaces it, when it is deprecated and has one.
    pub replacement: Option<&'a str>,
}

impl Operation<'_> {
    /// Whether the spec marks it deprecated.
    pub fn deprecated(&self) -> bool {
        self.op.deprecated()
    }
}

/// The spec's answers, computed once by [`Context::new`].
#[derive(Debug)]
pub struct Context<'a> {
    /// The spec as published: every service, nothing transformed.
    pub spec: &'a Value,
    /// What the build was asked to generate.
    pub options: &'a Options,
    /// Every service (tag) of the spec, enabled or not.
    pub all_services: BTreeSet<String>,
    /// The operations of the enabled services, in the spec's order.
    pub operations: Vec<Operation<'a>>,
    /// Index into [`Context::operations`] by generated method name.
    pub by_method_name: BTreeMap<String, usize>,
    /// `(operationId, parameter)` of every deepObject query parameter.
    pub deep_object_params: BTreeSet<(String, String)>,
    /// The generated type names of the component schemas reachable from a
    /// request body: the types callers build.
    pub request_types: BTreeSet<String>,
}

impl<'a> Context<'a> {
    /// Reads every answer the pipeline's steps need from `spec` (as
    /// published), for the services `options` enables.
    pub fn new(spec: &'a Value, options: &'a Options) -> Self {
        let refs: Vec<OperationRef<'a>> = spec::operation_refs(spec)
            .into_iter()
            .filter(|op| spec::in_services(&op.tags(), options.services.as_ref()))
            .collect();
        let deprecations: Vec<(&str, bool)> =
            refs.iter().map(|op| (op.id(), op.deprecated())).collect();
        let operations: Vec<Operation<'a>> = refs
            .iter()
            .map(|op| {
                let parameters = spec::parameters(spec, op);
                Operation {
                    op: *op,
                    id: op.id(),
                    method_name: spec::method_name(op.id()),
                    list: spec::pagination::list_shape(spec, op, &parameters),
                    parameters,
                    success: spec::success(spec, op.op),
                    request_body: spec::request_body(spec, op.op),
                    replay_key: spec::replay::replay_key(spec, op),
                    replacement: op
                        .deprecated()
                        .then(|| spec::replacement(op.id(), &deprecations))
                        .flatten(),
                }
            })
            .collect();
        let by_method_name = operations
            .iter()
            .enumerate()
            .map(|(i, op)| (op.method_name.clone(), i))
            .collect();
        let deep_object_params = operations
            .iter()
            .flat_map(|op| {
                op.parameters
                    .iter()
                    .filter(|p| p.style != ParamStyle::Plain)
                    .map(|p| (op.id.to_owned(), p.name.to_owned()))
            })
            .collect();
        let request_types = spec::request_schemas(spec, &refs)
            .iter()
            .map(|name| spec::type_name(name))
            .collect();
        Context {
            spec,
            options,
            all_services: spec::service_tags(spec),
            operations,
            by_method_name,
            deep_object_params,
            request_types,
        }
    }

    /// The operation whose generated method is `name`.
    pub fn operation(&self, method_name: &str) -> Option<&Operation<'a>> {
        self.by_method_name
            .get(method_name)
            .map(|i| &self.operations[*i])
    }

    /// The tags of the enabled operations, sorted.
    pub fn services(&self) -> BTreeSet<String> {
        self.operations
            .iter()
            .flat_map(|op| op.op.tags())
            .map(str::to_owned)
            .collect()
    }

    /// The paginated list operations.
    pub fn lists(&self) -> impl Iterator<Item = &ListOperation> {
        self.operations.iter().filter_map(|op| op.list.as_ref())
    }
}

/// What the steps produce besides the syntax tree, filled as they run.
#[derive(Debug, Default)]
pub struct Outputs {
    /// Rust source appended after the generated client, in the order the
    /// steps wrote it (one file, so the crate keeps a single `include!`).
    pub appended: String,
    /// Each operation's success type, by method name (`typed_send_errors`).
    pub success_types: BTreeMap<String, String>,
    /// `(method name, builder struct)` of each paginated operation
    /// (`paginate_list_operations`).
    pub paginated: Vec<(String, String)>,
    /// Files for the crate's own tests, `(file name, contents)`, written
    /// beside the code only when the options ask for them.
    pub test_files: Vec<(&'static str, String)>,
}
