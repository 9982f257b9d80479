//! [`BcssClient`]: calls to the BCSS gateway with a bearer token, a fresh `BelGov-Trace-Id` per
//! attempt, mutual TLS where configured, and the retry rules of [`RetryPolicy`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use url::Url;

use crate::budget::RetryBudget;
use crate::config::Config;
use crate::environment::{Channel, Endpoints, Environment};
use crate::error::{Error, ErrorKind};
use crate::health::Health;
use crate::interceptor::Interceptor;
use crate::options::{CallOptions, ClientDefaults};
use crate::retry::RetryPolicy;
use crate::token::{AccessToken, ProviderSetup, ScopeSet, TokenError, TokenProvider};
use crate::transport::{NetworkTransport, Transport};

/// A client of the BCSS REST gateway for one environment and channel. Cheap to clone.
#[derive(Clone)]
pub struct BcssClient {
    inner: Arc<ClientInner>,
}

/// Everything but the interceptors is shared by the clones a `with_interceptor` makes: the
/// connection pool, the token cache, the retry budget.
#[derive(Clone)]
pub(crate) struct ClientInner {
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) tokens: Tokens,
    pub(crate) endpoints: Endpoints,
    pub(crate) defaults: ClientDefaults,
    pub(crate) budget: Arc<RetryBudget>,
    pub(crate) interceptors: Vec<Arc<dyn Interceptor>>,
    pub(crate) accept_language: Option<HeaderValue>,
    pub(crate) environment: Environment,
    pub(crate) channel: Channel,
    pub(crate) client_certificate_sent: bool,
}

impl std::fmt::Debug for BcssClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BcssClient")
            .field("environment", &self.inner.environment)
            .field("channel", &self.inner.channel)
            .field("gateway", &self.inner.endpoints.gateway.as_str())
            .field("mutual_tls", &self.inner.client_certificate_sent)
            .field("tokens", &self.inner.tokens.provider())
            .field("interceptors", &self.inner.interceptors.len())
            .finish()
    }
}

impl BcssClient {
    /// Builds the client: loads and checks the identity (key matches, valid now, can sign the
    /// configured algorithm), the trusted roots, and the two HTTP clients (gateway, token).
    pub fn new(config: &Config) -> Result<Self, Error> {
        let identity = config.identity()?;
        identity.check_valid_at(SystemTime::now())?;
        identity.check_algorithm(config.token.algorithm)?;
        let client_id = config.client_id()?.to_owned();
        let roots = config.extra_roots()?;
        let mtls = config.mtls_gateway();
        let http = crate::tls::http_client(config, &roots, mtls.then_some(&identity))?;
        let token_mtls = config.tls.mtls_token_endpoint;
        let token_http = if token_mtls == mtls {
            http.clone()
        } else {
            crate::tls::http_client(config, &roots, token_mtls.then_some(&identity))?
        };
        let tokens = Tokens::OAuth(TokenProvider::new(ProviderSetup {
            http: token_http,
            client_id,
            identity,
            options: config.token.clone(),
            endpoints: config.endpoints(),
            environment: config.environment,
            channel: config.channel,
            client_certificate_sent: token_mtls,
        }));
        let transport = Arc::new(NetworkTransport {
            http,
            client_certificate_sent: mtls,
        });
        Self::assemble(config, transport, tokens, mtls)
    }

    /// A client whose every request goes to `transport` instead of the network, with the
    /// environment, timeouts, retry policy, retry budget and scopes of `config` (its identity
    /// and client-id are not read). No token is obtained: requests carry no `Authorization`,
    /// and the scopes a call would ask for are in [`crate::transport::TransportRequest::scopes`]
    /// and granted as asked. Everything else is the production code: this is how tests run a
    /// partner's logic on in-memory fakes or a replayed recording ([`crate::testing`]).
    pub fn with_transport(config: &Config, transport: impl Transport) -> Result<Self, Error> {
        Self::assemble(config, Arc::new(transport), Tokens::InMemory, false)
    }

