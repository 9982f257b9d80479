//! `bcss`: parses the command line and runs it; errors name what to fix.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = bcss_cli::args::Cli::parse();
    // One crypto backend (aws-lc-rs), chosen before anything builds a TLS configuration.
    bcss_runtime::install_crypto_provider();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bcss: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(bcss_cli::run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("bcss: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
