//! The answer to "who is on call?", computed once for the command and the
//! MCP tool alike (same arguments, same JSON): schedules listed through
//! the library's typed client (every page), chosen by name or ID, and for
//! each the shifts on now (the schedule's `current_shifts`) or at another
//! moment (its effective entries, after overrides).

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use futures_util::StreamExt;
use incidentio::types::{ScheduleEntryV2, ScheduleRotationV2, ScheduleV2};
use serde_json::{Value, json};

use super::entries::Entries;

/// The largest page of schedules the API fills `next_shifts` on (the
/// spec's `page_size` documentation: larger pages leave it empty).
const NEXT_SHIFTS_PAGE_SIZE: u64 = 25;

/// The window asked for around a moment: entries that overlap it are the
/// ones on shift then (the API returns every entry overlapping a window).
const MOMENT: TimeDelta = TimeDelta::minutes(1);

/// How far ahead a changeover is looked for when nobody is on call at the
/// moment asked: the horizon the API gives a schedule preview by default.
const HORIZON: TimeDelta = TimeDelta::weeks(4);

/// How many schedules' entries are fetched at once for `--at`: a few, so
/// a large organisation's answer does not wait on one request at a time,
/// and not more, as every request counts against the same rate limit.
const CONCURRENT_SCHEDULES: usize = 4;

/// What is asked.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    /// Schedules by name or ID; empty for every schedule.
    pub schedules: Vec<String>,
    /// The moment; `None` for now.
    pub at: Option<DateTime<Utc>>,
    /// Also who takes over at the next changeover.
    pub next: bool,
}

/// Why there is no answer.
#[derive(Debug)]
pub(crate) enum Error {
    /// A schedule asked for by name matched none, or several: the message
    /// says which and what there is. The schedules were listed; nothing
    /// else was sent.
    Schedule(String),
    /// The API or the transport failed.
    Api(incidentio::Error),
}

impl From<incidentio::Error> for Error {
    fn from(error: incidentio::Error) -> Self {
        Error::Api(error)
    }
}

/// The answer: the JSON both front ends give, and the rows of the table
/// a terminal shows.
#[derive(Debug)]
pub(crate) struct Answer {
    /// `{"at": …, "schedules": [record, …]}`.
    pub json: Value,
    /// A row per shift, and one per schedule with nobody on it.
    pub rows: Vec<Value>,
}

/// Answers `query` through `client`.
pub(crate) async fn answer(client: &incidentio::Client, query: &Query) -> Result<Answer, Error> {
    let now = super::at::now();
    let mut list = client.schedules_v2_list();
    if query.next && query.at.is_none() {
        list = list.page_size(NEXT_SHIFTS_PAGE_SIZE);
    }
    let mut stream = list.stream();
    let mut all = Vec::new();
    while let Some(schedule) = stream.next().await {
        all.push(schedule?);
    }
    let chosen = choose(&all, &query.schedules)?;
    let shifts: Vec<Shifts> = match query.at {
        None => chosen
            .iter()
            .map(|s| Shifts {
                current: s.current_shifts.clone(),
                next: s.next_shifts.clone(),
            })
            .collect(),
        Some(at) => {
            // Made first, then run: a lazy `map` over the schedules would
            // leave the future's lifetimes too general for it to be `Send`.
            let fetches: Vec<_> = chosen
                .iter()
                .map(|s| shifts_at(client, s, at, query.next))
                .collect();
            let results: Vec<Result<Shifts, incidentio::Error>> =
                futures_util::stream::iter(fetches)
                    .buffered(CONCURRENT_SCHEDULES)
                    .collect()
                    .await;
            results.into_iter().collect::<Result<_, _>>()?
        }
    };
    let at = query.at.unwrap_or(now);
    let mut records = Vec::new();
    let mut rows = Vec::new();
    for (schedule, shifts) in chosen.iter().zip(shifts) {
        let (record, table) = record(schedule, &shifts, at, query.next);
        records.push(record);
        rows.extend(table);
    }
    Ok(Answer {
        json: json!({"at": time(at), "schedules": records}),
        rows,
    })
}

/// The columns of the table, in order; `rotation` only when some schedule
/// has several rotations or layers, `shift` only with `--next`.
pub(crate) fn columns(rows: &[Value], next: bool) -> Vec<&'static str> {
    let mut columns = vec!["schedule"];
    if rows
        .iter()
        .any(|r| r["rotation"].as_str().is_some_and(|s| !s.is_empty()))
    {
        columns.push("rotation");
    }
    if next {
        columns.push("shift");
    }
    columns.extend(["person", "email", "from", "until"]);
    columns
}

