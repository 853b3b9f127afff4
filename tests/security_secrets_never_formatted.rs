//! Neither the API key nor a webhook signing secret appears in anything
//! formatted during succeeding and failing calls and verifications: the
//! `Debug` and `Display` of the client, its builder, responses, errors and
//! every error in their source chains, webhook verifiers and their errors,
//! and all tracing output (spans, their fields and events, at every level)
//! and `log` records (reqwest's and hyper's own, at trace level), captured
//! for the whole run.
//!
//! This is the one test of the key's redaction in everything formatted
//! (`tests/it/client/redaction.rs` keeps only the exact form of
//! `ApiKey`'s `Debug`, and `tests/it/client/tracing_spans.rs` what spans
//! record): every failing call, configuration error and client it builds is
//! here, with the success path, dependency logs and the webhook secret.

// A test binary of its own, not a module of `tests/it/`: it installs a
// `log` logger for the whole process (`log` has no scoped logger) and
// raises the global `log` level to trace, to capture everything reqwest and
// hyper log for the whole run. In the shared binary it would capture (and
// slow) every other test's logging.
#[path = "it/common/raw_http.rs"]
mod raw_http;

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use incidentio::{Client, Error, Pacing, RetryPolicy};
use raw_http::{After, RawServer, Received, Reply, json, with_headers};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const KEY: &str = "sk_live_SECURITY_4b7f2e91d0c3_KEY";
/// The distinctive middle of the key, in case something truncates it.
const KEY_MIDDLE: &str = "4b7f2e91d0c3";
/// base64 of `security-webhook-secret-bytes!!` (the key itself is text, so
/// the raw key can be searched for too).
const WEBHOOK_SECRET: &str = "whsec_c2VjdXJpdHktd2ViaG9vay1zZWNyZXQtYnl0ZXMhIQ==";
const WEBHOOK_KEY_TEXT: &str = "security-webhook-secret-bytes";

/// Everything formatted during the test, as text.
fn transcript() -> &'static Mutex<String> {
    static TEXT: OnceLock<Mutex<String>> = OnceLock::new();
    TEXT.get_or_init(Mutex::default)
}

fn record(what: &str, text: impl fmt::Display) {
    let mut all = transcript().lock().unwrap();
    all.push_str(what);
    all.push_str(": ");
    all.push_str(&text.to_string());
    all.push('\n');
}

/// Records `Display`, `Debug` and alternate `Debug` of an error and of each
/// error in its source chain.
fn record_error(what: &str, error: &(dyn std::error::Error + 'static)) {
    record(what, format_args!("{error} | {error:?} | {error:#?}"));
    let mut source = error.source();
    while let Some(cause) = source {
        record(
            &format!("{what} (source)"),
            format_args!("{cause} | {cause:?}"),
        );
        source = cause.source();
    }
}

/// A tracing subscriber that writes every span (name, target, fields and
/// later recorded values) and event into the transcript.
struct Capture;

struct Text(String);

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut text = Text(format!(
            "{}::{}",
            attributes.metadata().target(),
            attributes.metadata().name()
        ));
        attributes.record(&mut text);
        record("span", text.0);
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut text = Text(String::new());
        values.record(&mut text);
        record("span record", text.0);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut text = Text(event.metadata().target().to_owned());
        event.record(&mut text);
        record("event", text.0);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// A `log` logger (reqwest and hyper log through `log`) into the transcript.
struct Logs;

impl log::Log for Logs {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, entry: &log::Record<'_>) {
        record("log", format_args!("{} {}", entry.target(), entry.args()));
    }

    fn flush(&self) {}
}

/// The first line of `text` that shows a secret, with what it shows.
fn find_secret(text: &str) -> Option<String> {
    for (name, secret) in [
        ("the API key", KEY),
        ("the API key", KEY_MIDDLE),
        ("the webhook secret", WEBHOOK_SECRET),
        (
            "the webhook secret",
            WEBHOOK_SECRET.trim_start_matches("whsec_"),
        ),
        ("the webhook key", WEBHOOK_KEY_TEXT),
    ] {
        if let Some(at) = text.find(secret) {
            let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            return Some(format!("{name} was formatted: {}", &text[start..end]));
        }
    }
    None
}

fn assert_transcript_clean() {
    if let Some(leak) = find_secret(&transcript().lock().unwrap()) {
        panic!("{leak}");
    }
}

