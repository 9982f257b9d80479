//! `bcss generate`: a typed client crate from a contract and its partner annex — the same
//! library (`bcss-codegen`) and the same options as `cargo xtask generate`.

use std::path::Path;
use std::time::Instant;

use bcss_codegen::Generator;

use crate::args::GenerateArgs;
use crate::error::CliError;

/// Generates and writes the crate; returns the report line, then the warnings.
pub fn run(args: &GenerateArgs) -> Result<(String, Vec<String>), CliError> {
    let mut generator = Generator::new(&args.spec);
    if let Some(annex) = &args.annex {
        generator = generator.annex(annex);
    }
    if let Some(name) = &args.crate_name {
        generator = generator.crate_name(name);
    }
    if let Some(path) = &args.runtime_path {
        let absolute = std::path::absolute(path).map_err(|e| CliError::Argument {
            argument: "--runtime-path",
            message: format!("{}: {e}", path.display()),
        })?;
        generator = generator.runtime_path(absolute);
    }
    if args.skip_unauthorised {
        generator = generator.skip_unauthorised();
    }
    if let Some(previous) = &args.previous {
        generator = generator.previous(previous);
    }
    write(&args.spec, generator, &args.out)
}

fn write(spec: &Path, generator: Generator, out: &Path) -> Result<(String, Vec<String>), CliError> {
    let started = Instant::now();
    let generated = generator
        .write_to(out)
        .map_err(|d| CliError::Generate(d.to_string()))?;
    let line = format!(
        "{} -> {}: {} in {:.0?}",
        spec.display(),
        out.display(),
        generated.summary(),
        started.elapsed()
    );
    Ok((
        line,
        generated.warnings.iter().map(ToString::to_string).collect(),
    ))
}
