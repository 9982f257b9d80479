//! Swagger 2.0 contracts are converted to OpenAPI 3.0 when loaded: the client is the one their
//! 3.0 equivalent gives, the annex applies to their OAuth2 scopes, and diagnostics name the place
//! in the 2.0 document.

use std::path::{Path, PathBuf};

use bcss_codegen::{Generator, Severity};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/swagger2")
}

fn generate(spec: &Path) -> bcss_codegen::Generated {
    Generator::new(spec)
        .annex(sample().join("annex.yaml"))
        .crate_name("bcss-document-exchange")
        .generate()
        .unwrap_or_else(|d| panic!("{} generates: {d}", spec.display()))
}

#[test]
fn swagger2_and_its_openapi3_equivalent_give_the_same_client() {
    let from_2 = generate(&sample().join("swagger.yaml"));
    let from_3 = generate(&sample().join("openapi.yaml"));
    assert!(from_2.warnings.is_empty(), "{:?}", from_2.warnings);
    assert!(from_3.warnings.is_empty(), "{:?}", from_3.warnings);
    // Each crate carries its own contract file, by its own name.
    let code = |g: &bcss_codegen::Generated| {
        g.krate
            .files
            .keys()
            .filter(|f| !f.starts_with("contract/"))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(code(&from_2), code(&from_3));
    for file in code(&from_2) {
        let (content, other) = (&from_2.krate.files[&file], &from_3.krate.files[&file]);
        // The contract's hash and file name differ, as they should.
        let without_hash = |s: &str| {
            s.lines()
                .filter(|l| {
                    !l.starts_with("contract-sha256")
                        && !l.starts_with("contract = ")
                        && !l.contains("SHA-256")
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            without_hash(content),
            without_hash(other),
            "{file} differs between swagger.yaml and openapi.yaml"
        );
    }
    let operations = &from_2.krate.files["src/client.rs"];
    for op in [
        "list_documents",
        "send_document",
        "upload_document_content",
        "download_document_content",
        "subscribe",
    ] {
        assert!(operations.contains(op), "{op} missing");
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const HEADER: &str = "swagger: '2.0'\ninfo: {title: demo, version: '1'}\nbasePath: /demo/v1\n";

#[test]
fn a_diagnostic_in_a_swagger2_document_names_the_original_pointer() {
    let tmp = tempfile::tempdir().unwrap();
    // An unknown type in a definition: the error names `definitions`, not `components/schemas`.
    let spec = write(
        tmp.path(),
        "definition.yaml",
        &format!(
            "{HEADER}paths: {{}}\ndefinitions:\n  Notice:\n    type: object\n    properties:\n      priority: {{type: foo}}\n"
        ),
    );
    let err = Generator::new(&spec).generate().unwrap_err();
    assert_eq!(
        err.pointer, "/definitions/Notice/properties/priority/type",
        "{err}"
    );
    // A form field synthesised into a multipart body schema: the error names the parameter.
    let spec = write(
        tmp.path(),
        "form.yaml",
        &format!(
            "{HEADER}paths:\n  /a:\n    post:\n      consumes: [multipart/form-data]\n      parameters:\n        - {{name: q, in: query, type: string}}\n        - {{name: file, in: formData, type: file}}\n        - {{name: size, in: formData, type: bar}}\n      responses:\n        '204': {{description: done}}\n"
        ),
    );
    let err = Generator::new(&spec).generate().unwrap_err();
    assert_eq!(
        err.file,
        spec.display().to_string().rsplit('/').next().unwrap()
    );
    assert_eq!(err.pointer, "/paths/~1a/post/parameters/2/type", "{err}");
    // A conversion warning names the 2.0 keyword.
    let spec = write(
        tmp.path(),
        "tsv.yaml",
        &format!(
            "{HEADER}paths:\n  /a:\n    get:\n      parameters:\n        - {{name: ids, in: query, type: array, items: {{type: string}}, collectionFormat: tsv}}\n      responses:\n        '200': {{description: done}}\n"
        ),
    );
    let generated = Generator::new(&spec).generate().unwrap();
    let w = &generated.warnings[0];
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.code, "tsv-collection-format");
    assert_eq!(w.pointer, "/paths/~1a/get/parameters/0/collectionFormat");
}

#[test]
fn the_annex_scope_check_applies_to_swagger2_oauth2_scopes() {
    let tmp = tempfile::tempdir().unwrap();
    let annex = write(
        tmp.path(),
        "annex.yaml",
        "api: documentExchange\nclientId: {test: partner}\nscopes: ['scope:cbss:api:documentExchange:consult']\nlegalContexts: [DOCUMENTS:CONSULTATION]\nintegrationControls: none\n",
    );
    for spec in ["swagger.yaml", "openapi.yaml"] {
        let spec = sample().join(spec);
        let err = Generator::new(&spec).annex(&annex).generate().unwrap_err();
        assert!(err.to_string().contains("does not grant"), "{err}");
        assert!(
            err.to_string()
                .contains("scope:cbss:api:documentExchange:update"),
            "{err}"
        );
        let generated = Generator::new(&spec)
            .annex(&annex)
            .skip_unauthorised()
            .generate()
            .unwrap();
        let left_out: Vec<&str> = generated
            .warnings
            .iter()
            .filter(|w| w.code == "unauthorised-operation")
            .map(|w| w.pointer.as_str())
            .collect();
        assert_eq!(
            left_out,
            [
                "/paths/~1documents/post",
                "/paths/~1documents~1{documentId}~1content/put",
                "/paths/~1subscriptions/post"
            ],
            "{}",
            spec.display()
        );
        let client = &generated.krate.files["src/client.rs"];
        assert!(client.contains("fn list_documents"));
        assert!(!client.contains("fn send_document"));
    }
}

#[test]
fn the_ebox_federation_contract_keeps_its_oauth2_scopes() {
    // A public Swagger 2.0 contract (read-only corpus beside the repository, when present).
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../../shared/corpus/bcss/ebox-enterprise/documentation-site/static/openapi/ebox-federation-1.3.yaml",
    );
    if !spec.is_file() {
        return;
    }
    let contract = bcss_codegen::Contract::load(&spec).unwrap();
    let scopes = contract
        .get(&bcss_codegen::load::Loc {
            file: 0,
            pointer: "/components/securitySchemes/oauth2/flows/implicit/scopes".into(),
        })
        .and_then(|s| s.as_object())
        .map(|s| s.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    assert_eq!(
        scopes,
        [
            "scope:documentmanagement:ebox:enterprise:federation-rest:registry",
            "scope:documentmanagement:ebox:enterprise:federation-rest:preference"
        ]
    );
}

/// Odd Swagger 2.0 and OpenAPI 3.1 documents go through the fuzzer's path (memory → IR → emit):
/// each is generated or refused with a diagnostic, never a panic.
#[test]
fn odd_swagger2_and_openapi31_documents_are_diagnosed_never_a_panic() {
    use bcss_codegen::check::{self, UnauthorisedOperations};
    use bcss_codegen::emit::{self, EmitOptions, RuntimeDependency};
    use bcss_codegen::ir::Api;
    let run = |bytes: &str| -> Result<(), bcss_codegen::Diagnostic> {
        let contract = bcss_codegen::Contract::from_bytes("openapi.yaml", bytes.as_bytes())?;
        let mut api = Api::from_contract(&contract)?;
        check::apply(&contract, &mut api, None, UnauthorisedOperations::Skip)?;
        let options = EmitOptions {
            crate_name: "bcss-odd".into(),
            runtime: RuntimeDependency::Version("0.1.0".into()),
            standalone: true,
            rustfmt: false,
            previous: None,
        };
        emit::emit(&api, None, &options).map(drop)
    };
    let info = "info: {title: t, version: '1'}\n";
    let odd = [
        format!("swagger: '2.0'\n{info}paths: []\n"),
        format!("swagger: 2.0\n{info}paths: {{/a: {{get: {{parameters: 3, responses: x}}}}}}\n"),
        format!(
            "swagger: '2.0'\n{info}paths: {{/a: {{post: {{parameters: [x, {{in: formData}}, {{in: body}}], responses: {{'200': {{schema: {{type: file}}}}}}}}}}}}\n"
        ),
        format!(
            "swagger: '2.0'\n{info}paths: {{/a: {{parameters: [{{$ref: '#/parameters/p'}}], get: {{responses: {{}}}}}}}}\nparameters: {{p: {{$ref: '#/parameters/p'}}}}\n"
        ),
        format!(
            "swagger: '2.0'\n{info}paths: {{/a: {{get: {{parameters: [{{$ref: '#/parameters/missing'}}], responses: {{}}}}}}}}\n"
        ),
        format!(
            "swagger: '2.0'\n{info}paths: {{}}\nsecurityDefinitions: {{o: {{type: oauth2}}}}\n"
        ),
        format!(
            "swagger: '2.0'\n{info}paths: {{}}\ndefinitions: [1, 2]\nconsumes: application/json\nhost: h\nschemes: [1]\n"
        ),
        format!(
            "swagger: '2.0'\n{info}paths: {{/a: {{get: {{parameters: [{{name: q, in: query, type: array, collectionFormat: bogus}}], responses: {{'200': {{description: d, headers: {{H: 3}}}}}}}}}}}}\n"
        ),
        format!(
            "openapi: 3.1.0\n{info}components: {{schemas: {{A: {{type: []}}, B: {{type: [1, 'null']}}, C: {{anyOf: [{{type: 'null'}}]}}, D: {{examples: []}}, E: {{exclusiveMinimum: 1e300, minimum: true}}, F: {{oneOf: [{{type: 'null'}}, 3]}}}}}}\n"
        ),
        format!(
            "openapi: 3.1.0\n{info}webhooks: 3\npaths: {{/a: {{$ref: '#/components/pathItems/nope'}}}}\n"
        ),
        "swagger: [2]\ninfo: {title: t, version: '1'}\n".to_owned(),
    ];
    for doc in odd {
        let _ = run(&doc);
    }
}

/// Swagger 2.0 building blocks reference each other across files (the Belgif ones do): every
/// file is converted, and every `$ref` into a converted file — from a 2.0 or a 3.0 document —
/// follows it, for definitions, parameters (body ones included) and responses.
#[test]
fn references_across_converted_files_follow_the_conversion() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "blocks.yaml",
        "swagger: '2.0'\ninfo: {title: blocks, version: '1'}\npaths: {}\nparameters:\n  page: {name: page, in: query, type: integer, format: int32}\n  notice: {name: notice, in: body, required: true, schema: {$ref: '#/definitions/Notice'}}\nresponses:\n  Gone: {description: gone, schema: {$ref: '#/definitions/Notice'}}\ndefinitions:\n  Notice:\n    type: object\n    properties:\n      title: {type: string}\n      priority: {type: wrong}\n",
    );
    let root = write(
        tmp.path(),
        "openapi.yaml",
        "swagger: '2.0'\ninfo: {title: demo, version: '1'}\nbasePath: /demo/v1\npaths:\n  /notices:\n    get:\n      operationId: listNotices\n      parameters: [{$ref: 'blocks.yaml#/parameters/page'}]\n      responses:\n        '200': {description: ok, schema: {type: array, items: {$ref: 'blocks.yaml#/definitions/Notice'}}}\n        '410': {$ref: 'blocks.yaml#/responses/Gone'}\n    post:\n      operationId: publishNotice\n      parameters: [{$ref: 'blocks.yaml#/parameters/notice'}]\n      responses:\n        '204': {description: done}\n",
    );
    let c = bcss_codegen::Contract::load(&root).unwrap();
    let at = |pointer: &str| {
        c.get(&bcss_codegen::load::Loc {
            file: 0,
            pointer: pointer.into(),
        })
        .cloned()
    };
    assert_eq!(
        at("/paths/~1notices/get/parameters/0/$ref").unwrap(),
        "blocks.yaml#/components/parameters/page"
    );
    assert_eq!(
        at("/paths/~1notices/post/requestBody/$ref").unwrap(),
        "blocks.yaml#/components/requestBodies/notice"
    );
    assert_eq!(
        at("/paths/~1notices/get/responses/410/$ref").unwrap(),
        "blocks.yaml#/components/responses/Gone"
    );
    // The error in the building block names it as written.
    let err = Generator::new(&root).generate().unwrap_err();
    assert_eq!(
        (err.file.as_str(), err.pointer.as_str()),
        (
            "blocks.yaml",
            "/definitions/Notice/properties/priority/type"
        ),
        "{err}"
    );
    // A 3.0 document using the same blocks.
    let root = write(
        tmp.path(),
        "openapi3.yaml",
        "openapi: 3.0.3\ninfo: {title: demo, version: '1'}\npaths:\n  /notices:\n    get:\n      parameters: [{$ref: 'blocks.yaml#/parameters/page'}]\n      responses:\n        '200':\n          description: ok\n          content: {application/json: {schema: {$ref: 'blocks.yaml#/definitions/Notice'}}}\n",
    );
    let c = bcss_codegen::Contract::load(&root).unwrap();
    let schema = c
        .get(&bcss_codegen::load::Loc {
            file: 0,
            pointer: "/paths/~1notices/get/responses/200/content/application~1json/schema/$ref"
                .into(),
        })
        .cloned();
    assert_eq!(schema.unwrap(), "blocks.yaml#/components/schemas/Notice");
}

/// Array fields of a urlencoded form keep their `collectionFormat` as the field's encoding.
#[test]
fn form_array_fields_keep_their_collection_format() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = write(
        tmp.path(),
        "form.yaml",
        &format!(
            "{HEADER}paths:\n  /a:\n    post:\n      consumes: [application/x-www-form-urlencoded]\n      parameters:\n        - {{name: ids, in: formData, type: array, items: {{type: string}}}}\n        - {{name: tags, in: formData, type: array, items: {{type: string}}, collectionFormat: multi}}\n      responses:\n        '204': {{description: done}}\n"
        ),
    );
    let c = bcss_codegen::Contract::load(&spec).unwrap();
    let encoding = c
        .get(&bcss_codegen::load::Loc {
            file: 0,
            pointer:
                "/paths/~1a/post/requestBody/content/application~1x-www-form-urlencoded/encoding"
                    .into(),
        })
        .cloned()
        .unwrap();
    assert_eq!(
        encoding,
        serde_json::json!({
            "ids": {"style": "form", "explode": false},
            "tags": {"style": "form", "explode": true},
        })
    );
}
