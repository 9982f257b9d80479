//! The command line (clap derive). Every command carries an example in its `--help`.

use std::net::IpAddr;
use std::path::PathBuf;

use bcss_runtime::{Channel, Environment};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::flux_form::FormFormat;

/// The `bcss` command.
#[derive(Debug, Parser)]
#[command(
    name = "bcss",
    version,
    about = "Onboarding doctor and everyday commands for partners of the KSZ-BCSS REST services.",
    after_help = "Examples:\n  bcss doctor --config bcss.toml --api demo/v1\n  bcss token --scope scope:cbss:api:demo:consult\n  bcss flux-form --source-name app01 --source-ip 10.0.0.5 --nat-ip 193.191.0.10\n  bcss sandbox --dir ./sandbox-dir\n  bcss diff old/openapi.yaml new/openapi.yaml"
)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Walk the five onboarding steps (network, BCSS infrastructure, certificates, access
    /// management, service access) and say which one fails and what to do.
    #[command(
        after_help = "Examples:\n  bcss doctor --config bcss.toml --env acpt --api demo/v1 --annex annex.yaml\n  bcss doctor --format json > doctor.json   # stable schema, see docs/doctor.md\n\nExit status: 0 when no step fails (warnings allowed), 1 when a step fails, 2 when the\nconfiguration or the annex cannot be read."
    )]
    Doctor(DoctorArgs),
    /// Obtain an access token and print its scopes and expiry (the token only with --show).
    #[command(
        after_help = "Examples:\n  bcss token --config bcss.toml\n  bcss token --scope scope:cbss:api:demo:consult --show"
    )]
    Token(TokenArgs),
    /// Call an API's /health with a token and print Up / Degraded / Down.
    #[command(
        after_help = "Example:\n  bcss health --api demo/v1\n\nExit status: 0 for UP or DEGRADED, 1 for DOWN or an error."
    )]
    Health(HealthArgs),
    /// Print the firewall flux opening request for the Social Security Extranet.
    #[command(
        after_help = "Examples:\n  bcss flux-form --source-name app01 --source-ip 10.0.0.5 --nat-ip 193.191.0.10\n  bcss flux-form --source-name app01 --source-ip 10.0.0.5 --env acpt,prod --format csv"
    )]
    FluxForm(FluxFormArgs),
    /// Start the local sandbox (OAuth server + gateway) and write a working bcss.toml into DIR.
    #[command(
        after_help = "Examples:\n  bcss sandbox --dir ./sandbox-dir\n  bcss doctor --config ./sandbox-dir/bcss.toml --api demo/v1   # in another terminal\n  bcss sandbox --dir ./sandbox-dir --contract specs/socialStatus\n  bcss call --config ./sandbox-dir/bcss.toml --spec specs/socialStatus --list   # in another terminal"
    )]
    Sandbox(SandboxArgs),
    /// Generate a typed client crate from an OpenAPI contract and its partner annex (the same
    /// generator as `cargo xtask generate`).
    #[command(
        after_help = "Examples:\n  bcss generate --spec openapi.yaml --annex annex.yaml --out ./social-status-client\n  bcss generate --spec socialStatus-1.3.zip --annex annex.yaml --out ./social-status-client --previous ./social-status-client-1.2   # version policy + CHANGELOG.md entry"
    )]
    Generate(GenerateArgs),
    /// Any operation of any contract (OpenAPI 3.0, 3.1, Swagger 2.0; file, folder or zip) with
    /// the identity of bcss.toml: parameters checked against the contract and the LegalContext
    /// against the annex before anything is sent. `--list` lists the operations.
    #[command(
        after_help = "Examples:\n  bcss call --spec openapi.yaml --list\n  bcss call --spec contract.zip --annex annex.yaml getStatusHistory ssinRef=pZ3mK8sQ1vN0bT7yL2wR4e from=2024-01-01\n  bcss call --spec openapi.yaml searchPersons --body @query.json --dry-run\n  bcss call --spec openapi.yaml getStatusHistory --help   # that operation, from the contract\n\nExit status: 0 for a 2xx/3xx answer (or a dry run or list), 1 for a transport or token\nfailure, 2 for an input refused before sending, 4 for a 4xx answer, 5 for a 5xx answer.",
        disable_help_flag = true
    )]
    Call(CallArgs),
    /// Compare two versions of a contract (file, folder or zip each) as the generator renders
    /// them: every change, whether it breaks deployed clients (the wire) or code written against
    /// the generated crate (Rust), and the semver step the crate needs.
    #[command(
        after_help = "Examples:\n  bcss diff specs/socialStatus new/socialStatus.zip\n  bcss diff old/openapi.yaml new/openapi.yaml --format md >> CHANGELOG.md\n  bcss diff old.zip new.zip --format json --fail-on-breaking   # in CI, see docs/diff.md\n\nExit status: 0 when compared (breaking or not, unless --fail-on-breaking), 1 with\n--fail-on-breaking when a change breaks the wire or the Rust API, 2 when a contract cannot be\nread."
    )]
    Diff(DiffArgs),
}

/// `bcss diff`.
#[derive(Clone, Debug, Args)]
pub struct DiffArgs {
    /// The old contract: an OpenAPI / Swagger file, a folder, or the zip BCSS sends.
    pub old: PathBuf,
    /// The new contract.
    pub new: PathBuf,
    /// Output format: a terminal summary, Markdown (a changelog entry), or JSON (docs/diff.md).
    #[arg(long, value_enum, default_value_t)]
    pub format: DiffFormat,
    /// Exit with status 1 when a change breaks the wire or the Rust API.
    #[arg(long)]
    pub fail_on_breaking: bool,
}

