//! Operation-level contract parts the client cannot cover are warnings with their JSON pointer,
//! listed in the generated crate's README.

use std::path::Path;

#[test]
fn a_parameter_style_not_allowed_where_it_is_is_a_warning_listed_in_the_readme() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/odd");
    let generated = bcss_codegen::Generator::new(&spec)
        .rustfmt(false)
        .generate()
        .unwrap();
    let warning = generated
        .warnings
        .iter()
        .find(|w| w.code == "unsupported-parameter-style")
        .expect("the query parameter in matrix style is reported");
    assert_eq!(
        warning.pointer,
        "/paths/~1hostile~1config~1{a}~1{b}~1{c}~1{d}~1{e}~1{f}~1{g}~1{h}/get/parameters/13/style"
    );
    let readme = &generated.krate.files["README.md"];
    assert!(
        readme.contains("- `unsupported-parameter-style` at `openapi.yaml#/paths/~1hostile"),
        "{readme}"
    );
    assert_eq!(
        generated
            .warnings
            .iter()
            .filter(|w| w.code == "cookie-parameter")
            .count(),
        1,
        "a path item reached twice reports its warnings once"
    );
}

#[test]
fn a_contract_without_warnings_says_so_in_its_readme() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/employerRegistry");
    let generated = bcss_codegen::Generator::new(&spec)
        .annex(spec.join("annex.yaml"))
        .rustfmt(false)
        .generate()
        .unwrap();
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    assert!(
        generated.krate.files["README.md"]
            .contains("## Generation warnings\n\nNone: the client covers the whole contract.")
    );
}
