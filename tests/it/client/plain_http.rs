//! A base URL that would send the key in clear text across a network is
//! refused at build time; loopback and https are accepted; other malformed
//! configuration fails with a clear error rather than a panic.

use crate::common::KEY;
use incidentio::{Client, Error, Pacing};

fn build(base_url: &str) -> Result<Client, Error> {
    Client::builder().api_key(KEY).base_url(base_url).build()
}

fn message(error: Error) -> String {
    match error {
        Error::InvalidArgument(message) => message,
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    for url in [
        "http://api.incident.io",
        "http://example.com:8080/api",
        "http://10.0.0.1",
        "http://169.254.169.254",
        "HTTP://EXAMPLE.COM",
    ] {
        let text = message(build(url).unwrap_err());
        assert!(text.contains("clear text"), "{url}: {text}");
        assert!(text.contains("https://"), "{url}: {text}");
    }
}

#[test]
fn loopback_and_https_are_accepted() {
    for url in [
        "https://api.incident.io",
        "https://api.incident.io/",
        "https://proxy.internal/incident-io/",
        "http://127.0.0.1:8080",
        "http://127.0.0.2",
        "http://localhost:3000",
        "http://[::1]:8080",
    ] {
        assert!(build(url).is_ok(), "{url} should be accepted");
    }
    assert!(Client::new(KEY).is_ok(), "the default base URL");
}

#[test]
fn other_bad_base_urls_are_clear_errors() {
    for (url, expected) in [
        ("not a url", "not a valid URL"),
        ("ftp://api.incident.io", "must use https://"),
        ("https://user:pass@api.incident.io", "credentials"),
        ("https://api.incident.io/?x=1", "query"),
    ] {
        let text = message(build(url).unwrap_err());
        assert!(text.contains(expected), "{url}: {text}");
    }
}

#[test]
fn missing_or_malformed_settings_are_clear_errors() {
    let text = message(Client::builder().build().unwrap_err());
    assert!(text.contains("no API key"), "{text}");
    assert!(text.contains("INCIDENT_IO_API_KEY"), "{text}");

    let text = message(Client::new("   ").unwrap_err());
    assert!(text.contains("empty"), "{text}");

    let text = message(
        Client::builder()
            .api_key(KEY)
            .timeout(std::time::Duration::ZERO)
            .build()
            .unwrap_err(),
    );
    assert!(text.contains("timeout"), "{text}");

    for pacing in [
        Pacing::new(0, 1.0),
        Pacing::new(10, 0.0),
        Pacing::new(10, f64::NAN),
    ] {
        let text = message(
            Client::builder()
                .api_key(KEY)
                .pacing(pacing)
                .build()
                .unwrap_err(),
        );
        assert!(text.contains("pacing"), "{text}");
    }

    let text = message(
        Client::builder()
            .api_key(KEY)
            .app_name("bad\nname")
            .build()
            .unwrap_err(),
    );
    assert!(text.contains("user agent"), "{text}");
}
