use http::{HeaderMap, HeaderValue};
use serde_json::json;

use super::*;
use crate::types::Ssin;

const SSIN: &str = "85073003328";
const MISTYPED: &str = "85073003329";
const JWT_VALUE: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

fn born_in_2000s() -> String {
    let base = 1_010_100u64;
    format!("{base:09}{:02}", 97 - (2_000_000_000 + base) % 97)
}

fn redact(value: serde_json::Value, sink: &mut Pseudonyms) -> String {
    Redactor::new().json(&value, sink).to_string()
}

#[test]
fn pseudonyms_are_valid_ssins_in_the_synthetic_range_and_mistyped_ones_stay_invalid() {
    for n in 1..500 {
        let valid = pseudonym(n, true);
        assert!(Ssin::new(&valid).is_ok(), "{valid}");
        assert!(is_pseudonym(&valid));
        let mistyped = pseudonym(n, false);
        assert!(Ssin::new(&mistyped).is_err(), "{mistyped}");
        assert!(is_pseudonym(&mistyped));
    }
    assert!(!is_pseudonym(SSIN));
}

#[test]
fn the_same_ssin_becomes_the_same_pseudonym_everywhere_and_others_the_next_ones() {
    let mut sink = Pseudonyms::default();
    let other = born_in_2000s();
    let text = redact(
        json!({"ssins": [SSIN, other, SSIN], "note": format!("about {SSIN}.")}),
        &mut sink,
    );
    let (p1, p2) = (pseudonym(1, true), pseudonym(2, true));
    assert_eq!(
        text,
        json!({"ssins": [p1, p2, p1], "note": format!("about {p1}.")}).to_string()
    );
    let path = Redactor::new().text(&format!("/persons/{other}/history"), &mut sink, "path");
    assert_eq!(path, format!("/persons/{p2}/history"));
}

#[test]
fn only_eleven_digit_runs_with_valid_check_digits_are_ssins_outside_ssin_keys() {
    let mut sink = Pseudonyms::default();
    let text = Redactor::new().text(
        &format!("1{SSIN} {MISTYPED} 12345678901234"),
        &mut sink,
        "body",
    );
    assert_eq!(text, format!("1{SSIN} {MISTYPED} 12345678901234"));
}

#[test]
fn a_mistyped_ssin_under_an_ssin_key_keeps_wrong_check_digits_and_is_replaced_when_echoed() {
    let mut sink = Pseudonyms::default();
    let request = redact(json!({"ssins": [MISTYPED]}), &mut sink);
    let replaced = pseudonym(1, false);
    assert_eq!(request, json!({"ssins": [replaced]}).to_string());
    assert!(Ssin::new(&replaced).is_err());
    let problem = redact(
        json!({"issues": [{"name": "ssins[0]", "value": MISTYPED}]}),
        &mut sink,
    );
    assert_eq!(
        problem,
        json!({"issues": [{"name": "ssins[0]", "value": replaced}]}).to_string()
    );
}

#[test]
fn secret_headers_and_jwt_values_never_reach_the_recording() {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("authorization", "Bearer abc"),
        ("cookie", "s=1"),
        ("set-cookie", "s=1"),
        ("proxy-authorization", "Basic x"),
        ("x-assertion", JWT_VALUE),
        ("content-length", "12"),
        ("accept", "application/json"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    let kept = Redactor::new().headers(&headers, &mut Pseudonyms::default());
    assert_eq!(kept.keys().collect::<Vec<_>>(), ["accept"]);
    let mut sink = Pseudonyms::default();
    let body = redact(
        json!({"token": format!("Bearer {JWT_VALUE}"), "key": "-----BEGIN PRIVATE KEY-----\nMIIE"}),
        &mut sink,
    );
    assert_eq!(
        body,
        json!({"token": "Bearer REDACTED-JWT", "key": "REDACTED-KEY-MATERIAL"}).to_string()
    );
}

#[test]
fn names_and_addresses_are_masked_but_a_problem_issue_name_is_kept() {
    let mut sink = Pseudonyms::default();
    let person = json!({
        "ssin": SSIN,
        "name": "Jan Peeters",
        "givenNames": ["Jan", "Piet"],
        "lastName": "Peeters",
        "address": {"streetName": "Wetstraat", "houseNumber": "16", "municipality": {"code": "21004", "name": "Brussel"}, "countryCode": "BE"},
        "legalContext": "X",
    });
    let text = redact(
        json!({"person": person, "issues": [{"name": "ssins[0]", "in": "body"}]}),
        &mut sink,
    );
    let expected = json!({
        "person": {
            "ssin": pseudonym(1, true),
            "name": MASK,
            "givenNames": [MASK, MASK],
            "lastName": MASK,
            "address": {"streetName": MASK, "houseNumber": MASK, "municipality": {"code": "21004", "name": MASK}, "countryCode": "BE"},
            "legalContext": "X",
        },
        "issues": [{"name": "ssins[0]", "in": "body"}],
    });
    assert_eq!(text, expected.to_string());
}

#[test]
fn masked_keys_are_configurable() {
    let redactor = Redactor::new().mask_key("Alias").unmask_key("city");
    let out = redactor.json(
        &json!({"alias": "Jantje", "city": "Gent"}),
        &mut Pseudonyms::default(),
    );
    assert_eq!(out, json!({"alias": MASK, "city": "Gent"}));
    assert!(redactor.masked_keys().contains(&"alias".to_owned()));
}

#[test]
fn the_pseudonym_table_is_not_printed() {
    let mut sink = Pseudonyms::default();
    redact(json!({"ssin": SSIN}), &mut sink);
    assert!(!format!("{sink:?}").contains(SSIN));
}
