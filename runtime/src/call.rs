//! Sending a [`RequestBuilder`]: the attempts of one call under its [`CallPolicy`] — token,
//! interceptors, attempt and total timeouts, retries paid from the client's retry budget,
//! the server clock read from each answer — inside one `bcss.call` span.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use http::header::{ACCEPT, ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, StatusCode};
use tracing::Instrument;
use url::Url;

use crate::budget::RetryCause;
use crate::client::{Grant, RequestBuilder};
use crate::error::{Error, ErrorKind};
use crate::interceptor::{Answer, CallInfo};
use crate::observe;
use crate::options::CallPolicy;
use crate::problem::ProblemType;
use crate::response::{RELATED_TRACE_ID, Response, TRACE_ID, TraceInfo};
use crate::retry::retry_after;
use crate::token::AccessToken;
use crate::transport::{TransportError, TransportErrorKind, TransportRequest};

const ACCEPT_JSON: &str = "application/json, application/problem+json";

impl RequestBuilder {
    /// Sends and returns the response whatever its status (transport and token failures are
    /// errors). Generated clients use this to map each documented status.
    pub async fn send_raw(mut self) -> Result<Response, Error> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let policy = self.policy();
        let span = observe::call_span(self.operation, &self.method, &self.template);
        let started = Instant::now();
        let attempts = AtomicU32::new(0);
        let outcome = async {
            let all = self.attempts(&policy, &attempts);
            match policy.total_timeout {
                Some(limit) => tokio::time::timeout(limit, all)
                    .await
                    .unwrap_or_else(|_| Err(self.total_timeout(limit, &attempts))),
                None => all.await,
            }
        }
        .instrument(span.clone())
        .await;
        observe::call_finished(
            &span,
            self.operation,
            &self.method,
            &outcome,
            attempts.load(Ordering::Relaxed),
            started.elapsed(),
        );
        outcome
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

    /// This call's policy: the client's defaults, the contract's, the call's options.
    fn policy(&self) -> CallPolicy {
        let defaults = &self.client.inner().defaults;
        CallPolicy::merge(defaults, &self.method, self.repeatable, &self.options)
    }

