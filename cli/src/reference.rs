//! `INC-123` wherever an incident id is expected. `Incidents V2#Show`
//! takes the reference's number as its id (its description says so); the
//! other operations' `incident_id` query parameters get the id that show
//! call answers, resolved once per command before the call itself.

use crate::error::CliError;
use crate::send::{Request, Sender};

/// The operation that takes a reference's number as its id.
pub(crate) const SHOW: &str = "Incidents V2#Show";

/// The number of an incident reference (`INC-123`, any case), if `value`
/// is one.
pub(crate) fn reference_number(value: &str) -> Option<&str> {
    let (prefix, number) = value.split_once('-')?;
    (prefix.eq_ignore_ascii_case("inc")
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit()))
    .then_some(number)
}

/// Replaces each `incident_id=INC-N` query pair of `request` with the id
/// `Incidents V2#Show` answers for `N`: one request per distinct
/// reference, before the call.
pub(crate) async fn resolve(sender: &Sender, request: &mut Request) -> Result<(), CliError> {
    let mut resolved: Vec<(String, String)> = Vec::new();
    for (name, value) in request.query_mut() {
        if name != "incident_id" {
            continue;
        }
        let Some(number) = reference_number(value) else {
            continue;
        };
        if let Some((_, id)) = resolved.iter().find(|(r, _)| r == value) {
            *value = id.clone();
            continue;
        }
        let id = show_id(sender, number).await?;
        resolved.push((value.clone(), id.clone()));
        *value = id;
    }
    Ok(())
}

async fn show_id(sender: &Sender, number: &str) -> Result<String, CliError> {
    let op = incidentio::catalog::by_id(SHOW).ok_or_else(|| {
        CliError::usage(format!("this build has no {SHOW} to resolve INC-{number}"))
    })?;
    let mut arguments = serde_json::Map::new();
    arguments.insert("id".to_owned(), number.into());
    let request = Request::Operation(
        op.request(&arguments)
            .map_err(|e| CliError::usage(format!("INC-{number}: {e}")))?,
    );
    let answer = sender.send(&request).await?.json()?;
    answer["incident"]["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| CliError::Decode(format!("{SHOW} for INC-{number} gave no incident.id")))
}
