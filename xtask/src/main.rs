//! Project tasks: `cargo xtask <command>`. See `cargo xtask --help`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench_gen;
mod corpus;
mod demo;
mod fuzz;
mod generate;
mod publish;
mod synth;

#[derive(Parser)]
#[command(about = "bcss-rest project tasks", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the sandbox, obtain a token with a signed JWT, call the demo API over mutual TLS,
    /// and show a typed Belgif problem — printing each step.
    ///
    /// Example: `cargo xtask demo`
    Demo {
        /// Keep the sandbox's files (bcss.toml, certificates) in this folder.
        #[arg(long)]
        dir: Option<std::path::PathBuf>,
    },
    /// Generate a typed client crate from a contract (file, folder or zip) and its annex.
    ///
    /// Example: `cargo xtask generate --spec specs/socialStatus --annex specs/socialStatus/annex.yaml --out /tmp/social-status`
    Generate(generate::Args),
    /// Generate a client for every contract of a corpus, run `cargo clippy --features testing -- -D warnings` on
    /// them all, and fail when an outcome differs from the reviewed expected-outcomes file.
    ///
    /// Example: `cargo xtask corpus ../shared/corpus [--bless]`
    Corpus(corpus::Args),
    /// Write a synthetic, seeded, deterministic OpenAPI 3.0.3 contract of CBSS shape.
    ///
    /// Example: `cargo xtask synth --ops 100 --schemas 50 --out /tmp/synth.yaml [--seed 1] [--format json]`
    Synth(synth::Args),
    /// Growth bench of the generator: per size, load / IR / emit times against the parse floor,
    /// generated lines, peak memory and `cargo check` time; then the fitted growth exponent.
    ///
    /// Example: `cargo xtask bench-gen --sizes 10,100,1000,5000 --check-up-to 1000`
    BenchGen(bench_gen::Args),
    /// Package (with --dry-run) or publish bcss-runtime and the generated client crates to a
    /// Cargo registry, refusing a client version that breaks the registry's previous one
    /// without a major step (`bcss diff` and `cargo semver-checks`).
    ///
    /// Example: `cargo xtask publish --dry-run`, `cargo xtask publish --registry company`
    Publish(publish::Args),
    /// Run the cargo-fuzz targets (`fuzz/`) for S seconds each on a seed corpus built from
    /// `specs/` and `../shared/corpus/`; fails on a crash. Needs nightly and cargo-fuzz.
    ///
    /// Example: `cargo xtask fuzz --seconds 600 --target contract`
    Fuzz(fuzz::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Demo { dir } => runtime.block_on(demo::run(dir)),
        Command::Generate(args) => generate::run(args),
        Command::Corpus(args) => corpus::run(args),
        Command::Publish(args) => publish::run(args),
        Command::Synth(args) => synth::run(args),
        Command::BenchGen(args) => bench_gen::run(args),
        Command::Fuzz(args) => fuzz::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Diagnostics already say "error: …".
            let text = e.to_string();
            if text.starts_with("error") {
                eprintln!("{text}");
            } else {
                eprintln!("error: {text}");
            }
            ExitCode::FAILURE
        }
    }
}
