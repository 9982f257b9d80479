//! Schema shapes: what each becomes, and the warning (with its code and place) for each shape a
//! Rust type does not express.

use crate::Contract;
use crate::ir::{Api, Ty, TypeKind};

/// The IR of a contract whose `components/schemas` are `schemas` (YAML, indented by 4).
fn api(schemas: &str) -> Api {
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: Shapes, version: '1.0'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
    );
    let c = Contract::from_bytes("openapi.yaml", text.as_bytes()).expect("the contract loads");
    Api::from_contract(&c).expect("the contract has an IR")
}

/// `(code, pointer)` of every warning.
fn warnings(api: &Api) -> Vec<(&'static str, &str)> {
    api.types
        .warnings
        .iter()
        .map(|w| (w.code, w.pointer.as_str()))
        .collect()
}

fn kind<'a>(api: &'a Api, name: &str) -> &'a TypeKind {
    &api.types
        .defs
        .iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no type {name}"))
        .kind
}

fn code(api: &Api) -> String {
    crate::emit::emit_module(api, None).expect("the module renders")
}

#[test]
fn a_default_that_does_not_fit_its_type_is_a_warning_and_not_applied() {
    let api = api(r#"
    Query:
      type: object
      properties:
        size: {type: integer, format: int32, default: "twenty"}
        page: {type: integer, format: int32, default: 1}
        sort: {type: string, enum: [asc, desc], default: up}
        big: {type: integer, format: int32, default: 3000000000}
        at: {type: string, format: date-time, default: yesterday}
        code: {type: string, maxLength: 2, default: abc}
"#);
    assert_eq!(
        warnings(&api),
        [
            (
                "default-does-not-fit",
                "/components/schemas/Query/properties/size/default"
            ),
            (
                "default-does-not-fit",
                "/components/schemas/Query/properties/sort/default"
            ),
            (
                "default-does-not-fit",
                "/components/schemas/Query/properties/big/default"
            ),
            (
                "default-does-not-fit",
                "/components/schemas/Query/properties/at/default"
            ),
            (
                "default-does-not-fit",
                "/components/schemas/Query/properties/code/default"
            ),
        ]
    );
    let TypeKind::Struct { fields, .. } = kind(&api, "Query") else {
        panic!()
    };
    let defaults: Vec<_> = fields.iter().map(|f| f.default.clone()).collect();
    assert_eq!(
        defaults,
        [None, Some(serde_json::json!(1)), None, None, None, None]
    );
    let code = code(&api);
    assert!(code.contains("default = \"Query::default_page\""), "{code}");
    assert!(!code.contains("default_size"), "{code}");
}

#[test]
fn defaults_that_are_not_literals_are_decoded_from_their_json() {
    let api = api(r#"
    Query:
      type: object
      properties:
        languages: {type: array, items: {type: string}, default: [nl, fr]}
        ratio: {type: number, default: 2}
"#);
    assert!(warnings(&api).is_empty(), "{:?}", warnings(&api));
    let code = code(&api);
    assert!(
        code.contains(r#"serde_json::from_str("[\"nl\",\"fr\"]").ok()"#),
        "{code}"
    );
    assert!(code.contains("Some(2.0)"), "{code}");
    assert!(code.contains(r#"/// Default: `["nl","fr"]`."#), "{code}");
}

#[test]
fn constraints_on_typed_formats_are_a_warning_and_on_text_formats_a_newtype() {
    let api = api(r#"
    Person:
      type: object
      properties:
        birthDate: {type: string, format: date, pattern: '^\d{4}-\d{2}-\d{2}$'}
        id: {type: string, format: uuid, maxLength: 36}
        email: {type: string, format: email, maxLength: 254}
        site: {type: string, format: uri, pattern: '^https://'}
        amount: {type: string, format: number, pattern: '^\d+\.\d{2}$'}
"#);
    assert_eq!(
        warnings(&api),
        [
            (
                "constraint-not-checked",
                "/components/schemas/Person/properties/birthDate/pattern"
            ),
            (
                "constraint-not-checked",
                "/components/schemas/Person/properties/id/maxLength"
            ),
        ]
    );
    let TypeKind::Struct { fields, .. } = kind(&api, "Person") else {
        panic!()
    };
    assert_eq!(fields[0].ty, Ty::Date);
    assert_eq!(fields[1].ty, Ty::Uuid);
    for (name, base) in [
        ("PersonEmail", Ty::String),
        ("PersonSite", Ty::String),
        ("PersonAmount", Ty::Decimal),
    ] {
        assert!(
            matches!(kind(&api, name), TypeKind::Newtype { base: b, .. } if *b == base),
            "{name}"
        );
    }
}

#[test]
fn integer_and_number_enums_are_open_newtypes_with_constants() {
    let api = api(r#"
    Priority:
      type: integer
      enum: [1, 2, -1]
    Rate:
      type: number
      enum: [0.5, 1]
    Named:
      type: integer
      format: int32
      enum: [10, 20]
      x-enum-varnames: [low, high]
    Wide:
      type: integer
      format: int32
      enum: [1, 3000000000]
"#);
    assert!(warnings(&api).is_empty(), "{:?}", warnings(&api));
    let consts = |name| match kind(&api, name) {
        TypeKind::Consts { base, values } => (
            base.clone(),
            values.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
        ),
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(
        consts("Priority"),
        (
            Ty::I64,
            vec!["VALUE_1".into(), "VALUE_2".into(), "VALUE_MINUS_1".into()]
        )
    );
    assert_eq!(
        consts("Rate"),
        (Ty::F64, vec!["VALUE_0_5".into(), "VALUE_1".into()])
    );
    assert_eq!(
        consts("Named"),
        (Ty::I32, vec!["LOW".into(), "HIGH".into()])
    );
    // A value beyond `int32` (the contract contradicts itself): the wider type holds it.
    assert_eq!(consts("Wide").0, Ty::I64);
    let code = code(&api);
    assert!(code.contains("pub struct Priority(pub i64);"), "{code}");
    assert!(
        code.contains("pub const VALUE_MINUS_1: Self = Self(-1);"),
        "{code}"
    );
    assert!(
        code.contains("pub const VALUE_1: Self = Self(1.0);"),
        "{code}"
    );
}

#[test]
fn mixed_and_boolean_enums_are_a_warning() {
    let api = api(r#"
    Mixed:
      enum: [1, one]
    Flag:
      type: boolean
      enum: [true]
    Holder:
      type: object
      properties:
        code: {type: string, enum: [a, 2]}
"#);
    assert_eq!(
        warnings(&api),
        [
            ("enum-values-not-typed", "/components/schemas/Mixed/enum"),
            ("enum-values-not-typed", "/components/schemas/Flag/enum"),
            (
                "enum-values-not-typed",
                "/components/schemas/Holder/properties/code/enum"
            ),
        ]
    );
    assert!(matches!(kind(&api, "Flag"), TypeKind::Alias(Ty::Bool)));
}

#[test]
fn null_in_an_enum_or_nullable_beside_a_ref_makes_a_required_field_nullable() {
    let api = api(r#"
    Language:
      type: string
      enum: [nl, fr]
    Holder:
      type: object
      properties:
        language: {$ref: '#/components/schemas/Language', nullable: true}
        gender: {type: string, enum: [m, f, null]}
        plain: {$ref: '#/components/schemas/Language'}
        secret: {type: string, writeOnly: true}
      required: [language, gender, plain, secret]
"#);
    let TypeKind::Struct { fields, .. } = kind(&api, "Holder") else {
        panic!()
    };
    let flags: Vec<_> = fields.iter().map(|f| (f.required, f.nullable)).collect();
    // writeOnly: never in answers, so not required in the type.
    assert_eq!(
        flags,
        [(true, true), (true, true), (true, false), (false, false)]
    );
    let TypeKind::Enum { variants } = kind(&api, "HolderGender") else {
        panic!()
    };
    assert_eq!(variants.len(), 2);
    let code = code(&api);
    assert!(
        code.contains(r#"#[serde(deserialize_with = "Option::deserialize")]"#),
        "{code}"
    );
}

#[test]
fn not_is_a_warning() {
    let api = api(r#"
    Code:
      type: string
      not: {enum: [forbidden]}
"#);
    assert_eq!(
        warnings(&api),
        [("not-ignored", "/components/schemas/Code/not")]
    );
    // In an `allOf` part too.
    let api = self::api(
        r#"
    Base: {type: object, properties: {a: {type: string}}}
    Merged:
      allOf:
        - $ref: '#/components/schemas/Base'
        - {not: {required: [a]}}
"#,
    );
    assert_eq!(
        warnings(&api),
        [("not-ignored", "/components/schemas/Merged/allOf/1/not")]
    );
}

#[test]
fn a_discriminator_without_property_name_is_a_warning() {
    let api = api(r#"
    A: {type: object, properties: {a: {type: string}}, required: [a]}
    B: {type: object, properties: {b: {type: string}}, required: [b]}
    AB:
      oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]
      discriminator: {mapping: {a: '#/components/schemas/A'}}
"#);
    assert_eq!(
        warnings(&api),
        [(
            "discriminator-without-property",
            "/components/schemas/AB/discriminator"
        )]
    );
}

#[test]
fn alternatives_that_cannot_be_told_apart_are_a_warning() {
    let api = api(r#"
    Loose: {type: object, properties: {a: {type: string}}}
    Strict: {type: object, properties: {b: {type: string}}, required: [b]}
    Either:
      oneOf: [{$ref: '#/components/schemas/Loose'}, {$ref: '#/components/schemas/Strict'}]
    TextOrDate:
      oneOf: [{type: string}, {type: string, format: date}]
    Fine:
      oneOf: [{$ref: '#/components/schemas/Strict'}, {$ref: '#/components/schemas/Loose'}]
"#);
    assert_eq!(
        warnings(&api),
        [
            (
                "union-alternatives-ambiguous",
                "/components/schemas/Either/oneOf/1"
            ),
            (
                "union-alternatives-ambiguous",
                "/components/schemas/TextOrDate/oneOf/1"
            ),
        ]
    );
}

#[test]
fn properties_beside_one_of_and_one_of_in_all_of_are_flattened_unions() {
    let api = api(r#"
    Card: {type: object, properties: {cardNumber: {type: string}}, required: [cardNumber]}
    Iban: {type: object, properties: {iban: {type: string}}, required: [iban]}
    Payment:
      type: object
      properties:
        amount: {type: string, format: number}
      required: [amount]
      oneOf: [{$ref: '#/components/schemas/Card'}, {$ref: '#/components/schemas/Iban'}]
    Refund:
      allOf:
        - $ref: '#/components/schemas/Payment'
        - type: object
          properties:
            reason: {type: string}
        - anyOf: [{type: object, properties: {x: {type: string}}}, {type: object, properties: {y: {type: string}}}]
"#);
    assert!(warnings(&api).is_empty(), "{:?}", warnings(&api));
    let flattened = |name| match kind(&api, name) {
        TypeKind::Struct {
            fields, flattened, ..
        } => (
            fields.iter().map(|f| f.json.clone()).collect::<Vec<_>>(),
            flattened
                .iter()
                .map(|(f, t)| match t {
                    Ty::Named(id) => format!("{f}: {}", api.types.defs[*id].name),
                    other => format!("{f}: {other:?}"),
                })
                .collect::<Vec<_>>(),
        ),
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(
        flattened("Payment"),
        (vec!["amount".into()], vec!["one_of: PaymentOneOf".into()])
    );
    // The parent's union is the same type; an `anyOf` over objects joins the properties.
    assert_eq!(
        flattened("Refund"),
        (
            vec!["amount".into(), "reason".into(), "x".into(), "y".into()],
            vec!["one_of: PaymentOneOf".into()]
        )
    );
    let code = code(&api);
    assert!(
        code.contains("#[serde(flatten)]")
            && code.contains("pub one_of: crate::types::PaymentOneOf,"),
        "{code}"
    );
}

#[test]
fn extra_properties_and_nullable_all_of_parts() {
    let api = api(r#"
    Open:
      type: object
      properties: {a: {type: string}}
      additionalProperties: true
    Base: {type: object, properties: {b: {type: string}}}
    Merged:
      allOf:
        - {$ref: '#/components/schemas/Base', nullable: true}
        - {type: object, properties: {c: {type: string}}, readOnly: true}
    Both:
      type: object
      properties: {d: {type: string}}
      additionalProperties: true
      oneOf: [{$ref: '#/components/schemas/Base'}, {$ref: '#/components/schemas/Open'}]
"#);
    assert!(matches!(
        kind(&api, "Open"),
        TypeKind::Struct {
            additional: Some(Ty::Json),
            ..
        }
    ));
    let w = warnings(&api);
    assert!(
        w.contains(&(
            "all-of-part-modifier-ignored",
            "/components/schemas/Merged/allOf/0/nullable"
        )),
        "{w:?}"
    );
    assert!(
        w.contains(&(
            "all-of-part-modifier-ignored",
            "/components/schemas/Merged/allOf/1/readOnly"
        )),
        "{w:?}"
    );
    assert!(
        w.contains(&(
            "additional-properties-beside-union",
            "/components/schemas/Both/additionalProperties"
        )),
        "{w:?}"
    );
    let code = code(&api);
    assert!(
        code.contains(
            "pub additional_properties: std::collections::BTreeMap<String, serde_json::Value>,"
        ),
        "{code}"
    );
}

#[test]
fn a_discriminated_union_beside_properties_reads_its_own_tag() {
    let api = api(r#"
    Card:
      type: object
      properties: {kind: {type: string}, cardNumber: {type: string}}
      required: [kind, cardNumber]
    Iban:
      type: object
      properties: {iban: {type: string}}
      required: [iban]
    Payment:
      type: object
      properties:
        kind: {type: string}
        amount: {type: string}
      oneOf: [{$ref: '#/components/schemas/Card'}, {$ref: '#/components/schemas/Iban'}]
      discriminator: {propertyName: kind}
"#);
    let TypeKind::Struct { fields, .. } = kind(&api, "Payment") else {
        panic!()
    };
    // `kind` is left to the union, which needs it to choose the alternative.
    let names: Vec<_> = fields.iter().map(|f| f.json.as_str()).collect();
    assert_eq!(names, ["amount"]);
    // `Iban` does not declare it: a decoded `Iban` payment is written back without it.
    assert_eq!(
        warnings(&api),
        [("discriminator-not-kept", "/components/schemas/Payment")]
    );
}

#[test]
fn alternatives_that_only_list_required_properties_are_a_rule_not_a_union() {
    // Belgif money-v1 `BelgianRemittanceInformation`: one of two properties must be there.
    let api = api(r#"
    Remittance:
      type: object
      properties:
        unstructured: {type: string}
        structured: {type: string}
      oneOf:
        - required: [unstructured]
        - required: [structured]
"#);
    assert_eq!(
        warnings(&api),
        [(
            "required-alternatives-not-checked",
            "/components/schemas/Remittance/oneOf"
        )]
    );
    assert!(matches!(
        kind(&api, "Remittance"),
        TypeKind::Struct { fields, flattened, .. } if fields.len() == 2 && flattened.is_empty()
    ));
}

#[test]
fn nullable_array_items_and_map_values_are_options() {
    let api = api(r#"
    Lists:
      type: object
      properties:
        names: {type: array, items: {type: string, nullable: true}}
        anything: {type: array, items: {nullable: true}}
        scores: {type: object, additionalProperties: {type: integer, nullable: true}}
      additionalProperties: {type: string, enum: [a, null]}
"#);
    assert!(warnings(&api).is_empty(), "{:?}", warnings(&api));
    let code = code(&api);
    for expected in [
        "pub names: Option<Vec<Option<String>>>",
        "pub anything: Option<Vec<serde_json::Value>>",
        "pub scores: Option<std::collections::BTreeMap<String, Option<i64>>>",
        "std::collections::BTreeMap<String, Option<crate::types::ListsValue>>",
    ] {
        assert!(code.contains(expected), "{expected}\n{code}");
    }
}

#[test]
fn a_one_of_beside_an_any_of_is_a_warning_naming_the_one_left_out() {
    let api = api(r#"
    A: {type: object, properties: {a: {type: string}}}
    B: {type: object, properties: {b: {type: string}}}
    Either:
      oneOf: [{type: string}, {type: integer}]
      anyOf: [{minLength: 1}, {minimum: 0}]
    Both:
      oneOf: [{type: string}, {type: integer}]
      anyOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]
"#);
    assert_eq!(
        warnings(&api),
        [
            ("one-of-beside-any-of", "/components/schemas/Either/anyOf"),
            ("one-of-beside-any-of", "/components/schemas/Both/oneOf"),
        ]
    );
}
