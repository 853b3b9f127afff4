//! Which key-exchange groups the client offers in its TLS handshake, read
//! from the ClientHello by a loopback rustls `Acceptor` (no certificate:
//! the server reads the hello and hangs up, so the request itself fails).
//! The client is the crate's own (`Client::builder()`, which sets up TLS
//! as every user's client does). Under the default `rustls` feature
//! (aws-lc-rs, which also wins when `rustls-ring` is on) the post-quantum
//! hybrid X25519MLKEM768 is offered first; under `rustls-ring` alone it is
//! not offered at all.
//!
//! A test binary of its own, not a module of `tests/it/`: the README's test
//! command (`--all-features`) covers the aws-lc-rs case, and `.ci/run`
//! builds this file a second time with `rustls-ring` and one service, which
//! costs the TLS dependencies, a one-service crate and this small binary
//! instead of the whole `it` binary over the full client.

#![cfg(any(feature = "rustls", feature = "rustls-ring"))]

use std::io;
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use incidentio::{Client, RetryPolicy};
use rustls::NamedGroup;
use rustls::server::Acceptor;

/// The groups of the first ClientHello that arrives on `listener`.
fn read_hello_groups(listener: TcpListener) -> Result<Vec<NamedGroup>, String> {
    let (mut stream, _) = listener.accept().map_err(|e| format!("accept: {e}"))?;
    // A client that never sends a hello must fail the test, not hang it.
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| format!("set_read_timeout: {e}"))?;
    let mut acceptor = Acceptor::default();
    loop {
        match acceptor.read_tls(&mut stream) {
            Ok(0) => return Err("the client closed before a whole ClientHello".into()),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("reading the ClientHello: {e}")),
        }
        match acceptor.accept() {
            Ok(Some(accepted)) => {
                return accepted
                    .client_hello()
                    .named_groups()
                    .map(<[NamedGroup]>::to_vec)
                    .ok_or_else(|| "the ClientHello names no groups".into());
            }
            Ok(None) => {}
            Err((e, _)) => return Err(format!("not a ClientHello: {e}")),
        }
    }
}

/// The groups this crate's client offers when it calls an https:// URL.
fn offered_groups() -> Vec<NamedGroup> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || read_hello_groups(listener));
    let client = Client::builder()
        .api_key("sk_test_tls_groups")
        .base_url(format!("https://{addr}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // A raw request: the handshake is the same for every operation, and
    // this needs no service feature.
    let outcome = runtime.block_on(
        client
            .request(incidentio::Method::GET, "/v1/severities")
            .send(),
    );
    assert!(outcome.is_err(), "the server never finishes a handshake");
    // A client that failed before connecting leaves the server waiting in
    // `accept`: this connection, closed at once, turns that into a
    // "closed before a whole ClientHello" failure. Otherwise it is never
    // accepted.
    drop(TcpStream::connect(addr));
    server.join().unwrap().unwrap()
}

/// The names of a provider's groups, in its order of preference.
fn names(groups: &[&'static dyn rustls::crypto::SupportedKxGroup]) -> Vec<NamedGroup> {
    groups.iter().map(|group| group.name()).collect()
}

#[cfg(feature = "rustls")]
#[test]
fn aws_lc_rs_offers_post_quantum_key_exchange_first() {
    let groups = offered_groups();
    assert_eq!(
        groups.first(),
        Some(&NamedGroup::X25519MLKEM768),
        "offered: {groups:?}"
    );
    assert!(groups.contains(&NamedGroup::X25519), "offered: {groups:?}");
    assert_eq!(
        groups,
        names(&rustls::crypto::aws_lc_rs::default_provider().kx_groups)
    );
}

#[cfg(not(feature = "rustls"))]
#[test]
fn ring_offers_no_post_quantum_key_exchange() {
    let groups = offered_groups();
    assert!(
        !groups.contains(&NamedGroup::X25519MLKEM768),
        "offered: {groups:?}"
    );
    assert!(groups.contains(&NamedGroup::X25519), "offered: {groups:?}");
    assert_eq!(groups, names(rustls::crypto::ring::DEFAULT_KX_GROUPS));
}
