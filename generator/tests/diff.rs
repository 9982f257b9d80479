//! The contract diff: one test per change kind (a small contract and a mutated copy, in memory),
//! the semver step, the order and the reports; then real contracts from `specs/`.

use std::path::{Path, PathBuf};

use bcss_codegen::Contract;
use bcss_codegen::diff::{Bump, Change, ContractDiff, Impact, diff_apis, diff_contracts};
use bcss_codegen::ir::Api;
use serde_json::{Value, json};

use Impact::{Breaking, Compatible};

/// A small API: a response-only `Person` (with an enum, a union and a date), a request-only
/// `PersonsQuery` (with an enum and a validated string), parameters of every kind.
const BASE: &str = r##"
openapi: 3.0.3
info: {title: Demo, version: "1.0"}
servers: [{url: /demo/v1}]
security: [{oauth: ["scope:demo:consult"]}]
paths:
  /persons/{ssinRef}:
    get:
      operationId: getPerson
      parameters:
        - {name: ssinRef, in: path, required: true, schema: {type: string}}
        - {name: lang, in: query, required: true, schema: {type: string}}
        - {name: unit, in: query, required: true, schema: {type: string}}
        - {name: page, in: query, schema: {type: integer}}
      responses:
        "200":
          description: The person.
          content: {application/json: {schema: {$ref: "#/components/schemas/Person"}}}
  /persons/query:
    post:
      operationId: searchPersons
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/PersonsQuery"}}}
      responses:
        "200":
          description: Found.
          content: {application/json: {schema: {$ref: "#/components/schemas/PersonList"}}}
  /persons/{ssinRef}/preferences:
    put:
      operationId: putPreferences
      parameters:
        - {name: ssinRef, in: path, required: true, schema: {type: string}}
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Preferences"}}}
      responses:
        "204": {description: Stored.}
  /notifications:
    post:
      operationId: notify
      responses:
        "202": {description: Accepted.}
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: /token, scopes: {"scope:demo:consult": consult}}}
  schemas:
    Person:
      type: object
      required: [name, status]
      properties:
        name: {type: string}
        birthDate: {type: string}
        status: {$ref: "#/components/schemas/Status"}
        evidence: {$ref: "#/components/schemas/Evidence"}
        extra: {type: object, additionalProperties: {type: string}}
    PersonList:
      type: object
      properties:
        items: {type: array, items: {$ref: "#/components/schemas/Person"}}
    Status: {type: string, enum: [employee, retired]}
    Evidence:
      oneOf:
        - {$ref: "#/components/schemas/Employment"}
        - {$ref: "#/components/schemas/Pension"}
    Employment: {type: object, properties: {employer: {type: string}}}
    Pension: {type: object, properties: {institution: {type: string}}}
    PersonsQuery:
      type: object
      required: [ssins]
      properties:
        ssins: {type: array, items: {type: string}}
        referenceDate: {type: string, format: date}
        kind: {$ref: "#/components/schemas/QueryKind"}
        code: {$ref: "#/components/schemas/Code"}
        note: {type: string, nullable: true}
    QueryKind: {type: string, enum: [exact, fuzzy]}
    Code: {type: string, pattern: "^[0-9]+$", maxLength: 3}
    Priority: {type: integer, enum: [1, 2]}
    Label: {type: string}
    Preferences:
      type: object
      properties:
        language: {type: string}
"##;

fn base() -> Value {
    serde_norway::from_str(BASE).expect("the base contract is YAML")
}

fn api(doc: &Value) -> Api {
    let bytes = serde_json::to_vec(doc).unwrap();
    let contract = Contract::from_bytes("openapi.json", &bytes).expect("the contract loads");
    Api::from_contract(&contract).expect("the contract has an IR")
}

/// The base contract against its copy changed by `change`.
fn diff(change: impl FnOnce(&mut Value)) -> ContractDiff {
    diff2(|_| {}, change)
}

/// The base contract changed by `before` against the base changed by `after`.
fn diff2(before: impl FnOnce(&mut Value), after: impl FnOnce(&mut Value)) -> ContractDiff {
    let (mut old, mut new) = (base(), base());
    before(&mut old);
    after(&mut new);
    diff_apis(&api(&old), &api(&new))
}

/// The value at a JSON pointer whose tokens are given one by one (no escaping needed).
fn at<'a>(doc: &'a mut Value, path: &[&str]) -> &'a mut Value {
    path.iter().fold(doc, |v, token| match v {
        Value::Array(items) => &mut items[token.parse::<usize>().unwrap()],
        other => other
            .get_mut(*token)
            .unwrap_or_else(|| panic!("no {token} in {path:?}")),
    })
}

