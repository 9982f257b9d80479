//! `cargo xtask publish [--dry-run]`: packages bcss-runtime and every generated client under
//! `clients/` together (so the clients resolve the unpublished runtime from the same batch) and,
//! without `--dry-run`, publishes them.

use std::process::Command;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

pub fn run(dry_run: bool) -> Result<()> {
    let root = crate::generate::workspace_root();
    let mut packages = vec!["bcss-runtime".to_owned()];
    for (spec, client) in crate::generate::SAMPLES {
        let manifest =
            std::fs::read_to_string(root.join("clients").join(client).join("Cargo.toml"))?;
        let sha = manifest
            .lines()
            .find_map(|l| l.strip_prefix("contract-sha256 = "))
            .unwrap_or("(missing)")
            .trim_matches('"');
        println!("bcss-{client}: contract specs/{spec}, sha256 {sha}");
        packages.push(format!("bcss-{client}"));
    }
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.arg(if dry_run { "package" } else { "publish" })
        .current_dir(&root);
    for p in &packages {
        cmd.args(["-p", p]);
    }
    if !dry_run {
        cmd.arg("--no-verify");
    }
    let status = cmd.status()?;
    if !status.success() {
        return Err(format!(
            "cargo {} failed",
            if dry_run { "package" } else { "publish" }
        )
        .into());
    }
    println!(
        "{} {} crates: {}",
        if dry_run { "packaged" } else { "published" },
        packages.len(),
        packages.join(", ")
    );
    Ok(())
}
