//! Publishing to a real Cargo registry on loopback (`cargo-http-registry`): version N of the
//! socialStatus client goes out, a republish is refused, a contract that breaks the Rust API under
//! a minor version is refused with the diff's explanation, a compatible one is published as N+minor,
//! and a crate outside the workspace builds against both and calls the sandbox over mutual TLS.
//!
//! Needs `cargo-http-registry` and `cargo-semver-checks` (`.ci/run` installs them):
//! `cargo test -p xtask --test registry -- --ignored`.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

const REGISTRY: &str = "partner";
const TOKEN: &str = "registry-token-never-printed-5f1c";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A `cargo-http-registry` serving a fresh folder; stopped when dropped.
struct LocalRegistry {
    child: Child,
    dir: PathBuf,
}

impl LocalRegistry {
    fn start(dir: &Path) -> LocalRegistry {
        let child = Command::new("cargo-http-registry")
            .arg(dir)
            .spawn()
            .expect("cargo-http-registry runs (cargo install --locked cargo-http-registry)");
        let registry = LocalRegistry {
            child,
            dir: dir.to_owned(),
        };
        // Ready once its config.json names the API address and that address takes connections.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let api = std::fs::read_to_string(dir.join("config.json"))
                .ok()
                .and_then(|c| serde_json::from_str::<serde_json::Value>(&c).ok())
                .and_then(|c| c["api"].as_str().map(str::to_owned));
            if let Some(api) = api {
                let address = api.trim_start_matches("http://").trim_end_matches('/');
                if TcpStream::connect(address).is_ok() {
                    return registry;
                }
            }
            assert!(
                Instant::now() < deadline,
                "the registry did not start in 30 s"
            );
            std::thread::yield_now();
        }
    }

    fn index_url(&self) -> String {
        format!("file://{}", self.dir.display())
    }
}

impl Drop for LocalRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a command with the registry in Cargo's environment and builds kept in `target`.
fn run(cmd: &mut Command, registry: &LocalRegistry, target: &Path) -> Output {
    let variable = REGISTRY.to_uppercase();
    cmd.env(
        format!("CARGO_REGISTRIES_{variable}_INDEX"),
        registry.index_url(),
    )
    .env(format!("CARGO_REGISTRIES_{variable}_TOKEN"), TOKEN)
    .env("CARGO_TARGET_DIR", target)
    .output()
    .expect("the command runs")
}

/// What a command printed, both streams.
fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn xtask(args: &[&str], registry: &LocalRegistry, target: &Path) -> (bool, String) {
    let out = run(
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .current_dir(root()),
        registry,
        target,
    );
    let text = text(&out);
    assert!(
        !text.contains(TOKEN),
        "the registry token was printed:\n{text}"
    );
    (out.status.success(), text)
}

/// `cargo xtask publish --registry partner --crate …  --no-verify`.
fn publish(crates: &[&str], registry: &LocalRegistry, target: &Path) -> (bool, String) {
    let mut args = vec!["publish", "--registry", REGISTRY, "--no-verify"];
    for c in crates {
        args.extend(["--crate", c]);
    }
    xtask(&args, registry, target)
}

/// A copy of the socialStatus contract calling itself 1.3, after `edit` of its root file.
fn contract_1_3(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    copy_dir(&root().join("specs/socialStatus"), dir);
    let path = dir.join("openapi.yaml");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "  version: \"1.2\"",
        "  version: \"1.3\"",
        1,
    );
    std::fs::write(&path, edit(text)).unwrap();
    dir.to_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// 1.3 drops the certificate download: code calling `get_status_certificate` no longer compiles.
fn breaking(text: String) -> String {
    let start = text
        .find("  /statusCertificates/{certificateId}:\n")
        .unwrap();
    let end = text.find("components:\n").unwrap();
    format!("{}{}", &text[..start], &text[end..])
}

