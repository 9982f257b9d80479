//! What a sandbox is started with ([`SandboxConfig`]) and what can be changed while it runs
//! ([`Settings`]).

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr};

/// The client id registered at start when the configuration does not name one. It has the
/// shape of an institutional Smals client id (`<org>:<app>:client:confidential`).
pub const DEFAULT_CLIENT_ID: &str = "sandbox:partner:client:confidential";

/// The scopes granted to the registered client when the configuration names none: the two
/// scopes of the built-in `demo` API.
pub const DEFAULT_SCOPES: [&str; 2] = ["scope:cbss:api:demo:consult", "scope:cbss:api:demo:update"];

/// How a sandbox is started. Everything has a default, so `SandboxConfig::default()` gives a
/// working sandbox on loopback with OS-chosen ports.
#[derive(Clone)]
pub struct SandboxConfig {
    /// The address every listener binds to. URLs handed out use this IP.
    pub bind: IpAddr,
    /// Port per listener; 0 lets the OS choose.
    pub ports: Ports,
    /// The client id registered for OAuth at start, with the credentials of [`crate::Sandbox::client`].
    pub client_id: String,
    /// The scopes granted to that client.
    pub scopes: Vec<String>,
    /// The run-time tunables the sandbox starts with.
    pub settings: Settings,
    /// Password of the client's `.p12`; a random one is minted when empty.
    pub p12_password: String,
    /// API contracts (file, folder or zip) served from the start; their scopes are granted to
    /// the client too. See [`crate::Sandbox::serve_contract`].
    pub contracts: Vec<std::path::PathBuf>,
}

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("bind", &self.bind)
            .field("ports", &self.ports)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("settings", &self.settings)
            .field("p12_password", &"[redacted]")
            .field("contracts", &self.contracts)
            .finish()
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            ports: Ports::default(),
            client_id: DEFAULT_CLIENT_ID.to_string(),
            scopes: DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
            settings: Settings::default(),
            p12_password: String::new(),
            contracts: Vec::new(),
        }
    }
}

/// Ports of the four listeners. 0 means "let the OS choose", which is what tests want.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ports {
    pub auth: u16,
    pub gateway_mtls: u16,
    pub gateway_tls: u16,
    pub admin: u16,
}

/// Which `aud` values the token endpoint accepts in a client assertion. RFC 7523 §3 allows
/// either the token endpoint URL or the issuer; real Smals clients send both, so the default
/// accepts both and the strict modes exist to catch a client sending the "wrong" one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AudienceMode {
    #[default]
    Either,
    TokenEndpoint,
    Issuer,
}

/// The largest clock offset accepted, either way: ten years. Enough for any clock scenario,
/// and it keeps the sandbox clock within what an HTTP `Date` header can express.
pub const MAX_CLOCK_OFFSET_SECS: i64 = 10 * 366 * 24 * 3600;

/// Tunables that can be changed while the sandbox runs (library, admin API or CLI flags).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", default)]
pub struct Settings {
    /// `expires_in` of issued access tokens. 0 issues tokens that are already expired at the
    /// gateway, which is how tests provoke `expiredAccessToken`.
    pub token_lifetime_secs: u64,
    /// Which `aud` the client assertion may carry.
    pub audience: AudienceMode,
    /// Cap on `exp - iat` of a client assertion.
    pub max_assertion_lifetime_secs: u64,
    /// Offset of the sandbox clock against real time, to emulate a server whose clock differs
    /// from the client's. Positive = the sandbox is ahead. Every check of a time claim or
    /// certificate validity, the `iat`/`exp` of issued tokens and the `Date` header of every
    /// response use the sandbox clock. At most [`MAX_CLOCK_OFFSET_SECS`] either way.
    /// Admin JSON name: `clock_offset_secs` (`PUT /settings`), or `offset_secs` on `/clock`.
    pub clock_offset_secs: i64,
    /// How far in the (sandbox) future `iat` and `nbf` may lie.
    pub iat_leeway_secs: u64,
    /// JWS algorithms accepted for client assertions (also advertised in the metadata).
    pub accepted_algorithms: Vec<String>,
    /// Whether `GET /{api}/health` needs a valid bearer token (no particular scope).
    pub health_requires_token: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            token_lifetime_secs: 600,
            audience: AudienceMode::Either,
            max_assertion_lifetime_secs: 600,
            clock_offset_secs: 0,
            iat_leeway_secs: 60,
            accepted_algorithms: ["RS256", "PS256", "ES256"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            health_requires_token: true,
        }
    }
}

impl Settings {
    /// Applies a partial JSON object on top of these settings (the admin API's `PUT /settings`):
    /// only the keys present change. Unknown keys and values of the wrong type are errors, so a
    /// typo does not silently leave a setting unchanged.
    pub fn merged_with(&self, patch: &serde_json::Value) -> Result<Settings, String> {
        let patch = patch
            .as_object()
            .ok_or_else(|| "settings must be a JSON object".to_string())?;
        let mut current = serde_json::to_value(self).map_err(|e| e.to_string())?;
        let fields = current
            .as_object_mut()
            .ok_or_else(|| "settings did not serialize to an object".to_string())?;
        for (key, value) in patch {
            if !fields.contains_key(key) {
                let known: Vec<&String> = fields.keys().collect();
                return Err(format!(
                    "unknown setting {key:?}; known settings: {known:?}"
                ));
            }
            fields.insert(key.clone(), value.clone());
        }
        let merged: Settings =
            serde_json::from_value(current).map_err(|e| format!("invalid settings: {e}"))?;
        merged.check()?;
        Ok(merged)
    }

    /// Refuses values the sandbox cannot honour (today: a clock offset beyond
    /// [`MAX_CLOCK_OFFSET_SECS`]).
    pub fn check(&self) -> Result<(), String> {
        check_clock_offset(self.clock_offset_secs)
    }
}

/// `Ok` if `offset_secs` is within [`MAX_CLOCK_OFFSET_SECS`] either way.
pub fn check_clock_offset(offset_secs: i64) -> Result<(), String> {
    if offset_secs.unsigned_abs() > MAX_CLOCK_OFFSET_SECS.unsigned_abs() {
        return Err(format!(
            "clock offset {offset_secs} s is out of range: at most {MAX_CLOCK_OFFSET_SECS} s (ten years) either way"
        ));
    }
    Ok(())
}