fn set(doc: &mut Value, path: &[&str], value: Value) {
    let (last, parent) = path.split_last().unwrap();
    match at(doc, parent) {
        Value::Array(items) => items[last.parse::<usize>().unwrap()] = value,
        other => {
            other.as_object_mut().unwrap().insert((*last).into(), value);
        }
    }
}

fn remove(doc: &mut Value, path: &[&str]) {
    let (last, parent) = path.split_last().unwrap();
    match at(doc, parent) {
        Value::Array(items) => {
            items.remove(last.parse::<usize>().unwrap());
        }
        other => {
            other
                .as_object_mut()
                .unwrap()
                .remove(*last)
                .expect("removed");
        }
    }
}

const GET_PERSON: [&str; 3] = ["paths", "/persons/{ssinRef}", "get"];
const SEARCH: [&str; 3] = ["paths", "/persons/query", "post"];

fn op(name: [&str; 3], rest: &[&str]) -> Vec<String> {
    name.iter().chain(rest).map(|s| s.to_string()).collect()
}

fn p(path: &[String]) -> Vec<&str> {
    path.iter().map(String::as_str).collect()
}

fn schema(name: &str, rest: &[&str]) -> Vec<String> {
    ["components", "schemas", name]
        .iter()
        .chain(rest)
        .map(|s| s.to_string())
        .collect()
}

/// The one change of `kind`, checked: where, and both verdicts.
#[track_caller]
fn expect<'a>(
    d: &'a ContractDiff,
    kind: &str,
    location: &str,
    wire: Impact,
    rust: Impact,
) -> &'a Change {
    let found: Vec<&Change> = d.changes.iter().filter(|c| c.kind == kind).collect();
    let [c] = found.as_slice() else {
        panic!("expected one `{kind}`, got {:#?}", d.changes);
    };
    assert_eq!(c.location, location, "{c:#?}");
    assert_eq!((c.wire, c.rust), (wire, rust), "{c:#?}");
    assert_eq!(c.breaking, wire == Breaking || rust == Breaking, "{c:#?}");
    assert!(!c.message.is_empty() && !c.message.contains('\n'), "{c:#?}");
    c
}

fn kinds(d: &ContractDiff) -> Vec<&str> {
    d.changes.iter().map(|c| c.kind.as_str()).collect()
}

// --- operations ---

#[test]
fn an_added_operation_is_compatible() {
    let d = diff(|v| {
        let get = v["paths"]["/persons/{ssinRef}"].clone();
        set(v, &["paths", "/persons/{ssinRef}/history"], get);
        set(
            v,
            &["paths", "/persons/{ssinRef}/history", "get", "operationId"],
            json!("getHistory"),
        );
    });
    expect(
        &d,
        "operation_added",
        "GET /persons/{ssinRef}/history",
        Compatible,
        Compatible,
    );
    assert_eq!(d.required_bump(), Bump::Minor);
}

#[test]
fn a_removed_operation_breaks_both() {
    let d = diff(|v| remove(v, &["paths", "/notifications"]));
    expect(
        &d,
        "operation_removed",
        "POST /notifications",
        Breaking,
        Breaking,
    );
}

#[test]
fn a_renamed_operation_breaks_only_the_rust_api() {
    let d = diff(|v| {
        set(
            v,
            &p(&op(GET_PERSON, &["operationId"])),
            json!("readPerson"),
        )
    });
    let c = expect(
        &d,
        "operation_renamed",
        "GET /persons/{ssinRef}",
        Compatible,
        Breaking,
    );
    assert_eq!(
        (c.old.as_deref(), c.new.as_deref()),
        (Some("get_person"), Some("read_person"))
    );
}

#[test]
fn a_renamed_path_parameter_is_the_same_operation() {
    let d = diff(|v| {
        let item = v["paths"]["/persons/{ssinRef}"].take();
        remove(v, &["paths", "/persons/{ssinRef}"]);
        set(v, &["paths", "/persons/{id}"], item);
        set(
            v,
            &["paths", "/persons/{id}", "get", "parameters", "0", "name"],
            json!("id"),
        );
    });
    assert_eq!(kinds(&d), Vec::<&str>::new(), "{:#?}", d.changes);
}

#[test]
fn a_deprecated_operation_is_compatible() {
    let d = diff(|v| set(v, &p(&op(GET_PERSON, &["deprecated"])), json!(true)));
    expect(
        &d,
        "operation_deprecated",
        "GET /persons/{ssinRef}",
        Compatible,
        Compatible,
    );
}

#[test]
fn a_moved_base_path_breaks_the_wire() {
    let d = diff(|v| set(v, &["servers", "0", "url"], json!("/demo/v2")));
    expect(&d, "base_path_changed", "servers", Breaking, Compatible);
}

