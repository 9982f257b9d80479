//! Validation of a client assertion (RFC 7523 §3, as Smals OAuth v5 applies it): every check
//! the real server does, each failing with an OAuth error whose description says precisely
//! what was wrong, so a partner can fix their client from the message alone. Descriptions
//! name claims and expected values but never repeat the assertion or its signature.

use crate::config::{AudienceMode, Settings};
use crate::jws::Compact;
use crate::state::{RegisteredClient, SharedState};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use serde_json::Value;
use std::str::FromStr;

/// An RFC 6749 §5.2 error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthError {
    pub code: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(code: &'static str, description: impl Into<String>) -> OAuthError {
        OAuthError {
            code,
            description: description.into(),
        }
    }

    pub fn invalid_client(description: impl Into<String>) -> OAuthError {
        OAuthError::new("invalid_client", description)
    }

    /// 401 for client authentication failures, 400 for everything else (RFC 6749 §5.2).
    pub fn status(&self) -> u16 {
        if self.code == "invalid_client" {
            401
        } else {
            400
        }
    }
}

/// A client assertion that passed every check.
pub struct AuthenticatedClient {
    pub client_id: String,
    pub client: RegisteredClient,
}

/// Runs all checks on `jws` and, if they pass, consumes its `jti`.
pub fn authenticate(
    state: &SharedState,
    settings: &Settings,
    jws: &Compact,
) -> Result<AuthenticatedClient, OAuthError> {
    let alg = check_alg(jws, settings)?;

    let client_id = jws
        .str_claim("iss")
        .ok_or_else(|| {
            OAuthError::invalid_client("the assertion has no iss claim (it must be your client_id)")
        })?
        .to_string();
    let client = state.client(&client_id).ok_or_else(|| {
        OAuthError::invalid_client(format!(
            "unknown client: iss {client_id:?} is not a registered client_id"
        ))
    })?;
    let now = state.now();
    check_certificate_validity(&client_id, &client, now)?;
    check_signature(jws, alg, &client_id, &client)?;

    match jws.str_claim("sub") {
        Some(sub) if sub == client_id => {}
        Some(sub) => {
            return Err(OAuthError::invalid_client(format!(
                "sub {sub:?} differs from iss {client_id:?}; both must be the client_id"
            )));
        }
        None => {
            return Err(OAuthError::invalid_client(
                "the assertion has no sub claim (it must equal iss, the client_id)",
            ));
        }
    }

    check_audience(
        jws,
        settings.audience,
        &state.endpoints.token_endpoint,
        &state.endpoints.issuer,
    )?;
    let exp = check_times(jws, settings, now)?;

    let jti = match jws.claims.get("jti") {
        Some(Value::String(jti)) if !jti.is_empty() => jti.clone(),
        Some(_) => return Err(OAuthError::invalid_client("jti must be a non-empty string")),
        None => {
            return Err(OAuthError::invalid_client(
                "the assertion has no jti claim; send a fresh unique id (e.g. a UUID) in every assertion",
            ));
        }
    };
    if !state.use_jti(&client_id, &jti, exp) {
        return Err(OAuthError::invalid_client(format!(
            "jti already used: {jti:?} was in an earlier assertion; build a new assertion (new jti) for every token request"
        )));
    }
    Ok(AuthenticatedClient { client_id, client })
}

fn check_alg(jws: &Compact, settings: &Settings) -> Result<Algorithm, OAuthError> {
    let accepted = &settings.accepted_algorithms;
    let alg = jws
        .alg()
        .ok_or_else(|| OAuthError::invalid_client("the assertion header has no alg"))?;
    if alg.eq_ignore_ascii_case("none") {
        return Err(OAuthError::invalid_client(
            "alg none is not accepted: the assertion must be signed",
        ));
    }
    if alg.starts_with("HS") {
        return Err(OAuthError::invalid_client(format!(
            "alg {alg} (HMAC, a shared secret) is not accepted: sign with the private key of your certificate; accepted: {accepted:?}"
        )));
    }
    if !accepted.iter().any(|a| a == alg) {
        return Err(OAuthError::invalid_client(format!(
            "alg {alg} is not accepted; accepted: {accepted:?}"
        )));
    }
    Algorithm::from_str(alg).map_err(|_| {
        OAuthError::invalid_client(format!("alg {alg} is not supported by the sandbox"))
    })
}

fn check_signature(
    jws: &Compact,
    alg: Algorithm,
    client_id: &str,
    client: &RegisteredClient,
) -> Result<(), OAuthError> {
    let pem = client.certificate_pem.as_bytes();
    let key = match alg.family() {
        AlgorithmFamily::Rsa => DecodingKey::from_rsa_pem(pem),
        AlgorithmFamily::Ec => DecodingKey::from_ec_pem(pem),
        _ => {
            return Err(OAuthError::invalid_client(format!(
                "alg {alg:?} is not supported"
            )));
        }
    };
    let result = key
        .map_err(|_| format!("the registered certificate has no key usable with {alg:?}"))
        .and_then(|key| jws.verify(alg, &key));
    result.map_err(|why| {
        OAuthError::invalid_client(format!(
            "signature does not verify with the certificate registered for {client_id} ({why}); sign with the private key of that certificate"
        ))
    })
}