/// `bcss diff --format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// One line per change, for a terminal.
    #[default]
    Text,
    /// Markdown, for a changelog entry or a review.
    Md,
    /// JSON, for programs.
    Json,
}

/// `bcss call`.
#[derive(Clone, Debug, Args)]
pub struct CallArgs {
    /// The contract: an OpenAPI / Swagger file, a folder, or the zip BCSS sends.
    #[arg(long, required_unless_present = "help")]
    pub spec: Option<PathBuf>,
    /// The partner annex (YAML): which scopes are granted.
    #[arg(long)]
    pub annex: Option<PathBuf>,
    /// List the operations instead of calling one.
    #[arg(long, conflicts_with = "operation")]
    pub list: bool,
    /// The operation: its operationId or the generated client's method name.
    #[arg(required_unless_present_any = ["list", "help"])]
    pub operation: Option<String>,
    /// Parameters as name=value (arrays comma-separated).
    pub params: Vec<String>,
    /// The request body: @file, - for stdin, or the JSON itself.
    #[arg(long)]
    pub body: Option<String>,
    /// The LegalContext (default: the annex's).
    #[arg(long)]
    pub legal_context: Option<String>,
    /// Show the request that would be sent (token redacted) without sending it.
    #[arg(long)]
    pub dry_run: bool,
    /// Print this help; with --spec and OPERATION, describe that operation from the contract.
    #[arg(short = 'h', long)]
    pub help: bool,
    /// Also print the answer's headers and the call's duration.
    #[arg(short, long)]
    pub verbose: bool,
    /// Follow the answer's `next` links (Belgif paging) and print every item of every page.
    #[arg(long, conflicts_with = "dry_run")]
    pub all_pages: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Which configuration, environment and channel.
#[derive(Clone, Debug, Args)]
pub struct ConfigArgs {
    /// The configuration file.
    #[arg(long, default_value = crate::config::DEFAULT_CONFIG)]
    pub config: PathBuf,
    /// Environment (test, acpt, prod); default: the file's.
    #[arg(long = "env", value_parser = parse_environment)]
    pub environment: Option<Environment>,
    /// Channel (extranet, internet); default: the file's.
    #[arg(long, value_parser = parse_channel)]
    pub channel: Option<Channel>,
}

/// Text for people, JSON for programs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Plain text.
    #[default]
    Text,
    /// JSON.
    Json,
}

/// `bcss doctor`.
#[derive(Clone, Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// API whose /health step 5 calls, as in its URL (e.g. `demo/v1`).
    #[arg(long)]
    pub api: Option<String>,
    /// Partner annex (YAML with a `scopes` list) to compare the granted scopes with.
    #[arg(long)]
    pub annex: Option<PathBuf>,
    /// Scope to request instead of the configured ones (repeatable).
    #[arg(long = "scope")]
    pub scopes: Vec<String>,
    /// Timeout of each DNS lookup, connection and handshake, in seconds.
    #[arg(long, default_value_t = 5)]
    pub timeout: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `bcss token`.
#[derive(Clone, Debug, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Scope to request (repeatable); default: the configured ones, else the client's defaults.
    #[arg(long = "scope")]
    pub scopes: Vec<String>,
    /// Print the token itself (it is a secret: it grants access until it expires).
    #[arg(long)]
    pub show: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `bcss health`.
#[derive(Clone, Debug, Args)]
pub struct HealthArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// The API, as in its URL (e.g. `demo/v1`).
    #[arg(long)]
    pub api: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `bcss flux-form`.
#[derive(Clone, Debug, Args)]
pub struct FluxFormArgs {
    /// Name of your server (the source).
    #[arg(long)]
    pub source_name: String,
    /// Its IP address in your network.
    #[arg(long)]
    pub source_ip: IpAddr,
    /// Its public IP after NAT, as BCSS sees it (the official IP of the onboarding).
    #[arg(long)]
    pub nat_ip: Option<IpAddr>,
    /// Environments, comma-separated.
    #[arg(long = "env", value_delimiter = ',', value_parser = parse_environment, default_value = "test,acpt,prod")]
    pub environments: Vec<Environment>,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: FormFormat,
}

/// `bcss sandbox`.
#[derive(Clone, Debug, Args)]
pub struct SandboxArgs {
    /// The same flags as `bcss-sandbox`, with the same meaning.
    #[command(flatten)]
    pub flags: bcss_sandbox::SandboxFlags,
}

/// `bcss generate`.
#[derive(Clone, Debug, Args)]
pub struct GenerateArgs {
    /// The contract: openapi.yaml, its folder, or the zip CBSS delivered.
    #[arg(long)]
    pub spec: PathBuf,
    /// The partner annex (YAML).
    #[arg(long)]
    pub annex: Option<PathBuf>,
    /// Where to write the crate (replaced atomically).
    #[arg(long)]
    pub out: PathBuf,
    /// Crate name (default: bcss- + the API title).
    #[arg(long)]
    pub crate_name: Option<String>,
    /// Depend on bcss-runtime by path (local work) instead of by version.
    #[arg(long)]
    pub runtime_path: Option<PathBuf>,
    /// Leave out operations the annex does not authorise instead of failing.
    #[arg(long)]
    pub skip_unauthorised: bool,
    /// The crate's previous release (its folder, as generated or as a registry serves it): the
    /// version follows the version policy from it, and CHANGELOG.md gets the contract diff.
    #[arg(long)]
    pub previous: Option<PathBuf>,
}

fn parse_environment(s: &str) -> Result<Environment, String> {
    s.parse()
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    s.parse()
}