// --- parameters ---

fn add_param(v: &mut Value, param: Value) {
    at(v, &p(&op(GET_PERSON, &["parameters"])))
        .as_array_mut()
        .unwrap()
        .push(param);
}

#[test]
fn an_optional_parameter_added_is_a_new_builder_method() {
    let d = diff(|v| {
        add_param(
            v,
            json!({"name": "size", "in": "query", "schema": {"type": "integer"}}),
        )
    });
    let c = expect(
        &d,
        "parameter_added",
        "GET /persons/{ssinRef} parameter size",
        Compatible,
        Compatible,
    );
    assert!(c.message.contains("builder"), "{}", c.message);
}

#[test]
fn a_required_parameter_added_breaks_both() {
    let d = diff(|v| {
        add_param(
            v,
            json!({"name": "X-Region", "in": "header", "required": true, "schema": {"type": "string"}}),
        )
    });
    expect(
        &d,
        "parameter_added",
        "GET /persons/{ssinRef} parameter X-Region",
        Breaking,
        Breaking,
    );
}

#[test]
fn a_removed_parameter_breaks_both() {
    let d = diff(|v| remove(v, &p(&op(GET_PERSON, &["parameters", "3"]))));
    expect(
        &d,
        "parameter_removed",
        "GET /persons/{ssinRef} parameter page",
        Breaking,
        Breaking,
    );
}

#[test]
fn an_optional_parameter_made_required_breaks_both() {
    let d = diff(|v| {
        set(
            v,
            &p(&op(GET_PERSON, &["parameters", "3", "required"])),
            json!(true),
        )
    });
    expect(
        &d,
        "parameter_required",
        "GET /persons/{ssinRef} parameter page",
        Breaking,
        Breaking,
    );
}

#[test]
fn a_required_parameter_made_optional_breaks_only_the_positional_argument() {
    let d = diff(|v| {
        set(
            v,
            &p(&op(GET_PERSON, &["parameters", "2", "required"])),
            json!(false),
        )
    });
    expect(
        &d,
        "parameter_optional",
        "GET /persons/{ssinRef} parameter unit",
        Compatible,
        Breaking,
    );
}

#[test]
fn a_parameter_of_another_type_breaks_both() {
    let d = diff(|v| {
        set(
            v,
            &p(&op(GET_PERSON, &["parameters", "3", "schema"])),
            json!({"type": "string"}),
        )
    });
    let c = expect(
        &d,
        "parameter_type_changed",
        "GET /persons/{ssinRef} parameter page",
        Breaking,
        Breaking,
    );
    assert_eq!(
        (c.old.as_deref(), c.new.as_deref()),
        (Some("i64"), Some("String"))
    );
}

#[test]
fn a_parameter_moved_to_a_header_breaks_the_wire_not_the_signature() {
    let d = diff(|v| {
        set(
            v,
            &p(&op(GET_PERSON, &["parameters", "1", "in"])),
            json!("header"),
        )
    });
    let c = expect(
        &d,
        "parameter_moved",
        "GET /persons/{ssinRef} parameter lang",
        Breaking,
        Compatible,
    );
    assert_eq!(
        (c.old.as_deref(), c.new.as_deref()),
        (Some("query"), Some("header"))
    );
}

#[test]
fn required_parameters_in_another_order_break_the_rust_api() {
    let d = diff(|v| {
        let list = at(v, &p(&op(GET_PERSON, &["parameters"])))
            .as_array_mut()
            .unwrap();
        list.swap(1, 2);
    });
    expect(
        &d,
        "parameters_reordered",
        "GET /persons/{ssinRef} parameters",
        Compatible,
        Breaking,
    );
}

// --- request bodies ---

#[test]
fn a_request_body_added_is_a_new_argument() {
    let d = diff(|v| {
        set(
            v,
            &["paths", "/notifications", "post", "requestBody"],
            json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Preferences"}}}}),
        )
    });
    expect(
        &d,
        "request_body_added",
        "POST /notifications request body",
        Compatible,
        Breaking,
    );
}

#[test]
fn a_removed_request_body_breaks_both() {
    let d = diff(|v| remove(v, &p(&op(SEARCH, &["requestBody"]))));
    expect(
        &d,
        "request_body_removed",
        "POST /persons/query request body",
        Breaking,
        Breaking,
    );
}

const PREFS: [&str; 3] = ["paths", "/persons/{ssinRef}/preferences", "put"];

#[test]
fn a_request_body_made_required_breaks_the_wire() {
    let d = diff(|v| set(v, &p(&op(PREFS, &["requestBody", "required"])), json!(true)));
    expect(
        &d,
        "request_body_required",
        "PUT /persons/{ssinRef}/preferences request body",
        Breaking,
        Compatible,
    );
}

