//! OpenAPI 3.1 contracts are read as their 3.0 equivalent: JSON Schema 2020-12 spellings become
//! the 3.0 ones when loaded, what cannot be expressed is a warning with file and pointer, and
//! the same spellings in a document labelled 3.0 are accepted with a warning.

use std::path::{Path, PathBuf};

use bcss_codegen::load::Loc;
use bcss_codegen::{Contract, Generator};
use serde_json::{Value, json};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/oas31")
}

fn at(c: &Contract, pointer: &str) -> Value {
    c.get(&Loc {
        file: 0,
        pointer: pointer.into(),
    })
    .cloned()
    .unwrap_or(Value::Null)
}

#[test]
fn json_schema_2020_12_spellings_are_read_as_their_openapi_3_0_equivalent() {
    let c = Contract::load(&sample()).unwrap();
    let notice = "/components/schemas/Notice/properties";
    assert_eq!(
        at(&c, &format!("{notice}/expiresOn")),
        json!({"type": "string", "format": "date", "nullable": true,
               "description": "Null when the notice does not expire."})
    );
    assert_eq!(at(&c, &format!("{notice}/kind/enum")), json!(["notice"]));
    assert_eq!(at(&c, &format!("{notice}/schemaVersion/enum")), json!([2]));
    assert_eq!(
        at(&c, &format!("{notice}/title/example")),
        json!("Closure on 11 November")
    );
    let priority = at(&c, &format!("{notice}/priority"));
    assert_eq!(
        (
            &priority["minimum"],
            &priority["exclusiveMinimum"],
            &priority["maximum"],
            &priority["exclusiveMaximum"]
        ),
        (&json!(0), &json!(true), &json!(10), &json!(true))
    );
    // `anyOf: [$ref, {type: 'null'}]`: the reference, nullable, its description kept.
    assert_eq!(
        at(&c, &format!("{notice}/replaces")),
        json!({"description": "The notice this one replaces, if any.",
               "$ref": "#/components/schemas/NoticeSummary", "nullable": true})
    );
    // `oneOf: [{inline}, {type: 'null'}]`: the inline schema itself, nullable.
    let location = at(&c, &format!("{notice}/location"));
    assert_eq!(location["type"], "object");
    assert_eq!(location["nullable"], true);
    assert!(location.get("oneOf").is_none());
    assert_eq!(
        at(
            &c,
            "/components/schemas/Notice/$defs/Attachment/properties/thumbnail/format"
        ),
        "byte"
    );
    assert_eq!(
        at(
            &c,
            "/paths/~1notices~1{noticeId}~1document/get/responses/200/content/application~1pdf/schema/format"
        ),
        "binary"
    );
    let codes: Vec<&str> = c.warnings().iter().map(|w| w.code).collect();
    assert_eq!(codes, ["webhooks"]);
}

#[test]
fn the_oas31_sample_generates_its_path_items_defs_and_licence() {
    let generated = Generator::new(sample())
        .annex(sample().join("annex.yaml"))
        .generate()
        .unwrap();
    let files = &generated.krate.files;
    assert!(files["src/client.rs"].contains("pub fn get_health"));
    assert!(files["src/types.rs"].contains("pub struct Attachment"));
    assert!(files["src/types.rs"].contains("pub expires_on: Option<"));
    assert!(files["Cargo.toml"].contains("contract-license = \"CC-BY-4.0\""));
    let webhooks = &generated.warnings[0];
    assert_eq!(
        (webhooks.code, webhooks.pointer.as_str()),
        ("webhooks", "/webhooks")
    );
}

fn load(dir: &Path, text: &str) -> Contract {
    let path = dir.join("openapi.yaml");
    std::fs::write(&path, text).unwrap();
    Contract::load(&path).unwrap()
}

