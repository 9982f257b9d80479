//! `cargo xtask generate`: the generator's command line.

use std::path::PathBuf;
use std::time::Instant;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[derive(clap::Args)]
pub struct Args {
    /// The contract: openapi.yaml, its folder, or the zip CBSS delivered.
    #[arg(long, required_unless_present = "all")]
    spec: Option<PathBuf>,
    /// The partner annex (YAML).
    #[arg(long)]
    annex: Option<PathBuf>,
    /// Where to write the crate (replaced atomically).
    #[arg(long, required_unless_present = "all")]
    out: Option<PathBuf>,
    /// Crate name (default: bcss- + the API title).
    #[arg(long)]
    crate_name: Option<String>,
    /// Depend on bcss-runtime by path (local work) instead of by version.
    #[arg(long)]
    runtime_path: Option<PathBuf>,
    /// Leave out operations the annex does not authorise instead of failing.
    #[arg(long)]
    skip_unauthorised: bool,
    /// The crate's previous release (its folder, as generated or as a registry serves it): the
    /// version follows the version policy from it and CHANGELOG.md gets the contract diff.
    #[arg(long)]
    previous: Option<PathBuf>,
    /// Regenerate every client checked in under clients/ from specs/.
    #[arg(long, conflicts_with_all = ["spec", "out", "previous"])]
    all: bool,
}

/// The sample contracts and where their clients live in the workspace.
pub const SAMPLES: &[(&str, &str)] = &[
    ("socialStatus", "social-status"),
    ("employerRegistry", "employer-registry"),
    ("oas31", "oas31-sample"),
];

pub fn run(args: Args) -> Result<()> {
    if args.all {
        let root = workspace_root();
        for (spec, client) in SAMPLES {
            let dir = root.join("specs").join(spec);
            let generator = bcss_codegen::Generator::new(&dir)
                .annex(dir.join("annex.yaml"))
                .crate_name(format!("bcss-{client}"))
                .runtime_path("../../runtime")
                .standalone(false);
            report(
                &format!("specs/{spec}"),
                generator,
                &root.join("clients").join(client),
            )?;
        }
        return Ok(());
    }
    let (Some(spec), Some(out)) = (args.spec, args.out) else {
        return Err("--spec and --out are required (or --all)".into());
    };
    let mut generator = bcss_codegen::Generator::new(&spec);
    if let Some(a) = args.annex {
        generator = generator.annex(a);
    }
    if let Some(n) = args.crate_name {
        generator = generator.crate_name(n);
    }
    if let Some(p) = args.runtime_path {
        generator = generator.runtime_path(std::path::absolute(p)?);
    }
    if args.skip_unauthorised {
        generator = generator.skip_unauthorised();
    }
    if let Some(p) = args.previous {
        generator = generator.previous(p);
    }
    report(&spec.display().to_string(), generator, &out)
}

fn report(what: &str, generator: bcss_codegen::Generator, out: &std::path::Path) -> Result<()> {
    let started = Instant::now();
    let generated = generator.write_to(out).map_err(|d| d.to_string())?;
    for w in &generated.warnings {
        eprintln!("{w}");
    }
    println!(
        "{what} -> {}: {} in {:.0?}",
        out.display(),
        generated.summary(),
        started.elapsed()
    );
    Ok(())
}

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}
