//! `--each`: 1,000 creates against a loopback server that answers some
//! requests with 503 and 429; every line accounted for exactly once, in
//! order, no create sent twice without its key; malformed lines reported
//! by number; the exit code with and without `--continue-on-error`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::common::{SECRET, code, run_with, stderr, stdout};

const LINES: usize = 1000;

/// What the server saw and served.
#[derive(Default)]
struct Seen {
    /// The body of every POST, in arrival order.
    bodies: Mutex<Vec<Value>>,
    requests: AtomicUsize,
    unavailable: AtomicUsize,
    throttled: AtomicUsize,
}

/// Every 127th request is answered 503 in the thousand-creates test: a
/// handful per run, each ridden out by a retry after the library's own
/// backoff (a random wait of up to half a second, which no header
/// shortens), so the run stays short while still meeting several.
const UNAVAILABLE_EVERY: usize = 127;

/// A loopback HTTP/1.1 server (keep-alive) for `POST /v2/incidents`: every
/// `unavailable_every`-th request (if any) gets a 503, the 17th, 34th, … a
/// 429 with `Retry-After: 0`, every other one a 201 echoing the incident's
/// name and key.
fn server(unavailable_every: Option<usize>) -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Seen::default());
    let shared = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = shared.clone();
            std::thread::spawn(move || serve(stream, &seen, unavailable_every));
        }
    });
    (url, seen)
}

fn serve(stream: TcpStream, seen: &Seen, unavailable_every: Option<usize>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header == "\r\n" {
                break;
            }
            if let Some(value) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).expect("the body");
        let n = seen.requests.fetch_add(1, Ordering::SeqCst) + 1;
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let (status, extra, answer) =
            if unavailable_every.is_some_and(|every| n.is_multiple_of(every)) {
                seen.unavailable.fetch_add(1, Ordering::SeqCst);
                (
                    "503 Service Unavailable",
                    "",
                    json!({"type": "unavailable", "status": 503, "errors": []}),
                )
            } else if n.is_multiple_of(17) {
                seen.throttled.fetch_add(1, Ordering::SeqCst);
                (
                    "429 Too Many Requests",
                    "Retry-After: 0\r\n",
                    json!({"type": "rate_limited", "status": 429, "errors": []}),
                )
            } else {
                seen.bodies.lock().unwrap().push(body.clone());
                (
                    "201 Created",
                    "",
                    json!({"incident": {"id": body["idempotency_key"], "name": body["name"]}}),
                )
            };
        let answer = answer.to_string();
        let response = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// The input file: line `i` creates `bulk-i`; `bad` replaces lines.
fn input(bad: &[(usize, &str)]) -> std::path::PathBuf {
    let mut text = String::new();
    for i in 1..=LINES {
        match bad.iter().find(|(line, _)| *line == i) {
            Some((_, replacement)) => text.push_str(replacement),
            None => text.push_str(
                &json!({"name": format!("bulk-{i}"), "visibility": "public"}).to_string(),
            ),
        }
        text.push('\n');
    }
    let path = std::env::temp_dir().join(format!(
        "incidentio-bulk-{}-{}.ndjson",
        std::process::id(),
        unique_suffix()
    ));
    std::fs::write(&path, text).expect("write the input");
    path
}

fn unique_suffix() -> u64 {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::SeqCst) as u64
}

