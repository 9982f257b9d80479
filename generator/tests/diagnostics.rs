//! Bad input gets a diagnostic naming the file, the JSON pointer, what is wrong and what to do —
//! never a panic.

use std::path::{Path, PathBuf};

use bcss_codegen::{Generator, Severity};

fn invalid(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs/invalid")
        .join(name)
}

fn diagnose(spec: PathBuf) -> String {
    let d = Generator::new(&spec).generate().unwrap_err();
    assert_eq!(d.severity, Severity::Error);
    // Paths differ per machine: keep what follows the contract folder.
    d.to_string()
        .replace(&spec.parent().unwrap().display().to_string(), "<dir>")
}

#[test]
fn every_invalid_fixture_gets_a_precise_diagnostic() {
    let cases = [
        ("swagger-1.2.yaml", "Swagger 1.2 is not supported"),
        ("openapi-4.0.yaml", "OpenAPI 4.0.0 is not supported"),
        (
            "swagger-2.0-two-bodies.yaml",
            "a second `in: body` parameter",
        ),
        ("dangling-ref.yaml", "$ref"),
        ("ref-cycle", "cycle"),
        ("yaml-syntax-error.yaml", "invalid YAML at line"),
        ("unknown-type.yaml", "unknown type `"),
    ];
    for (name, needle) in cases {
        let text = diagnose(invalid(name));
        assert!(text.contains(needle), "{name}: {text}");
        assert!(
            text.contains("hint:") || name.starts_with("yaml"),
            "{name} has no hint: {text}"
        );
        insta::assert_snapshot!(name.replace('.', "_"), text);
    }
}

#[test]
fn an_operation_whose_scope_the_annex_lacks_fails_or_is_left_out_on_request() {
    let dir = invalid("missing-scope");
    let err = Generator::new(&dir)
        .annex(dir.join("annex.yaml"))
        .generate()
        .unwrap_err();
    assert!(err.to_string().contains("does not grant"), "{err}");
    assert!(err.pointer.starts_with("/paths/"), "{}", err.pointer);
    let generated = Generator::new(&dir)
        .annex(dir.join("annex.yaml"))
        .skip_unauthorised()
        .generate()
        .unwrap();
    assert_eq!(generated.warnings.len(), 1);
    assert_eq!(generated.warnings[0].severity, Severity::Warning);
}

#[test]
fn inputs_that_are_not_contracts_are_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let err = Generator::new(tmp.path()).generate().unwrap_err();
    assert!(err.to_string().contains("no openapi.yaml"), "{err}");
    let err = Generator::new(tmp.path().join("missing.yaml"))
        .generate()
        .unwrap_err();
    assert!(err.to_string().contains("cannot read"), "{err}");
    let not_zip = tmp.path().join("contract.zip");
    std::fs::write(&not_zip, b"not a zip").unwrap();
    let err = Generator::new(&not_zip).generate().unwrap_err();
    assert!(err.to_string().contains("not a readable zip"), "{err}");
    let list = tmp.path().join("list.yaml");
    std::fs::write(&list, "- a\n- b\n").unwrap();
    let err = Generator::new(&list).generate().unwrap_err();
    assert!(err.to_string().contains("not a mapping"), "{err}");
    let bad_name =
        Generator::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/socialStatus"))
            .crate_name("9lives");
    assert!(
        bad_name
            .generate()
            .unwrap_err()
            .to_string()
            .contains("crate name")
    );
}