/// The schedules asked for, in the order named (each once), or all of
/// them. A name is an ID, else a schedule's whole name, else a part of
/// it (case aside); it must come to one schedule.
fn choose<'s>(all: &'s [ScheduleV2], names: &[String]) -> Result<Vec<&'s ScheduleV2>, Error> {
    if names.is_empty() {
        return Ok(all.iter().collect());
    }
    let mut chosen: Vec<&ScheduleV2> = Vec::new();
    for name in names {
        let wanted = name.trim().to_lowercase();
        let by = |matches: &dyn Fn(&ScheduleV2) -> bool| -> Vec<&'s ScheduleV2> {
            all.iter().filter(|s| matches(s)).collect()
        };
        let mut found = by(&|s| s.id == name.trim());
        if found.is_empty() {
            found = by(&|s| s.name.to_lowercase() == wanted);
        }
        if found.is_empty() && !wanted.is_empty() {
            found = by(&|s| s.name.to_lowercase().contains(&wanted));
        }
        match found.as_slice() {
            [one] => {
                if !chosen.iter().any(|c| c.id == one.id) {
                    chosen.push(one);
                }
            }
            [] => {
                return Err(Error::Schedule(format!(
                    "no schedule matches {name:?}; there {}",
                    listing(all.iter())
                )));
            }
            several => {
                return Err(Error::Schedule(format!(
                    "{name:?} matches {} schedules, {}: give its ID or whole name",
                    several.len(),
                    named(several.iter().copied())
                )));
            }
        }
    }
    Ok(chosen)
}

/// "are 3 schedules: A (ID), …" / "are no schedules".
fn listing<'s>(all: impl ExactSizeIterator<Item = &'s ScheduleV2>) -> String {
    match all.len() {
        0 => "are no schedules".to_owned(),
        1 => format!("is 1 schedule: {}", named(all)),
        n => format!("are {n} schedules: {}", named(all)),
    }
}

/// Up to ten schedules as `Name (ID)`, then how many more.
fn named<'s>(schedules: impl ExactSizeIterator<Item = &'s ScheduleV2>) -> String {
    const SHOWN: usize = 10;
    let total = schedules.len();
    let mut out: Vec<String> = schedules
        .take(SHOWN)
        .map(|s| format!("{} ({})", s.name, s.id))
        .collect();
    if total > SHOWN {
        out.push(format!("and {} more", total - SHOWN));
    }
    out.join(", ")
}

/// A schedule's shifts at the moment asked, and after its next changeover.
#[derive(Debug, Default)]
struct Shifts {
    current: Vec<ScheduleEntryV2>,
    next: Vec<ScheduleEntryV2>,
}

/// The shifts on at `at` from the schedule's effective entries; with
/// `next`, those on just after the first changeover that follows (the
/// earliest end of a current shift, or when nobody is on, the earliest
/// start ahead within [`HORIZON`]).
async fn shifts_at(
    client: &incidentio::Client,
    schedule: &ScheduleV2,
    at: DateTime<Utc>,
    next: bool,
) -> Result<Shifts, incidentio::Error> {
    let entries = Entries::new(client, &schedule.id, at, at + MOMENT)
        .collect()
        .await?;
    let current = on_at(&entries, at);
    if !next {
        return Ok(Shifts {
            current,
            next: Vec::new(),
        });
    }
    let changeover = match current.iter().map(|e| e.end_at).min() {
        Some(end) => Some(end),
        None => Entries::new(client, &schedule.id, at, at + HORIZON)
            .collect()
            .await?
            .iter()
            .map(|e| e.start_at)
            .filter(|start| *start > at)
            .min(),
    };
    let next = match changeover {
        Some(moment) => on_at(
            &Entries::new(client, &schedule.id, moment, moment + MOMENT)
                .collect()
                .await?,
            moment,
        ),
        None => Vec::new(),
    };
    Ok(Shifts { current, next })
}

/// The entries on shift at `at` (from their start, up to their end).
fn on_at(entries: &[ScheduleEntryV2], at: DateTime<Utc>) -> Vec<ScheduleEntryV2> {
    entries
        .iter()
        .filter(|e| e.start_at <= at && at < e.end_at)
        .cloned()
        .collect()
}

