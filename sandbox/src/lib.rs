//! bcss-sandbox: a local emulator of the Smals OAuth v5 authorization server and the BCSS
//! REST gateway, over real TLS on loopback, so BCSS clients can be developed and tested
//! without access to BCSS.
//!
//! ```no_run
//! # async fn demo() -> Result<(), bcss_sandbox::SandboxError> {
//! let sandbox = bcss_sandbox::Sandbox::start(bcss_sandbox::SandboxConfig::default()).await?;
//! println!("token endpoint: {}", sandbox.endpoints().token_endpoint);
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Four listeners, all on `SandboxConfig::bind`:
//! - **auth** (TLS, client certificate optional): RFC 8414 metadata and the token endpoint;
//! - **gateway_mtls** (TLS, client certificate required, signed by the sandbox CA);
//! - **gateway_tls** (TLS, no client certificate);
//! - **admin** (plain HTTP): the JSON API below.
//!
//! Everything a test does through the library (faults, routes, health, settings, the request
//! log) can also be done through the admin API, from any process:
//!
//! | Method + path        | Body                          | Effect                                  |
//! |----------------------|-------------------------------|-----------------------------------------|
//! | `GET /log`           |                               | the request log (array of LogEntry)     |
//! | `DELETE /log`        |                               | clears it                               |
//! | `GET /faults`        |                               | active fault rules                      |
//! | `POST /faults`       | a FaultRule                   | adds it                                 |
//! | `DELETE /faults`     |                               | clears all rules                        |
//! | `GET /settings`      |                               | current Settings                        |
//! | `PUT /settings`      | partial Settings object       | merges: only the keys sent change       |
//! | `GET /clock`         |                               | `{"offset_secs", "now", "date"}`        |
//! | `PUT /clock`         | `{"offset_secs": -600}`       | sets the clock offset (the clock back)  |
//! | `GET /routes`        |                               | registered routes                       |
//! | `POST /routes`       | a Route                       | adds (or replaces same method + path)   |
//! | `PUT /health/{api}`  | `{"status": "DOWN"}`          | sets that API's health                  |
//! | `GET /contracts`     |                               | the contracts served (array of ServedApi) |
//! | `POST /contracts`    | `{"path": "specs/x"}`         | serves that contract (a ServedApi back) |
//! | `GET /endpoints`     |                               | the Endpoints                           |
//!
//! The sandbox clock is real time plus `clock_offset_secs` (`PUT /settings` or `PUT /clock`,
//! [`Sandbox::set_clock_offset_secs`], `--clock-offset-secs`): assertion and token checks,
//! issued tokens and the `Date` header of every response follow it. `/clock` answers the
//! offset, the sandbox time in Unix seconds (`now`) and as an HTTP date (`date`).
//!
//! `PUT /settings` is a partial merge: only the keys sent change; an unknown key or a value of
//! the wrong type is a 400. Admin errors are `{"error": "<what was wrong>"}` with a 4xx status.

mod admin;
mod assertion;
mod config;
mod contract;
mod faults;
mod files;
mod flags;
mod gateway;
mod jws;
mod log;
mod oauth;
mod p12;
mod pki;
mod problem;
mod routes;
mod server;
mod state;
mod validate;

pub use config::{AudienceMode, MAX_CLOCK_OFFSET_SECS, Ports, SandboxConfig, Settings};
pub use contract::{ServedApi, ServedOperation};
pub use faults::{Fault, FaultRule, FaultTarget};
pub use flags::SandboxFlags;
pub use log::{BodyPart, Listener, LogEntry, TokenRequestInfo};
pub use pki::ClientCredentials;
pub use routes::{HealthStatus, Route, RouteResponse};
pub use state::Endpoints;

use axum::Router;
use axum_server::Control;
use gateway::GatewayContext;
use pki::{Pki, Validity};
use server::ClientAuth;
use state::SharedState;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Why a sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot bind the {listener} listener to {addr}: {source}")]
    Bind {
        listener: &'static str,
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("minting the sandbox PKI failed: {0}")]
    Pki(String),
    #[error("TLS configuration failed: {0}")]
    Tls(String),
    /// A setting is out of range (e.g. a clock offset beyond [`MAX_CLOCK_OFFSET_SECS`]).
    #[error("invalid setting: {0}")]
    Settings(String),
    /// A contract could not be served: `message` names the file and place inside it.
    #[error("cannot serve the contract {}: {message}", path.display())]
    Contract { path: PathBuf, message: String },
}

/// A running sandbox. Dropping it without [`Sandbox::shutdown`] leaves the listeners running
/// until the tokio runtime ends (which is what a `#[tokio::test]` does at its end).
pub struct Sandbox {
    state: Arc<SharedState>,
    pki: Pki,
    client: ClientCredentials,
    control: Control,
    tasks: Vec<JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("endpoints", &self.state.endpoints)
            .finish_non_exhaustive()
    }
}

