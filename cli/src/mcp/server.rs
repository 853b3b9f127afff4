//! The MCP server: `tools/list` and `tools/call` over the tools of
//! `tools.rs`, answered from the catalog at run time.

use std::collections::BTreeMap;
use std::sync::Arc;

use incidentio::catalog::{self, OperationInfo};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Map, Value, json};

use super::call::{self, Failure, Policy};
use super::tools;

/// The largest arguments a call may carry, in bytes of JSON: far above
/// any real request body, far below what would hurt the process.
const MAX_ARGUMENT_BYTES: usize = 1 << 20;

/// What the server offers, fixed at start-up.
#[derive(Debug)]
pub struct Offer {
    /// The tools listed, per-operation ones first.
    pub tools: Vec<Tool>,
    /// The operation behind each per-operation tool, by tool name.
    pub operations: BTreeMap<&'static str, &'static OperationInfo>,
}

/// The server; cheap to clone (one per HTTP session).
#[derive(Debug, Clone)]
pub struct Server {
    client: incidentio::Client,
    policy: Arc<Policy>,
    offer: Arc<Offer>,
}

impl Server {
    /// A server calling through `client`.
    pub fn new(client: incidentio::Client, policy: Policy, offer: Offer) -> Self {
        Server {
            client,
            policy: Arc::new(policy),
            offer: Arc::new(offer),
        }
    }

    async fn dispatch(&self, name: &str, args: Map<String, Value>) -> CallToolResult {
        let size = serde_json::to_string(&args).map_or(0, |s| s.len());
        if size > MAX_ARGUMENT_BYTES {
            return CallToolResult::structured_error(
                Failure::Refused(format!(
                    "the arguments are {size} bytes, over the bound of {MAX_ARGUMENT_BYTES}; nothing was sent"
                ))
                .to_json(),
            );
        }
        let outcome = match name {
            tools::SEARCH => search(&args),
            tools::DESCRIBE => operation_arg(&args).map(tools::describe_json),
            tools::CALL => match operation_arg(&args) {
                Ok(op) => {
                    let mut arguments = match args.get("arguments") {
                        None | Some(Value::Null) => Ok(Map::new()),
                        Some(Value::Object(map)) => Ok(map.clone()),
                        Some(_) => Err(argument_error("arguments", "must be an object")),
                    };
                    // `jq` sits beside `operation` and `arguments`.
                    if let (Ok(arguments), Some(jq)) = (&mut arguments, args.get(call::JQ_ARG)) {
                        arguments.insert(call::JQ_ARG.to_owned(), jq.clone());
                    }
                    match arguments {
                        Ok(arguments) => {
                            call::call(&self.client, op, arguments, &self.policy).await
                        }
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            },
            super::oncall::NAME if self.offer.tools.iter().any(|t| t.name == name) => {
                super::oncall::call(&self.client, &args, &self.policy).await
            }
            other => match self.offer.operations.get(other) {
                Some(op) => call::call(&self.client, op, args, &self.policy).await,
                None => Err(Failure::Refused(format!(
                    "no tool `{other}` here; search_operations finds operations, call_operation calls any of them"
                ))),
            },
        };
        match outcome {
            Ok(value) => CallToolResult::structured(value),
            Err(failure) => CallToolResult::structured_error(failure.to_json()),
        }
    }
}

fn argument_error(argument: &str, message: &str) -> Failure {
    Failure::Argument {
        argument: argument.to_owned(),
        message: message.to_owned(),
    }
}

fn search(args: &Map<String, Value>) -> Result<Value, Failure> {
    let query = args
        .get("query")
        .and_then(Value::as_str)
        .ok_or_else(|| argument_error("query", "is required, as a string"))?;
    let limit = match args.get("limit") {
        None | Some(Value::Null) => 8,
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=50).contains(n))
            .ok_or_else(|| argument_error("limit", "must be a whole number from 1 to 50"))?
            as usize,
    };
    Ok(json!({"matches": super::search::search(query, limit)}))
}

fn operation_arg(args: &Map<String, Value>) -> Result<&'static OperationInfo, Failure> {
    let name = args
        .get("operation")
        .and_then(Value::as_str)
        .ok_or_else(|| argument_error("operation", "is required, as a string"))?;
    catalog::by_method_name(name)
        .or_else(|| catalog::by_id(name))
        .ok_or_else(|| {
            argument_error(
                "operation",
                &format!("no operation `{name}`; search_operations finds them"),
            )
        })
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                "incidentio",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(if self.policy.allow_writes {
                "The incident.io API. Each tool is an API operation; search_operations finds others, describe_operation gives their arguments, call_operation calls them."
            } else {
                "The incident.io API, read-only. Each tool is an API operation that reads; search_operations finds others, describe_operation gives their arguments, call_operation calls them (reads only)."
            })
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.offer.tools.clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let args = request.arguments.unwrap_or_default();
        Ok(self.dispatch(&request.name, args).await.into())
    }
}
