//! Loading `bcss.toml` for a command, with `--env` / `--channel` applied on top.

use std::path::Path;

use bcss_runtime::{Channel, Config, ConfigError, Environment};

/// The default configuration file, in the current folder.
pub const DEFAULT_CONFIG: &str = "bcss.toml";

/// Reads `path` and the `BCSS_*` variables, then the command-line choices (which win).
pub fn load(
    path: &Path,
    environment: Option<Environment>,
    channel: Option<Channel>,
) -> Result<Config, ConfigError> {
    let mut config = Config::load(path)?;
    if let Some(env) = environment {
        config.environment = env;
    }
    if let Some(channel) = channel {
        config.channel = channel;
    }
    Ok(config)
}
