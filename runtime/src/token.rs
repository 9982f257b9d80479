//! Access tokens: obtained with a signed client assertion, cached per scope set, refreshed ahead
//! of expiry, and fetched single-flight (N concurrent callers on a cold cache cause one request).
//!
//! One [`TokenProvider`] serves one (environment, channel, client-id); inside it the cache is keyed
//! by the requested scope set, so the whole key is (environment, channel, client-id, scopes).

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared};
use serde::Deserialize;
use url::Url;

use tracing::Instrument as _;

use crate::assertion::{ClientAssertion, JWT_BEARER};
use crate::clock::ServerClock;
use crate::config::{Audience, TokenOptions};
use crate::environment::{Channel, Endpoints, Environment};
use crate::identity::{Identity, IdentityError};
use crate::secret::SecretString;
use crate::transport::TransportError;

/// A set of OAuth scopes, sorted and without duplicates (so equal sets share a cache entry).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScopeSet(Vec<String>);

impl ScopeSet {
    /// From any list of scopes.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(scopes: I) -> Self {
        let mut v: Vec<String> = scopes.into_iter().map(Into::into).collect();
        v.sort();
        v.dedup();
        Self(v)
    }

    /// No explicit scope: the server grants the client's default scopes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The scopes.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

/// An access token. `Debug` never shows the token itself.
#[derive(Clone)]
pub struct AccessToken {
    // Shared: every call clones the cached token, so cloning must not copy the secret.
    value: Arc<SecretString>,
    header: http::HeaderValue,
    scopes: Arc<[String]>,
    lifetime: Duration,
    refresh_at: Instant,
    expires_at: Instant,
    serial: u64,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"[redacted]")
            .field("scopes", &self.scopes)
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

impl AccessToken {
    /// The bearer token, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        self.value.expose()
    }

    /// Scopes the server granted (its `scope` answer, or the requested ones).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The `Authorization` header value, marked sensitive.
    pub(crate) fn authorization(&self) -> &http::HeaderValue {
        &self.header
    }

    pub(crate) fn shared_scopes(&self) -> Arc<[String]> {
        self.scopes.clone()
    }

    /// `expires_in` as the server gave it.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// Time left before expiry.
    pub fn remaining(&self) -> Duration {
        self.expires_at.saturating_duration_since(Instant::now())
    }
}

/// An OAuth error code (RFC 6749 §5.2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OAuthErrorCode {
    /// Client authentication failed: client-id, certificate or audience.
    InvalidClient,
    /// A requested scope is not granted.
    InvalidScope,
    /// The request is malformed.
    InvalidRequest,
    /// The grant is invalid (some servers use it for a replayed assertion).
    InvalidGrant,
    /// The client may not use this grant type.
    UnauthorizedClient,
    /// The grant type is not supported.
    UnsupportedGrantType,
    /// The server is temporarily unavailable.
    TemporarilyUnavailable,
    /// Anything else.
    Other(String),
}

