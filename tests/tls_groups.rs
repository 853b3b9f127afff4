//! Which key-exchange groups the client offers in its TLS handshake, read
//! from the ClientHello by a loopback rustls `Acceptor` (no certificate:
//! the server reads the hello and hangs up, so the request itself fails).
//! The client is the crate's own (`Client::builder()`, which sets up TLS
//! as every user's client does). Under the default `rustls` feature (which
//! also wins when `rustls-ring` is on) the post-quantum hybrid
//! X25519MLKEM768 is offered first, as rustls' own default provider
//! (`aws-lc-rs`) offers it; under `rustls-ring` alone it is not offered at
//! all.
//!
//! The same binary makes whole handshakes, in module `handshakes`, against
//! a server with the `aws-lc-rs` provider (the hybrid agrees with another
//! implementation), and checks that the system's root certificates are read
//! at the first handshake, not when a client is built.
//!
//! A test binary of its own, not a module of `tests/it/`: the README's test
//! command (`--all-features`) covers the post-quantum case, and `.ci/run`
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

/// The groups, and their order, of rustls' own default provider
/// (`aws-lc-rs`): X25519MLKEM768 first, then its classical groups.
#[cfg(feature = "rustls")]
#[test]
fn post_quantum_key_exchange_is_offered_first() {
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

/// Whole handshakes against a TLS server on 127.0.0.1 whose cryptography
/// is rustls' `aws-lc-rs` provider (a dev-dependency), an implementation
/// independent of the crate's own: the post-quantum hybrid and its X25519
/// half agree with it, and the system's root certificates are read at the
/// first handshake, not when a client is built.
///
/// Each test runs itself again as a child process whose environment points
/// rustls' certificate loader (`SSL_CERT_FILE`, `SSL_CERT_DIR`) at the
/// roots the test chose: the crate's TLS set-up is made once per process,
/// and the environment is read then.
mod handshakes {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::{Arc, mpsc};
    use std::time::Duration;

    use incidentio::{Client, RetryPolicy};
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use rustls::{HandshakeKind, NamedGroup};

    /// A root made for these tests (P-256, valid for a hundred years), the
    /// only root a child process trusts when a test wants a handshake to
    /// succeed.
    const ROOT: &str = "-----BEGIN CERTIFICATE-----
MIIBpjCCAUugAwIBAgIULFsmFBz9r0gSANM95zRVpCNt/4QwCgYIKoZIzj0EAwIw
HzEdMBsGA1UEAwwUaW5jaWRlbnRpbyB0ZXN0IHJvb3QwIBcNMjYxMjA3MDYwNTEy
WhgPMjEyNjExMTMwNjA1MTJaMB8xHTAbBgNVBAMMFGluY2lkZW50aW8gdGVzdCBy
b290MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEifGRfb89oiGH1NyY2LQA3XST
FDBteKLsWQNl3s4t1Bd6JsQH8ecu7LtTRHa8mNlybLlyScSO1upmP4woTOONPaNj
MGEwHQYDVR0OBBYEFFg3F09LdqhcyAECpk4d1ot5j8/MMB8GA1UdIwQYMBaAFFg3
F09LdqhcyAECpk4d1ot5j8/MMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQD
AgIEMAoGCCqGSM49BAMCA0kAMEYCIQDzzRXyrKVmJ9djEY/r/DThX6duVlkIuy5Q
LTHf97/A3AIhAIA1BSnFvjYKNs7M5mdIvoZEwv8gwVRKTwDQSU2FJxt/
-----END CERTIFICATE-----";
    /// A certificate for 127.0.0.1 that [`ROOT`] signed.
    const CERTIFICATE: &str = "-----BEGIN CERTIFICATE-----
MIIBvzCCAWWgAwIBAgIUKMC8d7E9Lx89Cpw4l8ihC2uDBWEwCgYIKoZIzj0EAwIw
HzEdMBsGA1UEAwwUaW5jaWRlbnRpbyB0ZXN0IHJvb3QwIBcNMjYxMjA3MDYwNTEy
WhgPMjEyNjExMTMwNjA1MTJaMBQxEjAQBgNVBAMMCTEyNy4wLjAuMTBZMBMGByqG
SM49AgEGCCqGSM49AwEHA0IABG2SMBJSY8CtfC9rAweCJ7FyN5WGVjQ/jhK6saHt
SfKOFfgZX694JpF/RtB/CuBiEjegy8GWnHbxJzEd1yYS+q+jgYcwgYQwDAYDVR0T
AQH/BAIwADAOBgNVHQ8BAf8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwDwYD
VR0RBAgwBocEfwAAATAdBgNVHQ4EFgQUxLGwMDMERzDEvqASJ/TS7jy7/3wwHwYD
VR0jBBgwFoAUWDcXT0t2qFzIAQKmTh3Wi3mPz8wwCgYIKoZIzj0EAwIDSAAwRQIh
AMDE5BMlt1w0hkv5MJaGSIbxmOlPkOhX00y2oZGuqHVdAiBMACXOOdW9f7DTYYOn
VW+ZZJunGRuKLOkoQV8t9LXoaw==
-----END CERTIFICATE-----";
    /// [`CERTIFICATE`]'s key.
    const KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+lV8S0+64jNmaVbp
/ZZy+v/QvRq6OAzluKokODF60TyhRANCAARtkjASUmPArXwvawMHgiexcjeVhlY0
P44SurGh7UnyjhX4GV+veCaRf0bQfwrgYhI3oMvBlpx28ScxHdcmEvqv
-----END PRIVATE KEY-----";

    /// What the server saw of one handshake.
    #[derive(Debug)]
    struct Seen {
        group: Option<NamedGroup>,
        kind: Option<HandshakeKind>,
    }

    /// A TLS server on 127.0.0.1 presenting [`CERTIFICATE`], with rustls'
    /// `aws-lc-rs` provider cut down to `groups`; it answers any request
    /// that gets through with an empty JSON object and reports each
    /// handshake. Returns its port.
    fn tls_server(groups: &[NamedGroup]) -> (u16, mpsc::Receiver<Seen>) {
        let mut provider = rustls::crypto::aws_lc_rs::default_provider();
        provider
            .kx_groups
            .retain(|group| groups.contains(&group.name()));
        assert_eq!(
            provider.kx_groups.len(),
            groups.len(),
            "aws-lc-rs has {groups:?}"
        );
        let certificate =
            CertificateDer::from_pem_slice(CERTIFICATE.as_bytes()).expect("the certificate");
        let key = PrivateKeyDer::from_pem_slice(KEY.as_bytes()).expect("the key");
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
            .with_protocol_versions(&[&rustls::version::TLS13])
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![certificate], key)
            .expect("a server configuration");
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let (seen, reports) = mpsc::channel();
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let connection =
                    rustls::ServerConnection::new(Arc::clone(&config)).expect("a connection");
                let mut stream = rustls::StreamOwned::new(connection, tcp);
                let mut request = [0u8; 4096];
                if stream.read(&mut request).is_ok() {
                    let _ = stream.write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}",
                    );
                }
                let _ = seen.send(Seen {
                    group: stream
                        .conn
                        .negotiated_key_exchange_group()
                        .map(|group| group.name()),
                    kind: stream.conn.handshake_kind(),
                });
            }
        });
        (port, reports)
    }

    /// A client of this crate, as every user builds one, for `port`.
    fn client(port: u16) -> Client {
        Client::builder()
            .api_key("a-key-for-a-test-server")
            .base_url(format!("https://127.0.0.1:{port}"))
            .retry_policy(RetryPolicy::disabled())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("a client builds before any certificate is read")
    }

    /// One GET through `client`: a raw request, which needs no service.
    async fn get(client: &Client) -> Result<(), incidentio::Error> {
        client
            .request(incidentio::Method::GET, "/v1/identity")
            .send()
            .await
            .map(drop)
    }

    /// Set in a child process, which does the checking.
    const CHILD: &str = "INCIDENTIO_TLS_CHILD";

    /// Runs `check` in a child process of this test binary (`test`, this
    /// test's name in the module) that trusts only `roots` (PEM; none when
    /// empty), or runs it here when this is that child.
    fn in_child<F: Future<Output = ()>>(test: &str, roots: &str, check: impl FnOnce() -> F) {
        if std::env::var_os(CHILD).is_some() {
            return tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(check());
        }
        let dir =
            std::env::temp_dir().join(format!("incidentio-roots-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a directory for the roots");
        let file = dir.join("roots.pem");
        if !roots.is_empty() {
            std::fs::write(&file, roots).expect("the roots file");
        }
        let out = std::process::Command::new(std::env::current_exe().expect("this test binary"))
            .args([&format!("handshakes::{test}"), "--exact", "--nocapture"])
            .env(CHILD, "1")
            .env("SSL_CERT_DIR", dir.join("no-such-dir"))
            .env("SSL_CERT_FILE", &file)
            .output()
            .expect("the child runs");
        std::fs::remove_dir_all(&dir).ok();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("1 passed"),
            "the child failed: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Under the default `rustls` feature, a server that accepts nothing
    /// but X25519MLKEM768 completes the handshake with the crate's client
    /// (its ML-KEM-768 and X25519 halves both agree with aws-lc-rs, or the
    /// Finished messages would not), in one round trip, and the request
    /// gets its answer.
    #[cfg(feature = "rustls")]
    #[test]
    fn post_quantum_hybrid_agrees_with_aws_lc_rs() {
        in_child(
            "post_quantum_hybrid_agrees_with_aws_lc_rs",
            ROOT,
            || async {
                let (port, seen) = tls_server(&[NamedGroup::X25519MLKEM768]);
                get(&client(port))
                    .await
                    .expect("a request over X25519MLKEM768");
                let seen = seen
                    .recv_timeout(Duration::from_secs(10))
                    .expect("a handshake");
                assert_eq!(seen.group, Some(NamedGroup::X25519MLKEM768), "{seen:?}");
                assert_eq!(seen.kind, Some(HandshakeKind::Full), "{seen:?}");
            },
        );
    }

    /// A server without post-quantum key exchange picks X25519. Under
    /// `rustls` the client offered it alongside the hybrid (its X25519
    /// half), so no HelloRetryRequest is needed; under `rustls-ring` alone
    /// the client's one share is for `ring`'s first group, so the server asks
    /// again unless that group is X25519.
    #[test]
    fn a_classical_server_gets_x25519() {
        in_child("a_classical_server_gets_x25519", ROOT, || async {
            let (port, seen) = tls_server(&[NamedGroup::X25519]);
            get(&client(port)).await.expect("a request over X25519");
            let seen = seen
                .recv_timeout(Duration::from_secs(10))
                .expect("a handshake");
            assert_eq!(seen.group, Some(NamedGroup::X25519), "{seen:?}");
            let first_share = rustls::crypto::ring::DEFAULT_KX_GROUPS[0].name();
            let expected = if cfg!(feature = "rustls") || first_share == NamedGroup::X25519 {
                HandshakeKind::Full
            } else {
                HandshakeKind::FullWithHelloRetryRequest
            };
            assert_eq!(seen.kind, Some(expected), "{seen:?}");
        });
    }

    /// The system's root certificates are read at the first TLS handshake,
    /// not when a client is built: on a system without any, a client still
    /// builds (a dry run, the mock and loopback servers never need them),
    /// and the first handshake fails, naming the cause, so nothing is ever
    /// trusted without a verifier.
    #[test]
    fn without_root_certificates_a_client_builds_and_its_first_handshake_fails() {
        in_child(
            "without_root_certificates_a_client_builds_and_its_first_handshake_fails",
            "",
            || async {
                let (port, _) = tls_server(&[NamedGroup::X25519]);
                let error = get(&client(port))
                    .await
                    .expect_err("a server no root vouches for was trusted");
                let message = format!("{error:?} {error}");
                assert!(
                    message.contains("No CA certificates were loaded"),
                    "the failure does not name its cause: {message}"
                );
            },
        );
    }
}
