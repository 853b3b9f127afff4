//! `who_is_on_call`: the `oncall` command as a tool, for the agent whose
//! first question in an incident is who to page. Same arguments as the
//! command's flags (`schedule`, `at`, `next`), same JSON (both call
//! `crate::oncall::answer`), read-only, and cut between schedules to the
//! server's result bound.

use rmcp::model::{Tool, ToolAnnotations};
use serde_json::{Map, Value, json};

use super::call::{self, Failure, Policy};
use crate::error::CliError;
use crate::oncall::{self, Query};

/// The tool's name.
pub const NAME: &str = "who_is_on_call";

/// The toolset it belongs to: offered whenever the schedules are.
pub const TOOLSET: &str = "schedules";

/// The tool, as `tools/list` shows it: lean, as the per-operation tools
/// are (every default tool's description counts against a model's
/// context); the command's `--help` and cli/README.md say the rest.
pub fn tool() -> Tool {
    let mut tool = Tool::new(
        NAME,
        "Who is on call now, or `at` another moment: each schedule's status and shifts (user, start_at, end_at, rotation, layer).",
        super::tools::as_object(json!({
            "type": "object",
            "properties": {
                "schedule": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Names or IDs (or a unique part of a name); default all.",
                },
                "at": {
                    "type": "string",
                    "description": "RFC 3339 with an offset, or from now: +2h, -30m, +1d.",
                },
                "next": {
                    "type": "boolean",
                    "description": "Also who takes over at the next changeover.",
                },
                call::JQ_ARG: call::jq_schema(),
            },
            "additionalProperties": false,
        })),
    );
    // As for the reads of the catalog: no title (the description opens
    // with what it would say), and only the hints that mean something for
    // a tool that does not write.
    tool.annotations = Some(ToolAnnotations::new().read_only(true).open_world(true));
    tool
}

/// Answers a call: the arguments are checked before anything is sent.
pub async fn call(
    client: &incidentio::Client,
    args: &Map<String, Value>,
    policy: &Policy,
) -> Result<Value, Failure> {
    let mut args = args.clone();
    // Compiled before anything is sent, as on every read tool.
    let jq = call::take_jq_arg(&mut args)?;
    let query = query(&args)?;
    let answer = oncall::answer(client, &query).await.map_err(|e| match e {
        oncall::Error::Schedule(message) => argument("schedule", message),
        oncall::Error::Api(e) => Failure::Request(CliError::Api(e)),
    })?;
    let mut json = answer.json;
    if let Some(jq) = jq {
        let results = jq.values(&json).map_err(Failure::Request)?;
        let mut out = json!({ call::RESULTS: results });
        call::bound(&mut out, Some(call::RESULTS), policy.max_result_bytes)?;
        return Ok(out);
    }
    bound(&mut json, policy.max_result_bytes);
    Ok(json)
}

fn argument(name: &str, message: impl Into<String>) -> Failure {
    Failure::Argument {
        argument: name.to_owned(),
        message: message.into(),
    }
}

/// The query from the tool's arguments, as the command reads its flags.
fn query(args: &Map<String, Value>) -> Result<Query, Failure> {
    let mut query = Query::default();
    for (name, value) in args {
        match (name.as_str(), value) {
            (_, Value::Null) => {}
            ("schedule", Value::String(one)) => query.schedules.push(one.clone()),
            ("schedule", Value::Array(list)) => {
                for item in list {
                    match item.as_str() {
                        Some(s) if !s.trim().is_empty() => query.schedules.push(s.to_owned()),
                        _ => {
                            return Err(argument(
                                "schedule",
                                "must be a list of schedule names or IDs",
                            ));
                        }
                    }
                }
            }
            ("schedule", _) => {
                return Err(argument(
                    "schedule",
                    "must be a list of schedule names or IDs",
                ));
            }
            ("at", Value::String(text)) => {
                query.at = Some(
                    oncall::at::parse(text, oncall::at::now()).map_err(|e| argument("at", e))?,
                );
            }
            ("at", _) => {
                return Err(argument(
                    "at",
                    format!("must be a string: {}", oncall::at::FORMS),
                ));
            }
            ("next", Value::Bool(next)) => query.next = *next,
            ("next", _) => return Err(argument("next", "must be true or false")),
            (other, _) => {
                return Err(argument(
                    other,
                    "is not an argument of who_is_on_call (schedule, at, next, jq)",
                ));
            }
        }
    }
    Ok(query)
}

/// Cuts the answer between schedules to `max` bytes of JSON, saying how
/// many it returns of how many and how to ask for the rest (by name).
fn bound(answer: &mut Value, max: usize) {
    let size = serde_json::to_string(answer).map_or(0, |s| s.len());
    if size <= max {
        return;
    }
    let Some(schedules) = answer["schedules"].as_array_mut() else {
        return;
    };
    let total = schedules.len();
    // Room for the rest of the answer and the note saying it was cut.
    let room = max.saturating_sub(512);
    let mut used = 0;
    let mut keep = 0;
    for record in schedules.iter() {
        let len = serde_json::to_string(record).map_or(0, |s| s.len()) + 1;
        if used + len > room {
            break;
        }
        used += len;
        keep += 1;
    }
    schedules.truncate(keep);
    answer["truncated"] = json!({
        "returned": keep,
        "of": total,
        "reason": format!("the answer was {size} bytes, over this server's bound of {max}"),
        "hint": "ask for fewer schedules with `schedule` (names or IDs)",
    });
}