/// The registered certificate must be valid (notBefore..=notAfter) at the sandbox clock: a
/// server does not accept assertions whose certificate expired or has not started yet. A
/// registered bare public key (no certificate) has no validity to check.
fn check_certificate_validity(
    client_id: &str,
    client: &RegisteredClient,
    now: i64,
) -> Result<(), OAuthError> {
    let unreadable = |why: String| {
        OAuthError::invalid_client(format!(
            "the certificate registered for {client_id} cannot be read ({why})"
        ))
    };
    let pem = match x509_parser::pem::parse_x509_pem(client.certificate_pem.as_bytes()) {
        Ok((_, pem)) if pem.label == "CERTIFICATE" => pem,
        Ok(_) => return Ok(()),
        Err(e) => return Err(unreadable(e.to_string())),
    };
    let certificate = pem.parse_x509().map_err(|e| unreadable(e.to_string()))?;
    let validity = certificate.validity();
    let (not_before, not_after) = (
        validity.not_before.timestamp(),
        validity.not_after.timestamp(),
    );
    let window = format!(
        "notBefore {}, notAfter {}, server time {}",
        show_time(not_before),
        show_time(not_after),
        show_time(now)
    );
    if now < not_before {
        return Err(OAuthError::invalid_client(format!(
            "the certificate registered for {client_id} is not valid yet ({window}); wait until notBefore or check the server clock"
        )));
    }
    if now > not_after {
        return Err(OAuthError::invalid_client(format!(
            "the certificate registered for {client_id} has expired ({window}); register a renewed certificate"
        )));
    }
    Ok(())
}

/// Unix seconds as an HTTP date with the seconds after it, e.g.
/// `Fri, 01 Jan 2021 00:00:00 GMT (1609459200)`; just the seconds outside 1970..=9999.
fn show_time(secs: i64) -> String {
    match crate::server::http_date_of(secs) {
        Some(date) => format!("{date} ({secs})"),
        None => secs.to_string(),
    }
}

fn check_audience(
    jws: &Compact,
    mode: AudienceMode,
    token_endpoint: &str,
    issuer: &str,
) -> Result<(), OAuthError> {
    let got: Vec<String> = match jws.claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        Some(other) => {
            return Err(OAuthError::invalid_client(format!(
                "aud must be a string or an array of strings, got {other}"
            )));
        }
        None => return Err(OAuthError::invalid_client("the assertion has no aud claim")),
    };
    let (expected, wording): (Vec<&str>, String) = match mode {
        AudienceMode::Either => (
            vec![token_endpoint, issuer],
            format!("the token endpoint URL {token_endpoint:?} or the issuer {issuer:?}"),
        ),
        AudienceMode::TokenEndpoint => (
            vec![token_endpoint],
            format!("the token endpoint URL {token_endpoint:?}"),
        ),
        AudienceMode::Issuer => (vec![issuer], format!("the issuer {issuer:?}")),
    };
    if got.iter().any(|aud| expected.contains(&aud.as_str())) {
        return Ok(());
    }
    Err(OAuthError::invalid_client(format!(
        "aud mismatch: got {got:?}, expected {wording}"
    )))
}

/// exp / nbf / iat against the sandbox clock. Returns exp.
fn check_times(jws: &Compact, settings: &Settings, now: i64) -> Result<i64, OAuthError> {
    let claim = |name| jws.time_claim(name).map_err(OAuthError::invalid_client);
    // Saturating arithmetic throughout: claims are attacker-controlled numbers.
    let leeway = i64::try_from(settings.iat_leeway_secs).unwrap_or(i64::MAX);
    let exp = claim("exp")?
        .ok_or_else(|| OAuthError::invalid_client("the assertion has no exp claim"))?;
    if exp <= now {
        return Err(OAuthError::invalid_client(format!(
            "the assertion expired: exp {exp} is {} s before the server time {now}; check the client clock",
            now.saturating_sub(exp)
        )));
    }
    if let Some(nbf) = claim("nbf")?
        && nbf > now.saturating_add(leeway)
    {
        return Err(OAuthError::invalid_client(format!(
            "the assertion is not valid yet: nbf {nbf} is {} s after the server time {now} (leeway {leeway} s)",
            nbf.saturating_sub(now)
        )));
    }
    let iat = claim("iat")?.ok_or_else(|| {
        OAuthError::invalid_client(
            "the assertion has no iat claim; send the time it was made (seconds since 1970) in iat",
        )
    })?;
    if iat > now.saturating_add(leeway) {
        return Err(OAuthError::invalid_client(format!(
            "iat {iat} is {} s in the future of the server time {now} (leeway {leeway} s); check the client clock",
            iat.saturating_sub(now)
        )));
    }
    if exp <= iat {
        return Err(OAuthError::invalid_client(format!(
            "exp {exp} is not after iat {iat}: an assertion must expire after it is made"
        )));
    }
    let lifetime = exp.saturating_sub(iat);
    let max = i64::try_from(settings.max_assertion_lifetime_secs).unwrap_or(i64::MAX);
    if lifetime > max {
        return Err(OAuthError::invalid_client(format!(
            "assertion lifetime exp - iat = {lifetime} s exceeds the maximum of {max} s"
        )));
    }
    Ok(exp)
}

/// Scopes to grant: all of the client's when none are requested; otherwise the requested
/// ones, which must all be granted to the client.
pub fn grant_scopes(
    requested: Option<&str>,
    client: &RegisteredClient,
) -> Result<Vec<String>, OAuthError> {
    let requested: Vec<String> = requested
        .unwrap_or("")
        .split_whitespace()
        .map(String::from)
        .collect();
    if requested.is_empty() {
        return Ok(client.scopes.clone());
    }
    let missing: Vec<&String> = requested
        .iter()
        .filter(|s| !client.scopes.contains(s))
        .collect();
    if !missing.is_empty() {
        return Err(OAuthError::new(
            "invalid_scope",
            format!(
                "scope(s) {missing:?} are not granted to this client; granted: {:?}",
                client.scopes
            ),
        ));
    }
    Ok(requested)
}
