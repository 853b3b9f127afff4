//! Which key-exchange groups the client offers in its TLS handshake, read
//! from the ClientHello by a loopback rustls `Acceptor` (no certificate:
//! the server reads the hello and hangs up, so the request itself fails).
//! The client is the crate's own (`Client::builder()`, which sets up TLS
//! as every user's client does). Under the default `rustls` feature
//! (aws-lc-rs, which also wins when `rustls-ring` is on) the post-quantum
//! hybrid X25519MLKEM768 is offered first; under `rustls-ring` alone it is
//! not offered at all.
//!
//! The same binary checks, in module `deferred`, that the system's root
//! certificates are read at the first handshake, not when a client is
//! built.
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

/// The system's root certificates are read at the first TLS handshake, not
/// when a client is built: on a system without any, a client still builds
/// (a dry run, the mock and loopback servers never need them), and the
/// first handshake fails, naming the cause, so nothing is ever trusted
/// without a verifier.
///
/// The test runs itself again as a child process whose environment points
/// rustls' certificate loader at an empty directory (`SSL_CERT_FILE`,
/// `SSL_CERT_DIR`): the crate's TLS set-up is made once per process, and
/// the environment is read then.
#[cfg(all(feature = "rustls", feature = "utilities-v1"))]
mod deferred {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::time::Duration;

    use incidentio::{Client, RetryPolicy};
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    /// A self-signed certificate for 127.0.0.1 (and its key), made for this
    /// test: no verifier may accept it, and none of these runs has roots.
    const CERTIFICATE: &str = "-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUObEVzN6o8xE0+8BawUwtZkrPlGswCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNzA0MTYyOVoYDzIxMjYxMTEz
MDQxNjI5WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQnypc2rSiHMqc1CVKV95ZEsM95HwqZNIEF94vH8kW4mnug5OkpXADC
4kbeUvPgvmr7DhqhDH/Ykui2t5UqyIv7o28wbTAdBgNVHQ4EFgQUJxg5RbPe+heX
KSyPqToMfbnmexUwHwYDVR0jBBgwFoAUJxg5RbPe+heXKSyPqToMfbnmexUwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSQAwRgIhAMqwubhyqd9xNfGeCXdoN5uusIiibz3hsohgTV80IhQzAiEA
wfTS7xQ+WZV6bSwqPwkq4FeqAalwdVRtTVQ008lbnc0=
-----END CERTIFICATE-----
    ";
    const KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgusNODTEI/sW7wRKp
TQ2zUS+GYoueSnQzHdZr3jXsts2hRANCAAQnypc2rSiHMqc1CVKV95ZEsM95HwqZ
NIEF94vH8kW4mnug5OkpXADC4kbeUvPgvmr7DhqhDH/Ykui2t5UqyIv7
-----END PRIVATE KEY-----
    ";

    /// A TLS server on 127.0.0.1 presenting [`CERTIFICATE`]; it answers any
    /// request that gets through with an empty JSON object. Returns its port.
    fn tls_server() -> u16 {
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        let certificate =
            CertificateDer::from_pem_slice(CERTIFICATE.as_bytes()).expect("the certificate");
        let key = PrivateKeyDer::from_pem_slice(KEY.as_bytes()).expect("the key");
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![certificate], key)
            .expect("a server configuration");
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
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
            }
        });
        port
    }

    /// Set in the child process, which does the checking.
    const CHILD: &str = "INCIDENTIO_TLS_DEFERRED_CHILD";

    #[test]
    fn without_root_certificates_a_client_builds_and_its_first_handshake_fails() {
        if std::env::var_os(CHILD).is_some() {
            return tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(check_without_roots());
        }
        let empty =
            std::env::temp_dir().join(format!("incidentio-no-roots-{}", std::process::id()));
        std::fs::create_dir_all(&empty).expect("an empty directory");
        let out = std::process::Command::new(std::env::current_exe().expect("this test binary"))
            .args([
                "deferred::without_root_certificates_a_client_builds_and_its_first_handshake_fails",
                "--exact",
                "--nocapture",
            ])
            .env(CHILD, "1")
            .env("SSL_CERT_DIR", &empty)
            .env("SSL_CERT_FILE", empty.join("none.pem"))
            .output()
            .expect("the child runs");
        std::fs::remove_dir_all(&empty).ok();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("1 passed"),
            "the child failed: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// In a process with no root certificates: the client builds, the request
    /// fails at the handshake, and the error names the cause.
    async fn check_without_roots() {
        let port = tls_server();
        let client = Client::builder()
            .api_key("a-key-for-a-test-server")
            .base_url(format!("https://127.0.0.1:{port}"))
            .retry_policy(RetryPolicy::disabled())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("a client builds before any certificate is read");

        let error = client
            .utilities_v1_identity()
            .send()
            .await
            .expect_err("a server no root vouches for was trusted");
        let message = format!("{error:?} {error}");
        assert!(
            message.contains("No CA certificates were loaded"),
            "the failure does not name its cause: {message}"
        );
    }
}
