//! The sample contracts: generated code is pinned by snapshots, identical on every run, identical
//! from a folder and from a zip, and the clients checked in under `clients/` are up to date.

use std::path::{Path, PathBuf};

use bcss_codegen::Generator;

const SAMPLES: &[(&str, &str)] = &[
    ("socialStatus", "social-status"),
    ("employerRegistry", "employer-registry"),
    ("oas31", "oas31-sample"),
];

/// The warnings a sample is written to get (by kind code).
fn expected_warnings(spec: &str) -> &'static [&'static str] {
    match spec {
        // Its webhooks are not a client concern.
        "oas31" => &["webhooks"],
        _ => &[],
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn generator(spec: &Path, annex: &Path, client: &str) -> Generator {
    Generator::new(spec)
        .annex(annex)
        .crate_name(format!("bcss-{client}"))
        .runtime_path("../../runtime")
        .standalone(false)
}

fn sample(spec: &str, client: &str) -> Generator {
    let dir = root().join("specs").join(spec);
    generator(&dir, &dir.join("annex.yaml"), client)
}

#[test]
fn generated_code_of_every_sample_matches_its_snapshot() {
    for (spec, client) in SAMPLES {
        let generated = sample(spec, client).generate().unwrap();
        let codes: Vec<&str> = generated.warnings.iter().map(|w| w.code).collect();
        assert_eq!(
            codes,
            expected_warnings(spec),
            "{spec}: {:?}",
            generated.warnings
        );
        // The contract files are copies of the input: checked byte for byte below, not pinned.
        for (file, content) in generated
            .krate
            .files
            .iter()
            .filter(|(f, _)| !f.starts_with("contract/"))
        {
            let name = format!("{client}__{}", file.replace('/', "__"));
            insta::assert_snapshot!(name, content);
        }
    }
}

#[test]
fn generation_is_deterministic() {
    for (spec, client) in SAMPLES {
        let a = sample(spec, client).generate().unwrap().krate;
        let b = sample(spec, client).generate().unwrap().krate;
        assert_eq!(a, b, "{spec}");
    }
}

#[test]
fn checked_in_clients_are_up_to_date() {
    for (spec, client) in SAMPLES {
        let generated = sample(spec, client).generate().unwrap();
        for (file, content) in &generated.krate.files {
            let path = root().join("clients").join(client).join(file);
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            // `cargo xtask generate --all` needs xtask to build, and xtask builds a sample client:
            // after a breaking runtime change, bless from here instead.
            if std::env::var_os("BCSS_BLESS_CLIENTS").is_some() && on_disk != *content {
                std::fs::write(&path, content).unwrap();
                continue;
            }
            assert!(
                on_disk == *content,
                "{} is stale: run `cargo xtask generate --all`",
                path.display()
            );
        }
    }
}

#[test]
fn a_zip_of_the_contract_generates_the_same_crate_as_its_folder() {
    let dir = root().join("specs/socialStatus");
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("socialStatus-openapi-1.2.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                zip.start_file(format!("socialStatus-openapi-1.2/{name}"), options)
                    .unwrap();
                std::io::copy(&mut std::fs::File::open(&path).unwrap(), &mut zip).unwrap();
            }
        }
    }
    zip.finish().unwrap();
    let from_zip = generator(&zip_path, &dir.join("annex.yaml"), "social-status")
        .generate()
        .unwrap();
    let from_dir = sample("socialStatus", "social-status").generate().unwrap();
    assert_eq!(from_zip.krate, from_dir.krate);
}

#[test]
fn writing_replaces_the_crate_atomically_and_a_failure_leaves_the_old_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("client");
    sample("socialStatus", "social-status")
        .write_to(&out)
        .unwrap();
    let before = std::fs::read_to_string(out.join("src/types.rs")).unwrap();
    let broken = root().join("specs/invalid/yaml-syntax-error.yaml");
    let err = Generator::new(&broken).write_to(&out).unwrap_err();
    assert!(err.to_string().contains("YAML"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("src/types.rs")).unwrap(),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["client"], "no temporary folder left behind");
}

/// The README quotes the first step of `cargo xtask demo`: the summary of the socialStatus
/// client. It must be what the generator makes of that sample today.
#[test]
fn the_readme_quotes_the_demo_summary_of_the_sample() {
    let summary = sample("socialStatus", "social-status")
        .generate()
        .unwrap()
        .summary();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let line = format!("specs/socialStatus -> {summary}");
    assert!(
        readme.contains(&line),
        "README.md must quote `{line}` (what `cargo xtask demo` prints)"
    );
}