#[test]
fn a_request_body_made_optional_is_compatible() {
    let d = diff(|v| {
        set(
            v,
            &p(&op(SEARCH, &["requestBody", "required"])),
            json!(false),
        )
    });
    expect(
        &d,
        "request_body_optional",
        "POST /persons/query request body",
        Compatible,
        Compatible,
    );
}

#[test]
fn a_request_body_of_another_type_breaks_both() {
    let d = diff(|v| {
        set(
            v,
            &p(&op(
                SEARCH,
                &["requestBody", "content", "application/json", "schema"],
            )),
            json!({"$ref": "#/components/schemas/Preferences"}),
        )
    });
    let c = expect(
        &d,
        "request_body_type_changed",
        "POST /persons/query request body application/json",
        Breaking,
        Breaking,
    );
    assert_eq!(
        (c.old.as_deref(), c.new.as_deref()),
        (Some("PersonsQuery"), Some("Preferences"))
    );
}

fn add_form(v: &mut Value) {
    let json =
        v["paths"]["/persons/query"]["post"]["requestBody"]["content"]["application/json"].clone();
    set(
        v,
        &p(&op(
            SEARCH,
            &[
                "requestBody",
                "content",
                "application/x-www-form-urlencoded",
            ],
        )),
        json,
    );
}

#[test]
fn a_media_type_added_beside_json_is_a_new_method() {
    let d = diff(add_form);
    let c = expect(
        &d,
        "media_type_added",
        "POST /persons/query request body application/x-www-form-urlencoded",
        Compatible,
        Compatible,
    );
    assert!(c.message.contains("search_persons_form"), "{}", c.message);
}

#[test]
fn a_removed_media_type_breaks_both() {
    let d = diff2(add_form, |_| {});
    expect(
        &d,
        "media_type_removed",
        "POST /persons/query request body application/x-www-form-urlencoded",
        Breaking,
        Breaking,
    );
}

// --- responses ---

fn add_response(v: &mut Value, operation: [&str; 3], key: &str) {
    set(
        v,
        &p(&op(operation, &["responses", key])),
        json!({"description": "Later."}),
    );
}

#[test]
fn a_second_success_status_turns_the_answer_into_an_enum() {
    let d = diff(|v| add_response(v, GET_PERSON, "202"));
    let c = expect(
        &d,
        "response_added",
        "GET /persons/{ssinRef} response 202",
        Breaking,
        Breaking,
    );
    assert!(c.message.contains("GetPersonResponse"), "{}", c.message);
}

#[test]
fn a_third_success_status_extends_the_non_exhaustive_enum() {
    let d = diff2(
        |v| add_response(v, GET_PERSON, "202"),
        |v| {
            add_response(v, GET_PERSON, "202");
            add_response(v, GET_PERSON, "203");
        },
    );
    expect(
        &d,
        "response_added",
        "GET /persons/{ssinRef} response 203",
        Breaking,
        Compatible,
    );
}

#[test]
fn a_status_inside_a_documented_range_is_compatible_on_the_wire() {
    let d = diff2(
        |v| {
            add_response(v, GET_PERSON, "2XX");
        },
        |v| {
            add_response(v, GET_PERSON, "2XX");
            add_response(v, GET_PERSON, "203");
        },
    );
    expect(
        &d,
        "response_added",
        "GET /persons/{ssinRef} response 203",
        Compatible,
        Compatible,
    );
}

#[test]
fn a_removed_response_breaks_the_rust_answer_type() {
    let d = diff2(|v| add_response(v, GET_PERSON, "202"), |_| {});
    expect(
        &d,
        "response_removed",
        "GET /persons/{ssinRef} response 202",
        Compatible,
        Breaking,
    );
}

#[test]
fn a_response_of_another_type_breaks_both() {
    let d = diff(|v| {
        set(
            v,
            &p(&op(
                GET_PERSON,
                &["responses", "200", "content", "application/json", "schema"],
            )),
            json!({"$ref": "#/components/schemas/PersonList"}),
        )
    });
    expect(
        &d,
        "response_type_changed",
        "GET /persons/{ssinRef} response 200",
        Breaking,
        Breaking,
    );
}

// --- scopes and LegalContext ---

#[test]
fn a_new_scope_breaks_the_wire_only() {
    let d = diff(|v| {
        set(
            v,
            &p(&op(GET_PERSON, &["security"])),
            json!([{"oauth": ["scope:demo:consult", "scope:demo:extra"]}]),
        )
    });
    expect(
        &d,
        "scope_added",
        "GET /persons/{ssinRef} scope scope:demo:extra",
        Breaking,
        Compatible,
    );
}

