//! Harness for the end-to-end tests: a real sandbox on loopback, its files in a temporary folder,
//! and runtime configurations pointing at it. Nothing here mocks HTTP: every call crosses a socket
//! and a TLS handshake.

use std::path::{Path, PathBuf};

use bcss_runtime::config::{IdentitySource, PasswordSource};
use bcss_runtime::{BcssClient, Config, Environment, SecretString};
use bcss_sandbox::{ClientCredentials, Listener, LogEntry, Sandbox, SandboxConfig};

/// A running sandbox and the folder it wrote (`bcss.toml`, certificates, keys).
pub struct Harness {
    /// The sandbox.
    pub sandbox: Sandbox,
    dir: tempfile::TempDir,
}

impl Harness {
    /// Starts a sandbox with the default configuration.
    pub async fn start() -> Self {
        Self::start_with(SandboxConfig::default()).await
    }

    /// Starts a sandbox with `config`.
    pub async fn start_with(config: SandboxConfig) -> Self {
        bcss_runtime::install_crypto_provider();
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        let dir = tempfile::tempdir().expect("temp dir");
        sandbox
            .write_dir(dir.path())
            .expect("sandbox writes its files");
        Self { sandbox, dir }
    }

    /// The folder with the sandbox's files.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A file in that folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The `bcss.toml` the sandbox wrote, loaded without environment variables.
    pub fn config(&self) -> Config {
        Config::from_file(&self.file("bcss.toml")).expect("sandbox bcss.toml is valid")
    }

    /// A client on the default configuration (test environment, extranet, mutual TLS).
    pub fn client(&self) -> BcssClient {
        BcssClient::new(&self.config()).expect("client builds")
    }

    /// A client on a modified configuration.
    pub fn client_with(
        &self,
        change: impl FnOnce(&mut Config),
    ) -> Result<BcssClient, bcss_runtime::Error> {
        let mut config = self.config();
        change(&mut config);
        BcssClient::new(&config)
    }

    /// Writes `credentials` into the folder and returns an identity source for them.
    pub fn identity_files(&self, name: &str, credentials: &ClientCredentials) -> IdentitySource {
        let cert = self.file(&format!("{name}.pem"));
        let key = self.file(&format!("{name}.key"));
        std::fs::write(&cert, &credentials.certificate_pem).unwrap();
        std::fs::write(&key, &credentials.private_key_pem).unwrap();
        IdentitySource::PemFiles {
            certificate: cert,
            key,
        }
    }

    /// The sandbox's registered client as a PKCS#12 identity (the legacy layout it writes).
    pub fn pkcs12_identity(&self) -> IdentitySource {
        IdentitySource::Pkcs12File {
            path: self.file("client.p12"),
            password: PasswordSource::File(self.file("client.p12.password")),
        }
    }

    /// Token endpoint requests in the log.
    pub fn token_requests(&self) -> Vec<LogEntry> {
        self.sandbox
            .log()
            .into_iter()
            .filter(|e| e.listener == Listener::Auth && e.path.starts_with("/REST/oauth/v5/token"))
            .collect()
    }

    /// Gateway requests in the log (both listeners).
    pub fn gateway_requests(&self) -> Vec<LogEntry> {
        self.sandbox
            .log()
            .into_iter()
            .filter(|e| matches!(e.listener, Listener::GatewayMtls | Listener::GatewayTls))
            .collect()
    }
}

/// Replaces the identity of the selected environment.
pub fn set_identity(config: &mut Config, source: IdentitySource) {
    config.identities.insert(config.environment, source);
}

/// A literal PKCS#12 password source.
pub fn password(value: &str) -> PasswordSource {
    PasswordSource::Value(SecretString::new(value))
}

/// The selected environment of the sandbox configuration.
pub const ENV: Environment = Environment::Test;
