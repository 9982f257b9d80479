//! One typed configuration: a `bcss.toml` file, overridden by `BCSS_*` environment variables,
//! or built in code with [`ConfigBuilder`]. Relative paths in a file resolve against its folder.
//!
//! ```toml
//! environment = "acpt"            # test | acpt | prod
//! channel = "extranet"            # extranet | internet
//!
//! [client_id]
//! acpt = "partner:federal:service:bus:client:confidential"
//!
//! [identity.acpt]                 # PEM pair ...
//! certificate = "acpt.pem"
//! key = "acpt.key"
//! # ... or PKCS#12:  pkcs12 = "acpt.p12"  with  password_file = "..."  or  password_env = "VAR"
//! ```
//! See `docs/configuration.md` for every key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

use crate::budget::RetryBudgetSettings;
use crate::environment::{Channel, Endpoints, Environment};
use crate::identity::{Identity, IdentityError, SigningAlgorithm};
use crate::retry::RetryPolicy;
use crate::secret::SecretString;

/// A configuration error: where it comes from, which key, what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {key}: {message}")]
pub struct ConfigError {
    /// The file, the environment variable, or `builder`.
    pub origin: String,
    /// The key (`identity.acpt.key`), or `-` for the whole file.
    pub key: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl ConfigError {
    fn new(origin: &str, key: &str, message: impl Into<String>) -> Self {
        Self {
            origin: origin.to_owned(),
            key: key.to_owned(),
            message: message.into(),
        }
    }
}

/// Where the client's certificate and key come from.
#[derive(Clone, Debug)]
pub enum IdentitySource {
    /// A PEM certificate (chain) file and an unencrypted PEM key file.
    PemFiles {
        /// Certificate file.
        certificate: PathBuf,
        /// Key file.
        key: PathBuf,
    },
    /// A PKCS#12 file and its password.
    Pkcs12File {
        /// The `.p12`/`.pfx` file.
        path: PathBuf,
        /// The password.
        password: PasswordSource,
    },
    /// An identity already loaded in code.
    Loaded(Identity),
}

/// Where a PKCS#12 password comes from.
#[derive(Clone, Debug)]
pub enum PasswordSource {
    /// An environment variable, read when the identity is loaded.
    Env(String),
    /// A file (trailing newline ignored).
    File(PathBuf),
    /// Given in code.
    Value(SecretString),
}

/// The JWT `aud` the client assertion carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Audience {
    /// The token endpoint URL actually called (default; what Smals v5 clients send).
    #[default]
    TokenEndpoint,
    /// The authorization server's issuer identifier.
    Issuer,
    /// A literal value.
    Literal(String),
}

/// Which key identifier the assertion header carries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyIdHeader {
    /// None (default: the server finds the key through the client-id registration).
    #[default]
    None,
    /// `x5t#S256`, the certificate's SHA-256 thumbprint.
    X5tS256,
    /// `kid` set to the certificate's SHA-256 thumbprint.
    Kid,
}

/// Token request options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenOptions {
    /// Assertion audience.
    pub audience: Audience,
    /// Assertion lifetime (`exp - iat`); capped at [`TokenOptions::MAX_ASSERTION_LIFETIME`].
    pub assertion_lifetime: Duration,
    /// JWS algorithm.
    pub algorithm: SigningAlgorithm,
    /// Key identifier header.
    pub key_id: KeyIdHeader,
    /// Scopes requested by default (empty: the client's default scopes, as Smals recommends).
    pub scopes: Vec<String>,
    /// Discover `token_endpoint` and `issuer` from the RFC 8414 metadata.
    pub discovery: bool,
    /// Also send `client_id` as a form parameter (some servers want it; Smals v5 does not).
    pub send_client_id: bool,
    /// Refresh a token this long before it expires (capped at a third of its lifetime).
    pub refresh_margin: Duration,
    /// Date assertions by the BCSS servers' clock, measured from their `Date` headers, when this
    /// machine's clock is off (`clock_correction`, default on).
    pub clock_correction: bool,
    /// The largest clock offset corrected (`max_clock_correction_secs`, default 900): beyond it
    /// the clock must be fixed.
    pub max_clock_correction: Duration,
}

impl TokenOptions {
    /// The longest assertion lifetime the runtime will send.
    pub const MAX_ASSERTION_LIFETIME: Duration = Duration::from_secs(600);
}

impl Default for TokenOptions {
    fn default() -> Self {
        Self {
            audience: Audience::default(),
            assertion_lifetime: Duration::from_secs(300),
            algorithm: SigningAlgorithm::RS256,
            key_id: KeyIdHeader::None,
            scopes: Vec::new(),
            discovery: false,
            send_client_id: false,
            refresh_margin: Duration::from_secs(60),
            clock_correction: true,
            max_clock_correction: Duration::from_secs(900),
        }
    }
}