#[test]
fn a_scope_no_longer_needed_is_compatible() {
    let d = diff(|v| {
        set(
            v,
            &p(&op(GET_PERSON, &["security"])),
            json!([{"oauth": []}]),
        )
    });
    expect(
        &d,
        "scope_removed",
        "GET /persons/{ssinRef} scope scope:demo:consult",
        Compatible,
        Compatible,
    );
}

fn legal_context_header(v: &mut Value) {
    add_param(
        v,
        json!({"name": "LegalContext", "in": "header", "schema": {"type": "string"}}),
    );
}

#[test]
fn a_legal_context_header_added_breaks_the_wire_only() {
    let d = diff(legal_context_header);
    expect(
        &d,
        "legal_context_added",
        "GET /persons/{ssinRef} legal context",
        Breaking,
        Compatible,
    );
    assert_eq!(kinds(&d), ["legal_context_added"], "not a parameter change");
}

#[test]
fn a_legal_context_in_the_body_is_spotted() {
    let d = diff(|v| {
        set(
            v,
            &p(&schema("PersonsQuery", &["properties", "legalContext"])),
            json!({"type": "string"}),
        )
    });
    expect(
        &d,
        "legal_context_added",
        "POST /persons/query legal context",
        Breaking,
        Compatible,
    );
    expect(
        &d,
        "property_added",
        "type PersonsQuery.legalContext",
        Compatible,
        Compatible,
    );
}

#[test]
fn a_legal_context_header_removed_loses_its_setter() {
    let d = diff2(legal_context_header, |_| {});
    expect(
        &d,
        "legal_context_removed",
        "GET /persons/{ssinRef} legal context",
        Compatible,
        Breaking,
    );
}

// --- types ---

#[test]
fn an_added_type_is_compatible() {
    let d = diff(|v| {
        set(
            v,
            &p(&schema("Extra", &[])),
            json!({"type": "object", "properties": {"a": {"type": "string"}}}),
        )
    });
    expect(&d, "type_added", "type Extra", Compatible, Compatible);
}

#[test]
fn a_removed_type_breaks_the_rust_api() {
    let d = diff(|v| remove(v, &p(&schema("Priority", &[]))));
    expect(&d, "type_removed", "type Priority", Compatible, Breaking);
}

#[test]
fn a_type_of_another_kind_breaks_both() {
    let d = diff(|v| {
        set(
            v,
            &p(&schema("Status", &[])),
            json!({"type": "object", "properties": {"code": {"type": "string"}}}),
        )
    });
    let c = expect(&d, "type_kind_changed", "type Status", Breaking, Breaking);
    assert_eq!(
        (c.old.as_deref(), c.new.as_deref()),
        (Some("string enum"), Some("struct"))
    );
}

#[test]
fn an_alias_of_another_type_breaks_both() {
    let d = diff(|v| set(v, &p(&schema("Label", &["type"])), json!("integer")));
    expect(&d, "type_alias_changed", "type Label", Breaking, Breaking);
}

// --- properties ---

#[test]
fn an_optional_property_added_is_a_new_setter() {
    let d = diff(|v| {
        set(
            v,
            &p(&schema("Person", &["properties", "nickname"])),
            json!({"type": "string"}),
        )
    });
    let c = expect(
        &d,
        "property_added",
        "type Person.nickname",
        Compatible,
        Compatible,
    );
    assert!(
        c.message
            .contains("`Person` gains a `with_nickname` setter"),
        "{}",
        c.message
    );
}

#[test]
fn a_required_property_added_to_a_request_breaks_the_wire() {
    let d = diff(|v| {
        set(
            v,
            &p(&schema("PersonsQuery", &["properties", "purpose"])),
            json!({"type": "string"}),
        );
        at(v, &p(&schema("PersonsQuery", &["required"])))
            .as_array_mut()
            .unwrap()
            .push(json!("purpose"));
    });
    expect(
        &d,
        "property_added",
        "type PersonsQuery.purpose",
        Breaking,
        Breaking,
    );
}

#[test]
fn an_optional_property_removed_from_a_response_breaks_only_rust() {
    let d = diff(|v| remove(v, &p(&schema("Person", &["properties", "birthDate"]))));
    expect(
        &d,
        "property_removed",
        "type Person.birthDate",
        Compatible,
        Breaking,
    );
}

#[test]
fn a_property_removed_from_a_request_breaks_both() {
    let d = diff(|v| {
        remove(
            v,
            &p(&schema("PersonsQuery", &["properties", "referenceDate"])),
        )
    });
    expect(
        &d,
        "property_removed",
        "type PersonsQuery.referenceDate",
        Breaking,
        Breaking,
    );
}