/// How long `shutdown` lets in-flight requests finish before cutting connections.
const GRACE: Duration = Duration::from_secs(5);

impl Sandbox {
    /// Mints the PKI, binds the four listeners, registers the configured client and the demo
    /// API, and starts serving. Returns once every listener accepts connections.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        // jsonwebtoken picks its crypto provider at run time; with two backends compiled in
        // (features are additive across a workspace) it would panic. Pin aws-lc-rs. An error
        // only means a provider was installed already, which is fine.
        let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
        config.settings.check().map_err(SandboxError::Settings)?;

        // Contracts first: a broken one fails the start before anything is bound.
        let plans = config
            .contracts
            .iter()
            .map(|path| contract::plan(path))
            .collect::<Result<Vec<_>, _>>()?;
        let mut config = config;
        for plan in &plans {
            for scope in &plan.api.scopes {
                if !config.scopes.contains(scope) {
                    config.scopes.push(scope.clone());
                }
            }
        }

        let pki = Pki::mint(config.bind).map_err(|e| SandboxError::Pki(e.to_string()))?;
        let password = if config.p12_password.is_empty() {
            pki::random_alphanumeric(16)
        } else {
            config.p12_password.clone()
        };
        let client = pki
            .ca
            .mint_client(
                &config.client_id,
                &config.client_id,
                Validity::Current,
                &password,
            )
            .map_err(SandboxError::Pki)?;

        let addr = |port| SocketAddr::new(config.bind, port);
        let ports = config.ports;
        let (auth_listener, auth_addr) = server::bind("auth", addr(ports.auth))?;
        let (mtls_listener, mtls_addr) = server::bind("gateway_mtls", addr(ports.gateway_mtls))?;
        let (tls_listener, tls_addr) = server::bind("gateway_tls", addr(ports.gateway_tls))?;
        let (admin_listener, admin_addr) = server::bind("admin", addr(ports.admin))?;

        let issuer = format!("https://{}", host_port(auth_addr));
        let endpoints = Endpoints {
            token_endpoint: format!("{issuer}{}", oauth::TOKEN_PATH),
            metadata_url: format!("{issuer}{}", oauth::METADATA_PATH),
            issuer,
            gateway_mtls_url: format!("https://{}", host_port(mtls_addr)),
            gateway_url: format!("https://{}", host_port(tls_addr)),
            client_id: config.client_id.clone(),
            scopes: config.scopes.clone(),
            admin_url: format!("http://{}", host_port(admin_addr)),
        };
        let signer = jws::TokenSigner::new(&pki.token_key_der, &pki.token_public_pem)
            .map_err(SandboxError::Pki)?;
        let state = Arc::new(SharedState::new(
            endpoints.clone(),
            signer,
            config.settings.clone(),
        ));
        let scopes: Vec<&str> = config.scopes.iter().map(String::as_str).collect();
        state.register_client(&config.client_id, &client.certificate_pem, &scopes);
        for (route, dynamic) in routes::demo_routes() {
            state.register_route(route, dynamic);
        }
        state.set_health("demo", HealthStatus::Up);
        for plan in plans {
            let api = contract::install(&state, plan);
            for warning in &api.warnings {
                tracing::warn!(contract = %api.contract, "{warning}");
            }
        }

