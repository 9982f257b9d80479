//! The directory a sandbox writes for clients that are not in this process: the CA, the
//! client credentials in the formats partners receive, `endpoints.json`, and a `bcss.toml`
//! that bcss-runtime can use as is.

use crate::pki::ClientCredentials;
use crate::state::Endpoints;
use std::io::{self, Write};
use std::path::Path;

/// The `bcss.toml` for these endpoints, with file names relative to its own directory.
pub fn bcss_toml(endpoints: &Endpoints) -> String {
    let q = |s: &str| toml_string(s);
    let section = |channel: &str, gateway: &str| {
        format!(
            "[endpoints.test.{channel}]\ngateway = {}\ntoken_endpoint = {}\nmetadata = {}\nissuer = {}\n",
            q(gateway),
            q(&endpoints.token_endpoint),
            q(&endpoints.metadata_url),
            q(&endpoints.issuer),
        )
    };
    format!(
        "# Written by bcss-sandbox: a bcss-runtime configuration that works against this sandbox as-is.\n\
         environment = \"test\"\n\
         channel = \"extranet\"\n\
         \n\
         [client_id]\n\
         test = {}\n\
         \n\
         [identity.test]\n\
         certificate = \"client.pem\"\n\
         key = \"client.key\"\n\
         \n\
         [tls]\n\
         extra_ca = [\"ca.pem\"]\n\
         system_roots = false\n\
         \n\
         {}\n\
         {}",
        q(&endpoints.client_id),
        section("extranet", &endpoints.gateway_mtls_url),
        section("internet", &endpoints.gateway_url),
    )
}

/// A TOML basic string (quotes and escapes via the toml crate, so any client id is safe).
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Writes every file into `dir` (created if missing). Each file is written to a temporary
/// name and renamed, so a client polling for `endpoints.json` never reads half a file.
pub fn write_dir(
    dir: &Path,
    ca_pem: &str,
    client: &ClientCredentials,
    endpoints: &Endpoints,
) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let endpoints_json = serde_json::to_string_pretty(endpoints).map_err(io::Error::other)?;
    write_atomic(dir, "ca.pem", ca_pem.as_bytes(), false)?;
    write_atomic(dir, "client.pem", client.certificate_pem.as_bytes(), false)?;
    write_atomic(dir, "client.key", client.private_key_pem.as_bytes(), true)?;
    write_atomic(dir, "client.p12", &client.pkcs12_der, true)?;
    write_atomic(
        dir,
        "client.p12.password",
        client.pkcs12_password.as_bytes(),
        true,
    )?;
    write_atomic(dir, "bcss.toml", bcss_toml(endpoints).as_bytes(), false)?;
    // Last, so that its presence means the directory is complete.
    write_atomic(dir, "endpoints.json", endpoints_json.as_bytes(), false)?;
    Ok(())
}

fn write_atomic(dir: &Path, name: &str, content: &[u8], secret: bool) -> io::Result<()> {
    let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if secret {
        // Created 0600 rather than chmod-ed afterwards: a secret is never readable by others,
        // not even for an instant.
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    // A stale temp file from a crashed run would keep its old mode; start from nothing.
    let _ = std::fs::remove_file(&temp);
    let result = (|| {
        let mut file = options.open(&temp)?;
        file.write_all(content)?;
        file.sync_all()?;
        std::fs::rename(&temp, dir.join(name))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