#[test]
fn a_response_property_made_required_breaks_only_rust() {
    let d = diff(|v| {
        set(
            v,
            &p(&schema("Person", &["required"])),
            json!(["name", "status", "birthDate"]),
        )
    });
    let c = expect(
        &d,
        "property_required",
        "type Person.birthDate",
        Compatible,
        Breaking,
    );
    assert!(c.message.contains("`Option<T>` to `T`"), "{}", c.message);
}

#[test]
fn a_request_property_made_required_breaks_both() {
    let d = diff(|v| {
        set(
            v,
            &p(&schema("PersonsQuery", &["required"])),
            json!(["ssins", "referenceDate"]),
        )
    });
    expect(
        &d,
        "property_required",
        "type PersonsQuery.referenceDate",
        Breaking,
        Breaking,
    );
}

#[test]
fn a_response_property_made_optional_breaks_both() {
    let d = diff(|v| set(v, &p(&schema("Person", &["required"])), json!(["status"])));
    expect(
        &d,
        "property_optional",
        "type Person.name",
        Breaking,
        Breaking,
    );
}

#[test]
fn a_request_property_made_optional_breaks_only_rust() {
    let d = diff(|v| set(v, &p(&schema("PersonsQuery", &["required"])), json!([])));
    expect(
        &d,
        "property_optional",
        "type PersonsQuery.ssins",
        Compatible,
        Breaking,
    );
}

#[test]
fn a_format_that_changes_the_rust_type_is_a_type_change() {
    let d = diff(|v| {
        set(
            v,
            &p(&schema("Person", &["properties", "birthDate", "format"])),
            json!("date"),
        )
    });
    let c = expect(
        &d,
        "property_type_changed",
        "type Person.birthDate",
        Breaking,
        Breaking,
    );
    assert_eq!(
        (c.old.as_deref(), c.new.as_deref()),
        (Some("String"), Some("NaiveDate"))
    );
}

#[test]
fn a_required_property_made_nullable_in_a_response_breaks_both() {
    let d = diff(|v| {
        set(
            v,
            &p(&schema("Person", &["properties", "name", "nullable"])),
            json!(true),
        )
    });
    expect(
        &d,
        "property_nullable_changed",
        "type Person.name",
        Breaking,
        Breaking,
    );
}

#[test]
fn a_narrower_constraint_on_a_request_value_breaks_the_wire_only() {
    let d = diff(|v| set(v, &p(&schema("Code", &["maxLength"])), json!(2)));
    let c = expect(
        &d,
        "property_format_changed",
        "type Code maxLength",
        Breaking,
        Compatible,
    );
    assert_eq!((c.old.as_deref(), c.new.as_deref()), (Some("3"), Some("2")));
}

#[test]
fn a_wider_constraint_is_compatible() {
    let d = diff(|v| remove(v, &p(&schema("Code", &["pattern"]))));
    expect(
        &d,
        "property_format_changed",
        "type Code pattern",
        Compatible,
        Compatible,
    );
}

#[test]
fn extra_properties_added_to_a_struct_break_only_rust() {
    let d = diff(|v| {
        set(
            v,
            &p(&schema("Preferences", &["additionalProperties"])),
            json!({"type": "string"}),
        )
    });
    expect(
        &d,
        "additional_properties_changed",
        "type Preferences additionalProperties",
        Compatible,
        Breaking,
    );
}

// --- enums and unions ---

#[test]
fn an_enum_value_added_is_compatible() {
    let d = diff(|v| {
        set(
            v,
            &p(&schema("Status", &["enum"])),
            json!(["employee", "retired", "unemployed"]),
        )
    });
    expect(
        &d,
        "enum_value_added",
        "type Status value unemployed",
        Compatible,
        Compatible,
    );
}

#[test]
fn an_integer_enum_value_added_is_compatible() {
    let d = diff(|v| set(v, &p(&schema("Priority", &["enum"])), json!([1, 2, 3])));
    expect(
        &d,
        "enum_value_added",
        "type Priority value 3",
        Compatible,
        Compatible,
    );
}

#[test]
fn an_enum_value_removed_from_a_request_breaks_both() {
    let d = diff(|v| set(v, &p(&schema("QueryKind", &["enum"])), json!(["exact"])));
    expect(
        &d,
        "enum_value_removed",
        "type QueryKind value fuzzy",
        Breaking,
        Breaking,
    );
}

#[test]
fn an_enum_value_removed_from_a_response_breaks_only_rust() {
    let d = diff(|v| set(v, &p(&schema("Status", &["enum"])), json!(["employee"])));
    expect(
        &d,
        "enum_value_removed",
        "type Status value retired",
        Compatible,
        Breaking,
    );
}

