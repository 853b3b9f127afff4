//! The rate-limit headers and `Retry-After` are advisory: whatever a server
//! sends in them, parsing never panics, agrees with a simple reference model,
//! and never makes the client wait longer than its policy allows.
//!
//! `X-RateLimit-*` is fuzzed through the public [`RateLimit::from_headers`]
//! (fast, many cases); `Retry-After` through a raw loopback server and the
//! whole client, since its parser is internal. For a long run:
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test --release --all-features --test it fuzz::rate_limit_headers -- --nocapture
//! ```

use crate::common::fuzz;
use crate::common::raw_http;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use fuzz::fuzz;
use http::{HeaderMap, HeaderName, HeaderValue};
use incidentio::{Error, RateLimit, RetryPolicy};
use proptest::prelude::*;
use raw_http::{RawServer, Reply};

/// Header text: numbers (small, huge, negative), lists with `;window=`
/// parameters, HTTP dates, and arbitrary visible ASCII.
fn header_text() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        (0u64..100_000).prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        "[0-9]{18,40}",
    ];
    let item = (
        number.clone(),
        proptest::option::of(("[a-zA-Z ]{0,8}", number.clone())),
    )
        .prop_map(|(n, param)| match param {
            Some((key, value)) => format!("{n};{key}={value}"),
            None => n,
        });
    prop_oneof![
        number,
        prop::collection::vec(item, 0..6).prop_map(|items| items.join(", ")),
        any::<u32>().prop_map(|secs| {
            httpdate::fmt_http_date(
                SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(secs) * 3),
            )
        }),
        "[ -~]{0,80}",
    ]
}

#[test]
fn rate_limit_headers_never_panic_and_agree_with_a_model() {
    let names = [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-used",
        "x-ratelimit-reset",
    ];
    fuzz(
        "X-RateLimit-* parsing",
        4096,
        prop::collection::vec((0..names.len(), header_text()), 0..8),
        |headers| {
            let mut map = HeaderMap::new();
            for (name, value) in &headers {
                if let Ok(value) = HeaderValue::from_str(value) {
                    map.append(HeaderName::from_static(names[*name]), value);
                }
            }
            let reading = RateLimit::from_headers(&map);
            // Model: a single number header is read as that number.
            let number = |name: &str| {
                map.get(name)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
            };
            if let Some(reading) = &reading {
                prop_assert_eq!(reading.remaining, number("x-ratelimit-remaining"));
                prop_assert_eq!(reading.used, number("x-ratelimit-used"));
                for policy in &reading.policies {
                    // Whatever the window, the derived rate is finite.
                    if let Some(rate) = policy.per_second() {
                        prop_assert!(rate.is_finite() && rate >= 0.0);
                    }
                }
                let _ = reading.widest_policy();
            } else {
                prop_assert_eq!(number("x-ratelimit-remaining"), None);
                prop_assert_eq!(number("x-ratelimit-used"), None);
            }
            Ok(())
        },
    );
}

/// `Retry-After` as the model reads RFC 9110: delay-seconds, else an HTTP
/// date (a past one meaning no wait), else nothing.
fn model_retry_after(value: &str) -> Option<Option<u64>> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Some(secs));
    }
    httpdate::parse_http_date(value).ok().map(|_| None)
}

#[test]
fn retry_after_is_parsed_like_the_model_and_never_overrides_the_policy() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let slot = Arc::new(Mutex::new(String::new()));
    let served = Arc::clone(&slot);
    let server = runtime.block_on(RawServer::start("127.0.0.1", move |_| {
        let retry_after = served.lock().unwrap().clone();
        let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        if !retry_after.is_empty() {
            headers.push(("retry-after".to_owned(), retry_after));
        }
        Reply::Full {
            status: 429,
            headers,
            body: br#"{"type":"too_many_requests","status":429,"errors":[]}"#.to_vec(),
        }
    }));
    let build = |retry: RetryPolicy| {
        fuzz::one_request_per_call(&server.url())
            .retry_policy(retry)
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    };
    let no_retries = build(RetryPolicy::disabled());
    // Retries whose waits are capped at 50 ms: a Retry-After above that
    // ends the retries instead of being waited for. The client's own
    // backoff (used when the value is not a delay) is kept to a
    // millisecond: the property is about the server's value.
    let max_wait = Duration::from_millis(50);
    let capped = build(
        RetryPolicy::default()
            .max_retries(2)
            .initial_backoff(Duration::from_millis(1))
            .max_wait(max_wait)
            .budget(Duration::from_secs(1)),
    );

    let value = prop_oneof![
        (0u64..3).prop_map(|n| n.to_string()),
        header_text(),
        Just(httpdate::fmt_http_date(
            SystemTime::now() + Duration::from_secs(3600)
        )),
    ];
    fuzz("Retry-After through the client", 256, value, |value| {
        let Ok(header) = HeaderValue::from_str(&value) else {
            return Ok(());
        };
        *slot.lock().unwrap() = value.clone();
        let error = runtime
            .block_on(no_retries.severities_v1_list().send())
            .expect_err("429");
        prop_assert!(error.is_rate_limited());
        let read = error.retry_after();
        match model_retry_after(header.to_str().unwrap_or_default()) {
            Some(Some(secs)) => prop_assert_eq!(read, Some(Duration::from_secs(secs))),
            Some(None) => prop_assert!(read.is_some(), "an HTTP date is a wait"),
            None => prop_assert_eq!(read, None),
        }

        // With retries on, no value makes a single wait exceed max_wait:
        // the whole call (3 attempts at most) stays well inside a second.
        let started = Instant::now();
        let result = runtime.block_on(capped.severities_v1_list().send());
        let took = started.elapsed();
        prop_assert!(matches!(result, Err(Error::Api(_))));
        prop_assert!(
            took < max_wait * 3 + Duration::from_millis(1500),
            "Retry-After {value:?} held the call for {took:?}"
        );
        Ok(())
    });
}