    /// The same client (its token cache, retry budget and interceptors) sending through
    /// `wrap(current transport)`: a recorder, a proxy of the partner's.
    pub fn map_transport<T: Transport>(self, wrap: impl FnOnce(Arc<dyn Transport>) -> T) -> Self {
        let mut inner = (*self.inner).clone();
        inner.transport = Arc::new(wrap(inner.transport));
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Whether requests go to the network (`false` for [`BcssClient::with_transport`]).
    pub fn uses_network(&self) -> bool {
        matches!(self.inner.tokens, Tokens::OAuth(_))
    }

    fn assemble(
        config: &Config,
        transport: Arc<dyn Transport>,
        tokens: Tokens,
        mtls: bool,
    ) -> Result<Self, Error> {
        let endpoints = config.endpoints();
        let accept_language = match &config.accept_language {
            Some(v) => Some(
                HeaderValue::from_str(v).map_err(|_| crate::config::ConfigError {
                    origin: config.origin.clone(),
                    key: "accept_language".into(),
                    message: format!("`{v}` is not a valid header value"),
                })?,
            ),
            None => None,
        };
        Ok(Self {
            inner: Arc::new(ClientInner {
                transport,
                tokens,
                endpoints,
                defaults: ClientDefaults {
                    timeouts: config.timeouts,
                    retry: config.retry.clone(),
                    scopes: ScopeSet::new(config.token.scopes.iter().cloned()),
                },
                budget: Arc::new(RetryBudget::new(config.retry_budget)),
                interceptors: Vec::new(),
                accept_language,
                environment: config.environment,
                channel: config.channel,
                client_certificate_sent: mtls,
            }),
        })
    }

    /// The same client (sharing connections, token cache and retry budget) with `interceptor`
    /// run around every attempt, after those already registered.
    pub fn with_interceptor(self, interceptor: impl Interceptor) -> Self {
        let mut inner = (*self.inner).clone();
        inner.interceptors.push(Arc::new(interceptor));
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Tokens left in the retry budget shared by this client's calls (see `[retry]
    /// budget_capacity`).
    pub fn retry_budget_available(&self) -> u32 {
        self.inner.budget.available()
    }

    /// Server clock minus this machine's clock, in seconds, from the last `Date` header of the
    /// token endpoint or the gateway (none before the first answer).
    pub fn clock_offset_secs(&self) -> Option<f64> {
        self.inner.tokens.provider()?.clock_offset_secs()
    }

    /// The token provider (shared by every clone of this client); none for a client built
    /// on a transport of its own ([`BcssClient::with_transport`]), which obtains no token.
    pub fn tokens(&self) -> Option<&TokenProvider> {
        self.inner.tokens.provider()
    }

    /// The endpoints in use.
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// The environment.
    pub fn environment(&self) -> Environment {
        self.inner.environment
    }

    /// The channel.
    pub fn channel(&self) -> Channel {
        self.inner.channel
    }

    /// A request to `path` (absolute path under the gateway, e.g. `/demo/v1/persons/query`).
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        RequestBuilder {
            client: self.clone(),
            method,
            template: crate::observe::log_safe_path(path),
            path: path.to_owned(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            authenticated: true,
            repeatable: false,
            operation: None,
            legal_context: None,
            options: CallOptions::default(),
            error: None,
        }
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    /// `POST path`.
    pub fn post(&self, path: &str) -> RequestBuilder {
        self.request(Method::POST, path)
    }

    /// `PUT path`.
    pub fn put(&self, path: &str) -> RequestBuilder {
        self.request(Method::PUT, path)
    }

    /// `DELETE path`.
    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.request(Method::DELETE, path)
    }

    /// `PATCH path`.
    pub fn patch(&self, path: &str) -> RequestBuilder {
        self.request(Method::PATCH, path)
    }

    /// `GET {api}/health` (e.g. `api` = `demo/v1`), with a token. Not retried: a 503 is an answer.
    pub async fn health(&self, api: &str) -> Result<Health, Error> {
        let path = format!("/{}/health", api.trim_matches('/'));
        let response = self
            .get(&path)
            .retry(RetryPolicy::none())
            .send_raw()
            .await?;
        let status = response.status().as_u16();
        if (status == 200 || status == 503)
            && let Some(h) = crate::health::parse(status, response.body(), response.trace().clone())
        {
            return Ok(h);
        }
        Err(response.into_error())
    }

    pub(crate) fn inner(&self) -> &ClientInner {
        &self.inner
    }

    pub(crate) fn url(&self, path: &str, query: &[String]) -> Result<Url, Error> {
        let base = self.inner.endpoints.gateway.as_str().trim_end_matches('/');
        let joined = format!("{base}/{}", path.trim_start_matches('/'));
        let mut url = Url::parse(&joined).map_err(|e| {
            ErrorKind::InvalidRequest(format!(
                "path `{}`: {e}",
                crate::observe::log_safe_path(path)
            ))
        })?;
        if !query.is_empty() {
            url.set_query(Some(&query.join("&")));
        }
        Ok(url)
    }
}

/// Where a client's access tokens come from.
#[derive(Clone)]
pub(crate) enum Tokens {
    /// The Smals OAuth server, with the partner's signed assertion.
    OAuth(TokenProvider),
    /// None: an in-memory client's calls carry no token, their scopes granted as asked.
    InMemory,
}

impl Tokens {
    pub(crate) fn provider(&self) -> Option<&TokenProvider> {
        match self {
            Self::OAuth(p) => Some(p),
            Self::InMemory => None,
        }
    }

    /// The token for an authenticated call, and the scopes it grants: the server's answer,
    /// or — in memory — the scopes asked for.
    pub(crate) async fn grant(&self, scopes: &ScopeSet) -> Result<Grant, TokenError> {
        match self {
            Self::OAuth(p) => {
                let token = p.token_for(scopes).await?;
                let scopes = token.shared_scopes();
                Ok(Grant {
                    token: Some(token),
                    scopes,
                })
            }
            Self::InMemory => Ok(Grant {
                token: None,
                scopes: scopes.as_slice().into(),
            }),
        }
    }

    /// Drops a token the gateway refused.
    pub(crate) fn invalidate(&self, token: &AccessToken) {
        if let Self::OAuth(p) = self {
            p.invalidate(token);
        }
    }

    /// Reads the servers' clock from an answer (in memory there is no server).
    pub(crate) fn observe_clock(&self, headers: &http::HeaderMap, received: SystemTime) {
        if let Self::OAuth(p) = self {
            p.observe_clock(headers, received);
        }
    }
}

/// What an attempt carries: a bearer token (none in memory, or for a call without one) and
/// the scopes granted.
pub(crate) struct Grant {
    pub(crate) token: Option<AccessToken>,
    pub(crate) scopes: Arc<[String]>,
}

impl Grant {
    /// A call sent without a token.
    pub(crate) fn none() -> Self {
        Self {
            token: None,
            scopes: Arc::new([]),
        }
    }
}

/// One API request, before it is sent.
#[must_use = "a request does nothing until it is sent"]
#[derive(Clone)]
pub struct RequestBuilder {
    pub(crate) client: BcssClient,
    pub(crate) method: Method,
    /// The path as the contract writes it, or a hand-written path with identifiers redacted:
    /// what logs, spans, metrics and errors show.
    pub(crate) template: String,
    /// The path sent, parameters filled in (may hold personal data).
    pub(crate) path: String,
    /// Encoded `name=value` pieces, in order (styled parameters need their delimiters as they
    /// are: `a=1,2`, `a[k]=v`).
    pub(crate) query: Vec<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<(Bytes, HeaderValue)>,
    pub(crate) authenticated: bool,
    /// The contract says the operation is safe to repeat.
    pub(crate) repeatable: bool,
    pub(crate) operation: Option<&'static str>,
    pub(crate) legal_context: Option<String>,
    pub(crate) options: CallOptions,
    pub(crate) error: Option<Error>,
}

impl std::fmt::Debug for RequestBuilder {
    // Bodies may hold personal data (SSINs): show only what the request is.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("path", &self.template)
            .field("operation", &self.operation)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl RequestBuilder {
    /// Adds a query parameter (repeat the call for exploded arrays).
    pub fn query(mut self, name: &str, value: impl ToString) -> Self {
        let encode =
            |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        self.query
            .push(format!("{}={}", encode(name), encode(&value.to_string())));
        self
    }

    /// Adds a query piece already encoded (`a=1,2`, `a[k]=v`), as [`crate::params`] writes them.
    pub(crate) fn query_encoded(mut self, piece: String) -> Self {
        self.query.push(piece);
        self
    }

    /// Sets a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(n), Ok(v)) => {
                self.headers.insert(n, v);
            }
            _ => self.fail(format!("header `{name}` has an invalid name or value")),
        }
        self
    }

