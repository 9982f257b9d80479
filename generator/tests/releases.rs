//! Releases of a generated crate: it carries its contract unchanged, its version follows the
//! contract until the Rust API breaks, and its changelog grows by the contract diff.

use std::path::{Path, PathBuf};

use bcss_codegen::{Contract, Generator};

fn social_status() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/socialStatus")
}

fn generate(spec: &Path, out: &Path, previous: Option<&Path>) -> bcss_codegen::Generated {
    let mut g = Generator::new(spec)
        .annex(social_status().join("annex.yaml"))
        .crate_name("bcss-social-status");
    if let Some(p) = previous {
        g = g.previous(p);
    }
    g.write_to(out).unwrap()
}

fn manifest_version(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    table["package"]["version"].as_str().unwrap().to_owned()
}

/// A copy of the socialStatus contract, calling itself `version`, after `edit` of its root file.
fn variant(dir: &Path, version: &str, edit: impl Fn(String) -> String) -> PathBuf {
    copy_dir(&social_status(), dir);
    let root = dir.join("openapi.yaml");
    let text = std::fs::read_to_string(&root).unwrap();
    let text = text.replacen(
        "  version: \"1.2\"",
        &format!("  version: \"{version}\""),
        1,
    );
    std::fs::write(&root, edit(text)).unwrap();
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

const NEW_OPERATION: &str = r##"  /statusCertificates/{certificateId}/summary:
    get:
      operationId: getStatusCertificateSummary
      summary: Get the summary of a status certificate
      security:
        - oauth-socsec:
            - scope:cbss:api:socialStatus:consult
      parameters:
        - $ref: "#/components/parameters/CertificateIdPathParameter"
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

fn with_new_operation(text: String) -> String {
    text.replacen("components:\n", NEW_OPERATION, 1)
}

fn without_certificate_download(text: String) -> String {
    let start = text
        .find("  /statusCertificates/{certificateId}:\n")
        .unwrap();
    let end = text.find("components:\n").unwrap();
    format!("{}{}", &text[..start], &text[end..])
}

#[test]
fn a_generated_crate_carries_its_contract_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("crate");
    generate(&social_status(), &out, None);
    let mut carried = 0;
    let mut stack = vec![out.join("contract")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(out.join("contract")).unwrap();
            let original = std::fs::read(social_status().join(relative)).unwrap();
            assert_eq!(
                std::fs::read(&path).unwrap(),
                original,
                "{}",
                path.display()
            );
            carried += 1;
        }
    }
    // openapi.yaml and the belgif/cbss files it references (not the annex, not unused files).
    assert!(carried >= 3, "{carried} files");
    assert!(!out.join("contract/annex.yaml").exists());
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("contract = \"contract/openapi.yaml\""),
        "{manifest}"
    );
    let reloaded = Contract::load(&out.join("contract/openapi.yaml")).unwrap();
    let original = Contract::load(&social_status()).unwrap();
    assert_eq!(reloaded.sha256, original.sha256);
    assert!(manifest.contains(&format!("contract-sha256 = \"{}\"", original.sha256)));
}

#[test]
fn a_contract_reaching_above_its_folder_still_resolves_inside_the_crate() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("api")).unwrap();
    std::fs::create_dir_all(tmp.path().join("shared")).unwrap();
    std::fs::write(
        tmp.path().join("api/openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: Above, version: '2.1'}\npaths:\n  /things:\n    get:\n      operationId: listThings\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '../shared/thing.yaml#/components/schemas/Thing'}\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("shared/thing.yaml"),
        "components:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        name: {type: string}\n",
    )
    .unwrap();
    let out = tmp.path().join("crate");
    Generator::new(tmp.path().join("api/openapi.yaml"))
        .write_to(&out)
        .unwrap();
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("contract = \"contract/_/openapi.yaml\""),
        "{manifest}"
    );
    assert!(out.join("contract/shared/thing.yaml").is_file());
    // The carried copy loads on its own: every reference resolves inside `contract/`.
    Contract::load(&out.join("contract/_/openapi.yaml")).unwrap();
    assert_eq!(manifest_version(&out), "2.1.0");
}

