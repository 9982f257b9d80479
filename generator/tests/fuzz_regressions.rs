//! The in-memory entry point the fuzzer uses, and every input `cargo xtask fuzz` found that made
//! the generator panic: each must now get a diagnostic (or generate), never a panic.

use bcss_codegen::check::{self, UnauthorisedOperations};
use bcss_codegen::emit::{self, EmitOptions, RuntimeDependency};
use bcss_codegen::ir::Api;
use bcss_codegen::{Contract, Diagnostic};

/// What the `contract` fuzz target does, returning the first diagnostic.
fn run(name: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
    let contract = Contract::from_bytes(name, bytes)?;
    let mut api = Api::from_contract(&contract)?;
    check::apply(&contract, &mut api, None, UnauthorisedOperations::Fail)?;
    let options = EmitOptions {
        crate_name: "bcss-fuzzed".into(),
        runtime: RuntimeDependency::Version("0.1.0".into()),
        standalone: true,
        rustfmt: false,
        previous: None,
    };
    emit::emit(&api, None, &options).map(drop)
}

#[test]
fn a_single_file_contract_loads_from_memory_and_generates_without_rustfmt() {
    let spec = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../specs/odd/openapi.yaml"
    ))
    .unwrap();
    let contract = Contract::from_bytes("openapi.yaml", &spec).unwrap();
    assert_eq!(contract.file_count(), 1);
    run("openapi.yaml", &spec).unwrap();
}

#[test]
fn an_external_ref_in_memory_is_a_diagnostic_not_a_read() {
    let spec = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          $ref: 'other.yaml#/components/responses/Ok'\n";
    let d = run("openapi.yaml", spec).unwrap_err();
    assert_eq!(d.file, "openapi.yaml");
    assert_eq!(d.pointer, "/paths/~1a/get/responses/200");
    assert!(d.message.contains("other.yaml"), "{d}");
    assert!(d.message.contains("in memory"), "{d}");
}
