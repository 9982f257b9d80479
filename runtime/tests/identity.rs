//! Identity loading: every key format partners hold, and the checks that catch a wrong pair.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use bcss_runtime::identity::{KeyAlgorithm, SigningAlgorithm};
use bcss_runtime::{Identity, IdentityError, SecretString};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

#[test]
fn pkcs8_pkcs1_and_legacy_pkcs12_load_the_same_identity() {
    let pkcs8 = Identity::from_pem_files(&fixture("legacy.pem"), &fixture("legacy.key")).unwrap();
    let pkcs1 = Identity::from_pem(&read("legacy.pem"), &read("legacy-pkcs1.key")).unwrap();
    let p12 = Identity::from_pkcs12_file(
        &fixture("legacy-3des-rc2.p12"),
        &SecretString::new("legacy-fixture"),
    )
    .unwrap();
    for id in [&pkcs1, &p12] {
        assert_eq!(id.info(), pkcs8.info());
        assert_eq!(id.chain(), pkcs8.chain());
    }
    assert_eq!(pkcs8.info().key_algorithm, KeyAlgorithm::Rsa { bits: 2048 });
    assert!(pkcs8.info().subject.contains("CN=legacy:fixture:client"));
}

#[test]
fn sec1_ec_key_loads_and_signs_only_es256() {
    let ec = Identity::from_pem_files(&fixture("ec.pem"), &fixture("ec-sec1.key")).unwrap();
    assert_eq!(
        ec.info().key_algorithm,
        KeyAlgorithm::Ec {
            curve: "P-256".into()
        }
    );
    ec.check_algorithm(SigningAlgorithm::ES256).unwrap();
    let err = ec.check_algorithm(SigningAlgorithm::RS256).unwrap_err();
    assert!(
        matches!(err, IdentityError::AlgorithmMismatch { .. }),
        "{err}"
    );
}

#[test]
fn wrong_pkcs12_password_is_reported_as_such() {
    let err =
        Identity::from_pkcs12_file(&fixture("legacy-3des-rc2.p12"), &SecretString::new("nope"))
            .unwrap_err();
    assert!(matches!(err, IdentityError::WrongPassword { .. }), "{err}");
    assert!(err.to_string().contains("legacy-3des-rc2.p12"));
}

#[test]
fn key_of_another_certificate_is_a_mismatch() {
    let err = Identity::from_pem(&read("ec.pem"), &read("legacy.key")).unwrap_err();
    assert!(matches!(err, IdentityError::KeyMismatch { .. }), "{err}");
    let other = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let err =
        Identity::from_pem(&read("legacy.pem"), other.serialize_pem().as_bytes()).unwrap_err();
    assert!(matches!(err, IdentityError::KeyMismatch { .. }), "{err}");
}

#[test]
fn encrypted_or_missing_keys_get_a_clear_error_not_a_panic() {
    let encrypted =
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n";
    let err = Identity::from_pem(&read("legacy.pem"), encrypted).unwrap_err();
    assert!(err.to_string().contains("encrypted"), "{err}");
    let err = Identity::from_pem(b"not pem", &read("legacy.key")).unwrap_err();
    assert!(err.to_string().contains("BEGIN CERTIFICATE"), "{err}");
    let err =
        Identity::from_pem_files(&fixture("missing.pem"), &fixture("legacy.key")).unwrap_err();
    assert!(matches!(err, IdentityError::Read { .. }), "{err}");
    let err = Identity::from_pkcs12(b"garbage", &SecretString::new("x")).unwrap_err();
    assert!(err.to_string().contains("PKCS#12"), "{err}");
}

#[test]
fn validity_window_and_days_to_expiry() {
    let id = Identity::from_pem_files(&fixture("legacy.pem"), &fixture("legacy.key")).unwrap();
    let now = SystemTime::now();
    id.check_valid_at(now).unwrap();
    assert!(id.info().days_to_expiry(now) > 36_000);
    let after = id.info().not_after + Duration::from_secs(3 * 86_400);
    let err = id.check_valid_at(after).unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");
    assert_eq!(id.info().days_to_expiry(after), -3);
}

#[test]
fn debug_output_never_contains_key_material() {
    let id = Identity::from_pem_files(&fixture("legacy.pem"), &fixture("legacy.key")).unwrap();
    let debug = format!("{id:?}");
    let key_pem = String::from_utf8(read("legacy.key")).unwrap();
    let key_body: String = key_pem.lines().nth(1).unwrap().to_owned();
    assert!(!debug.contains(&key_body));
    assert!(debug.contains("[redacted]"));
}

#[test]
fn x5t_s256_is_the_base64url_sha256_of_the_certificate() {
    let id = Identity::from_pem_files(&fixture("legacy.pem"), &fixture("legacy.key")).unwrap();
    let hex: String = id.info().sha256_fingerprint.replace(':', "");
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    use base64::Engine as _;
    assert_eq!(
        id.x5t_s256(),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
}
