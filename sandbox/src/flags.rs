//! The command-line flags of a sandbox, shared by `bcss-sandbox` and `bcss sandbox` so that both
//! take the same flags with the same meaning (one mapping to [`SandboxConfig`]).

use std::net::IpAddr;
use std::path::PathBuf;

use crate::{MAX_CLOCK_OFFSET_SECS, Ports, SandboxConfig};

/// What a sandbox is started with.
#[derive(Clone, Debug, clap::Args)]
pub struct SandboxFlags {
    /// Directory to write ca.pem, client.pem, client.key, client.p12(+.password), bcss.toml, endpoints.json.
    #[arg(long)]
    pub dir: PathBuf,
    /// Address all listeners bind to.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port of the authorization server (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub auth_port: u16,
    /// Port of the gateway that requires a client certificate.
    #[arg(long, default_value_t = 0)]
    pub gateway_mtls_port: u16,
    /// Port of the gateway without client certificates.
    #[arg(long, default_value_t = 0)]
    pub gateway_port: u16,
    /// Port of the admin API (plain HTTP).
    #[arg(long, default_value_t = 0)]
    pub admin_port: u16,
    /// OAuth client id registered with the minted client certificate.
    #[arg(long)]
    pub client_id: Option<String>,
    /// Scope granted to the client (repeatable; default: the demo API's scopes).
    #[arg(long = "scope")]
    pub scopes: Vec<String>,
    /// Lifetime (expires_in) of issued access tokens, in seconds.
    #[arg(long)]
    pub token_lifetime: Option<u64>,
    /// Offset of the sandbox clock against real time, in seconds (negative: behind). Time
    /// claims, issued tokens and every response's Date header follow the sandbox clock.
    #[arg(
        long,
        default_value_t = 0,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(i64).range(-MAX_CLOCK_OFFSET_SECS..=MAX_CLOCK_OFFSET_SECS)
    )]
    pub clock_offset_secs: i64,
    /// API contract to serve (openapi.yaml, its folder or the zip; repeatable). Its scopes are
    /// granted to the client.
    #[arg(long = "contract", value_name = "PATH")]
    pub contracts: Vec<PathBuf>,
}

impl SandboxFlags {
    /// The configuration these flags ask for.
    pub fn config(&self) -> SandboxConfig {
        let mut config = SandboxConfig {
            bind: self.bind,
            ports: Ports {
                auth: self.auth_port,
                gateway_mtls: self.gateway_mtls_port,
                gateway_tls: self.gateway_port,
                admin: self.admin_port,
            },
            ..SandboxConfig::default()
        };
        if let Some(client_id) = &self.client_id {
            config.client_id.clone_from(client_id);
        }
        if !self.scopes.is_empty() {
            config.scopes.clone_from(&self.scopes);
        }
        if let Some(lifetime) = self.token_lifetime {
            config.settings.token_lifetime_secs = lifetime;
        }
        config.settings.clock_offset_secs = self.clock_offset_secs;
        config.contracts.clone_from(&self.contracts);
        config
    }
}
