//! Listeners: rustls server configurations (aws-lc-rs, chosen explicitly), binding, serving with
//! axum-server, and the one thing axum cannot express by itself: dropping a connection
//! without any response (the `DropConnection` fault).

use crate::SandboxError;
use crate::state::SharedState;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum_server::tls::TlsInfo;
use axum_server::tls_rustls::RustlsConfig;
use axum_server::{Control, Handle};
use http::HeaderValue;
use rustls::RootCertStore;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::convert::Infallible;
use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::task::JoinHandle;

/// Whether a TLS listener asks for a client certificate.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// No certificate requested (gateway "internet").
    None,
    /// Requested, not required; logged when presented (auth listener).
    Optional,
    /// Required and verified against the sandbox CA (gateway "extranet").
    Required,
}

/// The rustls provider, named explicitly so that a second provider compiled into the
/// process (features are additive) can never be picked up by accident.
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

pub fn tls_config(
    chain: &[Vec<u8>],
    key_pkcs8: &[u8],
    ca_der: &[u8],
    client_auth: ClientAuth,
) -> Result<Arc<rustls::ServerConfig>, SandboxError> {
    let tls = |e: rustls::Error| SandboxError::Tls(e.to_string());
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(tls)?;
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(ca_der.to_vec()))
        .map_err(tls)?;
    let roots = Arc::new(roots);
    let builder = match client_auth {
        ClientAuth::None => builder.with_no_client_auth(),
        ClientAuth::Optional | ClientAuth::Required => {
            let verifier = WebPkiClientVerifier::builder_with_provider(roots, provider());
            let verifier = if client_auth == ClientAuth::Optional {
                verifier.allow_unauthenticated()
            } else {
                verifier
            };
            let verifier = verifier
                .build()
                .map_err(|e| SandboxError::Tls(e.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let certs = chain
        .iter()
        .map(|c| CertificateDer::from(c.clone()))
        .collect();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pkcs8.to_vec()));
    let mut config = builder.with_single_cert(certs, key).map_err(tls)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Binds synchronously so that a port conflict is reported by `Sandbox::start`, naming the
/// listener and the port.
pub fn bind(
    name: &'static str,
    addr: SocketAddr,
) -> Result<(TcpListener, SocketAddr), SandboxError> {
    let bind_error = |source| SandboxError::Bind {
        listener: name,
        addr,
        source,
    };
    let listener = TcpListener::bind(addr).map_err(bind_error)?;
    let local = listener.local_addr().map_err(bind_error)?;
    Ok((listener, local))
}

/// Serves `router` on `listener` (TLS when `tls` is set) until `control` shuts it down. Every
/// response carries a `Date` header in the sandbox clock of `state`.
pub fn spawn(
    name: &'static str,
    listener: TcpListener,
    addr: SocketAddr,
    tls: Option<Arc<rustls::ServerConfig>>,
    router: Router,
    state: Arc<SharedState>,
    control: &Control,
) -> Result<JoinHandle<()>, SandboxError> {
    let handle: Handle<SocketAddr> = Handle::with_control(control.clone());
    let router = router.layer(axum::middleware::map_response_with_state(
        state,
        sandbox_date,
    ));
    let make = MakeDroppable(router);
    let bind_error = |source| SandboxError::Bind {
        listener: name,
        addr,
        source,
    };
    let task = match tls {
        Some(config) => {
            let server = axum_server::from_tcp_rustls(listener, RustlsConfig::from_config(config))
                .map_err(bind_error)?
                .handle(handle);
            tokio::spawn(async move {
                if let Err(e) = server.serve(make).await {
                    tracing::error!(listener = name, error = %e, "listener stopped");
                }
            })
        }
        None => {
            let server = axum_server::from_tcp(listener)
                .map_err(bind_error)?
                .handle(handle);
            tokio::spawn(async move {
                if let Err(e) = server.serve(make).await {
                    tracing::error!(listener = name, error = %e, "listener stopped");
                }
            })
        }
    };
    Ok(task)
}

/// Sets `Date` to the sandbox clock, so that a client measuring its clock offset from the
/// response sees the sandbox's time. hyper adds a `Date` (real clock) only when the response
/// has none, on HTTP/1.1 and HTTP/2 alike.
async fn sandbox_date(State(state): State<Arc<SharedState>>, mut response: Response) -> Response {
    if let Some(date) = http_date(state.clock()) {
        response.headers_mut().insert(http::header::DATE, date);
    }
    response
}

/// `time` as an RFC 7231 IMF-fixdate header value, or None outside 1970..=9999.
pub fn http_date(time: SystemTime) -> Option<HeaderValue> {
    let secs = crate::state::unix_secs(time);
    HeaderValue::from_str(&http_date_of(secs)?).ok()
}

/// Unix seconds as an RFC 7231 IMF-fixdate, or None outside 1970..=9999 (which httpdate
/// cannot format; the clock offset's bound keeps the sandbox clock well inside).
pub fn http_date_of(secs: i64) -> Option<String> {
    const YEAR_10000: u64 = 253_402_300_800;
    let secs = u64::try_from(secs).ok().filter(|s| *s < YEAR_10000)?;
    Some(httpdate::fmt_http_date(
        UNIX_EPOCH + Duration::from_secs(secs),
    ))
}

/// Subject DN of the client certificate of the TLS connection a request came on.
pub fn client_certificate(extensions: &http::Extensions) -> Option<String> {
    let info = extensions.get::<Arc<TlsInfo>>()?;
    crate::pki::subject_of(info.peer_certificates.first()?)
}

/// Marks a response that must not be sent: the connection is dropped instead.
#[derive(Clone, Copy)]
struct DropMarker;

/// A response the server turns into "no response at all": hyper closes the HTTP/1.1
/// connection, or resets the HTTP/2 stream, when the service fails. The client sees a
/// transport error, as with a crashed server or a cut network.
pub fn drop_connection() -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    response.extensions_mut().insert(DropMarker);
    response
}

#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose (DropConnection fault)")
    }
}

impl std::error::Error for Dropped {}

/// The router, failing the request when the response carries a [`DropMarker`].
#[derive(Clone)]
struct Droppable(Router);

impl<B> tower_service::Service<http::Request<B>> for Droppable
where
    Router: tower_service::Service<http::Request<B>, Response = Response, Error = Infallible>,
    <Router as tower_service::Service<http::Request<B>>>::Future: Send + 'static,
{
    type Response = Response;
    type Error = Dropped;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Dropped>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Dropped>> {
        // A Router is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let answer = tower_service::Service::call(&mut self.0, request);
        Box::pin(async move {
            let response = match answer.await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if response.extensions().get::<DropMarker>().is_some() {
                Err(Dropped)
            } else {
                Ok(response)
            }
        })
    }
}

/// Makes one [`Droppable`] per connection.
struct MakeDroppable(Router);

impl<T> tower_service::Service<T> for MakeDroppable {
    type Response = Droppable;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Droppable, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _target: T) -> Self::Future {
        std::future::ready(Ok(Droppable(self.0.clone())))
    }
}