/// The check itself finds each secret, whole or in part.
#[test]
fn the_check_finds_planted_secrets() {
    assert_eq!(find_secret("clean\nlines"), None);
    for planted in [
        format!("Bearer {KEY}"),
        format!("key=…{KEY_MIDDLE}…"),
        WEBHOOK_SECRET.to_owned(),
        WEBHOOK_SECRET.trim_start_matches("whsec_").to_owned(),
        format!("{WEBHOOK_KEY_TEXT}!!"),
    ] {
        let text = format!("before\nevent: x={planted:?}\nafter");
        let found = find_secret(&text).expect("a planted secret is found");
        assert!(found.contains("event: x="), "{found}");
    }
}

/// Answers by path: a 429 then a 200 (a retried success), a 200, the
/// documented 401 and 422, a 500 that echoes the request's headers back (a
/// misbehaving proxy), a stall, a body that does not decode, a reset.
async fn api() -> RawServer {
    let first_429 = Arc::new(Mutex::new(true));
    RawServer::start("127.0.0.1", move |request: Received| {
        let path = request.target.split('?').next().unwrap_or_default().to_owned();
        match path.as_str() {
            "/v1/severities" => {
                let mut first = first_429.lock().unwrap();
                if std::mem::take(&mut *first) {
                    with_headers(
                        429,
                        &[("retry-after", "0"), ("content-type", "application/json")],
                        r#"{"type":"too_many_requests","status":429,"request_id":"r-429","errors":[]}"#,
                    )
                } else {
                    with_headers(
                        200,
                        &[
                            ("content-type", "application/json"),
                            ("x-request-id", "r-200"),
                            ("x-ratelimit-limit", "1200, 1200;window=60"),
                            ("x-ratelimit-remaining", "1199"),
                        ],
                        r#"{"severities":[]}"#,
                    )
                }
            }
            "/v2/incident_roles" => json(
                401,
                r#"{"type":"authentication_error","status":401,"request_id":"r-401","errors":[{"code":"invalid_key","message":"The API key is invalid"}]}"#,
            ),
            "/v1/identity" => json(
                422,
                r#"{"type":"validation_error","status":422,"request_id":"r-422","errors":[{"code":"is_required","message":"required","source":{"field":"name"}}]}"#,
            ),
            "/v1/incident_types" => json(200, r#"{"incident_types":[{"id":1}]}"#),
            "/v1/incident_statuses" => Reply::Raw {
                bytes: Vec::new(),
                then: After::Stall(Duration::from_secs(10)),
            },
            "/v2/custom_fields" => Reply::Raw {
                bytes: b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"cu".to_vec(),
                then: After::Reset,
            },
            _ => {
                let echoed = format!("{:?}", request.headers);
                with_headers(500, &[("content-type", "text/plain")], echoed)
            }
        }
    })
    .await
}

#[tokio::test]
async fn no_secret_in_anything_formatted() {
    let _ = log::set_boxed_logger(Box::new(Logs));
    log::set_max_level(log::LevelFilter::Trace);
    let _guard = tracing::subscriber::set_default(Capture);

    let server = api().await;
    let builder = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(5))
                .max_wait(Duration::from_millis(50)),
        )
        .pacing(Pacing::new(100, 100.0))
        .timeout(Duration::from_millis(300));
    record("builder", format_args!("{builder:?} {builder:#?}"));
    let client = builder.build().unwrap();
    record("client", format_args!("{client:?} {client:#?}"));
    record("client clone", format_args!("{:?}", client.clone()));
    // With a caller-supplied reqwest client too.
    let own_http = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .http_client(incidentio::http_client_builder().unwrap().build().unwrap())
        .build()
        .unwrap();
    record(
        "client with its own reqwest client",
        format_args!("{own_http:#?}"),
    );

    // Succeeding calls, one after a retried 429.
    let response = client.severities_v1_list().send().await.unwrap();
    record(
        "response",
        format_args!("{response:?} {:?}", response.headers()),
    );
    record("rate limit", format_args!("{:?}", client.rate_limit()));

    // Failing calls of every kind.
    let mut errors: Vec<(&str, Error)> = vec![
        (
            "401",
            client.incident_roles_v2_list().send().await.unwrap_err(),
        ),
        (
            "422",
            client.utilities_v1_identity().send().await.unwrap_err(),
        ),
        (
            "500 echo",
            client
                .severities_v1_show()
                .id("echo")
                .send()
                .await
                .unwrap_err(),
        ),
        (
            "decode",
            client.incident_types_v1_list().send().await.unwrap_err(),
        ),
        (
            "timeout",
            client.incident_statuses_v1_list().send().await.unwrap_err(),
        ),
        (
            "reset",
            client.custom_fields_v2_list().send().await.unwrap_err(),
        ),
        (
            "invalid argument",
            client.severities_v1_show().send().await.unwrap_err(),
        ),
    ];
    let refused_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{refused_port}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    errors.push((
        "refused",
        refused.severities_v1_list().send().await.unwrap_err(),
    ));
    for bad_key in [
        format!("{KEY} space"),
        format!("{KEY}\u{e9}"),
        format!("{KEY}\nsecond line"),
        format!("{KEY}\n"),
    ] {
        // The last is trimmed and accepted: the others fail.
        if let Err(error) = Client::builder().api_key(bad_key).build() {
            assert!(matches!(error, Error::InvalidArgument(_)), "{error:?}");
            errors.push(("bad key", error));
        }
    }
    assert_eq!(
        errors.iter().filter(|(what, _)| *what == "bad key").count(),
        3
    );
    errors.push((
        "plain http",
        Client::builder()
            .api_key(KEY)
            .base_url("http://example.com")
            .build()
            .unwrap_err(),
    ));
    // The misbehaving proxy echoed the request's headers: the key in them
    // was already scrubbed when the error kept the body.
    let echoed = errors
        .iter()
        .find(|(what, _)| *what == "500 echo")
        .and_then(|(_, e)| e.api_error())
        .expect("the echo is an API error");
    assert!(
        echoed.body.to_ascii_lowercase().contains("bearer ****"),
        "the echo shows the scrubbed header: {}",
        echoed.body
    );
    assert!(
        errors.iter().any(|(_, e)| e.is_timeout()),
        "a timeout was exercised"
    );
    assert!(
        errors
            .iter()
            .any(|(_, e)| matches!(e, Error::Transport { .. })),
        "a transport error was exercised"
    );
    for (what, error) in &errors {
        record_error(what, error);
    }
    drop(errors);

    #[cfg(feature = "webhooks")]
    webhooks::exercise();

    assert_transcript_clean();
    let all = transcript().lock().unwrap();
    // The capture worked: the spans and the request ids are there.
    assert!(all.contains("incidentio.request"), "no span captured");
    assert!(
        all.contains("r-401") && all.contains("r-200"),
        "no request ids captured"
    );
    eprintln!(
        "{} bytes of formatted output checked ({} log records, {} spans, {} events)",
        all.len(),
        all.matches("\nlog: ").count(),
        all.matches("\nspan: ").count(),
        all.matches("\nevent: ").count(),
    );
    // For review: INCIDENTIO_SECURITY_TRANSCRIPT=/tmp/t.txt writes it out.
    if let Some(path) = std::env::var_os("INCIDENTIO_SECURITY_TRANSCRIPT") {
        std::fs::write(path, all.as_bytes()).unwrap();
    }
}