    /// A JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Some((bytes.into(), HeaderValue::from_static("application/json")));
            }
            Err(e) => self.fail(format!("body cannot be serialized to JSON: {e}")),
        }
        self
    }

    /// A body of the given media type.
    pub fn body(mut self, bytes: impl Into<Bytes>, content_type: &str) -> Self {
        match HeaderValue::from_str(content_type) {
            Ok(ct) => self.body = Some((bytes.into(), ct)),
            Err(_) => self.fail(format!("invalid content type `{content_type}`")),
        }
        self
    }

    /// Scopes for this call's token (default: the configured ones).
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.options.scopes = Some(ScopeSet::new(scopes));
        self
    }

    /// Applies per-call options; those set here win over the client's defaults and over
    /// options set before.
    pub fn with_options(mut self, options: CallOptions) -> Self {
        self.options = std::mem::take(&mut self.options).overridden_by(options);
        self
    }

    /// The whole call's timeout, retries included (see [`CallOptions::timeout`]).
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.options.timeout = Some(limit);
        self
    }

    /// One attempt's timeout (see [`CallOptions::attempt_timeout`]).
    pub fn attempt_timeout(mut self, limit: Duration) -> Self {
        self.options.attempt_timeout = Some(limit);
        self
    }

    /// Whether the call may be repeated after a failure (see [`CallOptions::idempotent`]).
    pub fn idempotent(mut self, repeatable: bool) -> Self {
        self.options.idempotent = Some(repeatable);
        self
    }

    /// Names the contract operation this request performs (generated clients do): it is the
    /// `operation` of the call's span and metrics, and what interceptors see.
    pub fn operation(mut self, operation_id: &'static str) -> Self {
        self.operation = Some(operation_id);
        self
    }

    /// Records the call's LegalContext for interceptors (an audit trail). It does not place it
    /// on the request: the header or body field that carries it does.
    pub fn audit_legal_context(mut self, value: Option<&str>) -> Self {
        self.legal_context = value.map(str::to_owned);
        self
    }

    /// Sends no token (for public endpoints).
    pub fn without_token(mut self) -> Self {
        self.authenticated = false;
        self
    }

    /// Overrides the retry policy for this call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// Declares the operation safe to repeat although its method is not idempotent (a `POST
    /// …/query` that only reads), so 429/503/connection failures are retried. Generated clients
    /// call it from the contract; a caller's [`RequestBuilder::idempotent`] wins over it.
    pub fn repeatable(mut self) -> Self {
        self.repeatable = true;
        self
    }

    pub(crate) fn fail(&mut self, message: String) {
        self.error
            .get_or_insert_with(|| ErrorKind::InvalidRequest(message).into());
    }
}
