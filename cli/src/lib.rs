//! The `bcss` command as a library: each command is a function returning data, and
//! [`run`] prints it. Tests call the functions directly against a real sandbox.

pub mod annex;
pub mod args;
pub mod call;
pub mod config;
pub mod diff;
pub mod doctor;
pub mod error;
pub mod flux_form;
pub mod generate;
pub mod health;
pub mod progress;
pub mod sandbox;
pub mod token;

use std::io::{IsTerminal, Write};
use std::time::Duration;

use args::{Cli, Command, OutputFormat};
pub use error::CliError;

/// Runs a parsed command line, printing to stdout; returns the exit status.
pub async fn run(cli: Cli) -> Result<u8, CliError> {
    let mut stdout = std::io::stdout().lock();
    match cli.command {
        Command::Doctor(a) => {
            let options = doctor::DoctorOptions {
                config: a.config.config,
                environment: a.config.environment,
                channel: a.config.channel,
                api: a.api,
                annex: a.annex,
                scopes: a.scopes,
                timeout: Duration::from_secs(a.timeout.max(1)),
            };
            // The transient progress line only where a person watches; never in JSON or pipes.
            let interactive = a.format == OutputFormat::Text
                && std::io::stdout().is_terminal()
                && std::io::stderr().is_terminal();
            let report = if interactive {
                doctor::run(&options, &mut progress::Terminal).await?
            } else {
                doctor::run(&options, &mut doctor::Silent).await?
            };
            match a.format {
                OutputFormat::Text => write!(stdout, "{}", report.to_text())?,
                OutputFormat::Json => writeln!(stdout, "{}", report.to_json())?,
            }
            Ok(if report.ok() { 0 } else { 1 })
        }
        Command::Token(a) => {
            let report = token::run(&a).await?;
            write!(stdout, "{}", token::render(&report, a.format))?;
            Ok(0)
        }
        Command::Health(a) => {
            let health = health::run(&a).await?;
            write!(stdout, "{}", health::render(&a.api, &health, a.format))?;
            Ok(if health::is_up(&health) { 0 } else { 1 })
        }
        Command::FluxForm(a) => {
            let form = flux_form::build(&a.source_name, a.source_ip, a.nat_ip, &a.environments)?;
            write!(stdout, "{}", flux_form::render(&form, a.format))?;
            Ok(0)
        }
        Command::Generate(a) => {
            let (line, warnings) = generate::run(&a)?;
            for w in warnings {
                eprintln!("{w}");
            }
            writeln!(stdout, "{line}")?;
            Ok(0)
        }
        Command::Call(a) => match (&a.spec, &a.operation) {
            (Some(spec), Some(operation)) if a.help => {
                write!(
                    stdout,
                    "{}",
                    call::catalog::describe(spec, a.annex.as_deref(), operation)?
                )?;
                Ok(0)
            }
            _ if a.help => {
                let mut command = <Cli as clap::CommandFactory>::command();
                command.build();
                if let Some(call) = command.find_subcommand_mut("call") {
                    write!(stdout, "{}", call.render_long_help())?;
                }
                Ok(0)
            }
            (_, Some(operation)) if !a.list => {
                let output = call::send::run(&a, operation).await?;
                let colour = a.format == OutputFormat::Text
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none();
                let text = if colour {
                    call::send::coloured(&output.text)
                } else {
                    output.text
                };
                write!(stdout, "{text}")?;
                Ok(output.exit)
            }
            (Some(spec), _) => {
                let catalog = call::catalog(spec, a.annex.as_deref())?;
                write!(stdout, "{}", call::render(&catalog, a.format))?;
                Ok(0)
            }
            (None, _) => Err(CliError::Argument {
                argument: "--spec",
                message: "the contract is required".into(),
            }),
        },
        Command::Diff(a) => {
            let (text, exit) = diff::run(&a)?;
            write!(stdout, "{text}")?;
            Ok(exit)
        }
        Command::Sandbox(a) => {
            let sandbox = sandbox::start(&a).await?;
            write!(stdout, "{}", sandbox::banner(&sandbox, &a))?;
            stdout.flush()?;
            drop(stdout);
            sandbox::wait_for_stop().await;
            sandbox.shutdown().await;
            Ok(0)
        }
    }
}
