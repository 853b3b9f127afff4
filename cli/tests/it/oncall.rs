//! `incidentio oncall` and the MCP tool `who_is_on_call`: against the
//! built-in mock, and against a loopback server serving an organisation
//! of four schedules over two pages (one with two rotations and two
//! layers, one empty, one with nobody on call) and their schedule
//! entries. Every expectation is read from the data served.

use std::process::Command;

use chrono::{DateTime, TimeDelta, Utc};
use httpmock::prelude::*;
use serde_json::{Value, json};

use crate::common::{SECRET, code, run, stderr, stdout};
use crate::mcp::Session;
use crate::wire::run_against;

const A: &str = "01SCHEDAPRIMARY0000000000A";
const B: &str = "01SCHEDBEMPTY00000000000B";
const C: &str = "01SCHEDCQUIET00000000000C";
const D: &str = "01SCHEDDDATABASE0000000D";

fn user(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name, "email": format!("{}@example.com", name.to_lowercase()), "role": "responder"})
}

fn rotation(id: &str, name: &str, layers: &[(&str, &str)], users: &[Value]) -> Value {
    json!({
        "id": id,
        "name": name,
        "handover_start_at": "2024-01-01T09:00:00Z",
        "handovers": [{"interval": 1, "interval_type": "weekly"}],
        "layers": layers.iter().map(|(id, name)| json!({"id": id, "name": name})).collect::<Vec<_>>(),
        "users": users,
        "working_intervals": [],
    })
}

fn entry(
    who: &Value,
    rotation: &str,
    layer: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Value {
    json!({
        "user": who,
        "rotation_id": rotation,
        "layer_id": layer,
        "start_at": start.to_rfc3339(),
        "end_at": end.to_rfc3339(),
    })
}

fn schedule(
    id: &str,
    name: &str,
    rotations: Vec<Value>,
    current: Vec<Value>,
    next: Vec<Value>,
) -> Value {
    json!({
        "id": id,
        "name": name,
        "annotations": {},
        "config": {"rotations": rotations},
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "permalink": format!("https://app.incident.io/acme/on-call/schedules/{id}"),
        "team_ids": [],
        "timezone": "Europe/London",
        "current_shifts": current,
        "next_shifts": next,
    })
}

/// The organisation's four schedules, in the API's order.
fn schedules() -> Vec<Value> {
    let now = Utc::now();
    let h = TimeDelta::hours;
    let (alice, bob, carol) = (user("U1", "Alice"), user("U2", "Bob"), user("U3", "Carol"));
    let (dave, erin) = (user("U4", "Dave"), user("U5", "Erin"));
    vec![
        schedule(
            A,
            "Primary On-call",
            vec![
                rotation(
                    "R1",
                    "Weekdays",
                    &[("L1", "Layer 1"), ("L2", "Shadow")],
                    &[alice.clone(), bob.clone()],
                ),
                rotation(
                    "R2",
                    "Weekends",
                    &[("L3", "Layer 1")],
                    std::slice::from_ref(&carol),
                ),
            ],
            vec![
                entry(&alice, "R1", "L1", now - h(2), now + h(3)),
                entry(&bob, "R1", "L2", now - h(2), now + h(3)),
            ],
            vec![
                entry(&carol, "R2", "L3", now + h(3), now + h(51)),
                entry(&bob, "R1", "L2", now - h(2), now + h(3)),
            ],
        ),
        schedule(B, "Empty rota", vec![], vec![], vec![]),
        schedule(
            C,
            "Secondary quiet",
            vec![rotation("R4", "Nights", &[("L4", "Layer 1")], &[dave])],
            vec![],
            vec![],
        ),
        schedule(
            D,
            "Database",
            vec![rotation(
                "R5",
                "Database",
                &[("L5", "Layer 1")],
                std::slice::from_ref(&erin),
            )],
            vec![entry(&erin, "R5", "L5", now - h(1), now + h(7))],
            vec![],
        ),
    ]
}

/// Serves `schedules` as two pages (the second asked for with the first's
/// cursor); returns the two page mocks.
fn serve_schedules<'a>(server: &'a MockServer, schedules: &[Value]) -> [httpmock::Mock<'a>; 2] {
    let (first, second) = schedules.split_at(2);
    let cursor = first.last().expect("a schedule")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page1 = server.mock(|when, then| {
        when.method(GET)
            .path("/v2/schedules")
            .query_param_missing("after");
        then.status(200).json_body(json!({
            "schedules": first,
            "pagination_meta": {"after": cursor, "page_size": 2, "total_record_count": 4},
        }));
    });
    let page2 = server.mock(|when, then| {
        when.method(GET)
            .path("/v2/schedules")
            .query_param("after", cursor.as_str());
        then.status(200).json_body(json!({
            "schedules": second,
            "pagination_meta": {"page_size": 2, "total_record_count": 4},
        }));
    });
    [page1, page2]
}