/// 1.3 adds an operation, an optional query parameter, a social-status value and an optional
/// property of a certificate.
fn compatible(text: String) -> String {
    let operation = r##"  /statusCertificates/{certificateId}/summary:
    get:
      operationId: getStatusCertificateSummary
      summary: Get the summary of a status certificate
      security:
        - oauth-socsec:
            - scope:cbss:api:socialStatus:consult
      parameters:
        - $ref: "#/components/parameters/CertificateIdPathParameter"
        - name: language
          in: query
          required: false
          schema:
            type: string
      responses:
        "200":
          description: The certificate, without its document.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/StatusCertificate"
        default:
          $ref: "belgif/problem/v1/problem-v1.yaml#/components/responses/ProblemResponse"

components:
"##;
    let text = text.replacen("components:\n", operation, 1);
    let status = text
        .find("        - retired\n")
        .expect("the status enum lists `retired`");
    let text = format!(
        "{}        - retired\n        - student\n{}",
        &text[..status],
        &text[status + "        - retired\n".len()..]
    );
    let certificate = "    StatusCertificate:\n      description: A certificate of the social status of a person at a reference date.\n      type: object\n      properties:\n";
    assert!(
        text.contains(certificate),
        "the certificate schema starts as expected"
    );
    text.replacen(
        certificate,
        &format!("{certificate}        issuingOffice:\n          type: string\n"),
        1,
    )
}

/// The README shows a refused publish: every line of it (but those with `…`, temporary paths)
/// must be in this run's output.
fn readme_quotes_this_refusal(out: &str) {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block = readme
        .split_once("<!-- refused-publish:")
        .and_then(|(_, rest)| rest.split_once("```\n"))
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(block, _)| block)
        .expect("the README shows a refused publish");
    let mut checked = 0;
    for line in block
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.contains('…'))
    {
        assert!(
            out.contains(line),
            "README line not in the run's output: {line}\n---\n{out}"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} lines checked");
}

const CONSUMER_MAIN: &str = r#"
use bcss_social_status::types::PersonsQuery;
use bcss_social_status::{Client, Config};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("give the sandbox's bcss.toml")?;
    let client = Client::new(&Config::from_file(path.as_ref())?)?;
    let query: PersonsQuery = serde_json::from_value(serde_json::json!({
        "ssins": ["85073003328"],
        "legalContext": "FAMILY_ALLOWANCES:ENTITLEMENT"
    }))?;
    let page = client.search_persons(&query).send().await?;
    println!("{} person(s) found, status {}", page.items.len(), page.status());
    Ok(())
}
"#;

/// A crate outside the workspace depending on `bcss-social-status = "<requirement>"` from the
/// registry; built, then run against the sandbox's `bcss.toml`.
fn consumer(dir: &Path, requirement: &str) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"allowance-office\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nbcss-social-status = {{ version = \"{requirement}\", registry = \"{REGISTRY}\" }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\nserde_json = \"1\"\n\n[workspace]\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), CONSUMER_MAIN).unwrap();
    let _ = std::fs::remove_file(dir.join("Cargo.lock"));
}