fn parse_records(out: &std::process::Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Each create the server accepted, by key: the names sent with it.
fn creates_by_key(seen: &Seen) -> BTreeMap<String, BTreeSet<String>> {
    let mut by_key: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for body in seen.bodies.lock().unwrap().iter() {
        let key = body["idempotency_key"]
            .as_str()
            .unwrap_or_else(|| panic!("a create without its key: {body}"));
        by_key
            .entry(key.to_owned())
            .or_default()
            .insert(body["name"].as_str().unwrap_or_default().to_owned());
    }
    by_key
}

/// `incidents create --each --input FILE` against `url`, with `extra`.
fn create_each(url: &str, file: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--base-url", url, "incidents", "create", "--each"];
    args.extend(extra);
    args.extend(["--input", file.to_str().expect("a UTF-8 path")]);
    run_with(&args, Some(SECRET), None)
}

#[test]
fn a_thousand_creates_through_503s_and_429s_each_once_in_order() {
    let (url, seen) = server(Some(UNAVAILABLE_EVERY));
    let file = input(&[]);
    let out = create_each(&url, &file, &[]);
    std::fs::remove_file(&file).ok();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let records = parse_records(&out);
    assert_eq!(records.len(), LINES);
    let mut keys = BTreeMap::new();
    for (i, record) in records.iter().enumerate() {
        let line = i + 1;
        assert_eq!(record["line"], line, "{record}");
        assert_eq!(
            record["response"]["incident"]["name"],
            format!("bulk-{line}"),
            "{record}"
        );
        let key = record["generated"]["idempotency_key"]
            .as_str()
            .expect("a key")
            .to_owned();
        assert_eq!(record["response"]["incident"]["id"], key.as_str());
        keys.insert(key, format!("bulk-{line}"));
    }
    // Every line created once under its own key (a retried create carried
    // the same key, so the API would return the first result).
    let by_key = creates_by_key(&seen);
    assert_eq!(by_key.len(), LINES);
    for (key, names) in &by_key {
        assert_eq!(names.len(), 1, "one key, several lines: {key}");
        assert_eq!(keys.get(key), names.iter().next(), "{key}");
    }
    // The server's failures were met and ridden out.
    assert!(seen.unavailable.load(Ordering::SeqCst) > 0);
    assert!(seen.throttled.load(Ordering::SeqCst) > 0);
    assert_eq!(
        seen.requests.load(Ordering::SeqCst),
        LINES + seen.unavailable.load(Ordering::SeqCst) + seen.throttled.load(Ordering::SeqCst)
    );
    assert_eq!(seen.bodies.lock().unwrap().len(), LINES);
}

#[test]
fn malformed_lines_are_reported_by_number_and_stop_the_run_unless_told() {
    let bad = [(500, "{oops"), (700, r#"{"name": "no visibility"}"#)];

    // Stops at the first failure: lines 1-499 created, line 500 reported.
    let (url, seen) = server(None);
    let file = input(&bad);
    let out = create_each(&url, &file, &[]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("line 500"), "{}", stderr(&out));
    let records = parse_records(&out);
    assert_eq!(records.len(), 500);
    assert_eq!(records[499]["line"], 500);
    assert_eq!(
        records[499]["error"]["type"], "usage_error",
        "{}",
        records[499]
    );
    assert!(records[..499].iter().all(|r| r.get("error").is_none()));
    assert_eq!(creates_by_key(&seen).len(), 499);

    // Goes on: every line accounted for, the two bad ones by number.
    let (url, seen) = server(None);
    let out = create_each(&url, &file, &["--continue-on-error"]);
    std::fs::remove_file(&file).ok();
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let records = parse_records(&out);
    let lines: Vec<u64> = records
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, (1..=LINES as u64).collect::<Vec<_>>());
    let failed: Vec<u64> = records
        .iter()
        .filter(|r| r.get("error").is_some())
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(failed, [500, 700]);
    assert!(
        records[699]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("visibility")
    );
    assert_eq!(creates_by_key(&seen).len(), LINES - 2);
}

#[test]
fn lines_without_a_body_are_parameters_over_the_flags() {
    let out = run_with(
        &[
            "--mock",
            "incidents",
            "show",
            "--each",
            "--input",
            "-",
            "--jq",
            ".response.incident.id // .error.message",
        ],
        None,
        Some("{\"id\": \"01FDAG4SAP5TYPT98WGR2N7W91\"}\n\n{\"nope\": 1}\n"),
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0], "01FDAG4SAP5TYPT98WGR2N7W91");
    assert!(lines[1].contains("no argument `nope`"), "{}", lines[1]);
    // --each needs its input; --input alone is for --each here.
    assert_eq!(
        code(&run_with(
            &["--mock", "incidents", "show", "--each"],
            None,
            None
        )),
        2
    );
    assert_eq!(
        code(&run_with(
            &["--mock", "incidents", "show", "--input", "-"],
            None,
            None
        )),
        2
    );
}