#[cfg(feature = "webhooks")]
mod webhooks {
    use std::time::{Duration, UNIX_EPOCH};

    use http::{HeaderMap, HeaderValue};
    use incidentio::webhooks::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, Verifier};

    use super::{WEBHOOK_SECRET, record, record_error};

    /// Verifications that succeed and fail, and secrets that are refused.
    pub fn exercise() {
        let verifier = Verifier::new(WEBHOOK_SECRET)
            .unwrap()
            .with_clock(|| UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        record("verifier", format_args!("{verifier:?} {verifier:#?}"));
        let body = br#"{"event_type":"public_incident.incident_created_v2","public_incident.incident_created_v2":{"id":"x"}}"#;
        let headers = verifier.signed_headers("msg_1", body).unwrap();
        record("signed headers", format_args!("{headers:?}"));
        match verifier.verify_event(body, &headers) {
            Ok(event) => record("event", format_args!("{event:?}")),
            Err(error) => record_error("event", &error),
        }

        let mut tampered = headers.clone();
        tampered.insert(HEADER_SIGNATURE, HeaderValue::from_static("v1,AAAA"));
        let mut stale = headers.clone();
        stale.insert(HEADER_TIMESTAMP, HeaderValue::from_static("1000"));
        let mut missing = HeaderMap::new();
        missing.insert(HEADER_ID, HeaderValue::from_static("msg_1"));
        for (what, headers) in [
            ("tampered", tampered),
            ("stale", stale),
            ("missing", missing),
        ] {
            let error = verifier.verify(body, &headers).unwrap_err();
            record_error(what, &error);
        }
        let error = verifier.verify(b"{}", &headers).unwrap_err();
        record_error("wrong body", &error);

        // Secrets that are refused: their errors must not quote them.
        for bad in [
            format!("{WEBHOOK_SECRET}!"),
            format!("{WEBHOOK_SECRET} x"),
            WEBHOOK_SECRET.replace('=', "%"),
        ] {
            match Verifier::new(&bad) {
                Ok(verifier) => record("lenient verifier", format_args!("{verifier:?}")),
                Err(error) => record_error("bad secret", &error),
            }
        }
    }
}