        let tls = |auth| {
            server::tls_config(
                &pki.server_chain,
                &pki.server_key_der,
                &pki.ca.certificate_der,
                auth,
            )
        };
        let gateway = |listener, base_url: &str| {
            let context = Arc::new(GatewayContext {
                state: state.clone(),
                listener,
                base_url: base_url.to_string(),
            });
            Router::new().fallback(gateway::handle).with_state(context)
        };
        let control = Control::new();
        let tasks = vec![
            server::spawn(
                "auth",
                auth_listener,
                auth_addr,
                Some(tls(ClientAuth::Optional)?),
                Router::new()
                    .fallback(oauth::handle)
                    .with_state(state.clone()),
                state.clone(),
                &control,
            )?,
            server::spawn(
                "gateway_mtls",
                mtls_listener,
                mtls_addr,
                Some(tls(ClientAuth::Required)?),
                gateway(Listener::GatewayMtls, &endpoints.gateway_mtls_url),
                state.clone(),
                &control,
            )?,
            server::spawn(
                "gateway_tls",
                tls_listener,
                tls_addr,
                Some(tls(ClientAuth::None)?),
                gateway(Listener::GatewayTls, &endpoints.gateway_url),
                state.clone(),
                &control,
            )?,
            server::spawn(
                "admin",
                admin_listener,
                admin_addr,
                None,
                admin::router(state.clone()),
                state.clone(),
                &control,
            )?,
        ];
        Ok(Sandbox {
            state,
            pki,
            client,
            control,
            tasks,
        })
    }

    /// Serves the API contract at `contract` (an `openapi.yaml`, its folder, or the zip CBSS
    /// delivers) next to what is already served: one route per operation under the
    /// contract's base path, with the scopes of its `security`, answering the first documented
    /// 2xx from the contract's examples, and validating requests the Belgif way (`400
    /// badRequest` with `issues[]`). The contract's scopes are granted to the client
    /// registered at start. A contract the generator's loader refuses is a
    /// [`SandboxError::Contract`] naming the file.
    pub fn serve_contract(&self, contract: &Path) -> Result<ServedApi, SandboxError> {
        let plan = contract::plan(contract)?;
        Ok(contract::install(&self.state, plan))
    }

    /// The contracts served so far (at start, by [`Sandbox::serve_contract`] and through the
    /// admin API), in the order they were served.
    pub fn served_contracts(&self) -> Vec<ServedApi> {
        self.state.served()
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.state.endpoints
    }

    /// The sandbox CA (PEM): trust it to talk to the sandbox; it also signs client certificates.
    pub fn ca_pem(&self) -> &str {
        &self.pki.ca.certificate_pem
    }

    /// The client registered at start (client id from the configuration).
    pub fn client(&self) -> &ClientCredentials {
        &self.client
    }

    /// A new RSA-2048 client certificate signed by the sandbox CA, trusted for mTLS but not
    /// registered for OAuth (register it with [`Sandbox::register_client`] if needed).
    pub fn mint_client(&self, common_name: &str) -> ClientCredentials {
        self.mint(&self.pki.ca, common_name, Validity::Current)
    }

    /// A client certificate signed by a CA the sandbox does not trust.
    pub fn mint_foreign_client(&self, common_name: &str) -> ClientCredentials {
        self.mint(&self.pki.rogue, common_name, Validity::Current)
    }

    /// A client certificate signed by the sandbox CA whose validity ended in 2021.
    pub fn mint_expired_client(&self, common_name: &str) -> ClientCredentials {
        self.mint(&self.pki.ca, common_name, Validity::Expired)
    }

    fn mint(
        &self,
        ca: &pki::Authority,
        common_name: &str,
        validity: Validity,
    ) -> ClientCredentials {
        let password = pki::random_alphanumeric(16);
        // Minting only fails if the crypto library cannot generate keys at all, which
        // `start` has already shown it can; a test helper may fail loudly then.
        ca.mint_client(common_name, common_name, validity, &password)
            .unwrap_or_else(|e| panic!("minting a client certificate failed: {e}"))
    }

    /// Registers (or replaces) an OAuth client: assertions with `iss == client_id` must be
    /// signed with the key of `certificate_pem`.
    pub fn register_client(&self, client_id: &str, certificate_pem: &str, scopes: &[&str]) {
        self.state
            .register_client(client_id, certificate_pem, scopes);
    }

    /// Adds a gateway route (replacing one with the same method and pattern).
    pub fn register_route(&self, route: Route) {
        self.state.register_route(route, None);
    }

    pub fn set_health(&self, api: &str, status: HealthStatus) {
        self.state.set_health(api, status);
    }

    pub fn push_fault(&self, rule: FaultRule) {
        self.state.push_fault(rule);
    }

    pub fn clear_faults(&self) {
        self.state.clear_faults();
    }

    pub fn settings(&self) -> Settings {
        self.state.settings()
    }

    pub fn update_settings(&self, f: impl FnOnce(&mut Settings)) {
        self.state.update_settings(f);
    }

    /// Sets the offset of the sandbox clock against real time, in seconds (positive: the
    /// sandbox is ahead; see [`Settings::clock_offset_secs`]). Takes effect on the next
    /// request: time-claim and certificate checks, issued tokens and `Date` headers. An offset
    /// beyond [`MAX_CLOCK_OFFSET_SECS`] either way is refused and nothing changes.
    pub fn set_clock_offset_secs(&self, offset_secs: i64) -> Result<(), SandboxError> {
        self.state
            .set_clock_offset_secs(offset_secs)
            .map_err(SandboxError::Settings)
    }

    /// The current offset of the sandbox clock against real time, in seconds.
    pub fn clock_offset_secs(&self) -> i64 {
        self.state.settings().clock_offset_secs
    }

    pub fn log(&self) -> Vec<LogEntry> {
        self.state.log()
    }

    pub fn clear_log(&self) {
        self.state.clear_log();
    }

    /// Writes `ca.pem`, `client.pem`, `client.key`, `client.p12`, `client.p12.password`,
    /// `bcss.toml` and `endpoints.json` (last) into `dir`.
    pub fn write_dir(&self, dir: &Path) -> std::io::Result<()> {
        files::write_dir(dir, self.ca_pem(), &self.client, self.endpoints())
    }

    /// The `bcss.toml` that `write_dir` writes.
    pub fn bcss_toml(&self) -> String {
        files::bcss_toml(self.endpoints())
    }

    /// Stops all listeners: in-flight requests get a short grace period.
    pub async fn shutdown(self) {
        self.control.graceful_shutdown(Some(GRACE));
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// `ip:port`, with brackets for IPv6 so the result is a valid URL authority.
fn host_port(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
    }
}
