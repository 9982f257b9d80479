//! The RFC 7523 client assertion: a short-lived JWT signed with the partner's key.
//!
//! Built by hand rather than with a JWT crate so that the signing key stays inside aws-lc-rs
//! (parsed once, cleansed when freed) instead of being copied into a plain buffer per signature.
//! The sandbox verifies these assertions with `jsonwebtoken`, and a test with `openssl`, so the
//! encoding is checked by independent implementations.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use crate::config::{KeyIdHeader, TokenOptions};
use crate::identity::{Identity, IdentityError};
use crate::secret::SecretString;

/// `client_assertion_type` for a JWT bearer assertion.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A signed client assertion, ready to send. Never logged: `Debug` shows only its claims.
#[derive(Clone)]
pub struct ClientAssertion {
    jws: SecretString,
    claims: AssertionClaims,
}

/// The claims of a client assertion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssertionClaims {
    /// Issuer: the client-id.
    pub iss: String,
    /// Subject: the client-id.
    pub sub: String,
    /// Audience: the token endpoint URL or the issuer.
    pub aud: String,
    /// Issued at (seconds since the epoch).
    pub iat: u64,
    /// Expiry (seconds since the epoch).
    pub exp: u64,
    /// Unique identifier (UUIDv4): the server rejects a replay.
    pub jti: String,
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    typ: &'a str,
    #[serde(rename = "x5t#S256", skip_serializing_if = "Option::is_none")]
    x5t_s256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
}

impl std::fmt::Debug for ClientAssertion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientAssertion")
            .field("claims", &self.claims)
            .field("jws", &"[redacted]")
            .finish()
    }
}

impl ClientAssertion {
    /// Signs a fresh assertion for `client_id` towards `audience`, issued `now`.
    pub fn sign(
        identity: &Identity,
        client_id: &str,
        audience: &str,
        options: &TokenOptions,
        now: SystemTime,
    ) -> Result<Self, IdentityError> {
        let iat = now
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_secs();
        let lifetime = options
            .assertion_lifetime
            .min(TokenOptions::MAX_ASSERTION_LIFETIME)
            .as_secs()
            .max(1);
        let claims = AssertionClaims {
            iss: client_id.to_owned(),
            sub: client_id.to_owned(),
            aud: audience.to_owned(),
            iat,
            exp: iat + lifetime,
            jti: uuid::Uuid::new_v4().to_string(),
        };
        let thumbprint = || Some(identity.x5t_s256());
        let header = Header {
            alg: options.algorithm.as_str(),
            typ: "JWT",
            x5t_s256: (options.key_id == KeyIdHeader::X5tS256)
                .then(thumbprint)
                .flatten(),
            kid: (options.key_id == KeyIdHeader::Kid)
                .then(thumbprint)
                .flatten(),
        };
        let encode = |v: &dyn erased::Json| URL_SAFE_NO_PAD.encode(v.to_json());
        let signing_input = format!("{}.{}", encode(&header), encode(&claims));
        let signature = identity.sign(options.algorithm, signing_input.as_bytes())?;
        let jws = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature));
        Ok(Self {
            jws: SecretString::new(jws),
            claims,
        })
    }

    /// The claims (safe to show).
    pub fn claims(&self) -> &AssertionClaims {
        &self.claims
    }

    /// The compact JWS, for the token request body only.
    pub fn expose(&self) -> &str {
        self.jws.expose()
    }
}

mod erased {
    /// Object-safe JSON serialization of the header and claims structs.
    pub trait Json {
        fn to_json(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Vec<u8> {
            // Plain structs of strings and integers: serialization cannot fail.
            serde_json::to_vec(self).unwrap_or_default()
        }
    }
}
