//! The platform's certificate verifier, made at the first TLS handshake
//! instead of when a client is built.
//!
//! Making it reads and parses every root certificate of the system (on
//! Linux, a file per root under `/etc/ssl/certs`). A client that never
//! opens a TLS connection has no use for them: one pointed at a loopback
//! `http://` server (the mock, a test), or a command-line run that stops
//! before sending (`--dry-run`, a bad argument). Those now start without
//! reading them; the first handshake reads them once for the process.
//!
//! Every check is the platform verifier's own, unchanged: this type only
//! decides when that verifier is made, and a failure to make it (a system
//! with no root certificates) fails that handshake, and every later one,
//! with rustls' error naming the cause, so nothing is ever trusted without
//! a verifier (`tests/tls_groups.rs`, `deferred`).

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_platform_verifier::Verifier;

/// A [`ServerCertVerifier`] that makes the platform's [`Verifier`] when
/// it is first asked to verify, and delegates every call to it.
#[derive(Debug)]
pub(crate) struct DeferredVerifier {
    provider: Arc<CryptoProvider>,
    verifier: OnceLock<Result<Verifier, rustls::Error>>,
}

impl DeferredVerifier {
    /// A verifier for `provider`'s signature algorithms; nothing is read yet.
    pub(crate) fn new(provider: Arc<CryptoProvider>) -> Self {
        Self {
            provider,
            verifier: OnceLock::new(),
        }
    }

    /// The platform's verifier, made on first use; its error, if making it
    /// failed, for every caller.
    fn platform(&self) -> Result<&Verifier, rustls::Error> {
        self.verifier
            .get_or_init(|| Verifier::new(Arc::clone(&self.provider)))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl ServerCertVerifier for DeferredVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.platform()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.platform()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.platform()?.verify_tls13_signature(message, cert, dss)
    }

    /// The provider's signature schemes: what the platform's verifier
    /// answers (rustls' WebPKI verifier reads them from the same provider),
    /// known without reading a certificate, since rustls asks for them to
    /// write its first message.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
