//! Integration tests of the `incidentio` binary: every operation against
//! the built-in mock, usage errors, and exact wire behaviour against a
//! loopback server.

mod bulk;
mod common;
mod describe;
mod every_operation;
mod jq;
mod mcp;
mod mcp_answers;
mod mcp_http;
mod names;
mod oncall;
mod one_builder;
mod prism;
mod quiet;
mod reference;
mod search_relevance;
mod start;
mod terminal;
mod usage;
mod whoami;
mod wire;
