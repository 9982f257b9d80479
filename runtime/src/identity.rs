//! The partner's X.509 identity: certificate chain + private key, from PEM or PKCS#12.
//!
//! The same identity signs the client assertion (JWT) and, when mutual TLS is on, authenticates
//! the TLS connection. Key bytes live in zeroizing buffers; the signing key is parsed once into
//! aws-lc-rs, which cleanses its memory when freed.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::digest;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use zeroize::Zeroizing;

use crate::secret::SecretString;

/// Why an identity could not be loaded or used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// A file could not be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        message: String,
    },
    /// The input is not what was expected.
    #[error("{what}: {message}")]
    Invalid {
        /// Which input (a file name, or "certificate PEM").
        what: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// The PKCS#12 password is wrong.
    #[error("{what}: wrong password (the PKCS#12 integrity check failed)")]
    WrongPassword {
        /// Which input.
        what: String,
    },
    /// The private key does not belong to the certificate.
    #[error(
        "the private key does not match the certificate `{subject}`: use the key that was generated with this certificate"
    )]
    KeyMismatch {
        /// Subject of the certificate.
        subject: String,
    },
    /// The certificate is not valid at this time.
    #[error("the certificate `{subject}` is not valid now: {message}")]
    NotValidNow {
        /// Subject of the certificate.
        subject: String,
        /// Expired since / not yet valid until.
        message: String,
    },
    /// The key cannot sign with the requested algorithm.
    #[error("the {key} key cannot sign {algorithm}: {hint}")]
    AlgorithmMismatch {
        /// Key type.
        key: String,
        /// Requested JWS algorithm.
        algorithm: String,
        /// What to configure instead.
        hint: String,
    },
}

/// JWS algorithms the runtime can sign client assertions with.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256: the one Smals OAuth v5 is known to accept.
    #[default]
    RS256,
    /// RSASSA-PSS with SHA-256.
    PS256,
    /// ECDSA P-256 with SHA-256.
    ES256,
}

impl SigningAlgorithm {
    /// The JWS `alg` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RS256 => "RS256",
            Self::PS256 => "PS256",
            Self::ES256 => "ES256",
        }
    }
}

impl std::str::FromStr for SigningAlgorithm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_uppercase().as_str() {
            "RS256" => Ok(Self::RS256),
            "PS256" => Ok(Self::PS256),
            "ES256" => Ok(Self::ES256),
            other => Err(format!(
                "unsupported algorithm `{other}`: expected RS256, PS256 or ES256"
            )),
        }
    }
}

/// The public key type of a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAlgorithm {
    /// RSA with its modulus size in bits.
    Rsa {
        /// Modulus size.
        bits: usize,
    },
    /// ECDSA on the named curve (P-256, P-384).
    Ec {
        /// Curve name.
        curve: String,
    },
    /// Anything else.
    Other(String),
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rsa { bits } => write!(f, "RSA {bits} bits"),
            Self::Ec { curve } => write!(f, "EC {curve}"),
            Self::Other(s) => f.write_str(s),
        }
    }
}

/// What can be read off the leaf certificate (for the doctor and for error messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    /// Subject DN (RFC 4514).
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// Start of validity.
    pub not_before: SystemTime,
    /// End of validity.
    pub not_after: SystemTime,
    /// SHA-256 of the DER certificate, hex with colons (as tools print it).
    pub sha256_fingerprint: String,
    /// The public key.
    pub key_algorithm: KeyAlgorithm,
    /// Whether the key usage extension allows digital signatures (`None`: no such extension).
    pub digital_signature_allowed: Option<bool>,
}

impl CertificateInfo {
    /// Whether `now` lies in the validity window.
    pub fn is_valid_at(&self, now: SystemTime) -> bool {
        self.not_before <= now && now <= self.not_after
    }

    /// Whole days from `now` to the end of validity (negative once expired).
    pub fn days_to_expiry(&self, now: SystemTime) -> i64 {
        match self.not_after.duration_since(now) {
            Ok(left) => (left.as_secs() / 86_400) as i64,
            Err(past) => -(past.duration().as_secs().div_ceil(86_400) as i64),
        }
    }
}

