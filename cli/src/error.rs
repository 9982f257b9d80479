//! The command's errors. Each names what to fix; none carries a token, key or password.

use std::path::PathBuf;

/// Why a command could not run at all (a failing doctor step is a report, not an error).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The configuration is missing or wrong: names the file and the key.
    #[error("configuration error: {0}")]
    Config(#[from] bcss_runtime::ConfigError),
    /// A runtime call failed (token, health, identity).
    #[error("{0}")]
    Runtime(#[from] bcss_runtime::Error),
    /// The partner annex cannot be read.
    #[error("partner annex {path}: {message}")]
    Annex {
        /// The annex file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A command-line value is not acceptable.
    #[error("invalid argument {argument}: {message}")]
    Argument {
        /// The option, e.g. `--source-ip`.
        argument: &'static str,
        /// What is wrong and what is expected.
        message: String,
    },
    /// The sandbox could not start or write its files.
    #[error("sandbox: {0}")]
    Sandbox(String),
    /// The generator refused the contract or annex (the diagnostic names file and place).
    #[error("{0}")]
    Generate(String),
    /// Writing the output failed (e.g. a closed pipe).
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

impl CliError {
    /// The process exit status: 2 for what the user must fix before anything can run
    /// (arguments, configuration), 1 for a failure met while running.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Config(_) | Self::Annex { .. } | Self::Argument { .. } => 2,
            Self::Runtime(_) | Self::Sandbox(_) | Self::Generate(_) | Self::Output(_) => 1,
        }
    }
}