fn resolved_version(lock: &Path) -> String {
    let lock: toml::Table = toml::from_str(&std::fs::read_to_string(lock).unwrap()).unwrap();
    lock["package"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"].as_str() == Some("bcss-social-status"))
        .and_then(|p| p["version"].as_str())
        .unwrap()
        .to_owned()
}

#[test]
#[ignore = "needs cargo-http-registry and cargo-semver-checks; .ci/run installs them and runs it"]
fn a_client_goes_through_a_real_registry_under_the_version_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let registry = LocalRegistry::start(&tmp.path().join("registry"));
    // Builds of registry crates are kept apart from the workspace's (and its lock).
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("registry-e2e");

    // Version N: the checked-in client, from specs/socialStatus 1.2.
    let (ok, out) = publish(&["clients/social-status"], &registry, &target);
    assert!(ok, "{out}");
    assert!(
        out.contains("bcss-runtime 0.1.0: published to `partner`"),
        "{out}"
    );
    assert!(
        out.contains("bcss-social-status 1.2.0: published to `partner`"),
        "{out}"
    );

    // The same version again: refused in our words, not the registry's; a client beside it that
    // is new to the registry still goes out, and the run fails.
    let (ok, out) = publish(
        &["clients/social-status", "clients/employer-registry"],
        &registry,
        &target,
    );
    assert!(!ok, "{out}");
    assert!(
        out.contains("bcss-social-status 1.2.0 is already in registry `partner`, from the same contract: there is nothing new to publish"),
        "{out}"
    );
    assert!(
        out.contains("bcss-employer-registry 1.4.0: published to `partner`"),
        "{out}"
    );
    assert!(
        !out.contains("already exists"),
        "no registry error dump:\n{out}"
    );
    assert!(
        out.contains("bcss-runtime 0.1.0: already in `partner`, kept"),
        "{out}"
    );

    // 1.3 breaks the Rust API: generated as 1.3.0 without the previous release, refused.
    let spec = contract_1_3(&tmp.path().join("breaking-1.3"), breaking);
    let krate = tmp.path().join("breaking-crate");
    let spec_arg = spec.display().to_string();
    let annex = root()
        .join("specs/socialStatus/annex.yaml")
        .display()
        .to_string();
    let krate_arg = krate.display().to_string();
    let generate = |spec: &str, out: &str, previous: Option<&str>| {
        let mut args = vec![
            "generate",
            "--spec",
            spec,
            "--annex",
            &annex,
            "--out",
            out,
            "--crate-name",
            "bcss-social-status",
        ];
        if let Some(p) = previous {
            args.extend(["--previous", p]);
        }
        let (ok, text) = xtask(&args, &registry, &target);
        assert!(ok, "{text}");
    };
    generate(&spec_arg, &krate_arg, None);
    let (ok, out) = publish(&[&krate_arg], &registry, &target);
    assert!(!ok, "{out}");
    assert!(
        out.contains("bcss-social-status 1.3.0 is not published: it breaks the Rust API of 1.2.0"),
        "{out}"
    );
    assert!(out.contains("it needs 2.0.0"), "{out}");
    // Both verdicts, and they agree.
    assert!(
        out.contains(
            "bcss diff says the Rust API breaks, cargo semver-checks says the Rust API breaks"
        ),
        "{out}"
    );
    assert!(
        out.contains("GET /statusCertificates/{certificateId}"),
        "the diff's explanation:\n{out}"
    );
    assert!(
        out.contains("inherent_method_missing"),
        "semver-checks' finding:\n{out}"
    );
    assert!(out.contains("--previous"), "what to do:\n{out}");
    readme_quotes_this_refusal(&out);

    // 1.3 with compatible changes, generated after the published release: 1.3.0, published.
    let published_v1 = out
        .lines()
        .find_map(|l| {
            l.trim()
                .split_once("--previous ")
                .map(|(_, p)| p.trim().to_owned())
        })
        .expect("the refusal names the published crate's folder");
    let spec = contract_1_3(&tmp.path().join("compatible-1.3"), compatible);
    let krate = tmp.path().join("compatible-crate");
    let krate_arg = krate.display().to_string();
    generate(&spec.display().to_string(), &krate_arg, Some(&published_v1));
    let changelog = std::fs::read_to_string(krate.join("CHANGELOG.md")).unwrap();
    assert!(changelog.contains("## 1.3.0 (contract 1.3)"), "{changelog}");
    let (ok, out) = publish(&[&krate_arg], &registry, &target);
    assert!(ok, "{out}");
    assert!(
        out.contains("bcss diff says the Rust API is compatible, cargo semver-checks says the Rust API is compatible"),
        "{out}"
    );
    assert!(
        out.contains("bcss-social-status 1.3.0 (after 1.2.0): published to `partner`"),
        "{out}"
    );

    // A partner's crate outside the workspace builds against 1.2.0, then 1.3.0, and calls the
    // sandbox over mutual TLS with each.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime.block_on(async {
        bcss_runtime::install_crypto_provider();
        let sandbox = bcss_sandbox::Sandbox::start(bcss_sandbox::SandboxConfig {
            scopes: vec![
                "scope:cbss:api:socialStatus:consult".into(),
                "scope:cbss:api:socialStatus:update".into(),
            ],
            ..bcss_sandbox::SandboxConfig::default()
        })
        .await
        .unwrap();
        sandbox
            .serve_contract(&root().join("specs/socialStatus"))
            .unwrap();
        sandbox
    });
    let sandbox_dir = tmp.path().join("sandbox");
    sandbox.write_dir(&sandbox_dir).unwrap();
    let app = tmp.path().join("allowance-office");
    for (requirement, expected) in [("=1.2.0", "1.2.0"), ("1.2", "1.3.0")] {
        consumer(&app, requirement);
        let out = run(
            Command::new(env!("CARGO"))
                .args(["run", "--quiet", "--manifest-path"])
                .arg(app.join("Cargo.toml"))
                .arg("--")
                .arg(sandbox_dir.join("bcss.toml")),
            &registry,
            &target,
        );
        let text = text(&out);
        assert!(out.status.success(), "{requirement}: {text}");
        assert!(text.contains("person(s) found, status 200"), "{text}");
        assert_eq!(resolved_version(&app.join("Cargo.lock")), expected);
    }
    drop(sandbox);
}
