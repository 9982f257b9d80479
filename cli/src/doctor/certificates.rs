//! Step 3, certificates: the identity configured for the environment, checked locally. It runs
//! before step 2 (its outcome decides whether mutual TLS is worth trying) but is reported third.

use std::time::SystemTime;

use bcss_runtime::config::{IdentitySource, PasswordSource};
use bcss_runtime::identity::{CertificateInfo, KeyAlgorithm};
use bcss_runtime::{Config, Environment, Identity, IdentityError, SecretString};

use super::report::{StepBuilder, StepId, StepReport, Verdict};

/// Expiry closer than this is a warning: renewal and registration with BCSS take time.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

const SEND_CRT: &str = "send the new certificate (.crt) to esb@ksz-bcss.fgov.be so that Smals registers it for your client-id";

/// The identity, when it loaded and may be presented (valid now, key matches).
pub type Usable = Option<Identity>;

/// Runs step 3.
pub fn run(config: &Config, now: SystemTime) -> (StepReport, Usable) {
    let env = config.environment;
    let mut step = StepBuilder::new(StepId::Certificates);
    let identity = match load(config, env) {
        Ok(identity) => identity,
        Err(failure) => {
            let summary = failure.record(&mut step, &config.origin, env);
            return (step.finish(summary), None);
        }
    };
    let info = identity.info().clone();
    step.check(
        "loads",
        Verdict::Pass,
        format!(
            "{}: subject `{}`, issuer `{}`, serial {}",
            source_name(config, env),
            info.subject,
            info.issuer,
            info.serial
        ),
    );
    step.check(
        "key matches certificate",
        Verdict::Pass,
        "the private key belongs to this certificate",
    );
    let valid = validity(&mut step, &info, now);
    key_checks(&mut step, config, &identity, &info);
    one_per_environment(&mut step, config, &info);
    let summary = match step.verdict() {
        Verdict::Fail => "the certificate cannot be used as configured".to_owned(),
        _ => format!(
            "`{}` (SHA-256 {}) is usable for {env}",
            info.subject, info.sha256_fingerprint
        ),
    };
    let usable = valid && step.verdict() != Verdict::Fail;
    (step.finish(summary), usable.then_some(identity))
}

fn validity(step: &mut StepBuilder, info: &CertificateInfo, now: SystemTime) -> bool {
    let days = info.days_to_expiry(now);
    let until = date(info.not_after);
    if now < info.not_before {
        step.check(
            "valid now",
            Verdict::Fail,
            format!("not valid before {}", date(info.not_before)),
        );
        step.remedy("check this machine's clock, or wait until the certificate's start date");
        return false;
    }
    if !info.is_valid_at(now) {
        step.check(
            "valid now",
            Verdict::Fail,
            format!("expired on {until} ({} days ago)", -days),
        );
        step.remedy(format!(
            "renew the certificate with your CA, configure it in bcss.toml, and {SEND_CRT}"
        ));
        return false;
    }
    step.check(
        "valid now",
        Verdict::Pass,
        format!("valid from {} to {until}", date(info.not_before)),
    );
    if days < EXPIRY_WARNING_DAYS {
        step.check(
            "days to expiry",
            Verdict::Warn,
            format!("{days} days left (warning under {EXPIRY_WARNING_DAYS})"),
        );
        step.remedy(format!(
            "renew the certificate now; {SEND_CRT} before the old one expires"
        ));
    } else {
        step.check("days to expiry", Verdict::Pass, format!("{days} days left"));
    }
    true
}

fn key_checks(
    step: &mut StepBuilder,
    config: &Config,
    identity: &Identity,
    info: &CertificateInfo,
) {
    match &info.key_algorithm {
        KeyAlgorithm::Rsa { bits } if *bits >= 2048 => {
            step.check(
                "key type",
                Verdict::Pass,
                format!("RSA {bits} bits (≥ 2048)"),
            );
        }
        KeyAlgorithm::Rsa { bits } => {
            step.check(
                "key type",
                Verdict::Fail,
                format!("RSA {bits} bits, under 2048"),
            );
            step.remedy("request a certificate with an RSA key of at least 2048 bits");
        }
        other => {
            step.check(
                "key type",
                Verdict::Warn,
                format!("{other}: Smals OAuth v5 is only known to accept RSA keys (RS256)"),
            );
            step.remedy("prefer an RSA key of 2048 bits or more");
        }
    }
    if let Err(e) = identity.check_algorithm(config.token.algorithm) {
        step.check("signing algorithm", Verdict::Fail, e.to_string());
        step.remedy("set [token] algorithm to one this key can sign with");
    }
    match info.digital_signature_allowed {
        Some(true) => step.check("key usage", Verdict::Pass, "digitalSignature allowed"),
        None => step.check(
            "key usage",
            Verdict::Pass,
            "no key usage extension (every use allowed)",
        ),
        Some(false) => {
            step.check(
                "key usage",
                Verdict::Fail,
                "the key usage extension does not allow digitalSignature, which signing the JWT needs",
            );
            step.remedy("request a certificate whose key usage includes digitalSignature");
        }
    }
    if info.subject == info.issuer {
        step.check(
            "issuer",
            Verdict::Warn,
            "self-signed: BCSS asks for a certificate from a publicly trusted CA (Smals members may use Smals' CA)",
        );
        step.remedy("request the certificate from a publicly trusted CA");
    }
}

