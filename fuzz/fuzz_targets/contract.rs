//! Contract bytes → load → IR → check → emit (without rustfmt). Any input may be refused with a
//! diagnostic; none may panic.
#![no_main]

use bcss_codegen::Contract;
use bcss_codegen::check::{self, UnauthorisedOperations};
use bcss_codegen::emit::{self, EmitOptions, RuntimeDependency};
use bcss_codegen::ir::Api;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the file name (so both the YAML and the JSON parser are reached) and
    // the check policy; the rest is the document.
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let name = if selector & 1 == 0 {
        "openapi.yaml"
    } else {
        "openapi.json"
    };
    let policy = if selector & 2 == 0 {
        UnauthorisedOperations::Fail
    } else {
        UnauthorisedOperations::Skip
    };
    let Ok(contract) = Contract::from_bytes(name, bytes) else {
        return;
    };
    let Ok(mut api) = Api::from_contract(&contract) else {
        return;
    };
    if check::apply(&contract, &mut api, None, policy).is_err() {
        return;
    }
    let options = EmitOptions {
        crate_name: "bcss-fuzzed".into(),
        runtime: RuntimeDependency::Version("0.1.0".into()),
        standalone: true,
        rustfmt: false,
        previous: None,
    };
    // The contract diff reads the same IR: it must not panic on any of it either.
    let _ = bcss_codegen::diff::diff_apis(&api, &api);
    let _ = emit::emit(&api, None, &options);
});
