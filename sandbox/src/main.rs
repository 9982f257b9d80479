//! `bcss-sandbox`: runs the sandbox until SIGTERM or Ctrl-C, after writing its CA, client
//! credentials, endpoints and a ready-to-use bcss.toml into a directory.

use bcss_sandbox::{Sandbox, SandboxFlags};
use clap::Parser;
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
    #[command(flatten)]
    flags: SandboxFlags,
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

    let args = args.flags;
    let config = args.config();

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