enum SigningKey {
    Rsa(RsaKeyPair),
    EcP256(EcdsaKeyPair),
}

/// Certificate chain (leaf first) and private key.
#[derive(Clone)]
pub struct Identity {
    inner: Arc<IdentityInner>,
}

struct IdentityInner {
    chain: Vec<CertificateDer<'static>>,
    key_der: Zeroizing<PrivateKeyDer<'static>>,
    signer: SigningKey,
    info: CertificateInfo,
    rng: SystemRandom,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("subject", &self.inner.info.subject)
            .field("issuer", &self.inner.info.issuer)
            .field("sha256", &self.inner.info.sha256_fingerprint)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl Identity {
    /// From a PEM certificate (or chain, leaf first) and a PEM private key
    /// (PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY` or SEC1 `EC PRIVATE KEY`; unencrypted).
    pub fn from_pem(certificate_pem: &[u8], key_pem: &[u8]) -> Result<Self, IdentityError> {
        Self::from_pem_named(
            certificate_pem,
            key_pem,
            "certificate PEM",
            "private key PEM",
        )
    }

    /// From PEM files.
    pub fn from_pem_files(certificate: &Path, key: &Path) -> Result<Self, IdentityError> {
        let cert = read(certificate)?;
        let key_pem = Zeroizing::new(read(key)?);
        Self::from_pem_named(
            &cert,
            &key_pem,
            &certificate.display().to_string(),
            &key.display().to_string(),
        )
    }

    fn from_pem_named(
        certificate_pem: &[u8],
        key_pem: &[u8],
        cert_name: &str,
        key_name: &str,
    ) -> Result<Self, IdentityError> {
        let chain = CertificateDer::pem_slice_iter(certificate_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(cert_name, format!("not a PEM certificate file: {e}")))?;
        if chain.is_empty() {
            return Err(invalid(
                cert_name,
                "no `-----BEGIN CERTIFICATE-----` block found".into(),
            ));
        }
        if String::from_utf8_lossy(key_pem).contains("ENCRYPTED") {
            return Err(invalid(
                key_name,
                "the private key is encrypted: use an unencrypted PKCS#8 key file, or a PKCS#12 file with a password".into(),
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| {
            invalid(
                key_name,
                format!("no usable private key (PKCS#8, PKCS#1 RSA or SEC1 EC PEM expected): {e}"),
            )
        })?;
        Self::from_der(chain, key, key_name)
    }

    /// From PKCS#12 (`.p12`/`.pfx`) bytes, including the legacy 3DES/RC2-40/SHA-1 layout.
    pub fn from_pkcs12(der: &[u8], password: &SecretString) -> Result<Self, IdentityError> {
        Self::from_pkcs12_named(der, password, "PKCS#12")
    }

    /// From a PKCS#12 file.
    pub fn from_pkcs12_file(path: &Path, password: &SecretString) -> Result<Self, IdentityError> {
        let der = read(path)?;
        Self::from_pkcs12_named(&der, password, &path.display().to_string())
    }

    fn from_pkcs12_named(
        der: &[u8],
        password: &SecretString,
        what: &str,
    ) -> Result<Self, IdentityError> {
        use p12_keystore::error::Error as P12Error;
        use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
        let store = KeyStore::from_pkcs12(der, password.expose(), Pkcs12ImportPolicy::Relaxed)
            .map_err(|e| match e {
                P12Error::MacError(_) | P12Error::UnpadError => IdentityError::WrongPassword {
                    what: what.to_owned(),
                },
                P12Error::UnsupportedEncryptionScheme => invalid(
                    what,
                    "unsupported PKCS#12 encryption scheme (RC2-128?): re-export with `openssl pkcs12 -export` (AES) or `-legacy`".into(),
                ),
                other => invalid(what, format!("not a readable PKCS#12 file: {other}")),
            })?;
        let (_, chain) = store.private_key_chain().ok_or_else(|| {
            invalid(
                what,
                "no private key with its certificate inside: export the key together with the certificate".into(),
            )
        })?;
        let certs: Vec<CertificateDer<'static>> = chain
            .certs()
            .iter()
            .map(|c| CertificateDer::from(c.as_der().to_vec()))
            .collect();
        if certs.is_empty() {
            return Err(invalid(
                what,
                "the private key has no certificate attached".into(),
            ));
        }
        let key = PrivateKeyDer::Pkcs8(chain.key().as_der().to_vec().into());
        Self::from_der(certs, key, what)
    }

    fn from_der(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        key_name: &str,
    ) -> Result<Self, IdentityError> {
        let key = Zeroizing::new(key);
        let info = certificate_info(&chain[0])?;
        let signer = match &*key {
            PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der())
                .map(SigningKey::Rsa)
                .or_else(|_| {
                    EcdsaKeyPair::from_pkcs8(
                        &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                        k.secret_pkcs8_der(),
                    )
                    .map(SigningKey::EcP256)
                }),
            PrivateKeyDer::Pkcs1(k) => {
                RsaKeyPair::from_der(k.secret_pkcs1_der()).map(SigningKey::Rsa)
            }
            PrivateKeyDer::Sec1(k) => EcdsaKeyPair::from_private_key_der(
                &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                k.secret_sec1_der(),
            )
            .map(SigningKey::EcP256),
            _ => return Err(invalid(key_name, "unknown private key format".into())),
        }
        .map_err(|_| {
            invalid(
                key_name,
                "unsupported private key: RSA (2048 bits or more) or EC P-256 expected".into(),
            )
        })?;
        let public = match &signer {
            SigningKey::Rsa(k) => k.public_key().as_ref().to_vec(),
            SigningKey::EcP256(k) => k.public_key().as_ref().to_vec(),
        };
        if public != certificate_public_key(&chain[0])? {
            return Err(IdentityError::KeyMismatch {
                subject: info.subject.clone(),
            });
        }
        Ok(Self {
            inner: Arc::new(IdentityInner {
                chain,
                key_der: key,
                signer,
                info,
                rng: SystemRandom::new(),
            }),
        })
    }

    /// The leaf certificate's details.
    pub fn info(&self) -> &CertificateInfo {
        &self.inner.info
    }

    /// The chain, leaf first.
    pub fn chain(&self) -> &[CertificateDer<'static>] {
        &self.inner.chain
    }

    /// `x5t#S256`: base64url SHA-256 thumbprint of the leaf certificate.
    pub fn x5t_s256(&self) -> String {
        URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, &self.inner.chain[0]))
    }

