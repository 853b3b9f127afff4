//! The rustls crypto provider of every client: `ring` for the classical
//! cryptography, assembled from rustls' non-deprecated `ring` parts (rustls
//! deprecated `rustls::crypto::ring::default_provider()`, which has no
//! post-quantum key exchange, and offers no other constructor), with
//! X25519MLKEM768 ([`crate::post_quantum`]) first under the default
//! `rustls` feature. The cipher suites, groups and signing are rustls' own.
//! Relying on the process-wide default instead (`ClientConfig::builder()`)
//! would panic in any build where another crate also enables another of
//! rustls' providers.

use rustls::SignatureScheme;
use rustls::crypto::ring::DEFAULT_CIPHER_SUITES;
use rustls::crypto::{
    CryptoProvider, GetRandomFailed, KeyProvider, SecureRandom, SupportedKxGroup,
    WebPkiSupportedAlgorithms,
};
use rustls::pki_types::PrivateKeyDer;
use std::sync::Arc;
use webpki::ring as alg;

/// The provider every client of this process uses: rustls' `ring` cipher
/// suites, key exchange groups and signature algorithms, with
/// X25519MLKEM768 first under the `rustls` feature.
pub(crate) fn provider() -> CryptoProvider {
    CryptoProvider {
        cipher_suites: DEFAULT_CIPHER_SUITES.to_vec(),
        kx_groups: key_exchange_groups(),
        signature_verification_algorithms: SIGNATURE_ALGORITHMS,
        secure_random: &Ring,
        key_provider: &Ring,
    }
}

/// Post-quantum hybrid first, then the groups of rustls' `ring` provider
/// (P-384, X25519, P-256 in rustls 0.23.48): the groups, and the order, of rustls' own
/// default provider (`aws-lc-rs`). It wins when both TLS features are on,
/// so that adding `rustls-ring` somewhere in a build never drops
/// post-quantum key exchange a user had.
#[cfg(feature = "rustls")]
fn key_exchange_groups() -> Vec<&'static dyn SupportedKxGroup> {
    let mut groups = vec![crate::post_quantum::X25519MLKEM768];
    groups.extend_from_slice(rustls::crypto::ring::DEFAULT_KX_GROUPS);
    groups
}

/// rustls' `ring` groups alone: no post-quantum key exchange.
#[cfg(not(feature = "rustls"))]
fn key_exchange_groups() -> Vec<&'static dyn SupportedKxGroup> {
    rustls::crypto::ring::DEFAULT_KX_GROUPS.to_vec()
}

/// `ring`'s system random source, and rustls' `ring` signing keys.
#[derive(Debug)]
struct Ring;

impl SecureRandom for Ring {
    fn fill(&self, buf: &mut [u8]) -> Result<(), GetRandomFailed> {
        use ring::rand::SecureRandom as _;
        ring::rand::SystemRandom::new()
            .fill(buf)
            .map_err(|_| GetRandomFailed)
    }
}

impl KeyProvider for Ring {
    fn load_private_key(
        &self,
        key_der: PrivateKeyDer<'static>,
    ) -> Result<Arc<dyn rustls::sign::SigningKey>, rustls::Error> {
        rustls::crypto::ring::sign::any_supported_type(&key_der)
    }
}

/// What webpki verifies over `ring`, and which algorithms each TLS
/// signature scheme may use: the table rustls' `ring` provider carries
/// (not public). For TLS 1.2 an ECDSA scheme does not fix the curve,
/// hence two algorithms for each.
static SIGNATURE_ALGORITHMS: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[
        alg::ECDSA_P256_SHA256,
        alg::ECDSA_P256_SHA384,
        alg::ECDSA_P384_SHA256,
        alg::ECDSA_P384_SHA384,
        alg::ED25519,
        alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        alg::RSA_PKCS1_2048_8192_SHA256,
        alg::RSA_PKCS1_2048_8192_SHA384,
        alg::RSA_PKCS1_2048_8192_SHA512,
        alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
        alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
        alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
    ],
    mapping: &[
        (
            SignatureScheme::ECDSA_NISTP384_SHA384,
            &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384],
        ),
        (
            SignatureScheme::ECDSA_NISTP256_SHA256,
            &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256],
        ),
        (SignatureScheme::ED25519, &[alg::ED25519]),
        (
            SignatureScheme::RSA_PSS_SHA512,
            &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PSS_SHA384,
            &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PSS_SHA256,
            &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA512,
            &[alg::RSA_PKCS1_2048_8192_SHA512],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA384,
            &[alg::RSA_PKCS1_2048_8192_SHA384],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA256,
            &[alg::RSA_PKCS1_2048_8192_SHA256],
        ),
    ],
};