impl OAuthErrorCode {
    fn parse(s: &str) -> Self {
        match s {
            "invalid_client" => Self::InvalidClient,
            "invalid_scope" => Self::InvalidScope,
            "invalid_request" => Self::InvalidRequest,
            "invalid_grant" => Self::InvalidGrant,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "temporarily_unavailable" => Self::TemporarilyUnavailable,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidClient => "invalid_client",
            Self::InvalidScope => "invalid_scope",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why no token could be obtained.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The authorization server refused (RFC 6749 §5.2).
    #[error("token request refused by {endpoint}: {code}{} — {hint}",
        description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    OAuth {
        /// HTTP status.
        status: u16,
        /// The error code.
        code: OAuthErrorCode,
        /// The server's `error_description`.
        description: Option<String>,
        /// What to check.
        hint: String,
        /// Token endpoint called.
        endpoint: String,
    },
    /// The token endpoint could not be reached.
    #[error("token endpoint unreachable: {0}")]
    Transport(TransportError),
    /// The answer was not a valid token response.
    #[error("invalid answer from token endpoint {endpoint} (status {status}): {message}")]
    InvalidResponse {
        /// Token endpoint called.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// What was wrong.
        message: String,
    },
    /// The assertion could not be signed.
    #[error("cannot sign the client assertion: {0}")]
    Assertion(IdentityError),
    /// The RFC 8414 metadata could not be used.
    #[error("authorization server metadata {url}: {message}")]
    Discovery {
        /// Metadata URL.
        url: String,
        /// What was wrong.
        message: String,
    },
    /// The background task fetching the token died.
    #[error("token fetch aborted: {0}")]
    Aborted(String),
}

impl TokenError {
    /// The OAuth error code, if the server refused.
    pub fn oauth_code(&self) -> Option<&OAuthErrorCode> {
        match self {
            Self::OAuth { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// What a [`TokenProvider`] needs.
#[derive(Clone)]
pub(crate) struct ProviderSetup {
    pub http: reqwest::Client,
    pub client_id: String,
    pub identity: Identity,
    pub options: TokenOptions,
    pub endpoints: Endpoints,
    pub environment: Environment,
    pub channel: Channel,
    pub client_certificate_sent: bool,
}

type TokenFuture = Shared<BoxFuture<'static, Result<AccessToken, TokenError>>>;

#[derive(Default)]
struct SlotState {
    token: Option<AccessToken>,
    inflight: Option<TokenFuture>,
}

#[derive(Default)]
struct Slot(Mutex<SlotState>);

impl Slot {
    fn lock(&self) -> std::sync::MutexGuard<'_, SlotState> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct ProviderInner {
    setup: ProviderSetup,
    clock: ServerClock,
    slots: Mutex<HashMap<ScopeSet, Arc<Slot>>>,
    discovered: tokio::sync::OnceCell<(Url, String)>,
    serial: AtomicU64,
    requests: AtomicU64,
}

/// Obtains and caches access tokens for one client.
#[derive(Clone)]
pub struct TokenProvider {
    inner: Arc<ProviderInner>,
}

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.inner.setup;
        f.debug_struct("TokenProvider")
            .field("environment", &s.environment)
            .field("channel", &s.channel)
            .field("client_id", &s.client_id)
            .field("token_endpoint", &s.endpoints.token_endpoint.as_str())
            .field("identity", &s.identity)
            .finish_non_exhaustive()
    }
}

impl TokenProvider {
    pub(crate) fn new(setup: ProviderSetup) -> Self {
        Self {
            inner: Arc::new(ProviderInner {
                clock: ServerClock::new(
                    setup.options.clock_correction,
                    setup.options.max_clock_correction,
                ),
                setup,
                slots: Mutex::default(),
                discovered: tokio::sync::OnceCell::new(),
                serial: AtomicU64::new(0),
                requests: AtomicU64::new(0),
            }),
        }
    }

    /// A token with the configured default scopes.
    pub async fn token(&self) -> Result<AccessToken, TokenError> {
        let scopes = ScopeSet::new(self.inner.setup.options.scopes.iter().cloned());
        self.token_for(&scopes).await
    }

    /// A token for `scopes`: cached if fresh; refreshed in the background once inside the
    /// refresh margin; fetched (once, for all concurrent callers) when absent or expired.
    pub async fn token_for(&self, scopes: &ScopeSet) -> Result<AccessToken, TokenError> {
        let slot = self.slot(scopes);
        let pending = {
            let mut state = slot.lock();
            let now = Instant::now();
            if let Some(token) = &state.token {
                if now < token.refresh_at {
                    return Ok(token.clone());
                }
                if now < token.expires_at {
                    let token = token.clone();
                    if state.inflight.is_none() {
                        state.inflight = Some(self.spawn_fetch(&slot, scopes));
                    }
                    return Ok(token);
                }
            }
            state
                .inflight
                .get_or_insert_with(|| self.spawn_fetch(&slot, scopes))
                .clone()
        };
        pending.await
    }

    /// Drops `token` from the cache (after the API rejected it), unless a newer one replaced it.
    pub fn invalidate(&self, token: &AccessToken) {
        let slots = self
            .inner
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for slot in slots.values() {
            let mut state = slot.lock();
            if state
                .token
                .as_ref()
                .is_some_and(|t| t.serial == token.serial)
            {
                state.token = None;
            }
        }
    }

    /// Server clock minus this machine's, in seconds, from the last `Date` header seen by this
    /// provider or the client it serves (none before the first answer).
    pub fn clock_offset_secs(&self) -> Option<f64> {
        self.inner.clock.offset_secs()
    }

    /// Reads the server clock from an answer's `Date` header.
    pub(crate) fn observe_clock(&self, headers: &http::HeaderMap, received: SystemTime) {
        self.inner.clock.observe(headers, received);
    }

    /// How many token requests this provider has sent.
    pub fn requests_sent(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// The client-id.
    pub fn client_id(&self) -> &str {
        &self.inner.setup.client_id
    }

    /// The audience the next assertion will carry.
    pub async fn audience(&self) -> Result<String, TokenError> {
        let (endpoint, issuer) = self.resolve().await?;
        Ok(self.audience_for(&endpoint, issuer))
    }

    fn audience_for(&self, endpoint: &Url, issuer: String) -> String {
        match &self.inner.setup.options.audience {
            Audience::TokenEndpoint => endpoint.to_string(),
            Audience::Issuer => issuer,
            Audience::Literal(s) => s.clone(),
        }
    }

    fn slot(&self, scopes: &ScopeSet) -> Arc<Slot> {
        let mut slots = self
            .inner
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = slots.get(scopes) {
            return slot.clone();
        }
        slots.entry(scopes.clone()).or_default().clone()
    }

    /// Starts the fetch as a task, so that it completes (and fills the cache) even if the
    /// caller that started it is cancelled.
    fn spawn_fetch(&self, slot: &Arc<Slot>, scopes: &ScopeSet) -> TokenFuture {
        let this = self.clone();
        let slot = slot.clone();
        let scopes = scopes.clone();
        let span = tracing::Span::current();
        let task = tokio::spawn(async move {
            let result = this.fetch(&scopes).instrument(span).await;
            let mut state = slot.lock();
            state.inflight = None;
            if let Ok(token) = &result {
                state.token = Some(token.clone());
            }
            result
        });
        async move {
            task.await
                .unwrap_or_else(|e| Err(TokenError::Aborted(e.to_string())))
        }
        .boxed()
        .shared()
    }

    async fn resolve(&self) -> Result<(Url, String), TokenError> {
        let setup = &self.inner.setup;
        if !setup.options.discovery {
            return Ok((
                setup.endpoints.token_endpoint.clone(),
                issuer_string(&setup.endpoints.issuer),
            ));
        }
        self.inner
            .discovered
            .get_or_try_init(|| {
                crate::discovery::discover(
                    &setup.http,
                    &setup.endpoints.metadata,
                    setup.client_certificate_sent,
                )
            })
            .await
            .cloned()
    }

    /// Fetches a token; when the server refuses the assertion and its `Date` shows that this
    /// machine's clock is off by a correctable amount not applied yet, signs again once with
    /// the corrected clock.
    async fn fetch(&self, scopes: &ScopeSet) -> Result<AccessToken, TokenError> {
        let clock = &self.inner.clock;
        let correction = clock.correction_ms();
        let result = self.fetch_once(scopes).await;
        let refused = matches!(&result, Err(TokenError::OAuth { .. }));
        let result = if refused && clock.correction_ms() != correction {
            tracing::info!(
                "the token endpoint refused an assertion dated by a clock it disagrees with: signing again by its clock"
            );
            self.fetch_once(scopes).await
        } else {
            result
        };
        crate::observe::metrics::token_fetch(result.is_ok());
        match &result {
            Ok(token) => tracing::debug!(
                scopes = %ScopeSet::new(token.scopes.iter().cloned()),
                lifetime_secs = token.lifetime.as_secs(),
                "access token obtained"
            ),
            Err(e) => tracing::warn!(error = %e, "no access token"),
        }
        result
    }

    async fn fetch_once(&self, scopes: &ScopeSet) -> Result<AccessToken, TokenError> {
        let setup = &self.inner.setup;
        let (endpoint, issuer) = self.resolve().await?;
        let audience = self.audience_for(&endpoint, issuer);
        let assertion = ClientAssertion::sign(
            &setup.identity,
            &setup.client_id,
            &audience,
            &setup.options,
            self.inner.clock.now(),
        )
        .map_err(TokenError::Assertion)?;
        let scope_param = scopes.to_string();
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", "client_credentials"),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion.expose()),
        ];
        if !scopes.is_empty() {
            form.push(("scope", &scope_param));
        }
        if setup.options.send_client_id {
            form.push(("client_id", &setup.client_id));
        }
        let sent_at = Instant::now();
        self.inner.requests.fetch_add(1, Ordering::Relaxed);
        crate::transport::count_network_request();
        let transport = |e: reqwest::Error| {
            TokenError::Transport(TransportError::from_reqwest(
                e,
                setup.client_certificate_sent,
            ))
        };
        let response = setup
            .http
            .post(endpoint.clone())
            .header(http::header::ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        self.inner
            .clock
            .observe(response.headers(), SystemTime::now());
        let body = response.bytes().await.map_err(transport)?;
        tracing::debug!(endpoint = %endpoint, status, client_id = %setup.client_id, jti = %assertion.claims().jti, "token request");
        let answer = decode_token_answer(endpoint.as_str(), status, &body)
            .map_err(|e| self.with_hint(e, &audience, scopes))?;
        let (refresh_at, expires_at) = answer.deadlines(sent_at, setup.options.refresh_margin);
        Ok(AccessToken {
            value: Arc::new(answer.token),
            header: answer.header,
            scopes: answer
                .scopes
                .map_or_else(|| scopes.as_slice().into(), Arc::from),
            lifetime: answer.lifetime,
            refresh_at,
            expires_at,
            serial: self.inner.serial.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Replaces the generic hint of a refusal by one naming this client's set-up.
    fn with_hint(&self, error: TokenError, audience: &str, scopes: &ScopeSet) -> TokenError {
        let TokenError::OAuth {
            status,
            code,
            description,
            hint,
            endpoint,
        } = error
        else {
            return error;
        };
        let setup = &self.inner.setup;
        let env = setup.environment;
        let hint = match &code {
            OAuthErrorCode::InvalidClient => format!(
                "check the client-id (`{}`), the certificate registered for the {env} environment (this one: {}, SHA-256 {}) and the audience (sent: {audience})",
                setup.client_id,
                setup.identity.info().subject,
                setup.identity.info().sha256_fingerprint
            ),
            OAuthErrorCode::InvalidScope => format!(
                "a requested scope is not granted to `{}` (requested: {}); ask BCSS to grant it, or request only the partner annex's scopes",
                setup.client_id,
                if scopes.is_empty() {
                    "the default scopes".to_owned()
                } else {
                    scopes.to_string()
                }
            ),
            OAuthErrorCode::UnauthorizedClient => format!(
                "`{}` may not use the client credentials grant: contact the BCSS ESB team (esb@ksz-bcss.fgov.be)",
                setup.client_id
            ),
            _ => hint,
        };
        let hint = match self.inner.clock.uncorrected() {
            Some(offset) if setup.options.clock_correction => format!(
                "{hint}; this machine's clock is {offset:+.0} s off the token endpoint's, more than the {} s the runtime corrects ([token] max_clock_correction_secs): synchronise it (NTP)",
                setup.options.max_clock_correction.as_secs()
            ),
            Some(offset) => format!(
                "{hint}; this machine's clock is {offset:+.0} s off the token endpoint's and [token] clock_correction is off: synchronise the clock (NTP) or turn the correction on"
            ),
            None => hint,
        };
        TokenError::OAuth {
            status,
            code,
            description,
            hint,
            endpoint,
        }
    }
}

/// A token endpoint's successful answer (RFC 6749 §5.1), decoded and checked by
/// [`decode_token_answer`]. `Debug` never shows the token.
pub struct TokenAnswer {
    token: SecretString,
    header: http::HeaderValue,
    lifetime: Duration,
    scopes: Option<Vec<String>>,
}

impl fmt::Debug for TokenAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenAnswer")
            .field("token", &"[redacted]")
            .field("lifetime", &self.lifetime)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl TokenAnswer {
    /// The access token.
    pub fn expose(&self) -> &str {
        self.token.expose()
    }

    /// `expires_in`, or the JWT's `exp - iat` when the server omits it, or 300 s.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// The granted scopes, when the answer lists them (`scope`).
    pub fn scopes(&self) -> Option<&[String]> {
        self.scopes.as_deref()
    }

    /// When to refresh and when the token is dead, for a request sent at `sent_at`: `exp` has
    /// one-second granularity, so the token may die up to 1 s before `sent_at + lifetime`; the
    /// refresh starts `margin` before that (at most a third of the usable lifetime).
    /// Lifetimes beyond a year are taken as a year (an `Instant` cannot hold `u64::MAX` seconds).
    pub fn deadlines(&self, sent_at: Instant, margin: Duration) -> (Instant, Instant) {
        const MAX_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);
        let lifetime = self.lifetime.min(MAX_LIFETIME);
        let usable = lifetime
            .saturating_sub(Duration::from_secs(1))
            .max(lifetime / 2);
        let margin = margin.min(usable / 3);
        (sent_at + usable - margin, sent_at + usable)
    }
}

/// Decodes what the token endpoint at `endpoint` answered: a 2xx status with an RFC 6749 token
/// response becomes a [`TokenAnswer`]; an RFC 6749 §5.2 refusal becomes [`TokenError::OAuth`]
/// (with a generic hint); anything else [`TokenError::InvalidResponse`]. Pure: no I/O. The token
/// never appears in an error.
pub fn decode_token_answer(
    endpoint: &str,
    status: u16,
    body: &[u8],
) -> Result<TokenAnswer, TokenError> {
    let invalid = |message: String| TokenError::InvalidResponse {
        endpoint: endpoint.to_owned(),
        status,
        message,
    };
    if !(200..300).contains(&status) {
        let Ok(err) = serde_json::from_slice::<OAuthErrorBody>(body) else {
            return Err(invalid(redacted_excerpt(body)));
        };
        let code = OAuthErrorCode::parse(&err.error);
        let hint = match &code {
            OAuthErrorCode::InvalidClient => "check the client-id, the certificate registered for this environment and the audience".into(),
            OAuthErrorCode::InvalidScope => "a requested scope is not granted to this client-id; ask BCSS to grant it, or request only the partner annex's scopes".into(),
            OAuthErrorCode::UnauthorizedClient => "this client-id may not use the client credentials grant: contact the BCSS ESB team (esb@ksz-bcss.fgov.be)".into(),
            OAuthErrorCode::InvalidGrant => "the assertion was refused (replayed jti, expired, or clock skew): check the machine's clock".into(),
            OAuthErrorCode::TemporarilyUnavailable => "the authorization server is unavailable: retry later".into(),
            _ => "the token request was refused: see the description".into(),
        };
        return Err(TokenError::OAuth {
            status,
            code,
            description: err.error_description,
            hint,
            endpoint: endpoint.to_owned(),
        });
    }
    let parsed: TokenResponse = serde_json::from_slice(body)
        .map_err(|e| invalid(format!("not an RFC 6749 token response: {e}")))?;
    if !parsed.token_type.eq_ignore_ascii_case("bearer") {
        return Err(invalid(format!(
            "token_type `{}`, expected Bearer",
            parsed.token_type
        )));
    }
    let lifetime = Duration::from_secs(
        parsed
            .expires_in
            .or_else(|| jwt_lifetime(&parsed.access_token))
            .unwrap_or(300),
    );
    let mut header = http::HeaderValue::from_str(&format!("Bearer {}", parsed.access_token))
        .map_err(|_| {
            invalid("the access token contains characters not allowed in a header".into())
        })?;
    header.set_sensitive(true);
    Ok(TokenAnswer {
        token: SecretString::new(parsed.access_token),
        header,
        lifetime,
        scopes: parsed
            .scope
            .map(|s| s.split_whitespace().map(str::to_owned).collect()),
    })
}

/// An excerpt of a token endpoint's answer for an error message, with what may be a credential
/// taken out: the string values of JSON fields named like `access_token`, `refresh_token`,
/// `client_assertion`, `password` or `secret`, and anything shaped like a JWT (`eyJ…`).
fn redacted_excerpt(body: &[u8]) -> String {
    fn redact(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    let key = key.to_ascii_lowercase();
                    let secret = ["token", "assertion", "password", "secret"]
                        .iter()
                        .any(|s| key.contains(s));
                    if secret && v.is_string() {
                        *v = serde_json::Value::String("[redacted]".into());
                    } else {
                        redact(v);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
            _ => {}
        }
    }
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redact(&mut value);
            crate::error::excerpt(value.to_string().as_bytes(), 200)
        }
        Err(_) => crate::error::excerpt(body, 200),
    };
    static JWT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"eyJ[A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]*)*").expect("a valid regex")
    });
    JWT.replace_all(&text, "[redacted]").into_owned()
}

/// An issuer identifier as a string, without the trailing slash `Url` adds to a bare origin.
pub(crate) fn issuer_string(url: &Url) -> String {
    let s = url.as_str();
    if url.path() == "/" && url.query().is_none() {
        s.trim_end_matches('/').to_owned()
    } else {
        s.to_owned()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    token_type: String,
    expires_in: Option<u64>,
    scope: Option<String>,
}

#[derive(Deserialize)]
struct OAuthErrorBody {
    error: String,
    error_description: Option<String>,
}

/// `exp - iat` of a JWT access token, when the server omits `expires_in`.
fn jwt_lifetime(token: &str) -> Option<u64> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    #[derive(Deserialize)]
    struct Times {
        exp: u64,
        iat: Option<u64>,
    }
    let t: Times = serde_json::from_slice(&bytes).ok()?;
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Some(t.exp.saturating_sub(t.iat.unwrap_or(now).max(now)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_sets_are_order_and_duplicate_insensitive() {
        let a = ScopeSet::new(["b", "a", "b"]);
        assert_eq!(a, ScopeSet::new(["a", "b"]));
        assert_eq!(a.to_string(), "a b");
    }

    #[test]
    fn issuer_has_no_trailing_slash() {
        let u = Url::parse("https://oauth-v5.acc.socialsecurity.be").unwrap();
        assert_eq!(issuer_string(&u), "https://oauth-v5.acc.socialsecurity.be");
    }

    const ENDPOINT: &str = "https://oauth.example/token";

    #[test]
    fn a_token_answer_decodes_with_its_lifetime_and_scopes() {
        let a = decode_token_answer(
            ENDPOINT,
            200,
            br#"{"access_token":"abc.def","token_type":"bearer","expires_in":120,"scope":"a b"}"#,
        )
        .unwrap();
        assert_eq!(a.expose(), "abc.def");
        assert_eq!(a.lifetime(), Duration::from_secs(120));
        assert_eq!(a.scopes(), Some(&["a".to_owned(), "b".to_owned()][..]));
        assert!(!format!("{a:?}").contains("abc.def"));
        let now = Instant::now();
        let (refresh, expiry) = a.deadlines(now, Duration::from_secs(60));
        assert_eq!(expiry - now, Duration::from_secs(119));
        assert_eq!(expiry - refresh, Duration::from_secs(119) / 3);
    }

    #[test]
    fn refusals_and_odd_answers_are_typed_errors_without_the_token() {
        let e = decode_token_answer(
            ENDPOINT,
            401,
            br#"{"error":"invalid_client","error_description":"bad"}"#,
        )
        .unwrap_err();
        assert_eq!(e.oauth_code(), Some(&OAuthErrorCode::InvalidClient));
        assert!(e.to_string().contains("check the client-id"), "{e}");
        let e = decode_token_answer(ENDPOINT, 503, b"<html>down</html>").unwrap_err();
        assert!(e.to_string().contains("<html>down</html>"), "{e}");
        let e = decode_token_answer(
            ENDPOINT,
            200,
            br#"{"access_token":"secret-token-value","token_type":"mac"}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("token_type `mac`"), "{e}");
        assert!(!e.to_string().contains("secret-token-value"), "{e}");
    }

    /// Found by `cargo xtask fuzz` (runtime_decoding): a 503 whose body is a token response
    /// without `token_type` showed the token in the error's excerpt of the body.
    #[test]
    fn fuzz_a_non_oauth_error_body_never_shows_a_token() {
        let body =
            br#"{"access_token":"eyJhbGciOiJSUzI1minissgSconbmF0dXJl","tokdn_type":"be~arer"}"#;
        let e = decode_token_answer(ENDPOINT, 503, body).unwrap_err();
        let shown = e.to_string();
        assert!(
            !shown.contains("eyJhbGciOiJSUzI1minissgSconbmF0dXJl"),
            "{shown}"
        );
        assert!(shown.contains(r#""tokdn_type":"be~arer""#), "{shown}");
        // Not JSON: a JWT-shaped run is still taken out; the rest of the body stays.
        let body = b"<pre>access_token=eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.c2ln for client</pre>";
        let shown = decode_token_answer(ENDPOINT, 500, body)
            .unwrap_err()
            .to_string();
        assert!(!shown.contains("eyJhbGciOiJSUzI1NiJ9"), "{shown}");
        assert!(
            shown.contains("access_token=[redacted] for client"),
            "{shown}"
        );
    }

    /// Found while writing the runtime_decoding fuzz target (which now calls `deadlines`): a
    /// huge `expires_in` overflowed `Instant + Duration`, a panic in the token fetch task.
    #[test]
    fn a_huge_expires_in_is_capped_not_a_panic() {
        let body =
            br#"{"access_token":"t","token_type":"Bearer","expires_in":18446744073709551615}"#;
        let a = decode_token_answer(ENDPOINT, 200, body).unwrap();
        assert_eq!(a.lifetime(), Duration::from_secs(u64::MAX));
        let now = Instant::now();
        let (refresh, expiry) = a.deadlines(now, Duration::from_secs(60));
        assert!(now < refresh && refresh < expiry);
        assert!(expiry - now <= Duration::from_secs(365 * 24 * 3600));
    }

    #[test]
    fn access_token_debug_hides_the_token() {
        let t = AccessToken {
            value: Arc::new(SecretString::new("eyJsecret")),
            header: http::HeaderValue::from_static("Bearer eyJsecret"),
            scopes: Arc::new([]),
            lifetime: Duration::from_secs(1),
            refresh_at: Instant::now(),
            expires_at: Instant::now(),
            serial: 0,
        };
        assert!(!format!("{t:?}").contains("eyJsecret"));
    }
}
