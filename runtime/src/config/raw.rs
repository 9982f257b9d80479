//! The `bcss.toml` file as written, and its conversion into a checked [`Config`].

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use url::Url;

use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct File {
    environment: Option<String>,
    channel: Option<String>,
    #[serde(default)]
    client_id: BTreeMap<String, String>,
    #[serde(default)]
    identity: BTreeMap<String, RawIdentity>,
    #[serde(default)]
    tls: RawTls,
    #[serde(default)]
    timeouts: RawTimeouts,
    #[serde(default)]
    token: RawToken,
    #[serde(default)]
    retry: RawRetry,
    #[serde(default)]
    endpoints: BTreeMap<String, BTreeMap<String, RawEndpoint>>,
    accept_language: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdentity {
    certificate: Option<String>,
    key: Option<String>,
    pkcs12: Option<String>,
    password_file: Option<String>,
    password_env: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTls {
    #[serde(default)]
    extra_ca: Vec<String>,
    system_roots: Option<bool>,
    mtls_gateway: Option<bool>,
    mtls_token_endpoint: Option<bool>,
    max_tls12: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTimeouts {
    connect_secs: Option<f64>,
    request_secs: Option<f64>,
    total_secs: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawToken {
    audience: Option<String>,
    assertion_lifetime_secs: Option<u64>,
    algorithm: Option<String>,
    key_id: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
    discovery: Option<bool>,
    send_client_id: Option<bool>,
    refresh_margin_secs: Option<u64>,
    clock_correction: Option<bool>,
    max_clock_correction_secs: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRetry {
    max_attempts: Option<u32>,
    max_wait_secs: Option<f64>,
    retry_post: Option<bool>,
    budget_capacity: Option<u32>,
    budget_retry_cost: Option<u32>,
    budget_timeout_retry_cost: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEndpoint {
    gateway: Option<String>,
    token_endpoint: Option<String>,
    metadata: Option<String>,
    issuer: Option<String>,
}

/// Converts with errors that name the key.
pub(super) struct Ctx<'a> {
    pub(super) origin: &'a str,
    pub(super) base: &'a Path,
}

impl Ctx<'_> {
    pub(super) fn err(&self, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::new(self.origin, key, message)
    }

    pub(super) fn path(&self, value: &str) -> PathBuf {
        let p = Path::new(value);
        if p.is_absolute() {
            p.to_owned()
        } else {
            self.base.join(p)
        }
    }

    pub(super) fn env(&self, key: &str, value: &str) -> Result<Environment, ConfigError> {
        value.parse().map_err(|m: String| self.err(key, m))
    }

    pub(super) fn channel(&self, key: &str, value: &str) -> Result<Channel, ConfigError> {
        value.parse().map_err(|m: String| self.err(key, m))
    }

    pub(super) fn url(&self, key: &str, value: &str) -> Result<Url, ConfigError> {
        let url =
            Url::parse(value).map_err(|e| self.err(key, format!("`{value}` is not a URL: {e}")))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(self.err(key, format!("`{value}`: an https:// URL is expected")));
        }
        Ok(url)
    }

    pub(super) fn secs(&self, key: &str, value: f64) -> Result<Duration, ConfigError> {
        Duration::try_from_secs_f64(value)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                self.err(
                    key,
                    format!("{value}: a positive number of seconds is expected"),
                )
            })
    }

    pub(super) fn audience(&self, key: &str, value: &str) -> Result<Audience, ConfigError> {
        Ok(match value {
            "token_endpoint" | "token-endpoint" => Audience::TokenEndpoint,
            "issuer" => Audience::Issuer,
            other if other.starts_with("https://") => Audience::Literal(other.to_owned()),
            other => {
                return Err(self.err(
                    key,
                    format!("`{other}`: expected `token_endpoint`, `issuer` or an https:// URL"),
                ));
            }
        })
    }

    pub(super) fn key_id(&self, key: &str, value: &str) -> Result<KeyIdHeader, ConfigError> {
        match value {
            "none" => Ok(KeyIdHeader::None),
            "x5t#S256" | "x5t_s256" => Ok(KeyIdHeader::X5tS256),
            "kid" => Ok(KeyIdHeader::Kid),
            other => Err(self.err(
                key,
                format!("`{other}`: expected `none`, `x5t#S256` or `kid`"),
            )),
        }
    }
}

impl File {
    pub(super) fn into_config(self, base: &Path, origin: &str) -> Result<Config, ConfigError> {
        let ctx = Ctx { origin, base };
        let environment = match &self.environment {
            Some(v) => ctx.env("environment", v)?,
            None => return Err(ctx.err("environment", "missing: set `test`, `acpt` or `prod`")),
        };
        let channel = match &self.channel {
            Some(v) => ctx.channel("channel", v)?,
            None => Channel::Extranet,
        };
        let mut config = Config::builder(environment, channel).build();
        config.origin = origin.to_owned();
        for (env, id) in self.client_id {
            let key = format!("client_id.{env}");
            if id.trim().is_empty() {
                return Err(ctx.err(&key, "empty client-id"));
            }
            config.client_ids.insert(ctx.env(&key, &env)?, id);
        }
        for (env, raw) in self.identity {
            let key = format!("identity.{env}");
            let source = raw.into_source(&ctx, &key)?;
            config.identities.insert(ctx.env(&key, &env)?, source);
        }
        config.tls = TlsOptions {
            extra_ca: self.tls.extra_ca.iter().map(|p| ctx.path(p)).collect(),
            system_roots: self.tls.system_roots.unwrap_or(true),
            mtls_gateway: self.tls.mtls_gateway,
            mtls_token_endpoint: self.tls.mtls_token_endpoint.unwrap_or(false),
            max_tls12: self.tls.max_tls12.unwrap_or(false),
        };
        if let Some(s) = self.timeouts.connect_secs {
            config.timeouts.connect = ctx.secs("timeouts.connect_secs", s)?;
        }
        if let Some(s) = self.timeouts.request_secs {
            config.timeouts.request = ctx.secs("timeouts.request_secs", s)?;
        }
        if let Some(s) = self.timeouts.total_secs {
            config.timeouts.total = Some(ctx.secs("timeouts.total_secs", s)?);
        }
        self.token.apply(&ctx, &mut config.token)?;
        if let Some(n) = self.retry.max_attempts {
            if n == 0 {
                return Err(ctx.err("retry.max_attempts", "at least 1 (1 = no retry)"));
            }
            config.retry.max_attempts = n;
        }
        if let Some(s) = self.retry.max_wait_secs {
            config.retry.max_wait = ctx.secs("retry.max_wait_secs", s)?;
        }
        if let Some(b) = self.retry.retry_post {
            config.retry.retry_post = b;
        }
        let budget = &mut config.retry_budget;
        for (key, value, field) in [
            (
                "retry.budget_retry_cost",
                self.retry.budget_retry_cost,
                &mut budget.retry_cost,
            ),
            (
                "retry.budget_timeout_retry_cost",
                self.retry.budget_timeout_retry_cost,
                &mut budget.timeout_retry_cost,
            ),
        ] {
            if let Some(n) = value {
                if n == 0 {
                    return Err(ctx.err(
                        key,
                        "at least 1 (set budget_capacity = 0 to turn the budget off)",
                    ));
                }
                *field = n;
            }
        }
        if let Some(n) = self.retry.budget_capacity {
            budget.capacity = n;
        }
        for (env, channels) in self.endpoints {
            let e = ctx.env(&format!("endpoints.{env}"), &env)?;
            for (ch, raw) in channels {
                let prefix = format!("endpoints.{env}.{ch}");
                let c = ctx.channel(&prefix, &ch)?;
                let url = |name: &str, v: &Option<String>| {
                    v.as_deref()
                        .map(|v| ctx.url(&format!("{prefix}.{name}"), v))
                        .transpose()
                };
                let o = EndpointOverride {
                    gateway: url("gateway", &raw.gateway)?,
                    token_endpoint: url("token_endpoint", &raw.token_endpoint)?,
                    metadata: url("metadata", &raw.metadata)?,
                    issuer: url("issuer", &raw.issuer)?,
                };
                config.endpoints.insert((e, c), o);
            }
        }
        config.accept_language = self.accept_language;
        Ok(config)
    }
}

impl RawToken {
    fn apply(self, ctx: &Ctx<'_>, token: &mut TokenOptions) -> Result<(), ConfigError> {
        if let Some(a) = &self.audience {
            token.audience = ctx.audience("token.audience", a)?;
        }
        if let Some(s) = self.assertion_lifetime_secs {
            let max = TokenOptions::MAX_ASSERTION_LIFETIME.as_secs();
            if s == 0 || s > max {
                return Err(ctx.err(
                    "token.assertion_lifetime_secs",
                    format!("{s}: between 1 and {max} seconds"),
                ));
            }
            token.assertion_lifetime = Duration::from_secs(s);
        }
        if let Some(a) = &self.algorithm {
            token.algorithm = a
                .parse()
                .map_err(|m: String| ctx.err("token.algorithm", m))?;
        }
        if let Some(k) = &self.key_id {
            token.key_id = ctx.key_id("token.key_id", k)?;
        }
        if let Some(bad) = self
            .scopes
            .iter()
            .find(|s| s.trim().is_empty() || s.contains(' '))
        {
            return Err(ctx.err(
                "token.scopes",
                format!("`{bad}`: one scope per list item, without spaces"),
            ));
        }
        token.scopes = self.scopes;
        token.discovery = self.discovery.unwrap_or(false);
        token.send_client_id = self.send_client_id.unwrap_or(false);
        if let Some(s) = self.refresh_margin_secs {
            token.refresh_margin = Duration::from_secs(s);
        }
        if let Some(b) = self.clock_correction {
            token.clock_correction = b;
        }
        if let Some(s) = self.max_clock_correction_secs {
            token.max_clock_correction = Duration::from_secs(s);
        }
        Ok(())
    }
}

impl RawIdentity {
    fn into_source(self, ctx: &Ctx<'_>, key: &str) -> Result<IdentitySource, ConfigError> {
        match (self.certificate, self.key, self.pkcs12) {
            (Some(cert), Some(k), None) => {
                if self.password_env.is_some() || self.password_file.is_some() {
                    return Err(ctx.err(
                        key,
                        "a password goes with `pkcs12`, and PEM keys must be unencrypted",
                    ));
                }
                Ok(IdentitySource::PemFiles {
                    certificate: ctx.path(&cert),
                    key: ctx.path(&k),
                })
            }
            (None, None, Some(p12)) => {
                let password = match (self.password_file, self.password_env) {
                    (Some(f), None) => PasswordSource::File(ctx.path(&f)),
                    (None, Some(v)) => PasswordSource::Env(v),
                    _ => {
                        return Err(ctx.err(
                            key,
                            "`pkcs12` needs exactly one of `password_file` or `password_env`",
                        ));
                    }
                };
                Ok(IdentitySource::Pkcs12File {
                    path: ctx.path(&p12),
                    password,
                })
            }
            (Some(_), None, None) => {
                Err(ctx.err(key, "`certificate` needs `key` (the PEM private key file)"))
            }
            (None, Some(_), None) => {
                Err(ctx.err(key, "`key` needs `certificate` (the PEM certificate file)"))
            }
            (None, None, None) => Err(ctx.err(
                key,
                "empty: set `certificate` + `key`, or `pkcs12` + a password",
            )),
            _ => Err(ctx.err(
                key,
                "choose either `certificate` + `key` or `pkcs12`, not both",
            )),
        }
    }
}