    /// Fails unless the leaf certificate is valid at `now`.
    pub fn check_valid_at(&self, now: SystemTime) -> Result<(), IdentityError> {
        let info = &self.inner.info;
        if info.is_valid_at(now) {
            return Ok(());
        }
        let message = if now > info.not_after {
            format!(
                "it expired on {} ({} days ago); renew it and register the new certificate with BCSS",
                httpdate::fmt_http_date(info.not_after),
                -info.days_to_expiry(now)
            )
        } else {
            format!(
                "it is valid only from {}; check the machine's clock",
                httpdate::fmt_http_date(info.not_before)
            )
        };
        Err(IdentityError::NotValidNow {
            subject: info.subject.clone(),
            message,
        })
    }

    /// Fails unless this key can sign with `algorithm`.
    pub fn check_algorithm(&self, algorithm: SigningAlgorithm) -> Result<(), IdentityError> {
        let ok = matches!(
            (&self.inner.signer, algorithm),
            (
                SigningKey::Rsa(_),
                SigningAlgorithm::RS256 | SigningAlgorithm::PS256
            ) | (SigningKey::EcP256(_), SigningAlgorithm::ES256)
        );
        if ok {
            return Ok(());
        }
        let (key, hint) = match self.inner.signer {
            SigningKey::Rsa(_) => ("RSA", "use RS256 (default) or PS256"),
            SigningKey::EcP256(_) => ("EC P-256", "use ES256"),
        };
        Err(IdentityError::AlgorithmMismatch {
            key: key.into(),
            algorithm: algorithm.as_str().into(),
            hint: hint.into(),
        })
    }

