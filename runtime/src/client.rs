//! [`BcssClient`]: calls to the BCSS gateway with a bearer token, a fresh `BelGov-Trace-Id` per
//! attempt, mutual TLS where configured, and the retry rules of [`RetryPolicy`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{ACCEPT, ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use url::Url;

use crate::config::Config;
use crate::environment::{Channel, Endpoints, Environment};
use crate::error::{Error, ErrorKind};
use crate::health::Health;
use crate::problem::ProblemType;
use crate::response::{RELATED_TRACE_ID, Response, TRACE_ID, TraceInfo};
use crate::retry::{RetryPolicy, is_idempotent, retry_after};
use crate::token::{AccessToken, ProviderSetup, ScopeSet, TokenProvider};
use crate::transport::TransportError;

const ACCEPT_JSON: &str = "application/json, application/problem+json";

/// A client of the BCSS REST gateway for one environment and channel. Cheap to clone.
#[derive(Clone)]
pub struct BcssClient {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    http: reqwest::Client,
    tokens: TokenProvider,
    endpoints: Endpoints,
    retry: RetryPolicy,
    accept_language: Option<HeaderValue>,
    default_scopes: ScopeSet,
    environment: Environment,
    channel: Channel,
    client_certificate_sent: bool,
}

impl std::fmt::Debug for BcssClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BcssClient")
            .field("environment", &self.inner.environment)
            .field("channel", &self.inner.channel)
            .field("gateway", &self.inner.endpoints.gateway.as_str())
            .field("mutual_tls", &self.inner.client_certificate_sent)
            .field("tokens", &self.inner.tokens)
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
        let endpoints = config.endpoints();
        let tokens = TokenProvider::new(ProviderSetup {
            http: token_http,
            client_id,
            identity,
            options: config.token.clone(),
            endpoints: endpoints.clone(),
            environment: config.environment,
            channel: config.channel,
            client_certificate_sent: token_mtls,
        });
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
                http,
                tokens,
                endpoints,
                retry: config.retry.clone(),
                accept_language,
                default_scopes: ScopeSet::new(config.token.scopes.iter().cloned()),
                environment: config.environment,
                channel: config.channel,
                client_certificate_sent: mtls,
            }),
        })
    }

    /// The token provider (shared by every clone of this client).
    pub fn tokens(&self) -> &TokenProvider {
        &self.inner.tokens
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
            path: path.to_owned(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            scopes: None,
            authenticated: true,
            retry: None,
            repeatable: false,
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

    fn url(&self, path: &str, query: &[String]) -> Result<Url, Error> {
        let base = self.inner.endpoints.gateway.as_str().trim_end_matches('/');
        let joined = format!("{base}/{}", path.trim_start_matches('/'));
        let mut url = Url::parse(&joined)
            .map_err(|e| ErrorKind::InvalidRequest(format!("path `{path}`: {e}")))?;
        if !query.is_empty() {
            url.set_query(Some(&query.join("&")));
        }
        Ok(url)
    }
}

/// One API request, before it is sent.
#[must_use = "a request does nothing until it is sent"]
#[derive(Clone)]
pub struct RequestBuilder {
    client: BcssClient,
    method: Method,
    pub(crate) path: String,
    /// Encoded `name=value` pieces, in order (styled parameters need their delimiters as they
    /// are: `a=1,2`, `a[k]=v`).
    pub(crate) query: Vec<String>,
    headers: HeaderMap,
    body: Option<(Bytes, HeaderValue)>,
    scopes: Option<ScopeSet>,
    authenticated: bool,
    retry: Option<RetryPolicy>,
    repeatable: bool,
    error: Option<Error>,
}

impl std::fmt::Debug for RequestBuilder {
    // Bodies may hold personal data (SSINs): show only what the request is.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("path", &self.path)
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
        self.scopes = Some(ScopeSet::new(scopes));
        self
    }

    /// Sends no token (for public endpoints).
    pub fn without_token(mut self) -> Self {
        self.authenticated = false;
        self
    }

    /// Overrides the retry policy for this call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Declares this call safe to repeat although its method is not idempotent (a `POST …/query`
    /// that only reads), so 429/503/connection failures are retried.
    pub fn repeatable(mut self) -> Self {
        self.repeatable = true;
        self
    }

    pub(crate) fn fail(&mut self, message: String) {
        self.error
            .get_or_insert_with(|| ErrorKind::InvalidRequest(message).into());
    }

    /// Sends and returns the response whatever its status (transport and token failures are
    /// errors). Generated clients use this to map each documented status.
    pub async fn send_raw(self) -> Result<Response, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let inner = &self.client.inner;
        let url = self.client.url(&self.path, &self.query)?;
        let policy = self.retry.as_ref().unwrap_or(&inner.retry);
        let may_repeat = is_idempotent(&self.method) || self.repeatable || policy.retry_post;
        let scopes = self.scopes.as_ref().unwrap_or(&inner.default_scopes);
        let mut attempt = 0u32;
        let mut waited = Duration::ZERO;
        let mut token_retried = false;
        loop {
            attempt += 1;
            let token = if self.authenticated {
                Some(inner.tokens.token_for(scopes).await?)
            } else {
                None
            };
            let trace_id = uuid::Uuid::new_v4().to_string();
            let request = self.build(&url, &trace_id, token.as_ref())?;
            let outcome = inner.http.execute(request).await;
            let outcome = match outcome {
                Ok(mut r) => {
                    let status = r.status();
                    let headers = std::mem::take(r.headers_mut());
                    r.bytes().await.map(|b| (status, headers, b))
                }
                Err(e) => Err(e),
            };
            let (status, headers, body) = match outcome {
                Ok(parts) => parts,
                Err(e) => {
                    let error = TransportError::from_reqwest(&e, inner.client_certificate_sent);
                    let delay = policy.backoff(attempt);
                    if may_repeat
                        && error.is_retryable()
                        && attempt < policy.max_attempts
                        && waited + delay <= policy.max_wait
                    {
                        tracing::debug!(%url, attempt, kind = ?error.kind, "retrying after a transport error");
                        waited += delay;
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(error.into());
                }
            };
            let trace = TraceInfo {
                response: header_string(&headers, TRACE_ID),
                related: header_string(&headers, RELATED_TRACE_ID),
                sent: trace_id,
            };
            tracing::debug!(method = %self.method, path = %self.path, status = status.as_u16(), attempt, trace_id = %trace.sent, "gateway call");
            let response = Response {
                method: self.method.clone(),
                path: self.path.clone(),
                status,
                headers,
                body,
                trace,
                attempts: attempt,
                granted_scopes: token
                    .as_ref()
                    .map(AccessToken::shared_scopes)
                    .unwrap_or_else(|| Arc::new([])),
            };
            if let Some(token) = &token
                && !token_retried
                && token_rejected(&response)
            {
                // The gateway no longer accepts this token (expired early, revoked, key
                // rollover): get a new one and try once more. Safe for any method: the
                // request was refused before it was processed.
                inner.tokens.invalidate(token);
                token_retried = true;
                attempt -= 1;
                continue;
            }
            if let Some(delay) = self.retry_delay(&response, policy, attempt, may_repeat)
                && waited + delay <= policy.max_wait
            {
                tracing::debug!(
                    status = status.as_u16(),
                    ?delay,
                    attempt,
                    "retrying after the server asked to wait"
                );
                waited += delay;
                tokio::time::sleep(delay).await;
                continue;
            }
            return Ok(response);
        }
    }

    /// Sends; 4xx/5xx become typed errors ([`ErrorKind::Problem`] or
    /// [`ErrorKind::UnexpectedStatus`]).
    pub async fn send(self) -> Result<Response, Error> {
        self.send_raw().await?.error_for_status()
    }

    /// Sends and decodes a JSON success body.
    pub async fn send_json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        self.send().await?.json()
    }

    fn retry_delay(
        &self,
        response: &Response,
        policy: &RetryPolicy,
        attempt: u32,
        may_repeat: bool,
    ) -> Option<Duration> {
        if !may_repeat || attempt >= policy.max_attempts {
            return None;
        }
        match response.status {
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                let from_problem = response.problem().and_then(|p| p.retry_after_sec);
                Some(
                    retry_after(&response.headers, from_problem)
                        .unwrap_or_else(|| policy.backoff(attempt)),
                )
            }
            StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT => Some(
                retry_after(&response.headers, None).unwrap_or_else(|| policy.backoff(attempt)),
            ),
            _ => None,
        }
    }

    fn build(
        &self,
        url: &Url,
        trace_id: &str,
        token: Option<&AccessToken>,
    ) -> Result<reqwest::Request, Error> {
        let inner = &self.client.inner;
        let mut headers = self.headers.clone();
        headers
            .entry(ACCEPT)
            .or_insert(HeaderValue::from_static(ACCEPT_JSON));
        headers.insert(
            TRACE_ID,
            HeaderValue::from_str(trace_id)
                .map_err(|e| ErrorKind::InvalidRequest(e.to_string()))?,
        );
        if let Some(lang) = &inner.accept_language {
            headers.entry(ACCEPT_LANGUAGE).or_insert(lang.clone());
        }
        if let Some(token) = token {
            headers.insert(AUTHORIZATION, token.authorization().clone());
        }
        let mut request = reqwest::Request::new(self.method.clone(), url.clone());
        if let Some((bytes, content_type)) = &self.body {
            headers.insert(CONTENT_TYPE, content_type.clone());
            *request.body_mut() = Some(bytes.clone().into());
        }
        *request.headers_mut() = headers;
        Ok(request)
    }
}

fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A 401 saying the token itself is bad (not that none was sent).
fn token_rejected(response: &Response) -> bool {
    if response.status != StatusCode::UNAUTHORIZED {
        return false;
    }
    let by_header = response
        .headers
        .get(WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("invalid_token"));
    let by_problem = response.problem().is_some_and(|p| {
        matches!(
            p.problem_type(),
            ProblemType::InvalidAccessToken | ProblemType::ExpiredAccessToken
        )
    });
    by_header || by_problem
}
