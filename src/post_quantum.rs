//! The post-quantum hybrid key exchange X25519MLKEM768 for rustls, built
//! from `ring`'s X25519 (rustls' own `ring` group) and libcrux's
//! ML-KEM-768, so that the default `rustls` feature offers post-quantum key
//! exchange without compiling AWS-LC, rustls' default provider, whose C
//! build was most of a new user's first build (figures: benches/README.md).
//!
//! The construction is the one of draft-ietf-tls-ecdhe-mlkem, as rustls'
//! `aws-lc-rs` provider has it: the client's share is the ML-KEM-768
//! encapsulation key (1184 bytes) then the X25519 public key (32); the
//! server's is the ML-KEM ciphertext (1088) then its X25519 public key;
//! the shared secret is the ML-KEM secret then the X25519 secret. The X25519
//! half is also offered on its own (`hybrid_component`), so a server
//! without post-quantum support picks X25519 with no extra round trip.
//!
//! Client side only: this crate never accepts TLS connections, so the
//! server's half ([`SupportedKxGroup::start_and_complete`]) refuses. The
//! tests check the whole handshake against rustls' `aws-lc-rs` provider as
//! the server (tests/tls_groups.rs).

use libcrux_ml_kem::mlkem768::{self, MlKem768Ciphertext, MlKem768PrivateKey};
use libcrux_ml_kem::{KEY_GENERATION_SEED_SIZE, MlKemSharedSecret};
use ring::rand::{SecureRandom, SystemRandom};
use rustls::crypto::ring::kx_group::X25519;
use rustls::crypto::{ActiveKeyExchange, CompletedKeyExchange, SharedSecret, SupportedKxGroup};
use rustls::ffdhe_groups::FfdheGroup;
use rustls::{Error, NamedGroup, PeerMisbehaved, ProtocolVersion};
use zeroize::Zeroize;

/// X25519MLKEM768, to put first in a provider's key-exchange groups.
pub(crate) static X25519MLKEM768: &dyn SupportedKxGroup = &X25519MlKem768;

/// Length of an ML-KEM-768 encapsulation key: the client's share starts
/// with it.
const ENCAPSULATION_KEY_LEN: usize = 1184;
/// Length of an ML-KEM-768 ciphertext: the server's share starts with it.
const CIPHERTEXT_LEN: usize = 1088;
/// Length of an X25519 public key: the end of either share.
const X25519_LEN: usize = 32;

/// A share of the wrong length or shape, as rustls' own providers call it.
const INVALID_KEY_SHARE: Error = Error::PeerMisbehaved(PeerMisbehaved::InvalidKeyShare);

/// The group: each [`start`](SupportedKxGroup::start) makes fresh key pairs.
#[derive(Debug)]
struct X25519MlKem768;

impl SupportedKxGroup for X25519MlKem768 {
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        let classical = X25519.start()?;
        let mut seed = [0u8; KEY_GENERATION_SEED_SIZE];
        SystemRandom::new()
            .fill(&mut seed)
            .map_err(|_| Error::FailedToGetRandomBytes)?;
        let (private_key, public_key) = mlkem768::generate_key_pair(seed).into_parts();
        seed.zeroize();
        let mut share = Vec::with_capacity(ENCAPSULATION_KEY_LEN + X25519_LEN);
        share.extend_from_slice(public_key.as_slice());
        share.extend_from_slice(classical.pub_key());
        Ok(Box::new(Active {
            classical,
            private_key: DecapsulationKey(private_key),
            share,
        }))
    }

    fn start_and_complete(&self, _client_share: &[u8]) -> Result<CompletedKeyExchange, Error> {
        Err(Error::General(
            "X25519MLKEM768 is implemented for TLS clients only".into(),
        ))
    }

    fn ffdhe_group(&self) -> Option<FfdheGroup<'static>> {
        None
    }

    fn name(&self) -> NamedGroup {
        NamedGroup::X25519MLKEM768
    }

    fn usable_for_version(&self, version: ProtocolVersion) -> bool {
        version == ProtocolVersion::TLSv1_3
    }
}

/// One handshake's key exchange, between the ClientHello and the
/// ServerHello.
struct Active {
    /// rustls' `ring` X25519 exchange, which keeps its own private key.
    classical: Box<dyn ActiveKeyExchange>,
    /// ML-KEM-768 decapsulation key.
    private_key: DecapsulationKey,
    /// The encapsulation key then the X25519 public key.
    share: Vec<u8>,
}

impl ActiveKeyExchange for Active {
    fn complete(self: Box<Self>, peer_pub_key: &[u8]) -> Result<SharedSecret, Error> {
        if peer_pub_key.len() != CIPHERTEXT_LEN + X25519_LEN {
            return Err(INVALID_KEY_SHARE);
        }
        let (ciphertext, x25519) = peer_pub_key.split_at(CIPHERTEXT_LEN);
        let ciphertext = MlKem768Ciphertext::try_from(ciphertext).map_err(|_| INVALID_KEY_SHARE)?;
        // ML-KEM decapsulation cannot fail: a tampered ciphertext gives an
        // unrelated secret (implicit rejection), and the handshake then
        // fails at the Finished messages.
        let mut post_quantum: MlKemSharedSecret =
            mlkem768::decapsulate(&self.private_key.0, &ciphertext);
        let mut secret = Vec::with_capacity(post_quantum.len() + X25519_LEN);
        secret.extend_from_slice(&post_quantum);
        post_quantum.zeroize();
        let Active { classical, .. } = *self;
        let classical = classical.complete(x25519)?;
        secret.extend_from_slice(classical.secret_bytes());
        Ok(SharedSecret::from(secret))
    }

    fn hybrid_component(&self) -> Option<(NamedGroup, &[u8])> {
        Some((self.classical.group(), self.classical.pub_key()))
    }

    fn complete_hybrid_component(
        self: Box<Self>,
        peer_pub_key: &[u8],
    ) -> Result<SharedSecret, Error> {
        let Active { classical, .. } = *self;
        classical.complete(peer_pub_key)
    }

    fn pub_key(&self) -> &[u8] {
        &self.share
    }

    fn ffdhe_group(&self) -> Option<FfdheGroup<'static>> {
        None
    }

    fn group(&self) -> NamedGroup {
        NamedGroup::X25519MLKEM768
    }
}

/// An ML-KEM-768 decapsulation key, wiped when dropped (libcrux's type
/// is plain bytes).
struct DecapsulationKey(MlKem768PrivateKey);

impl Drop for DecapsulationKey {
    fn drop(&mut self) {
        self.0[0..].zeroize();
    }
}