fn add_union_alternative(v: &mut Value) {
    set(
        v,
        &p(&schema("Unemployment", &[])),
        json!({"type": "object", "properties": {"since": {"type": "string"}}}),
    );
    at(v, &p(&schema("Evidence", &["oneOf"])))
        .as_array_mut()
        .unwrap()
        .push(json!({"$ref": "#/components/schemas/Unemployment"}));
}

#[test]
fn a_union_alternative_added_is_compatible_as_the_union_is_non_exhaustive() {
    let d = diff(add_union_alternative);
    expect(
        &d,
        "union_variant_added",
        "type Evidence variant Unemployment",
        Compatible,
        Compatible,
    );
}

#[test]
fn a_union_alternative_removed_from_a_response_breaks_only_rust() {
    let d = diff2(add_union_alternative, |_| {});
    expect(
        &d,
        "union_variant_removed",
        "type Evidence variant Unemployment",
        Compatible,
        Breaking,
    );
}

#[test]
fn a_union_discriminator_changed_breaks_the_wire() {
    let d = diff(|v| {
        set(
            v,
            &p(&schema("Evidence", &["discriminator"])),
            json!({"propertyName": "kind"}),
        )
    });
    expect(
        &d,
        "discriminator_changed",
        "type Evidence",
        Breaking,
        Compatible,
    );
}

// --- the whole diff ---

#[test]
fn identical_contracts_have_no_change_and_need_a_patch() {
    let d = diff(|_| {});
    assert!(d.changes.is_empty(), "{:#?}", d.changes);
    assert_eq!(d.required_bump(), Bump::Patch);
    assert!(!d.breaking());
    assert_eq!(d.to_markdown().lines().next(), Some("No API change"));
}

#[test]
fn a_rust_break_needs_a_major_and_compatible_changes_a_minor() {
    let breaking = diff(|v| remove(v, &["paths", "/notifications"]));
    assert!(breaking.breaking() && breaking.rust_breaking());
    assert_eq!(breaking.required_bump(), Bump::Major);
    let compatible = diff(|v| set(v, &p(&op(GET_PERSON, &["deprecated"])), json!(true)));
    assert!(!compatible.breaking());
    assert_eq!(compatible.required_bump(), Bump::Minor);
    // Breaking the wire alone keeps the Rust API: a minor release, yet `breaking`.
    let wire_only = diff(|v| set(v, &["servers", "0", "url"], json!("/demo/v2")));
    assert!(wire_only.breaking() && !wire_only.rust_breaking());
    assert_eq!(wire_only.required_bump(), Bump::Minor);
}

/// Several changes at once: the base contract's operations and types all touched.
fn many(v: &mut Value) {
    remove(v, &["paths", "/notifications"]);
    set(v, &p(&op(GET_PERSON, &["deprecated"])), json!(true));
    set(
        v,
        &p(&schema("Status", &["enum"])),
        json!(["employee", "new"]),
    );
    set(
        v,
        &p(&schema("Person", &["properties", "nickname"])),
        json!({"type": "string"}),
    );
    remove(v, &p(&op(GET_PERSON, &["parameters", "3"])));
    set(v, &["info", "version"], json!("1.1"));
}

