//! `bcss-sandbox`: runs the sandbox until SIGTERM or Ctrl-C, after writing its CA, client
//! credentials, endpoints and a ready-to-use bcss.toml into a directory.

use bcss_sandbox::{MAX_CLOCK_OFFSET_SECS, Ports, Sandbox, SandboxConfig};
use clap::Parser;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "bcss-sandbox",
    version,
    about = "Local emulator of the Smals OAuth v5 server and the BCSS REST gateway, over real TLS.",
    after_help = "Example:\n  bcss-sandbox --dir ./sandbox-dir --auth-port 8443 --gateway-mtls-port 9443\n  \
                  bcss-sandbox --dir ./sandbox-dir --contract specs/socialStatus\n\n\
                  Then point bcss-runtime at ./sandbox-dir/bcss.toml, or call the built-in demo API:\n  \
                  GET <gateway>/demo/v1/persons/{ssin} with a token from the token endpoint.\n\
                  The admin API (plain HTTP) scripts faults, routes, health and settings; GET /log shows requests."
)]
struct Args {
    /// Directory to write ca.pem, client.pem, client.key, client.p12(+.password), bcss.toml, endpoints.json.
    #[arg(long)]
    dir: PathBuf,
    /// Address all listeners bind to.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port of the authorization server (0 = any free port).
    #[arg(long, default_value_t = 0)]
    auth_port: u16,
    /// Port of the gateway that requires a client certificate.
    #[arg(long, default_value_t = 0)]
    gateway_mtls_port: u16,
    /// Port of the gateway without client certificates.
    #[arg(long, default_value_t = 0)]
    gateway_port: u16,
    /// Port of the admin API (plain HTTP).
    #[arg(long, default_value_t = 0)]
    admin_port: u16,
    /// OAuth client id registered with the minted client certificate.
    #[arg(long)]
    client_id: Option<String>,
    /// Scope granted to the client (repeatable; default: the demo API's scopes).
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// Lifetime (expires_in) of issued access tokens, in seconds.
    #[arg(long)]
    token_lifetime: Option<u64>,
    /// Offset of the sandbox clock against real time, in seconds (negative: behind). Time
    /// claims, issued tokens and every response's Date header follow the sandbox clock.
    #[arg(
        long,
        default_value_t = 0,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(i64).range(-MAX_CLOCK_OFFSET_SECS..=MAX_CLOCK_OFFSET_SECS)
    )]
    clock_offset_secs: i64,
    /// API contract to serve (openapi.yaml, its folder or the zip; repeatable). Its scopes are
    /// granted to the client.
    #[arg(long = "contract", value_name = "PATH")]
    contracts: Vec<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();

    let mut config = SandboxConfig {
        bind: args.bind,
        ports: Ports {
            auth: args.auth_port,
            gateway_mtls: args.gateway_mtls_port,
            gateway_tls: args.gateway_port,
            admin: args.admin_port,
        },
        ..SandboxConfig::default()
    };
    if let Some(client_id) = args.client_id {
        config.client_id = client_id;
    }
    if !args.scopes.is_empty() {
        config.scopes = args.scopes;
    }
    if let Some(lifetime) = args.token_lifetime {
        config.settings.token_lifetime_secs = lifetime;
    }
    config.settings.clock_offset_secs = args.clock_offset_secs;
    config.contracts = args.contracts;

    let sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("bcss-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = sandbox.write_dir(&args.dir) {
        eprintln!("bcss-sandbox: cannot write {}: {e}", args.dir.display());
        sandbox.shutdown().await;
        return ExitCode::FAILURE;
    }

    let stop = stop_signal();
    let e = sandbox.endpoints();
    println!("bcss-sandbox is running");
    println!("  client id        {}", e.client_id);
    println!("  scopes           {}", e.scopes.join(" "));
    println!("  token endpoint   {}", e.token_endpoint);
    println!("  issuer           {}", e.issuer);
    println!("  metadata         {}", e.metadata_url);
    println!("  gateway (mTLS)   {}", e.gateway_mtls_url);
    println!("  gateway (TLS)    {}", e.gateway_url);
    println!("  admin (HTTP)     {}", e.admin_url);
    if args.clock_offset_secs != 0 {
        println!("  clock offset     {:+} s", args.clock_offset_secs);
    }
    for api in sandbox.served_contracts() {
        println!(
            "  contract         {} at {} ({} operations, {} warnings)",
            api.title,
            api.base_path,
            api.operations.len(),
            api.warnings.len()
        );
    }
    println!("  files            {}", args.dir.display());
    println!("ready: {}", args.dir.join("endpoints.json").display());

    stop.await;
    tracing::info!("stopping");
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

/// Registers for Ctrl-C and (on unix) SIGTERM at once, so that a signal sent right after the
/// ready line is not missed (before registration it would kill the process with the default
/// action); the future resolves on either.
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let signals = signal(SignalKind::terminate())
            .and_then(|term| signal(SignalKind::interrupt()).map(|interrupt| (term, interrupt)));
        async move {
            match signals {
                Ok((mut term, mut interrupt)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = interrupt.recv() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
