//! The production [`Transport`]: reqwest over the client's rustls configuration.

use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::future::BoxFuture;

use super::{Transport, TransportError, TransportRequest, TransportResponse};

/// Requests this process has sent over the network, to a gateway or a token endpoint.
static NETWORK_REQUESTS: AtomicU64 = AtomicU64::new(0);

/// How many requests this process has sent over the network so far (gateway calls and token
/// requests, every client together). A test of code built on an in-memory client can assert it
/// stays `0`: nothing left through a socket.
pub fn network_requests_sent() -> u64 {
    NETWORK_REQUESTS.load(Ordering::Relaxed)
}

pub(crate) fn count_network_request() {
    NETWORK_REQUESTS.fetch_add(1, Ordering::Relaxed);
}

/// Sends over HTTP(S) with the client's connection pool.
pub(crate) struct NetworkTransport {
    pub(crate) http: reqwest::Client,
    pub(crate) client_certificate_sent: bool,
}

impl Transport for NetworkTransport {
    fn send(
        &self,
        request: TransportRequest,
    ) -> BoxFuture<'_, Result<TransportResponse, TransportError>> {
        Box::pin(async move {
            let mut out = reqwest::Request::new(request.method, request.url);
            *out.headers_mut() = request.headers;
            *out.body_mut() = request.body.map(Into::into);
            *out.timeout_mut() = Some(request.timeout);
            count_network_request();
            let classify = |e| TransportError::from_reqwest(e, self.client_certificate_sent);
            let mut answer = self.http.execute(out).await.map_err(classify)?;
            let status = answer.status();
            let headers = std::mem::take(answer.headers_mut());
            let body = answer.bytes().await.map_err(classify)?;
            Ok(TransportResponse {
                status,
                headers,
                body,
            })
        })
    }
}