#[test]
fn changes_are_sorted_by_location_then_kind_and_stable() {
    let d = diff(many);
    let keys: Vec<(&str, &str)> = d
        .changes
        .iter()
        .map(|c| (c.location.as_str(), c.kind.as_str()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(d, diff(many), "the same inputs give the same diff");
    assert_eq!(d.changes.len(), 6, "{:#?}", d.changes);
}

#[test]
fn the_json_report_has_the_documented_fields() {
    let d = diff(many);
    let json = d.to_json();
    assert_eq!(json["breaking"], true);
    assert_eq!(json["rust_breaking"], true);
    assert_eq!(json["wire_breaking"], true);
    assert_eq!(json["required_bump"], "major");
    assert_eq!(json["old"]["version"], "1.0");
    assert_eq!(json["new"]["version"], "1.1");
    for c in json["changes"].as_array().unwrap() {
        for field in ["kind", "location", "wire", "rust", "breaking", "message"] {
            assert!(c.get(field).is_some(), "{field} missing in {c}");
        }
    }
    let mut shown = json.clone();
    shown["old"]["sha256"] = json!("[sha256]");
    shown["new"]["sha256"] = json!("[sha256]");
    insta::assert_snapshot!("json_report", serde_json::to_string_pretty(&shown).unwrap());
}

#[test]
fn the_markdown_report_lists_breaking_then_compatible_changes() {
    let md = diff(many).to_markdown();
    assert!(
        md.starts_with("**Breaking**: 3 changes break the Rust API, 2 break the wire\n"),
        "{md}"
    );
    let (breaking, compatible) = (
        md.find("### Breaking changes").unwrap(),
        md.find("### Compatible changes").unwrap(),
    );
    assert!(breaking < compatible);
    insta::assert_snapshot!("markdown_report", md);
    let compatible = diff(|v| set(v, &p(&op(GET_PERSON, &["deprecated"])), json!(true)));
    let md = compatible.to_markdown();
    assert!(md.starts_with("No breaking change\n"), "{md}");
    assert!(!md.contains("### Breaking changes"), "{md}");
}

// --- real contracts ---

fn specs(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(name)
}

#[test]
fn social_status_compared_with_itself_has_no_change() {
    let d = diff_contracts(&specs("socialStatus"), &specs("socialStatus")).unwrap();
    assert!(d.changes.is_empty(), "{:#?}", d.changes);
    assert_eq!(d.old, d.new);
    assert_eq!(d.required_bump(), Bump::Patch);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn an_edited_copy_of_social_status_shows_its_changes() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("socialStatus");
    copy_dir(&specs("socialStatus"), &copy);
    let file = copy.join("openapi.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.matches("        - retired\n").count(), 1);
    let edited = text
        .replacen("  version: \"1.2\"", "  version: \"1.3\"", 1)
        .replace("        - retired\n", "")
        .replacen(
        "\npaths:\n",
        "\npaths:\n  /persons/{ssinRef}/notes:\n    get:\n      operationId: getNotes\n      security: [{oauth-socsec: [\"scope:cbss:api:socialStatus:consult\"]}]\n      parameters: [{name: ssinRef, in: path, required: true, schema: {type: string}}]\n      responses:\n        \"200\": {description: Notes., content: {application/json: {schema: {type: string}}}}\n",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&file, edited).unwrap();
    let d = diff_contracts(&specs("socialStatus"), &copy).unwrap();
    assert_eq!(
        kinds(&d),
        ["operation_added", "enum_value_removed"],
        "{:#?}",
        d.changes
    );
    expect(
        &d,
        "operation_added",
        "GET /persons/{ssinRef}/notes",
        Compatible,
        Compatible,
    );
    expect(
        &d,
        "enum_value_removed",
        "type SocialStatusCode value retired",
        Compatible,
        Breaking,
    );
    assert_ne!(d.old.sha256, d.new.sha256);
    assert_eq!(d.required_bump(), Bump::Major);
    // docs/diff.md shows this very diff: its Markdown report must be what the diff says today.
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diff.md"))
            .unwrap();
    for line in d.to_markdown().lines().filter(|l| !l.is_empty()) {
        assert!(
            docs.contains(line),
            "docs/diff.md is stale, missing: {line}"
        );
    }
}

#[test]
fn a_required_nullable_property_made_optional_leaves_the_constructor() {
    // Required and nullable: `Option<T>`, a parameter of `new`; optional: `Option<T>`, a setter.
    let d = diff2(
        |v| {
            set(
                v,
                &p(&schema("Person", &["properties", "nickname"])),
                json!({"type": "string", "nullable": true}),
            );
            at(v, &p(&schema("Person", &["required"])))
                .as_array_mut()
                .unwrap()
                .push(json!("nickname"));
        },
        |v| {
            set(
                v,
                &p(&schema("Person", &["properties", "nickname"])),
                json!({"type": "string", "nullable": true}),
            )
        },
    );
    let c = expect(
        &d,
        "property_optional",
        "type Person.nickname",
        Breaking,
        Breaking,
    );
    assert!(c.message.contains("leaves `Person::new`"), "{}", c.message);
}

#[test]
fn required_properties_in_another_order_reorder_the_constructor() {
    let d = diff2(
        |v| {
            set(
                v,
                &p(&schema("Person", &["properties", "givenName"])),
                json!({"type": "string"}),
            );
            set(
                v,
                &p(&schema("Person", &["properties", "familyName"])),
                json!({"type": "string"}),
            );
            set(
                v,
                &p(&schema("Person", &["required"])),
                json!(["name", "status", "givenName", "familyName"]),
            );
        },
        |v| {
            set(
                v,
                &p(&schema("Person", &["properties", "familyName"])),
                json!({"type": "string"}),
            );
            set(
                v,
                &p(&schema("Person", &["properties", "givenName"])),
                json!({"type": "string"}),
            );
            set(
                v,
                &p(&schema("Person", &["required"])),
                json!(["name", "status", "givenName", "familyName"]),
            );
        },
    );
    let c = expect(
        &d,
        "constructor_reordered",
        "type Person new",
        Compatible,
        Breaking,
    );
    assert!(c.message.contains("givenName, familyName"), "{}", c.message);
}
