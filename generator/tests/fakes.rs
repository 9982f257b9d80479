//! The generated `testing` module: one fake per operation, named so that it never collides with
//! the methods every `Fakes` has.

use bcss_codegen::{Generator, emit};

const CONTRACT: &str = r#"
openapi: 3.0.3
info: { title: fakes, version: "1.0" }
servers: [{ url: /fakes/v1 }]
paths:
  /a:
    get:
      operationId: client
      responses: { "204": { description: none } }
  /b:
    get:
      operationId: clientFake
      responses: { "204": { description: none } }
  /c:
    get:
      operationId: gateway
      responses: { "204": { description: none } }
  /d:
    get:
      operationId: new
      responses: { "204": { description: none } }
  /e:
    get:
      operationId: allowUnmatched
      responses: { "204": { description: none } }
"#;

#[test]
fn a_fake_named_like_a_fakes_method_gets_the_fake_suffix_numbered_if_taken() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openapi.yaml");
    std::fs::write(&spec, CONTRACT).unwrap();
    let contract = bcss_codegen::Contract::load(&spec).unwrap();
    let api = bcss_codegen::ir::Api::from_contract(&contract).unwrap();
    assert_eq!(
        emit::fake_names(&api),
        [
            "client_fake2",
            "client_fake",
            "gateway_fake",
            // The client's own method is already `new_operation`.
            "new_operation",
            "allow_unmatched_fake",
        ]
    );
    let generated = Generator::new(&spec).rustfmt(false).generate().unwrap();
    let testing = &generated.krate.files["src/testing.rs"];
    for fake in [
        "client_fake2",
        "client_fake",
        "gateway_fake",
        "new_operation",
    ] {
        assert!(
            testing.contains(&format!("pub fn {fake}(&self)")),
            "{testing}"
        );
        assert!(testing.contains(&format!("fake: \"{fake}\"")), "{testing}");
    }
    for own in emit::FAKES_METHODS {
        assert_eq!(
            testing.matches(&format!("pub fn {own}(")).count(),
            usize::from(*own != "default"),
            "`{own}` is defined once, by `Fakes` itself"
        );
    }
}