/// TLS options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsOptions {
    /// Extra trusted CA certificates (PEM files).
    pub extra_ca: Vec<PathBuf>,
    /// Trust the operating system's roots as well (default true).
    pub system_roots: bool,
    /// Present the client certificate to the gateway (default: on for the extranet).
    pub mtls_gateway: Option<bool>,
    /// Present the client certificate to the token endpoint (default false).
    pub mtls_token_endpoint: bool,
    /// Cap the TLS version at 1.2 (diagnosis: TLS 1.2 reports a missing client certificate as such).
    pub max_tls12: bool,
}

impl Default for TlsOptions {
    fn default() -> Self {
        Self {
            extra_ca: Vec::new(),
            system_roots: true,
            mtls_gateway: None,
            mtls_token_endpoint: false,
            max_tls12: false,
        }
    }
}

/// Timeouts (`[timeouts]`); a call's [`crate::CallOptions`] override `request` and `total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// TCP + TLS connect.
    pub connect: Duration,
    /// One attempt, from connecting to the last byte of the answer (`request_secs`).
    pub request: Duration,
    /// A whole call, every attempt and wait included (`total_secs`); none by default, the
    /// retry policy's `max_attempts` and `max_wait` bounding it.
    pub total: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
            total: None,
        }
    }
}

/// Per (environment, channel) endpoint overrides.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointOverride {
    /// Gateway origin.
    pub gateway: Option<Url>,
    /// Token endpoint.
    pub token_endpoint: Option<Url>,
    /// Metadata URL.
    pub metadata: Option<Url>,
    /// Issuer.
    pub issuer: Option<Url>,
}

/// The whole configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Selected environment.
    pub environment: Environment,
    /// Selected channel.
    pub channel: Channel,
    /// OAuth client-id per environment.
    pub client_ids: BTreeMap<Environment, String>,
    /// Identity per environment.
    pub identities: BTreeMap<Environment, IdentitySource>,
    /// TLS options.
    pub tls: TlsOptions,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Token options.
    pub token: TokenOptions,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// The retry budget shared by a client's calls.
    pub retry_budget: RetryBudgetSettings,
    /// Endpoint overrides.
    pub endpoints: BTreeMap<(Environment, Channel), EndpointOverride>,
    /// `Accept-Language` sent on API calls.
    pub accept_language: Option<String>,
    /// Where this configuration came from (for error messages).
    pub origin: String,
}

impl Config {
    /// Starts a configuration in code.
    pub fn builder(environment: Environment, channel: Channel) -> ConfigBuilder {
        ConfigBuilder(Config {
            environment,
            channel,
            client_ids: BTreeMap::new(),
            identities: BTreeMap::new(),
            tls: TlsOptions::default(),
            timeouts: Timeouts::default(),
            token: TokenOptions::default(),
            retry: RetryPolicy::default(),
            retry_budget: RetryBudgetSettings::default(),
            endpoints: BTreeMap::new(),
            accept_language: None,
            origin: "builder".into(),
        })
    }