#[test]
fn keywords_without_a_3_0_reading_are_warnings_with_their_pointer() {
    let tmp = tempfile::tempdir().unwrap();
    let c = load(
        tmp.path(),
        "openapi: 3.1.0\ninfo: {title: demo, version: '1'}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        any: {type: [string, integer]}\n        pair: {type: array, prefixItems: [{type: string}, {type: integer}]}\n        when: {if: {type: string}, then: {minLength: 1}}\n        strict: {type: object, unevaluatedProperties: false}\n",
    );
    let found: Vec<(&str, &str)> = c
        .warnings()
        .iter()
        .map(|w| (w.code, w.pointer.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("type-list", "/components/schemas/A/properties/any/type"),
            (
                "unsupported-keyword",
                "/components/schemas/A/properties/pair/prefixItems"
            ),
            (
                "unsupported-keyword",
                "/components/schemas/A/properties/when/if"
            ),
        ]
    );
    // `null` among enum values: nullable, the other values kept.
    let c = load(
        tmp.path(),
        "openapi: 3.1.0\ninfo: {title: demo, version: '1'}\ncomponents:\n  schemas:\n    Level: {type: [string, 'null'], enum: [low, high, null]}\n",
    );
    assert_eq!(
        at(&c, "/components/schemas/Level"),
        json!({"type": "string", "nullable": true, "enum": ["low", "high"]})
    );
    // Constraints beside a `$ref` apply too (an intersection), annotations stay.
    let c = load(
        tmp.path(),
        "openapi: 3.1.0\ninfo: {title: demo, version: '1'}\ncomponents:\n  schemas:\n    B: {type: object, properties: {b: {type: string}}}\n    A: {$ref: '#/components/schemas/B', description: d, required: [a], properties: {a: {type: integer}}}\n",
    );
    assert_eq!(
        at(&c, "/components/schemas/A"),
        json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/B"},
               {"required": ["a"], "properties": {"a": {"type": "integer"}}}]})
    );
    // A 3.1 document may leave `paths` out.
    assert_eq!(at(&c, "/paths"), json!({}));
}

#[test]
fn openapi_3_1_spellings_in_a_3_0_document_are_accepted_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let c = load(
        tmp.path(),
        "openapi: 3.0.3\ninfo: {title: demo, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          anyOf:\n            - $ref: '#/components/schemas/B'\n            - type: 'null'\n        c: {type: [string, 'null']}\n    B: {type: string, const: x}\n",
    );
    let found: Vec<(&str, &str)> = c
        .warnings()
        .iter()
        .map(|w| (w.code, w.pointer.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "openapi-3.1-keyword-in-3.0",
                "/components/schemas/A/properties/b/anyOf"
            ),
            (
                "openapi-3.1-keyword-in-3.0",
                "/components/schemas/A/properties/c/type"
            ),
            ("openapi-3.1-keyword-in-3.0", "/components/schemas/B/const"),
        ]
    );
    assert_eq!(
        at(&c, "/components/schemas/A/properties/b"),
        json!({"$ref": "#/components/schemas/B", "nullable": true})
    );
    // The same document labelled 3.1 is normal.
    let c = load(
        tmp.path(),
        "openapi: 3.1.0\ninfo: {title: demo, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    B: {type: [string, 'null'], const: x}\n",
    );
    assert!(c.warnings().is_empty(), "{:?}", c.warnings());
}

#[test]
fn a_diagnostic_inside_a_merged_null_alternative_names_the_alternative() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("openapi.yaml");
    std::fs::write(
        &path,
        "openapi: 3.1.0\ninfo: {title: demo, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          oneOf:\n            - type: object\n              properties:\n                c: {type: foo}\n            - type: 'null'\n",
    )
    .unwrap();
    let err = Generator::new(&path).generate().unwrap_err();
    assert_eq!(
        err.pointer, "/components/schemas/A/properties/b/oneOf/0/properties/c/type",
        "{err}"
    );
}

#[test]
fn versions_are_read_by_major_and_minor() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("openapi.yaml");
    for (version, accepted) in [
        ("3.0.3", true),
        ("'3.1'", true),
        ("3.0", true),
        ("3.1.1", true),
        ("3.10.0", false),
        ("3.2.0", false),
        ("'2.0'", false),
    ] {
        std::fs::write(
            &path,
            format!("openapi: {version}\ninfo: {{title: demo, version: '1'}}\npaths: {{}}\n"),
        )
        .unwrap();
        let loaded = Contract::load(&path);
        assert_eq!(loaded.is_ok(), accepted, "{version}");
        if let Err(d) = loaded {
            assert_eq!(d.pointer, "/openapi", "{version}: {d}");
        }
    }
}