    /// Signs `message` (a JWS signing input). The algorithm was checked when the client was built.
    pub(crate) fn sign(
        &self,
        algorithm: SigningAlgorithm,
        message: &[u8],
    ) -> Result<Vec<u8>, IdentityError> {
        self.check_algorithm(algorithm)?;
        let failed = || invalid("private key", "signing failed".into());
        match (&self.inner.signer, algorithm) {
            (SigningKey::Rsa(k), alg) => {
                let padding: &dyn signature::RsaEncoding = if alg == SigningAlgorithm::PS256 {
                    &signature::RSA_PSS_SHA256
                } else {
                    &signature::RSA_PKCS1_SHA256
                };
                let mut sig = vec![0; k.public_modulus_len()];
                k.sign(padding, &self.inner.rng, message, &mut sig)
                    .map_err(|_| failed())?;
                Ok(sig)
            }
            (SigningKey::EcP256(k), _) => k
                .sign(&self.inner.rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| failed()),
        }
    }

    /// A copy of the key for rustls (mutual TLS). rustls takes ownership.
    pub(crate) fn key_der(&self) -> PrivateKeyDer<'static> {
        self.inner.key_der.clone_key()
    }
}

fn read(path: &Path) -> Result<Vec<u8>, IdentityError> {
    std::fs::read(path).map_err(|e| {
        // A key (or certificate) pasted where its file name belongs: echoing the "path" would
        // put the key into the error, and from there into a log.
        if path.to_string_lossy().contains("-----BEGIN") {
            return invalid(
                "a file name",
                "the value is PEM content, not a file name: give the path of the file that holds it".into(),
            );
        }
        IdentityError::Read {
            path: path.to_owned(),
            message: e.to_string(),
        }
    })
}

fn invalid(what: &str, message: String) -> IdentityError {
    IdentityError::Invalid {
        what: what.to_owned(),
        message,
    }
}

fn parse_cert<'a>(
    der: &'a CertificateDer<'_>,
) -> Result<x509_parser::certificate::X509Certificate<'a>, IdentityError> {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, c)| c)
        .map_err(|e| invalid("certificate", format!("not a valid X.509 certificate: {e}")))
}

fn certificate_public_key(der: &CertificateDer<'_>) -> Result<Vec<u8>, IdentityError> {
    Ok(parse_cert(der)?
        .public_key()
        .subject_public_key
        .data
        .to_vec())
}

fn certificate_info(der: &CertificateDer<'_>) -> Result<CertificateInfo, IdentityError> {
    use x509_parser::public_key::PublicKey;
    let cert = parse_cert(der)?;
    let to_time = |t: i64| UNIX_EPOCH + Duration::from_secs(t.max(0) as u64);
    let spki = cert.public_key();
    let key_algorithm = match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => KeyAlgorithm::Rsa {
            bits: rsa.key_size(),
        },
        Ok(PublicKey::EC(point)) => KeyAlgorithm::Ec {
            curve: match point.key_size() {
                256 => "P-256".into(),
                384 => "P-384".into(),
                n => format!("{n}-bit curve"),
            },
        },
        _ => KeyAlgorithm::Other(spki.algorithm.algorithm.to_id_string()),
    };
    let fingerprint = digest::digest(&digest::SHA256, der)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    Ok(CertificateInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial: cert.raw_serial_as_string(),
        not_before: to_time(cert.validity().not_before.timestamp()),
        not_after: to_time(cert.validity().not_after.timestamp()),
        sha256_fingerprint: fingerprint,
        key_algorithm,
        digital_signature_allowed: cert
            .key_usage()
            .ok()
            .flatten()
            .map(|ku| ku.value.digital_signature()),
    })
}
