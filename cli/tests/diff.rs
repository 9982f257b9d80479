//! `bcss diff`, the real binary, on contract files in a temporary folder: the JSON report's
//! fields, `--fail-on-breaking`, and a missing file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const OLD: &str = r##"
openapi: 3.0.3
info: {title: Demo, version: "1.0"}
servers: [{url: /demo/v1}]
paths:
  /persons/{id}:
    get:
      operationId: getPerson
      security: [{oauth: ["scope:demo:consult"]}]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The person.
          content: {application/json: {schema: {$ref: "#/components/schemas/Person"}}}
components:
  schemas:
    Person:
      type: object
      required: [name]
      properties:
        name: {type: string}
        status: {type: string, enum: [employee, retired]}
"##;

fn bcss(args: &[&Path], flags: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bcss"))
        .arg("diff")
        .args(args)
        .args(flags)
        .output()
        .expect("bcss runs")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The old contract and two new ones: one with a compatible change (a new status value), one
/// with a breaking one (the operation's name changed).
fn contracts(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let old = write(dir, "old.yaml", OLD);
    let compatible = write(
        dir,
        "compatible.yaml",
        &OLD.replace("[employee, retired]", "[employee, retired, unemployed]")
            .replace("version: \"1.0\"", "version: \"1.1\""),
    );
    let breaking = write(
        dir,
        "breaking.yaml",
        &OLD.replace("operationId: getPerson", "operationId: readPerson"),
    );
    (old, compatible, breaking)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_json_report_parses_and_has_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (old, _, breaking) = contracts(dir.path());
    let out = bcss(&[&old, &breaking], &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON on stdout");
    assert_eq!(json["breaking"], true);
    assert_eq!(json["rust_breaking"], true);
    assert_eq!(json["wire_breaking"], false);
    assert_eq!(json["required_bump"], "major");
    for side in ["old", "new"] {
        assert_eq!(json[side]["title"], "Demo");
        assert_eq!(json[side]["sha256"].as_str().map(str::len), Some(64));
    }
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let c = &changes[0];
    assert_eq!(c["kind"], "operation_renamed");
    assert_eq!(c["location"], "GET /persons/{id}");
    assert_eq!(
        (&c["wire"], &c["rust"]),
        (&"compatible".into(), &"breaking".into())
    );
    assert_eq!(c["breaking"], true);
    assert_eq!(
        (&c["old"], &c["new"]),
        (&"get_person".into(), &"read_person".into())
    );
    assert!(c["message"].as_str().unwrap().contains("get_person"));
}

#[test]
fn fail_on_breaking_exits_1_on_a_breaking_pair_and_0_on_a_compatible_one() {
    let dir = tempfile::tempdir().unwrap();
    let (old, compatible, breaking) = contracts(dir.path());
    let out = bcss(&[&old, &breaking], &["--fail-on-breaking"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stdout(&out).contains("BREAKING"), "{}", stdout(&out));
    let out = bcss(
        &[&old, &compatible],
        &["--fail-on-breaking", "--format", "md"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let md = stdout(&out);
    assert!(md.starts_with("No breaking change\n"), "{md}");
    assert!(md.contains("type PersonStatus value unemployed"), "{md}");
    // Without the flag a breaking pair is still a successful comparison.
    assert_eq!(bcss(&[&old, &breaking], &[]).status.code(), Some(0));
}

#[test]
fn a_missing_contract_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (old, _, _) = contracts(dir.path());
    let missing = dir.path().join("nowhere.yaml");
    let out = bcss(&[&old, &missing], &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nowhere.yaml") && err.contains("NEW"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_broken_contract_exits_2_naming_the_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let (old, _, _) = contracts(dir.path());
    let broken = write(
        dir.path(),
        "broken.yaml",
        &OLD.replace(
            "\"#/components/schemas/Person\"",
            "\"#/components/schemas/Nobody\"",
        ),
    );
    let out = bcss(&[&broken, &old], &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("OLD") && err.contains("broken.yaml#/paths"),
        "{err}"
    );
}

#[test]
fn a_generated_crate_stands_for_the_contract_it_carries() {
    let dir = tempfile::tempdir().unwrap();
    let (old, _, breaking) = contracts(dir.path());
    let krate = dir.path().join("published");
    bcss_codegen::Generator::new(&old).write_to(&krate).unwrap();
    let out = bcss(&[&krate, &breaking], &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["breaking"], true);
    assert_eq!(
        report["changes"][0]["kind"], "operation_renamed",
        "{report}"
    );
    // The crate against its own contract: nothing changed.
    let same = bcss(&[&krate, &old], &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&same)).unwrap();
    assert_eq!(report["changes"], serde_json::json!([]), "{report}");
}
