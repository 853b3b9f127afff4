//! `whoami`: whose key this is and what it may do (`Utilities V1#Identity`),
//! the first thing to run after exporting a key.

use serde_json::Value;

use crate::error::CliError;
use crate::output::Printer;
use crate::send::{Request, Sender};

/// The operation that answers it.
pub(crate) const IDENTITY: &str = "Utilities V1#Identity";

/// The request, from the catalog (a build without that service has none).
pub(crate) fn request() -> Result<Request, CliError> {
    let op = incidentio::catalog::by_id(IDENTITY)
        .ok_or_else(|| CliError::usage(format!("this build has no {IDENTITY}")))?;
    let request = op
        .request(&serde_json::Map::new())
        .map_err(|e| CliError::usage(e.to_string()))?;
    Ok(Request::Operation(request))
}

/// Sends it and prints the identity: as text for a person, or the API's
/// JSON when `json` (`--output json|ndjson`, or `--jq`). A refused key is
/// the API's error (exit 1, its message).
pub(crate) async fn whoami(
    sender: &Sender,
    printer: &mut Printer,
    json: bool,
) -> Result<(), CliError> {
    let response = sender.send(&request()?).await?;
    if json {
        return printer.body(&response.body, None);
    }
    let answer = response.json()?;
    printer.text(&describe(&answer["identity"]))
}

/// The identity as lines: the name, then each list the API gave.
fn describe(identity: &Value) -> String {
    let list = |key: &str, field: Option<&str>| -> Option<String> {
        let values: Vec<String> = identity[key]
            .as_array()?
            .iter()
            .filter_map(|v| match field {
                Some(f) => v[f].as_str(),
                None => v.as_str(),
            })
            .map(str::to_owned)
            .collect();
        Some(if values.is_empty() {
            "(none)".to_owned()
        } else {
            values.join(", ")
        })
    };
    let mut out = format!("{}\n", identity["name"].as_str().unwrap_or("(no name)"));
    for (label, value) in [
        ("roles", list("roles", None)),
        ("team roles", list("team_roles", None)),
        ("teams", list("teams", Some("name"))),
        (
            "dashboard",
            identity["dashboard_url"].as_str().map(str::to_owned),
        ),
    ] {
        if let Some(value) = value {
            out.push_str(&format!("{label}: {value}\n"));
        }
    }
    out
}