    /// Reads `path`, then applies the process's `BCSS_*` variables.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let mut config = Self::from_file(path)?;
        config.apply_env(std::env::vars())?;
        Ok(config)
    }

    /// Reads a `bcss.toml` file (no environment variables).
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::new(&origin, "-", format!("cannot read the file: {e}")))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::from_toml(&text, base, &origin)
    }

    /// Parses TOML text; relative paths resolve against `base`; `origin` names it in errors.
    pub fn from_toml(text: &str, base: &Path, origin: &str) -> Result<Self, ConfigError> {
        let raw: raw::File = toml::from_str(text).map_err(|e| {
            let key = e
                .span()
                .map(|s| line_col(text, s.start))
                .unwrap_or_else(|| "-".into());
            ConfigError::new(origin, &key, e.message().to_owned())
        })?;
        raw.into_config(base, origin)
    }

    /// Applies `BCSS_*` overrides from `vars` (see `docs/configuration.md` for the list).
    pub fn apply_env(
        &mut self,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<(), ConfigError> {
        env::apply(self, vars.into_iter().collect())
    }

    /// The client-id for the selected environment.
    pub fn client_id(&self) -> Result<&str, ConfigError> {
        self.client_ids
            .get(&self.environment)
            .map(String::as_str)
            .ok_or_else(|| {
                ConfigError::new(
                    &self.origin,
                    &format!("client_id.{}", self.environment),
                    "no client-id for this environment: set the one BCSS/Smals registered (e.g. `partner:federal:service:bus:client:confidential`)",
                )
            })
    }

    /// Loads the identity for the selected environment.
    pub fn identity(&self) -> Result<Identity, ConfigError> {
        let key = format!("identity.{}", self.environment);
        let source = self.identities.get(&self.environment).ok_or_else(|| {
            ConfigError::new(
                &self.origin,
                &key,
                "no certificate for this environment: set `certificate` + `key`, or `pkcs12` + `password_file`/`password_env`",
            )
        })?;
        let err = |e: IdentityError| ConfigError::new(&self.origin, &key, e.to_string());
        match source {
            IdentitySource::PemFiles { certificate, key } => {
                Identity::from_pem_files(certificate, key).map_err(err)
            }
            IdentitySource::Pkcs12File { path, password } => {
                let password = password.resolve(&self.origin, &key)?;
                Identity::from_pkcs12_file(path, &password).map_err(err)
            }
            IdentitySource::Loaded(identity) => Ok(identity.clone()),
        }
    }

    /// The endpoints of the selected environment and channel, overrides applied.
    pub fn endpoints(&self) -> Endpoints {
        let mut e = self.environment.endpoints(self.channel);
        if let Some(o) = self.endpoints.get(&(self.environment, self.channel)) {
            let pick = |over: &Option<Url>, base: &mut Url| {
                if let Some(u) = over {
                    *base = u.clone();
                }
            };
            pick(&o.gateway, &mut e.gateway);
            pick(&o.token_endpoint, &mut e.token_endpoint);
            pick(&o.metadata, &mut e.metadata);
            pick(&o.issuer, &mut e.issuer);
        }
        e
    }

    /// Whether the gateway is called with the client certificate.
    pub fn mtls_gateway(&self) -> bool {
        self.tls
            .mtls_gateway
            .unwrap_or_else(|| self.channel.mutual_tls_by_default())
    }

    /// Loads the extra CA certificates.
    pub fn extra_roots(
        &self,
    ) -> Result<Vec<rustls_pki_types::CertificateDer<'static>>, ConfigError> {
        use rustls_pki_types::pem::PemObject;
        let mut roots = Vec::new();
        for path in &self.tls.extra_ca {
            let certs = rustls_pki_types::CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| {
                    ConfigError::new(
                        &self.origin,
                        "tls.extra_ca",
                        format!(
                            "{}: not a readable PEM certificate file: {e}",
                            path.display()
                        ),
                    )
                })?;
            if certs.is_empty() {
                return Err(ConfigError::new(
                    &self.origin,
                    "tls.extra_ca",
                    format!("{}: no certificate inside", path.display()),
                ));
            }
            roots.extend(certs);
        }
        Ok(roots)
    }
}

impl PasswordSource {
    fn resolve(&self, origin: &str, key: &str) -> Result<SecretString, ConfigError> {
        match self {
            Self::Value(v) => Ok(v.clone()),
            Self::Env(var) => std::env::var(var).map(SecretString::new).map_err(|_| {
                ConfigError::new(
                    origin,
                    &format!("{key}.password_env"),
                    format!("environment variable `{var}` is not set"),
                )
            }),
            Self::File(path) => std::fs::read_to_string(path)
                .map(|s| SecretString::new(s.trim_end_matches(['\r', '\n'])))
                .map_err(|e| {
                    ConfigError::new(
                        origin,
                        &format!("{key}.password_file"),
                        format!("cannot read {}: {e}", path.display()),
                    )
                }),
        }
    }
}

/// Builds a [`Config`] in code.
#[derive(Clone, Debug)]
pub struct ConfigBuilder(Config);

impl ConfigBuilder {
    /// Client-id for `environment`.
    pub fn client_id(mut self, environment: Environment, client_id: impl Into<String>) -> Self {
        self.0.client_ids.insert(environment, client_id.into());
        self
    }

    /// Identity for `environment`.
    pub fn identity(mut self, environment: Environment, source: IdentitySource) -> Self {
        self.0.identities.insert(environment, source);
        self
    }

    /// Adds a trusted CA file.
    pub fn extra_ca(mut self, path: impl Into<PathBuf>) -> Self {
        self.0.tls.extra_ca.push(path.into());
        self
    }

    /// Sets the TLS options.
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.0.tls = tls;
        self
    }

    /// Sets the timeouts.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.0.timeouts = timeouts;
        self
    }

    /// Sets the token options.
    pub fn token(mut self, token: TokenOptions) -> Self {
        self.0.token = token;
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.0.retry = retry;
        self
    }

    /// Sets the retry budget.
    pub fn retry_budget(mut self, budget: RetryBudgetSettings) -> Self {
        self.0.retry_budget = budget;
        self
    }

    /// Overrides the endpoints of one (environment, channel) pair.
    pub fn endpoints(
        mut self,
        environment: Environment,
        channel: Channel,
        endpoints: EndpointOverride,
    ) -> Self {
        self.0.endpoints.insert((environment, channel), endpoints);
        self
    }

    /// Sets `Accept-Language`.
    pub fn accept_language(mut self, value: impl Into<String>) -> Self {
        self.0.accept_language = Some(value.into());
        self
    }

    /// The configuration.
    pub fn build(self) -> Config {
        self.0
    }
}

fn line_col(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {col}")
}

mod env;
pub use env::VARIABLES as ENV_VARIABLES;
mod raw;

#[cfg(test)]
mod tests;