#[test]
fn a_first_release_takes_the_contracts_version() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("crate");
    generate(&social_status(), &out, None);
    assert_eq!(manifest_version(&out), "1.2.0");
    let changelog = std::fs::read_to_string(out.join("CHANGELOG.md")).unwrap();
    assert!(changelog.contains("## 1.2.0 (contract 1.2)"), "{changelog}");
    assert!(changelog.contains("First release"), "{changelog}");
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(
        lib.contains("# Provenance"),
        "the crate docs state the contract it comes from"
    );
}

#[test]
fn a_compatible_release_follows_the_contract_version_and_extends_the_changelog() {
    let tmp = tempfile::tempdir().unwrap();
    let v1 = tmp.path().join("v1");
    generate(&social_status(), &v1, None);
    let spec = variant(&tmp.path().join("spec-1.3"), "1.3", with_new_operation);
    let v2 = tmp.path().join("v2");
    generate(&spec, &v2, Some(&v1));
    assert_eq!(manifest_version(&v2), "1.3.0");
    let changelog = std::fs::read_to_string(v2.join("CHANGELOG.md")).unwrap();
    let new_entry = changelog.find("## 1.3.0 (contract 1.3)").expect(&changelog);
    let old_entry = changelog.find("## 1.2.0 (contract 1.2)").expect(&changelog);
    assert!(new_entry < old_entry, "newest first:\n{changelog}");
    assert!(changelog.contains("minor release"), "{changelog}");
    assert!(
        changelog.contains("getStatusCertificateSummary") || changelog.contains("/summary"),
        "{changelog}"
    );
}

#[test]
fn a_rust_api_break_in_a_minor_contract_version_forces_a_major_crate_version() {
    let tmp = tempfile::tempdir().unwrap();
    let v1 = tmp.path().join("v1");
    generate(&social_status(), &v1, None);
    let spec = variant(
        &tmp.path().join("spec-1.3"),
        "1.3",
        without_certificate_download,
    );
    let v2 = tmp.path().join("v2");
    generate(&spec, &v2, Some(&v1));
    assert_eq!(manifest_version(&v2), "2.0.0", "1.3 removes an operation");
    let changelog = std::fs::read_to_string(v2.join("CHANGELOG.md")).unwrap();
    assert!(changelog.contains("## 2.0.0 (contract 1.3)"), "{changelog}");
    assert!(changelog.contains("major release"), "{changelog}");
    assert!(changelog.contains("getStatusCertificate"), "{changelog}");
}

#[test]
fn a_previous_release_that_carries_no_contract_is_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("Cargo.toml"),
        "[package]\nname = \"old\"\nversion = \"1.0.0\"\n",
    )
    .unwrap();
    let err = Generator::new(social_status())
        .previous(tmp.path())
        .generate()
        .unwrap_err()
        .to_string();
    assert!(err.contains("metadata/bcss/contract"), "{err}");
    assert!(err.contains("Cargo.toml"), "{err}");
}

#[test]
fn regenerating_the_same_contract_after_itself_is_the_same_release() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("crate");
    generate(&social_status(), &out, None);
    let first = bcss_codegen::Generator::new(social_status())
        .annex(social_status().join("annex.yaml"))
        .crate_name("bcss-social-status")
        .generate()
        .unwrap()
        .krate;
    let again = generate(&social_status(), &out, Some(&out)).krate;
    assert_eq!(again, first, "no version bump, no new changelog entry");
}

#[test]
fn the_same_contract_by_another_generator_version_is_a_patch_release() {
    let tmp = tempfile::tempdir().unwrap();
    let v1 = tmp.path().join("v1");
    generate(&social_status(), &v1, None);
    let manifest = std::fs::read_to_string(v1.join("Cargo.toml")).unwrap();
    let older = manifest.replace(
        &format!("generator = \"bcss-codegen {}\"", env!("CARGO_PKG_VERSION")),
        "generator = \"bcss-codegen 0.0.1\"",
    );
    assert_ne!(older, manifest);
    std::fs::write(v1.join("Cargo.toml"), older).unwrap();
    let v2 = tmp.path().join("v2");
    generate(&social_status(), &v2, Some(&v1));
    assert_eq!(manifest_version(&v2), "1.2.1");
    let changelog = std::fs::read_to_string(v2.join("CHANGELOG.md")).unwrap();
    assert!(changelog.contains("## 1.2.1 (contract 1.2)"), "{changelog}");
    assert!(
        changelog.contains("patch release: no API change"),
        "{changelog}"
    );
}
