//! The rustls client configuration: trusted roots, the client certificate for mutual TLS, ALPN.
//!
//! Built here rather than through reqwest's TLS options because reqwest's rustls backend cannot
//! take a PKCS#12 identity, and so that the one crypto provider (aws-lc-rs) is chosen explicitly.

use std::sync::Arc;

use rustls::ClientConfig;
use rustls::crypto::CryptoProvider;
use rustls_pki_types::CertificateDer;

use crate::config::{Config, ConfigError};
use crate::identity::Identity;

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A rustls client configuration. `identity` is presented when the server asks for a certificate.
pub fn client_config(
    config: &Config,
    extra_roots: &[CertificateDer<'static>],
    identity: Option<&Identity>,
) -> Result<ClientConfig, ConfigError> {
    let err = |key: &str, message: String| ConfigError {
        origin: config.origin.clone(),
        key: key.to_owned(),
        message,
    };
    let versions: &[&rustls::SupportedProtocolVersion] = if config.tls.max_tls12 {
        &[&rustls::version::TLS12]
    } else {
        rustls::DEFAULT_VERSIONS
    };
    let builder = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .map_err(|e| err("tls", e.to_string()))?;
    let builder = if config.tls.system_roots {
        let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
            extra_roots.iter().cloned(),
            provider(),
        )
        .map_err(|e| {
            err(
                "tls.extra_ca",
                format!("cannot build the certificate verifier: {e}"),
            )
        })?;
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
    } else {
        if extra_roots.is_empty() {
            return Err(err(
                "tls.system_roots",
                "false, and no [tls] extra_ca is given: no server could be trusted".into(),
            ));
        }
        let mut roots = rustls::RootCertStore::empty();
        for cert in extra_roots {
            roots
                .add(cert.clone())
                .map_err(|e| err("tls.extra_ca", format!("unusable CA certificate: {e}")))?;
        }
        builder.with_root_certificates(roots)
    };
    let mut tls = match identity {
        Some(id) => builder
            .with_client_auth_cert(id.chain().to_vec(), id.key_der())
            .map_err(|e| {
                err(
                    &format!("identity.{}", config.environment),
                    format!("unusable for TLS: {e}"),
                )
            })?,
        None => builder.with_no_client_auth(),
    };
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tls)
}

/// An HTTP client with that TLS configuration, the configured timeouts and connection pooling.
pub fn http_client(
    config: &Config,
    extra_roots: &[CertificateDer<'static>],
    identity: Option<&Identity>,
) -> Result<reqwest::Client, ConfigError> {
    let tls = client_config(config, extra_roots, identity)?;
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(config.timeouts.connect)
        .timeout(config.timeouts.request)
        .pool_idle_timeout(std::time::Duration::from_secs(90))
        .user_agent(concat!("bcss-runtime/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ConfigError {
            origin: config.origin.clone(),
            key: "tls".into(),
            message: format!("cannot build the HTTP client: {e}"),
        })
}
