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

#[test]
fn the_annex_picks_the_security_alternative_it_grants() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/employerRegistry");
    let annex = spec.join("annex.yaml");
    let inspection_only = std::fs::read_to_string(&annex).unwrap().replace(
        "  - scope:cbss:api:employerRegistry:consult\n",
        "  - scope:cbss:api:employerRegistry:inspect\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let annex = dir.path().join("annex.yaml");
    std::fs::write(&annex, inspection_only).unwrap();
    let generated = bcss_codegen::Generator::new(&spec)
        .annex(&annex)
        .skip_unauthorised()
        .rustfmt(false)
        .generate()
        .unwrap();
    let client = &generated.krate.files["src/client.rs"];
    assert!(
        client.contains("pub fn list_establishments("),
        "authorised by its first alternative"
    );
    assert!(client.contains("this client uses `scope:cbss:api:employerRegistry:inspect`"));
    assert!(
        !client.contains("pub fn get_employer("),
        "consult only: left out"
    );
    assert!(
        generated
            .warnings
            .iter()
            .any(|w| w.code == "unauthorised-operation" && w.message.contains("(`get_employer`)"))
    );
}
