//! The sandbox's throw-away PKI, minted at start with rcgen: a CA that signs the server
//! certificate and the client certificates, a "rogue" CA the sandbox does not trust, client
//! credentials (certificate, PKCS#8 key, legacy .p12), and the ES256 key that signs access
//! tokens. Nothing here touches the disk or OpenSSL.

use crate::p12;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use std::fmt;
use std::net::IpAddr;

/// A client's credentials: what a partner receives after onboarding (certificate + private
/// key), in the file formats partners actually get.
#[derive(Clone)]
pub struct ClientCredentials {
    /// The OAuth client id for the registered client; for minted ones, the certificate CN.
    pub client_id: String,
    /// The client certificate, PEM.
    pub certificate_pem: String,
    /// The private key, unencrypted PKCS#8 PEM.
    pub private_key_pem: String,
    /// Certificate + key + CA as PKCS#12 in the legacy layout (3DES key, RC2-40 certificates,
    /// SHA-1 MAC), as Belgian CAs and Windows export them.
    pub pkcs12_der: Vec<u8>,
    /// Password of `pkcs12_der`.
    pub pkcs12_password: String,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("certificate_pem", &self.certificate_pem)
            .field("private_key_pem", &"[redacted]")
            .field("pkcs12_der", &"[redacted]")
            .field("pkcs12_password", &"[redacted]")
            .finish()
    }
}

/// Which validity window a minted client certificate gets.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// rcgen's default: 1975 to 4096, so never a concern.
    Current,
    /// Entirely in the past (2020), to exercise "expired certificate" handling.
    Expired,
}

/// A CA that can sign certificates.
pub struct Authority {
    issuer: Issuer<'static, KeyPair>,
    pub certificate_pem: String,
    pub certificate_der: Vec<u8>,
}

impl Authority {
    fn new(common_name: &str) -> Result<Authority, rcgen::Error> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.distinguished_name = name(common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        valid_for_days(&mut params, 3650);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key)?;
        Ok(Authority {
            certificate_pem: cert.pem(),
            certificate_der: cert.der().to_vec(),
            issuer: Issuer::new(params, key),
        })
    }

    /// Mints an RSA-2048 client certificate (EKU clientAuth) signed by this CA.
    pub fn mint_client(
        &self,
        common_name: &str,
        client_id: &str,
        validity: Validity,
        p12_password: &str,
    ) -> Result<ClientCredentials, String> {
        let key = KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
            .map_err(|e| format!("RSA key generation: {e}"))?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
        params.distinguished_name = name(common_name);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.use_authority_key_identifier_extension = true;
        valid_for_days(&mut params, 365);
        if validity == Validity::Expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        let cert = params
            .signed_by(&key, &self.issuer)
            .map_err(|e| format!("signing client certificate: {e}"))?;
        let key_der = key.serialize_der();
        let pkcs12_der = p12::legacy_pkcs12(
            &key_der,
            &[cert.der().as_ref(), &self.certificate_der],
            common_name,
            p12_password,
        )?;
        Ok(ClientCredentials {
            client_id: client_id.to_string(),
            certificate_pem: cert.pem(),
            private_key_pem: key.serialize_pem(),
            pkcs12_der,
            pkcs12_password: p12_password.to_string(),
        })
    }
}

/// Everything the sandbox mints at start.
pub struct Pki {
    /// The CA the sandbox trusts (server certificate, client certificates).
    pub ca: Authority,
    /// A CA the sandbox does not trust, for "foreign client certificate" tests.
    pub rogue: Authority,
    /// Server certificate chain (leaf, CA), DER.
    pub server_chain: Vec<Vec<u8>>,
    /// Server private key, PKCS#8 DER.
    pub server_key_der: Vec<u8>,
    /// Signs access tokens (ES256), PKCS#8 DER.
    pub token_key_der: Vec<u8>,
    /// The public half of the token key, SPKI PEM.
    pub token_public_pem: String,
}

impl Pki {
    /// Mints the CAs, the server certificate (SAN `localhost` + `bind`) and the token key.
    pub fn mint(bind: IpAddr) -> Result<Pki, rcgen::Error> {
        let ca = Authority::new("bcss-sandbox CA")?;
        let rogue = Authority::new("rogue CA (not trusted by bcss-sandbox)")?;

        let server_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut params = CertificateParams::new(vec!["localhost".to_string()])?;
        params.subject_alt_names.push(SanType::IpAddress(bind));
        params.distinguished_name = name("bcss-sandbox server");
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        valid_for_days(&mut params, 365);
        params.use_authority_key_identifier_extension = true;
        let server_cert = params.signed_by(&server_key, &ca.issuer)?;

        let token_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        Ok(Pki {
            server_chain: vec![server_cert.der().to_vec(), ca.certificate_der.clone()],
            server_key_der: server_key.serialize_der(),
            token_key_der: token_key.serialize_der(),
            token_public_pem: token_key.public_key_pem(),
            ca,
            rogue,
        })
    }
}

/// A distinguished name shaped like the ones Belgian partner certificates carry.
fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "BE");
    dn.push(DnType::OrganizationName, "bcss-sandbox");
    dn.push(DnType::CommonName, common_name);
    dn
}

/// A random alphanumeric string (passwords). Falls back to a fixed string only if the OS has no
/// randomness, which would already have broken key generation.
pub fn random_alphanumeric(len: usize) -> String {
    use aws_lc_rs::rand::SecureRandom;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; len];
    if aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut bytes)
        .is_err()
    {
        return "sandbox-password".chars().take(len).collect();
    }
    // 256 is not a multiple of 62, so this is very slightly biased; fine for a test password.
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// The subject DN of a DER certificate, for the request log.
pub fn subject_of(der: &[u8]) -> Option<String> {
    p12_keystore::Certificate::from_der(der)
        .ok()
        .map(|c| c.subject().to_string())
}

/// A validity window like a real certificate's (rcgen's default runs from 1975 to 4096), so the
/// doctor's expiry checks show realistic figures against the sandbox. It starts a day back, so
/// that the client certificate is valid at a sandbox clock set up to a day behind (a wrong
/// time zone is at most 14 hours off); the token endpoint checks it against that clock.
fn valid_for_days(params: &mut CertificateParams, days: i64) {
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(days);
}