/// The document asks for one certificate per environment; the same one twice is a warning.
fn one_per_environment(step: &mut StepBuilder, config: &Config, info: &CertificateInfo) {
    let shared: Vec<String> = Environment::ALL
        .into_iter()
        .filter(|e| *e != config.environment && config.identities.contains_key(e))
        .filter(|e| {
            // Another environment's identity that does not load is that environment's
            // problem, reported when the doctor runs for it; here only equality matters.
            load(config, *e).is_ok_and(|id| id.info().sha256_fingerprint == info.sha256_fingerprint)
        })
        .map(|e| e.to_string())
        .collect();
    if shared.is_empty() {
        step.check(
            "one certificate per environment",
            Verdict::Pass,
            "no other environment in bcss.toml uses this certificate",
        );
    } else {
        step.check(
            "one certificate per environment",
            Verdict::Warn,
            format!(
                "the same certificate is configured for {} and {}",
                config.environment,
                shared.join(", ")
            ),
        );
        step.remedy(
            "BCSS asks for one certificate per environment (test, acceptance, production): obtain a separate one for each",
        );
    }
}

enum LoadFailure {
    Missing,
    Password(String),
    Identity(IdentityError),
}

impl LoadFailure {
    /// Records the failing check and its remedy; returns the step summary.
    fn record(self, step: &mut StepBuilder, origin: &str, env: Environment) -> String {
        let key = format!("identity.{env}");
        match self {
            Self::Missing => {
                step.check(
                    "loads",
                    Verdict::Fail,
                    format!("{origin}: no [{key}] for this environment"),
                );
                step.remedy(format!(
                    "add [{key}] to {origin}: `certificate` + `key` (PEM), or `pkcs12` + `password_file`/`password_env`"
                ));
                "no certificate is configured".into()
            }
            Self::Password(message) => {
                step.check(
                    "loads",
                    Verdict::Fail,
                    format!("{origin}: {key}: {message}"),
                );
                step.remedy("make the PKCS#12 password available as configured");
                "the PKCS#12 password is not available".into()
            }
            Self::Identity(IdentityError::KeyMismatch { subject }) => {
                step.check(
                    "loads",
                    Verdict::Pass,
                    format!("certificate `{subject}` read"),
                );
                step.check(
                    "key matches certificate",
                    Verdict::Fail,
                    format!("the private key in {key} is not the key of `{subject}`"),
                );
                step.remedy(
                    "configure the private key that was generated together with this certificate (the key of its CSR); for PKCS#12, export the key with its certificate",
                );
                "the private key does not match the certificate".into()
            }
            Self::Identity(e @ IdentityError::WrongPassword { .. }) => {
                step.check("loads", Verdict::Fail, e.to_string());
                step.remedy(format!("check the password configured in [{key}]"));
                "the PKCS#12 password is wrong".into()
            }
            Self::Identity(e) => {
                step.check("loads", Verdict::Fail, e.to_string());
                step.remedy(format!(
                    "fix [{key}] in {origin}: PEM certificate + unencrypted key, or PKCS#12 + password"
                ));
                "the certificate or key cannot be read".into()
            }
        }
    }
}

/// Loads an environment's identity with typed errors (the runtime's `Config::identity` turns
/// them into text, and the doctor must tell a key mismatch from an unreadable file).
fn load(config: &Config, env: Environment) -> Result<Identity, LoadFailure> {
    match config.identities.get(&env).ok_or(LoadFailure::Missing)? {
        IdentitySource::PemFiles { certificate, key } => {
            Identity::from_pem_files(certificate, key).map_err(LoadFailure::Identity)
        }
        IdentitySource::Pkcs12File { path, password } => {
            let password = match password {
                PasswordSource::Value(v) => v.clone(),
                PasswordSource::Env(var) => std::env::var(var)
                    .map(SecretString::new)
                    .map_err(|_| LoadFailure::Password(format!("`{var}` is not set")))?,
                PasswordSource::File(p) => std::fs::read_to_string(p)
                    .map(|s| SecretString::new(s.trim_end_matches(['\r', '\n'])))
                    .map_err(|e| {
                        LoadFailure::Password(format!("cannot read {}: {e}", p.display()))
                    })?,
            };
            Identity::from_pkcs12_file(path, &password).map_err(LoadFailure::Identity)
        }
        IdentitySource::Loaded(identity) => Ok(identity.clone()),
        #[allow(unreachable_patterns)]
        _ => Err(LoadFailure::Missing),
    }
}

fn source_name(config: &Config, env: Environment) -> String {
    match config.identities.get(&env) {
        Some(IdentitySource::PemFiles { certificate, key }) => {
            format!("PEM {} + {}", certificate.display(), key.display())
        }
        Some(IdentitySource::Pkcs12File { path, .. }) => format!("PKCS#12 {}", path.display()),
        _ => "identity given in code".into(),
    }
}

/// A UTC date, `2030-01-31`. Hand-rolled because `httpdate` panics from year 9999 on, and a
/// certificate may say anything.
pub(crate) fn date(t: SystemTime) -> String {
    let secs = match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    // Howard Hinnant's days-to-civil algorithm.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_are_utc_calendar_dates_even_far_away() {
        let at = |s: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        assert_eq!(date(at(0)), "1970-01-01");
        assert_eq!(date(at(951_782_400)), "2000-02-29");
        assert_eq!(date(at(1_609_459_200)), "2021-01-01");
        assert_eq!(date(at(253_402_300_800)), "10000-01-01");
    }
}
