//! `bcss sandbox --dir DIR`: the `bcss-sandbox` binary's behaviour, on the same library.

use bcss_sandbox::Sandbox;

use crate::args::SandboxArgs;
use crate::error::CliError;

/// Starts the sandbox and writes its folder. The caller serves until it is told to stop.
pub async fn start(args: &SandboxArgs) -> Result<Sandbox, CliError> {
    let args = &args.flags;
    let config = args.config();
    let sandbox = Sandbox::start(config)
        .await
        .map_err(|e| CliError::Sandbox(e.to_string()))?;
    if let Err(e) = sandbox.write_dir(&args.dir) {
        sandbox.shutdown().await;
        return Err(CliError::Sandbox(format!(
            "cannot write {}: {e}",
            args.dir.display()
        )));
    }
    Ok(sandbox)
}

/// What to print once it runs.
pub fn banner(sandbox: &Sandbox, args: &SandboxArgs) -> String {
    let args = &args.flags;
    let e = sandbox.endpoints();
    let toml = args.dir.join("bcss.toml");
    let offset = sandbox.clock_offset_secs();
    let clock = if offset == 0 {
        String::new()
    } else {
        format!("  clock offset     {offset:+} s\n")
    };
    let try_call = match args.contracts.first() {
        Some(spec) => format!(
            "      bcss call --config {} --spec {} --list\n",
            toml.display(),
            spec.display()
        ),
        None => String::new(),
    };
    let contracts: String = sandbox
        .served_contracts()
        .iter()
        .map(|api| {
            format!(
                "  contract         {} at {} ({} operations, {} warnings)\n",
                api.title,
                api.base_path,
                api.operations.len(),
                api.warnings.len()
            )
        })
        .collect();
    format!(
        "bcss sandbox is running (Ctrl-C stops it)\n  \
         client id        {}\n  scopes           {}\n  token endpoint   {}\n  \
         gateway (mTLS)   {}\n  gateway (TLS)    {}\n  admin (HTTP)     {}\n\
         {clock}{contracts}  files            {}\n\nTry:  bcss doctor --config {} --api demo/v1\n{try_call}",
        e.client_id,
        e.scopes.join(" "),
        e.token_endpoint,
        e.gateway_mtls_url,
        e.gateway_url,
        e.admin_url,
        args.dir.display(),
        toml.display()
    )
}

/// Resolves on Ctrl-C or (on unix) SIGTERM.
pub async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