fn json_of(out: &std::process::Output) -> Value {
    assert_eq!(code(out), 0, "{}", stderr(out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

/// The names of the people in a list of shifts.
fn names(shifts: &Value) -> Vec<String> {
    shifts
        .as_array()
        .expect("shifts")
        .iter()
        .map(|s| s["user"]["name"].as_str().expect("a name").to_owned())
        .collect()
}

/// A shift's rotation and layer names, as the schedule's configuration
/// gives them.
fn configured(schedule: &Value, shift: &Value) -> (String, String) {
    let rotation = schedule["config"]["rotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == shift["rotation_id"])
        .expect("the shift's rotation");
    let layer = rotation["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == shift["layer_id"])
        .expect("the shift's layer");
    (
        rotation["name"].as_str().unwrap().to_owned(),
        layer["name"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn oncall_on_the_mock_gives_the_example_schedules_current_shift() {
    let listed: Value =
        serde_json::from_slice(&run(&["--mock", "schedules", "list"]).stdout).expect("JSON");
    let served = listed["schedules"].as_array().expect("schedules");
    let answer = json_of(&run(&["--mock", "oncall", "--next"]));
    let records = answer["schedules"].as_array().expect("records");
    assert_eq!(records.len(), served.len(), "{answer}");
    assert!(
        served
            .iter()
            .any(|s| !s["current_shifts"].as_array().unwrap().is_empty())
    );
    for (record, schedule) in records.iter().zip(served) {
        assert_eq!(record["schedule"]["id"], schedule["id"]);
        assert_eq!(
            names(&record["on_call"]),
            names(&schedule["current_shifts"])
        );
        assert_eq!(names(&record["next"]), names(&schedule["next_shifts"]));
        for (shift, served) in record["on_call"]
            .as_array()
            .unwrap()
            .iter()
            .zip(schedule["current_shifts"].as_array().unwrap())
        {
            assert_eq!(shift["user"]["email"], served["user"]["email"]);
            assert_eq!(shift["rotation"]["id"], served["rotation_id"]);
            let at = |v: &Value| v.as_str().unwrap().parse::<DateTime<Utc>>().unwrap();
            assert_eq!(at(&shift["start_at"]), at(&served["start_at"]));
            assert_eq!(at(&shift["end_at"]), at(&served["end_at"]));
        }
        assert_eq!(
            record["status"],
            if names(&schedule["current_shifts"]).is_empty() {
                "nobody_on_call"
            } else {
                "on_call"
            }
        );
    }
    // --at on the mock: its entries (all of them zero-length, in 2021)
    // walked to the end, and nobody on at a moment none covers.
    let later = json_of(&run(&["--mock", "oncall", "--at", "+2h"]));
    assert!(
        later["schedules"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "nobody_on_call"),
        "{later}"
    );
}

#[test]
fn every_schedule_of_every_page_with_who_is_on_and_in_which_layer() {
    let server = MockServer::start();
    let schedules = schedules();
    let [page1, page2] = serve_schedules(&server, &schedules);
    let answer = json_of(&run_against(&server.base_url(), &["oncall"]));
    page1.assert_calls(1);
    page2.assert_calls(1);
    let records = answer["schedules"].as_array().expect("records");
    let ids: Vec<&Value> = records.iter().map(|r| &r["schedule"]["id"]).collect();
    let served: Vec<&Value> = schedules.iter().map(|s| &s["id"]).collect();
    assert_eq!(ids, served);
    for (record, schedule) in records.iter().zip(&schedules) {
        assert_eq!(record["schedule"]["name"], schedule["name"]);
        assert!(record.get("next").is_none(), "no --next: {record}");
        let current = &schedule["current_shifts"];
        assert_eq!(names(&record["on_call"]), names(current));
        for (shift, served) in record["on_call"]
            .as_array()
            .unwrap()
            .iter()
            .zip(current.as_array().unwrap())
        {
            let (rotation, layer) = configured(schedule, served);
            assert_eq!(shift["rotation"]["name"], rotation.as_str());
            assert_eq!(shift["layer"]["name"], layer.as_str());
            assert_eq!(shift["user"]["email"], served["user"]["email"]);
        }
        let has_people = schedule["config"]["rotations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| !r["users"].as_array().unwrap().is_empty());
        let expected = match (!current.as_array().unwrap().is_empty(), has_people) {
            (true, _) => "on_call",
            (false, true) => "nobody_on_call",
            (false, false) => "empty",
        };
        assert_eq!(record["status"], expected, "{record}");
    }
    // Each kind of answer is there.
    let statuses: Vec<&str> = records
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    for status in ["on_call", "nobody_on_call", "empty"] {
        assert!(statuses.contains(&status), "{statuses:?}");
    }

    // A record a line, each the JSON's; --jq on the whole answer.
    let out = run_against(&server.base_url(), &["oncall", "--output", "ndjson"]);
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(&lines, records);
    let out = run_against(
        &server.base_url(),
        &["oncall", "--jq", ".schedules[].on_call[].user.email"],
    );
    let expected: Vec<String> = schedules
        .iter()
        .flat_map(|s| {
            s["current_shifts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["user"]["email"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(stdout(&out).lines().collect::<Vec<_>>(), expected);
}

#[test]
fn next_asks_for_pages_the_api_fills_next_shifts_on() {
    let server = MockServer::start();
    let schedules = schedules();
    // Only small pages get next_shifts from the API (the spec says which).
    let small = server.mock(|when, then| {
        when.method(GET)
            .path("/v2/schedules")
            .query_param("page_size", "25");
        then.status(200)
            .json_body(json!({"schedules": schedules, "pagination_meta": {"page_size": 25}}));
    });
    let answer = json_of(&run_against(&server.base_url(), &["oncall", "--next"]));
    small.assert_calls(1);
    for (record, schedule) in answer["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&schedules)
    {
        assert_eq!(
            names(&record["next"]),
            names(&schedule["next_shifts"]),
            "{record}"
        );
    }
}

/// Runs the binary on a pseudo-terminal (util-linux's `script`) with the
/// key in its environment; its output with `\r\n` turned back into `\n`.
fn on_terminal(args: &[&str]) -> String {
    let command = std::iter::once(env!("CARGO_BIN_EXE_incidentio"))
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("INCIDENT_API_KEY")
        .env("INCIDENT_IO_API_KEY", SECRET)
        .output()
        .expect("`script` (util-linux, in bsdutils on Debian) runs");
    assert!(out.status.success(), "{command}: {out:?}");
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert!(!text.contains(SECRET));
    text
}

#[test]
fn a_table_on_a_terminal_with_the_layer_where_a_schedule_has_several() {
    let server = MockServer::start();
    let schedules = schedules();
    serve_schedules(&server, &schedules);
    let text = on_terminal(&["--base-url", &server.base_url(), "oncall"]);
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    let columns: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        columns,
        ["SCHEDULE", "ROTATION", "PERSON", "EMAIL", "FROM", "UNTIL"],
        "{text}"
    );
    let rows: Vec<&str> = lines.collect();
    let cell = |row: &str, column: &str| -> String {
        let start = header.find(column).unwrap();
        let end = columns
            .iter()
            .skip_while(|c| **c != column)
            .nth(1)
            .map_or(row.len(), |next| header.find(next).unwrap());
        row.get(start..end.min(row.len()))
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    // A row per shift, one per schedule with nobody on it.
    let expected_rows: usize = schedules
        .iter()
        .map(|s| s["current_shifts"].as_array().unwrap().len().max(1))
        .sum();
    assert_eq!(rows.len(), expected_rows, "{text}");
    let mut row = rows.iter();
    for schedule in &schedules {
        let current = schedule["current_shifts"].as_array().unwrap();
        let several = schedule["config"]["rotations"].as_array().unwrap().len() > 1;
        if current.is_empty() {
            let line = row.next().unwrap();
            assert_eq!(cell(line, "SCHEDULE"), schedule["name"].as_str().unwrap());
            let person = cell(line, "PERSON");
            if schedule["config"]["rotations"]
                .as_array()
                .unwrap()
                .is_empty()
            {
                assert!(person.starts_with("(empty schedule"), "{line}");
            } else {
                assert_eq!(person, "(nobody on call)", "{line}");
            }
            continue;
        }
        for shift in current {
            let line = row.next().unwrap();
            assert_eq!(
                cell(line, "SCHEDULE"),
                schedule["name"].as_str().unwrap(),
                "{line}"
            );
            assert_eq!(
                cell(line, "PERSON"),
                shift["user"]["name"].as_str().unwrap(),
                "{line}"
            );
            assert_eq!(
                cell(line, "EMAIL"),
                shift["user"]["email"].as_str().unwrap(),
                "{line}"
            );
            let (rotation, layer) = configured(schedule, shift);
            let expected = if several {
                format!("{rotation} / {layer}")
            } else {
                String::new()
            };
            assert_eq!(cell(line, "ROTATION"), expected, "{line}");
            let from: DateTime<Utc> = shift["start_at"].as_str().unwrap().parse().unwrap();
            assert_eq!(
                cell(line, "FROM"),
                from.format("%Y-%m-%dT%H:%MZ").to_string(),
                "{line}"
            );
        }
    }
}

#[test]
fn schedules_by_id_name_or_part_and_a_clear_refusal_otherwise() {
    let server = MockServer::start();
    let schedules = schedules();
    serve_schedules(&server, &schedules);
    let base = server.base_url();
    let chosen = |args: &[&str]| -> Vec<String> {
        let mut argv = vec!["oncall"];
        argv.extend_from_slice(args);
        json_of(&run_against(&base, &argv))["schedules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["schedule"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let name = |id: &str| {
        schedules.iter().find(|s| s["id"] == id).unwrap()["name"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(chosen(&["--schedule", D]), [D]);
    assert_eq!(chosen(&["--schedule", &name(A).to_uppercase()]), [A]);
    let part = name(C).split_whitespace().last().unwrap().to_owned();
    assert_eq!(chosen(&["--schedule", &part]), [C]);
    // In the order named, each once.
    assert_eq!(
        chosen(&["--schedule", D, "--schedule", A, "--schedule", D]),
        [D, A]
    );

    // A part several names share: exit 2, naming them; nothing printed.
    let shared = "on";
    let sharing: Vec<String> = schedules
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .filter(|n| n.to_lowercase().contains(shared))
        .collect();
    assert!(sharing.len() > 1, "{sharing:?}");
    let out = run_against(&base, &["oncall", "--schedule", shared]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    for n in &sharing {
        assert!(stderr(&out).contains(n.as_str()), "{}", stderr(&out));
    }
    // None: exit 2, and the error says so (as JSON with --output json).
    let out = run_against(
        &base,
        &["oncall", "--schedule", "no such rota", "--output", "json"],
    );
    assert_eq!(code(&out), 2);
    assert!(out.stdout.is_empty());
    let error: Value = serde_json::from_str(stderr(&out).trim()).expect("a JSON error");
    assert_eq!(error["type"], "usage_error");
    assert_eq!(error["exit_code"], 2);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("no schedule matches"),
        "{error}"
    );
}

/// A time as the command sends it in `entry_window_start`.
fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Whether `request` asks for `schedule`'s entries from `start` to `end`.
fn window(request: &HttpMockRequest, schedule: &str, start: &str, end: DateTime<Utc>) -> bool {
    let query = request.query_params_map();
    query.get("schedule_id").map(String::as_str) == Some(schedule)
        && query.get("entry_window_start").map(String::as_str) == Some(start)
        && query
            .get("entry_window_end")
            .and_then(|e| e.parse::<DateTime<Utc>>().ok())
            == Some(end)
}

#[test]
fn at_answers_from_the_final_entries_of_every_page() {
    let server = MockServer::start();
    let schedules = schedules();
    serve_schedules(&server, &schedules);
    let at: DateTime<Utc> = "2030-01-07T09:00:00Z".parse().unwrap();
    let h = TimeDelta::hours;
    let (alice, bob) = (user("U1", "Alice"), user("U2", "Bob"));
    let (frank, gina, zed) = (user("U6", "Frank"), user("U7", "Gina"), user("U8", "Zed"));
    let override_ = entry(
        &frank,
        "R1",
        "L2",
        at - TimeDelta::minutes(30),
        at + TimeDelta::minutes(30),
    );
    let first: Vec<Value> = vec![
        entry(&alice, "R1", "L1", at - h(1), at + h(8)),
        override_.clone(),
        // In the window, but from after the moment asked.
        entry(&zed, "R2", "L3", at + TimeDelta::seconds(30), at + h(1)),
    ];
    let second: Vec<Value> = vec![entry(&gina, "R2", "L3", at - h(9), at + h(15))];
    let end = at + TimeDelta::minutes(1);
    let start = rfc3339(at);
    let page1 = server.mock(|when, then| {
        when.method(GET)
            .path("/v2/schedule_entries")
            .is_true(move |r| window(r, A, &start, end));
        then.status(200).json_body(json!({
            "schedule_entries": {
                "final": first,
                "overrides": [override_],
                // Bob's shift as the rota has it, before Frank's override.
                "scheduled": [entry(&bob, "R1", "L2", at - h(1), at + h(8))],
            },
            "pagination_meta": {"after": "cursor-2", "after_url": "/v2/schedule_entries?entry_window_start=cursor-2"},
        }));
    });
    let page2 = server.mock(|when, then| {
        when.method(GET)
            .path("/v2/schedule_entries")
            .is_true(move |r| window(r, A, "cursor-2", end));
        then.status(200).json_body(json!({
            "schedule_entries": {"final": second, "overrides": [], "scheduled": []},
        }));
    });
    // Any other request gets httpmock's 404, and the command fails.
    let primary = &schedules[0];
    let expected: Vec<String> = first
        .iter()
        .chain(&second)
        .filter(|e| {
            let time = |k: &str| e[k].as_str().unwrap().parse::<DateTime<Utc>>().unwrap();
            time("start_at") <= at && at < time("end_at")
        })
        .map(|e| e["user"]["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(expected.len() >= 3, "{expected:?}");
    // The same moment, in UTC and with an offset.
    for given in ["2030-01-07T09:00:00Z", "2030-01-07T10:00:00+01:00"] {
        let answer = json_of(&run_against(
            &server.base_url(),
            &["oncall", "--schedule", A, "--at", given],
        ));
        assert_eq!(answer["at"], rfc3339(at));
        let records = answer["schedules"].as_array().unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0]["schedule"]["id"], A);
        assert_eq!(names(&records[0]["on_call"]), expected);
        for shift in records[0]["on_call"].as_array().unwrap() {
            let served = first
                .iter()
                .chain(&second)
                .find(|e| e["user"]["name"] == shift["user"]["name"])
                .unwrap();
            let (rotation, layer) = configured(primary, served);
            assert_eq!(shift["rotation"]["name"], rotation.as_str());
            assert_eq!(shift["layer"]["name"], layer.as_str());
        }
    }
    page1.assert_calls(2);
    page2.assert_calls(2);
}

#[test]
fn at_with_next_finds_who_takes_over_at_the_changeover() {
    let server = MockServer::start();
    let schedules = schedules();
    serve_schedules(&server, &schedules);
    let at: DateTime<Utc> = "2030-01-07T09:00:00Z".parse().unwrap();
    let h = TimeDelta::hours;
    let (erin, fred) = (user("U5", "Erin"), user("U9", "Fred"));
    let changeover = at + h(2);
    let now_on = vec![entry(&erin, "R5", "L5", at - h(1), changeover)];
    let then_on = vec![
        entry(&erin, "R5", "L5", at - h(1), changeover),
        entry(&fred, "R5", "L5", changeover, changeover + h(24)),
    ];
    for (start, entries) in [(at, now_on.clone()), (changeover, then_on.clone())] {
        let end = start + TimeDelta::minutes(1);
        let start = rfc3339(start);
        server.mock(|when, then| {
            when.method(GET)
                .path("/v2/schedule_entries")
                .is_true(move |r| window(r, D, &start, end));
            then.status(200).json_body(json!({
                "schedule_entries": {"final": entries, "overrides": [], "scheduled": []},
            }));
        });
    }
    let answer = json_of(&run_against(
        &server.base_url(),
        &["oncall", "--schedule", D, "--at", &rfc3339(at), "--next"],
    ));
    let record = &answer["schedules"][0];
    assert_eq!(names(&record["on_call"]), names(&json!(now_on)));
    // On at the changeover (the earliest end of a current shift).
    let expected: Vec<Value> = then_on
        .iter()
        .filter(|e| {
            let time = |k: &str| e[k].as_str().unwrap().parse::<DateTime<Utc>>().unwrap();
            time("start_at") <= changeover && changeover < time("end_at")
        })
        .cloned()
        .collect();
    assert_eq!(names(&record["next"]), names(&json!(expected)), "{record}");
}

#[test]
fn at_accepts_a_time_from_now_and_refuses_what_it_cannot_place() {
    let server = MockServer::start();
    serve_schedules(&server, &schedules());
    let asked = server.mock(|when, then| {
        when.method(GET).path("/v2/schedule_entries").is_true(|r| {
            let query = r.query_params_map();
            let start = query
                .get("entry_window_start")
                .and_then(|s| s.parse::<DateTime<Utc>>().ok());
            // Two hours from now, give or take the test's own run.
            start.is_some_and(|s| (s - (Utc::now() + TimeDelta::hours(2))).num_seconds().abs() < 60)
        });
        then.status(200).json_body(
            json!({"schedule_entries": {"final": [], "overrides": [], "scheduled": []}}),
        );
    });
    let answer = json_of(&run_against(
        &server.base_url(),
        &["oncall", "--schedule", D, "--at", "+2h"],
    ));
    asked.assert_calls(1);
    assert_eq!(answer["schedules"][0]["status"], "nobody_on_call");

    // Refused before anything is sent: exit 2.
    let server = MockServer::start();
    let sent = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    for at in ["tomorrow 09:00", "2030-01-07T09:00", "+2", "+2y"] {
        let out = run_against(&server.base_url(), &["oncall", "--at", at]);
        assert_eq!(code(&out), 2, "{at}: {}", stderr(&out));
        assert!(stderr(&out).contains("--at"), "{}", stderr(&out));
    }
    sent.assert_calls(0);
}

#[test]
fn who_is_on_call_gives_agents_the_commands_json() {
    let mut session = Session::start(&["--mock", "mcp"], None);
    let tools = session.tools();
    let tool = tools
        .iter()
        .find(|t| t["name"] == "who_is_on_call")
        .expect("listed by default");
    assert_eq!(tool["annotations"]["readOnlyHint"], true);
    let properties: Vec<&String> = tool["inputSchema"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(properties, ["at", "jq", "next", "schedule"]);
    // `jq` as on every read tool.
    let names = session.call(
        "who_is_on_call",
        json!({"jq": ".schedules[].schedule.name"}),
    );
    assert_eq!(names["isError"], false, "{names}");
    assert!(
        !names["structuredContent"]["results"]
            .as_array()
            .expect("results")
            .is_empty(),
        "{names}"
    );

    // Now: the same records (the moment differs by the runs' gap).
    let result = session.call("who_is_on_call", json!({}));
    assert_eq!(result["isError"], false, "{result}");
    let command = json_of(&run(&["--mock", "oncall", "-o", "json"]));
    assert_eq!(
        result["structuredContent"]["schedules"],
        command["schedules"]
    );
    // A given moment: the whole answer alike.
    let at = "2021-08-17T13:28:00Z";
    let result = session.call("who_is_on_call", json!({"at": at, "next": true}));
    let command = json_of(&run(&[
        "--mock", "oncall", "--at", at, "--next", "-o", "json",
    ]));
    assert_eq!(result["structuredContent"], command);

    // Wrong arguments are named; nothing found for a name is an error.
    for (arguments, named) in [
        (json!({"colour": "red"}), "colour"),
        (json!({"at": "tomorrow 09:00"}), "at"),
        (json!({"next": "yes"}), "next"),
        (json!({"schedule": ["no such rota"]}), "schedule"),
    ] {
        let result = session.call("who_is_on_call", arguments);
        assert_eq!(result["isError"], true, "{result}");
        assert_eq!(result["structuredContent"]["argument"], named, "{result}");
    }

    // Not offered without the schedules toolset.
    let mut other = Session::start(&["--mock", "mcp", "--toolsets", "catalog"], None);
    assert!(!other.tools().iter().any(|t| t["name"] == "who_is_on_call"));
    assert_eq!(other.call("who_is_on_call", json!({}))["isError"], true);
}

#[test]
fn who_is_on_call_is_cut_between_schedules_to_the_result_bound() {
    let server = MockServer::start();
    let schedules = schedules();
    serve_schedules(&server, &schedules);
    let base = server.base_url();
    let whole = json_of(&run_against(&base, &["oncall"]));
    let size = serde_json::to_string(&whole).unwrap().len();
    let max = size / 2 + 512;
    let max_arg = max.to_string();
    let mut session = Session::start(
        &["--base-url", &base, "mcp", "--max-result-bytes", &max_arg],
        Some(SECRET),
    );
    let result = session.call("who_is_on_call", json!({}));
    assert_eq!(result["isError"], false, "{result}");
    let content = &result["structuredContent"];
    assert!(
        serde_json::to_string(content).unwrap().len() <= max,
        "{content}"
    );
    let kept = content["schedules"].as_array().unwrap();
    let all = whole["schedules"].as_array().unwrap();
    assert!(!kept.is_empty() && kept.len() < all.len(), "{}", kept.len());
    assert_eq!(kept[..], all[..kept.len()]);
    assert_eq!(content["truncated"]["returned"], kept.len());
    assert_eq!(content["truncated"]["of"], all.len());
}