    /// The request as its first attempt would go out, without sending it or obtaining a
    /// token (`bcss call --dry-run`): method, URL, headers (no `Authorization`; a fresh
    /// `BelGov-Trace-Id`), body.
    pub fn preview(&self) -> Result<RequestPreview, Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let policy = self.policy();
        let url = self.client.url(&self.path, &self.query)?;
        let trace_id = uuid::Uuid::new_v4().to_string();
        let request = self.build(&url, &trace_id, None, &policy, 1)?;
        Ok(RequestPreview {
            method: request.method,
            url: request.url,
            headers: request.headers,
            body: request.body,
            authenticated: self.authenticated,
        })
    }

    async fn attempts(&self, policy: &CallPolicy, count: &AtomicU32) -> Result<Response, Error> {
        let inner = self.client.inner();
        let url = self.client.url(&self.path, &self.query)?;
        let mut attempt = 0u32;
        let mut waited = Duration::ZERO;
        let mut token_retried = false;
        let mut spent = 0u32;
        loop {
            attempt += 1;
            count.store(attempt, Ordering::Relaxed);
            let Grant { token, scopes } = if self.authenticated {
                inner.tokens.grant(&policy.scopes).await?
            } else {
                Grant::none()
            };
            let trace_id = uuid::Uuid::new_v4().to_string();
            let info = self.info(attempt, &trace_id);
            let mut request = self.build(&url, &trace_id, token.as_ref(), policy, attempt)?;
            for interceptor in &inner.interceptors {
                interceptor
                    .before_send(&info, &mut request.headers)
                    .map_err(|e| ErrorKind::Interceptor(e.to_string()))?;
            }
            observe::metrics::inject_traceparent(&tracing::Span::current(), &mut request.headers);
            // The network transport applies the attempt timeout itself; this bounds any other
            // (a partner's own, a proxy) the same way.
            let outcome =
                tokio::time::timeout(policy.attempt_timeout, inner.transport.send(request))
                    .await
                    .unwrap_or_else(|_| Err(self.attempt_timed_out(policy.attempt_timeout)));
            let received = SystemTime::now();
            let (status, headers, body) = match outcome {
                Ok(answer) => (answer.status, answer.headers, answer.body),
                Err(mut transport) => {
                    // Never the filled URL (an SSIN in a path or query): the template.
                    transport.url = self.safe_url();
                    let error: Error = transport.into();
                    for interceptor in &inner.interceptors {
                        interceptor.after_answer(&info, &Answer::Failed(&error));
                    }
                    let Some(transport) = error.transport().filter(|t| t.is_retryable()) else {
                        return Err(error);
                    };
                    let cause = match transport.kind {
                        TransportErrorKind::Timeout => RetryCause::Timeout,
                        _ => RetryCause::Other,
                    };
                    let delay = policy.retry.backoff(attempt);
                    if !self.retry_allowed(policy, attempt, waited, delay) {
                        return Err(error);
                    }
                    let reason = format!("{:?}", transport.kind);
                    spent += self.pay_for_retry(cause, || error)?;
                    self.retry_after_wait(attempt, delay, "transport", &reason)
                        .await;
                    waited += delay;
                    continue;
                }
            };
            inner.tokens.observe_clock(&headers, received);
            let trace = TraceInfo {
                response: header_string(&headers, TRACE_ID),
                related: header_string(&headers, RELATED_TRACE_ID),
                sent: trace_id.clone(),
            };
            for interceptor in &inner.interceptors {
                let answer = Answer::Response {
                    status: status.as_u16(),
                    trace: &trace,
                    headers: &headers,
                };
                interceptor.after_answer(&info, &answer);
            }
            tracing::debug!(
                status = status.as_u16(),
                attempt,
                belgov.trace_id = %trace.sent,
                "gateway answered"
            );
            let response = Response {
                method: self.method.clone(),
                path: self.template.clone(),
                status,
                headers,
                body,
                trace,
                attempts: attempt,
                granted_scopes: scopes,
            };
            if let Some(token) = &token
                && !token_retried
                && token_rejected(&response)
            {
                // The gateway no longer accepts this token (expired early, revoked, key
                // rollover): get a new one and try once more. Safe for any method: the
                // request was refused before it was processed. Not paid from the budget: the
                // service is not failing.
                tracing::info!("the gateway refused the access token: fetching a new one");
                inner.tokens.invalidate(token);
                token_retried = true;
                attempt -= 1;
                continue;
            }
            if let Some(delay) = self.retry_delay(&response, policy, attempt)
                && self.retry_allowed(policy, attempt, waited, delay)
            {
                let reason = format!("status {}", status.as_u16());
                spent += self.pay_for_retry(RetryCause::Other, || response.into_error())?;
                self.retry_after_wait(attempt, delay, "status", &reason)
                    .await;
                waited += delay;
                continue;
            }
            if !is_retryable_status(status) {
                inner.budget.on_success(spent);
            }
            return Ok(response);
        }
    }

    fn info<'a>(&'a self, attempt: u32, trace_id: &'a str) -> CallInfo<'a> {
        let inner = self.client.inner();
        CallInfo {
            operation_id: self.operation,
            method: &self.method,
            path_template: &self.template,
            path: &self.path,
            legal_context: self.legal_context.as_deref(),
            attempt,
            trace_id,
            environment: inner.environment,
            channel: inner.channel,
            body: self.body.as_ref().map(|(b, _)| b.as_ref()),
        }
    }

    fn retry_allowed(
        &self,
        policy: &CallPolicy,
        attempt: u32,
        waited: Duration,
        delay: Duration,
    ) -> bool {
        policy.may_repeat
            && attempt < policy.retry.max_attempts
            && waited + delay <= policy.retry.max_wait
    }

    /// Takes a retry's cost from the client's budget, or fails with `last()` (built only then:
    /// a granted retry drops the failure unread).
    fn pay_for_retry(&self, cause: RetryCause, last: impl FnOnce() -> Error) -> Result<u32, Error> {
        let budget = &self.client.inner().budget;
        match budget.acquire(cause) {
            Some(cost) => Ok(cost),
            None => {
                tracing::warn!(
                    "retry budget exhausted: this client's recent calls have failed too often; failing at once instead of retrying"
                );
                observe::metrics::budget_exhausted(self.operation);
                Err(ErrorKind::RetryBudgetExhausted(last()).into())
            }
        }
    }

    /// `kind` (`status` or `transport`) labels the metric; `reason` says which, for the log.
    async fn retry_after_wait(
        &self,
        attempt: u32,
        delay: Duration,
        kind: &'static str,
        reason: &str,
    ) {
        tracing::info!(
            attempt,
            delay_ms = delay.as_millis() as u64,
            reason,
            "retrying"
        );
        observe::metrics::retry(self.operation, kind);
        tokio::time::sleep(delay).await;
    }

    /// The wait before retrying an answer the server may give differently later.
    fn retry_delay(
        &self,
        response: &Response,
        policy: &CallPolicy,
        attempt: u32,
    ) -> Option<Duration> {
        if !policy.may_repeat || attempt >= policy.retry.max_attempts {
            return None;
        }
        match response.status {
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                let from_problem = response.problem().and_then(|p| p.retry_after_sec);
                Some(
                    retry_after(&response.headers, from_problem)
                        .unwrap_or_else(|| policy.retry.backoff(attempt)),
                )
            }
            StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT => Some(
                retry_after(&response.headers, None)
                    .unwrap_or_else(|| policy.retry.backoff(attempt)),
            ),
            _ => None,
        }
    }

    fn attempt_timed_out(&self, limit: Duration) -> TransportError {
        TransportError {
            kind: TransportErrorKind::Timeout,
            url: self.safe_url(),
            message: format!("no complete answer within the attempt timeout of {}", humanize(limit)),
            hint: "the transport did not answer in time; raise [timeouts] request_secs or CallOptions::attempt_timeout if the service is slow".into(),
        }
    }

    fn total_timeout(&self, limit: Duration, attempts: &AtomicU32) -> Error {
        let attempts = attempts.load(Ordering::Relaxed);
        TransportError {
            kind: TransportErrorKind::Timeout,
            url: self.safe_url(),
            message: format!(
                "no complete answer within the call's total timeout of {} ({attempts} attempt{})",
                humanize(limit),
                if attempts == 1 { "" } else { "s" }
            ),
            hint: "the call's total timeout ran out and it is not retried: raise it ([timeouts] total_secs, or CallOptions::timeout), and quote the BelGov-Trace-Id of each attempt (in the log) to the service desk if the service is slow".into(),
        }
        .into()
    }

    fn safe_url(&self) -> String {
        let base = self
            .client
            .endpoints()
            .gateway
            .as_str()
            .trim_end_matches('/');
        format!("{base}{}", self.template)
    }

    fn build(
        &self,
        url: &Url,
        trace_id: &str,
        token: Option<&AccessToken>,
        policy: &CallPolicy,
        attempt: u32,
    ) -> Result<TransportRequest, Error> {
        let inner = self.client.inner();
        let mut headers = self.headers.clone();
        headers
            .entry(ACCEPT)
            .or_insert(HeaderValue::from_static(ACCEPT_JSON));
        if let Some(lang) = &inner.accept_language {
            headers.entry(ACCEPT_LANGUAGE).or_insert(lang.clone());
        }
        for (name, value) in &self.options.headers {
            headers.insert(name, value.clone());
        }
        headers.insert(
            TRACE_ID,
            HeaderValue::from_str(trace_id)
                .map_err(|e| ErrorKind::InvalidRequest(e.to_string()))?,
        );
        if let Some(token) = token {
            headers.insert(AUTHORIZATION, token.authorization().clone());
        }
        if let Some((_, content_type)) = &self.body {
            headers.insert(CONTENT_TYPE, content_type.clone());
        }
        Ok(TransportRequest {
            method: self.method.clone(),
            url: url.clone(),
            headers,
            body: self.body.as_ref().map(|(bytes, _)| bytes.clone()),
            timeout: policy.attempt_timeout,
            operation: self.operation,
            path_template: self.template.clone(),
            path: self.path.clone(),
            legal_context: self.legal_context.clone(),
            attempt,
            scopes: if self.authenticated {
                policy.scopes.as_slice().to_vec()
            } else {
                Vec::new()
            },
        })
    }
}

/// A request as it would be sent ([`RequestBuilder::preview`]).
#[derive(Clone, Debug)]
pub struct RequestPreview {
    /// The method.
    pub method: http::Method,
    /// The full URL, query included (it may hold personal data: show it to its user only).
    pub url: Url,
    /// The headers, without `Authorization`.
    pub headers: HeaderMap,
    /// The body.
    pub body: Option<bytes::Bytes>,
    /// Whether a bearer token would be added.
    pub authenticated: bool,
}

fn is_retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

fn humanize(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
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