/// A schedule's record (the JSON) and its table rows.
fn record(
    schedule: &ScheduleV2,
    shifts: &Shifts,
    at: DateTime<Utc>,
    next: bool,
) -> (Value, Vec<Value>) {
    let rotations = rotations_at(schedule, at);
    let layered = rotations.len() > 1 || rotations.iter().any(|r| r.layers.len() > 1);
    let status = if !shifts.current.is_empty() {
        "on_call"
    } else if rotations.iter().all(|r| r.users.is_empty()) {
        "empty"
    } else {
        "nobody_on_call"
    };
    let mut record = json!({
        "schedule": {
            "id": schedule.id,
            "name": schedule.name,
            "timezone": schedule.timezone,
        },
        "status": status,
        "on_call": shifts.current.iter().map(|e| shift(e, &rotations)).collect::<Vec<_>>(),
    });
    if next {
        record["next"] = shifts.next.iter().map(|e| shift(e, &rotations)).collect();
    }
    let row = |which: &str, entry: Option<&ScheduleEntryV2>| {
        let (person, email) = match entry.and_then(|e| e.user.as_ref()) {
            Some(user) => (user.name.clone(), user.email.clone().unwrap_or_default()),
            None if entry.is_some() => ("(no one named)".to_owned(), String::new()),
            None if status == "empty" => (
                "(empty schedule: no one on its rotations)".to_owned(),
                String::new(),
            ),
            None => ("(nobody on call)".to_owned(), String::new()),
        };
        json!({
            "schedule": schedule.name,
            "rotation": if layered { entry.map(|e| rotation_label(e, &rotations)).unwrap_or_default() } else { String::new() },
            "shift": which,
            "person": person,
            "email": email,
            "from": entry.map(|e| short_time(e.start_at)).unwrap_or_default(),
            "until": entry.map(|e| short_time(e.end_at)).unwrap_or_default(),
        })
    };
    let mut rows: Vec<Value> = shifts
        .current
        .iter()
        .map(|e| row("current", Some(e)))
        .collect();
    if rows.is_empty() {
        rows.push(row("current", None));
    }
    if next {
        rows.extend(shifts.next.iter().map(|e| row("next", Some(e))));
    }
    (record, rows)
}

/// The rotations in force at `at`: of the versions of a rotation (the
/// same ID repeated with later `effective_from`s), the latest that has
/// begun, else its first.
fn rotations_at(schedule: &ScheduleV2, at: DateTime<Utc>) -> Vec<&ScheduleRotationV2> {
    let Some(config) = &schedule.config else {
        return Vec::new();
    };
    let mut out: Vec<&ScheduleRotationV2> = Vec::new();
    for rotation in &config.rotations {
        let begun = rotation.effective_from.is_none_or(|from| from <= at);
        match out.iter_mut().find(|r| r.id == rotation.id) {
            Some(kept) => {
                let kept_begun = kept.effective_from.is_none_or(|from| from <= at);
                if begun && (!kept_begun || kept.effective_from <= rotation.effective_from) {
                    *kept = rotation;
                }
            }
            None => out.push(rotation),
        }
    }
    out
}

/// One shift as JSON: who, from and until when, and in which rotation and
/// layer (their names from the schedule's configuration; `null` where the
/// entry names none).
fn shift(entry: &ScheduleEntryV2, rotations: &[&ScheduleRotationV2]) -> Value {
    let rotation = entry
        .rotation_id
        .as_deref()
        .map(|id| rotations.iter().find(|r| r.id == id));
    let layer = entry.layer_id.as_deref().map(|id| {
        rotation
            .flatten()
            .and_then(|r| r.layers.iter().find(|l| l.id.as_deref() == Some(id)))
    });
    json!({
        "user": entry.user.as_ref().map(|u| json!({"id": u.id, "name": u.name, "email": u.email})),
        "start_at": time(entry.start_at),
        "end_at": time(entry.end_at),
        "rotation": entry.rotation_id.as_ref().map(|id| json!({
            "id": id,
            "name": rotation.flatten().map(|r| r.name.clone()),
        })),
        "layer": entry.layer_id.as_ref().map(|id| json!({
            "id": id,
            "name": layer.flatten().and_then(|l| l.name.clone()),
        })),
    })
}

/// `Rotation / Layer` for the table, by name where the configuration has
/// one, else by ID.
fn rotation_label(entry: &ScheduleEntryV2, rotations: &[&ScheduleRotationV2]) -> String {
    let value = shift(entry, rotations);
    let part = |key: &str| -> Option<String> {
        let part = &value[key];
        part["name"]
            .as_str()
            .or(part["id"].as_str())
            .map(str::to_owned)
    };
    [part("rotation"), part("layer")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" / ")
}

/// A moment as RFC 3339 in UTC, with the fraction of a second it has
/// (the API's times carry microseconds; they are kept as given).
fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A moment for the table: UTC to the minute, one word.
fn short_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%MZ").to_string()
}
