//! `BCSS_*` environment variable overrides. They apply to the environment selected after
//! `BCSS_ENVIRONMENT` is taken into account.

use std::collections::BTreeMap;

use super::raw::Ctx;
use super::*;

/// Every variable the runtime reads, for documentation and `--help`.
pub const VARIABLES: &[(&str, &str)] = &[
    ("BCSS_ENVIRONMENT", "test | acpt | prod"),
    ("BCSS_CHANNEL", "extranet | internet"),
    ("BCSS_CLIENT_ID", "client-id for the selected environment"),
    ("BCSS_CERTIFICATE", "PEM certificate file (with BCSS_KEY)"),
    ("BCSS_KEY", "PEM private key file (with BCSS_CERTIFICATE)"),
    (
        "BCSS_PKCS12",
        "PKCS#12 file (with BCSS_PKCS12_PASSWORD or BCSS_PKCS12_PASSWORD_FILE)",
    ),
    ("BCSS_PKCS12_PASSWORD", "PKCS#12 password"),
    (
        "BCSS_PKCS12_PASSWORD_FILE",
        "file holding the PKCS#12 password",
    ),
    (
        "BCSS_EXTRA_CA",
        "extra trusted CA PEM files, separated by the platform path separator",
    ),
    ("BCSS_GATEWAY_URL", "gateway origin override"),
    ("BCSS_TOKEN_ENDPOINT", "token endpoint override"),
    ("BCSS_METADATA_URL", "RFC 8414 metadata URL override"),
    ("BCSS_ISSUER", "issuer override"),
    ("BCSS_SCOPES", "space-separated scopes to request"),
    ("BCSS_AUDIENCE", "token_endpoint | issuer | a literal URL"),
    ("BCSS_ACCEPT_LANGUAGE", "Accept-Language for API calls"),
];

pub(super) fn apply(
    config: &mut Config,
    vars: BTreeMap<String, String>,
) -> Result<(), ConfigError> {
    let base = std::env::current_dir().unwrap_or_default();
    let get = |name: &str| vars.get(name).filter(|v| !v.is_empty()).cloned();
    let ctx_for = |name: &'static str| {
        (
            name,
            Ctx {
                origin: "environment variable",
                base: &base,
            },
        )
    };

    if let Some(v) = get("BCSS_ENVIRONMENT") {
        let (n, ctx) = ctx_for("BCSS_ENVIRONMENT");
        config.environment = ctx.env(n, &v)?;
    }
    if let Some(v) = get("BCSS_CHANNEL") {
        let (n, ctx) = ctx_for("BCSS_CHANNEL");
        config.channel = ctx.channel(n, &v)?;
    }
    let env = config.environment;
    if let Some(v) = get("BCSS_CLIENT_ID") {
        config.client_ids.insert(env, v);
    }
    let ctx = Ctx {
        origin: "environment variable",
        base: &base,
    };
    match (get("BCSS_CERTIFICATE"), get("BCSS_KEY"), get("BCSS_PKCS12")) {
        (None, None, None) => {}
        (Some(c), Some(k), None) => {
            config.identities.insert(
                env,
                IdentitySource::PemFiles {
                    certificate: ctx.path(&c),
                    key: ctx.path(&k),
                },
            );
        }
        (None, None, Some(p)) => {
            let password = match (
                get("BCSS_PKCS12_PASSWORD"),
                get("BCSS_PKCS12_PASSWORD_FILE"),
            ) {
                (Some(v), None) => PasswordSource::Value(SecretString::new(v)),
                (None, Some(f)) => PasswordSource::File(ctx.path(&f)),
                _ => {
                    return Err(ctx.err(
                        "BCSS_PKCS12",
                        "set exactly one of BCSS_PKCS12_PASSWORD or BCSS_PKCS12_PASSWORD_FILE",
                    ));
                }
            };
            config.identities.insert(
                env,
                IdentitySource::Pkcs12File {
                    path: ctx.path(&p),
                    password,
                },
            );
        }
        _ => {
            return Err(ctx.err(
                "BCSS_CERTIFICATE",
                "set BCSS_CERTIFICATE and BCSS_KEY together, or BCSS_PKCS12 alone",
            ));
        }
    }
    if let Some(v) = get("BCSS_EXTRA_CA") {
        config
            .tls
            .extra_ca
            .extend(std::env::split_paths(&v).map(|p| ctx.path(&p.to_string_lossy())));
    }
    let over = config.endpoints.entry((env, config.channel)).or_default();
    for (name, slot) in [
        ("BCSS_GATEWAY_URL", &mut over.gateway),
        ("BCSS_TOKEN_ENDPOINT", &mut over.token_endpoint),
        ("BCSS_METADATA_URL", &mut over.metadata),
        ("BCSS_ISSUER", &mut over.issuer),
    ] {
        if let Some(v) = get(name) {
            *slot = Some(ctx.url(name, &v)?);
        }
    }
    if let Some(v) = get("BCSS_SCOPES") {
        config.token.scopes = v.split_whitespace().map(str::to_owned).collect();
    }
    if let Some(v) = get("BCSS_AUDIENCE") {
        config.token.audience = ctx.audience("BCSS_AUDIENCE", &v)?;
    }
    if let Some(v) = get("BCSS_ACCEPT_LANGUAGE") {
        config.accept_language = Some(v);
    }
    Ok(())
}
