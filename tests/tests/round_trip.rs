//! Round-trip properties of the generated types, for every sample contract.
//!
//! For each type the generator emits, the contract's schema of that type (read with the generator's
//! own loader and IR, `$ref`s bundled into `$defs`, OpenAPI 3.0 translated to JSON Schema 2020-12)
//! gives both a proptest strategy of JSON values and a real JSON-Schema validator. The property:
//! JSON valid for the schema deserializes into the type, serializes back to JSON the schema
//! accepts, and that JSON deserializes to an equal value. Edge cases follow as their own tests:
//! unknown enum values, unknown fields, merge-patch `null` vs absent, large integers, decimal text,
//! unknown `oneOf` alternatives, defaults, required nullable fields, integer enums, extra
//! properties kept, unions beside properties and constrained formatted strings.
//!
//! Cases per type: 64 by default (the suite stays fast); `PROPTEST_CASES=5000` raises it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Debug;
use std::path::Path;

use bcss_codegen::Contract;
use bcss_codegen::ir::{Api, RuntimeType, TypeKind};
use bcss_codegen::load::Loc;
use bcss_runtime::exports::chrono::{Datelike, NaiveDate};
use jsonschema::{Draft, Validator};
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union};
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------------------------
// The generated types, per client. `every_generated_type_is_listed` fails when the IR (and so
// types.rs) gains a type that is not listed here.

macro_rules! cases {
    ($krate:ident: $($t:ident),* $(,)?) => {
        vec![$(Case::of::<$krate::types::$t>(stringify!($t))),*]
    };
}

fn social_status_cases() -> Vec<Case> {
    cases!(bcss_social_status:
        SsinReference, PersonsQuery, LegalContext, SocialStatusCode, PersonSocialStatus,
        PersonSocialStatusSsinRef, DatePeriod, StatusEvidence, EmploymentEvidence,
        EmploymentEvidenceJointCommittee, PensionEvidence, PensionEvidencePensionType,
        PersonSocialStatusCollection, PersonSocialStatusDetail, StatusHistory, ContactPreferences,
        BelgianLanguage, ContactPreferencesPatch, ContactPreferencesPatchPreferredLanguage,
        StatusCertificateRequest, StatusCertificateTask, StatusCertificateTaskState,
        StatusCertificate, HealthStatus, EmploymentEvidenceWorkingTimeRatio,
        PensionEvidenceMonthlyAllowance, ContactPreferencesPatchEmail, CertificatePriority,
        CertificateDelivery, CertificateDeliveryNotificationEmail, CertificateDeliveryOneOf,
        DownloadDelivery, EBoxDelivery, CertificateDeliveryReport, CertificateDeliveryReportOneOf,
        CertificateSignature,
    )
}

fn employer_registry_cases() -> Vec<Case> {
    cases!(bcss_employer_registry:
        EmployerQuery, EnterpriseNumber, LegalContext, EmployerStatus, EmployerSummary,
        EmployerList, PartialEmployerList, UnresolvedEnterpriseNumber,
        UnresolvedEnterpriseNumberReason, Employer, LegalForm, LegalFormCode,
        EmployerEmployerCategory, EmployerJointCommitteesItem, Address, AddressCountryCode,
        Establishment, EstablishmentUnitNumber, EstablishmentActivityCodesItem, ContactPoint,
        EmailContact, PhoneContact, ContactPointPhoneNumber, EstablishmentCollection,
        OrganizationUnit, OrganizationUnitUnitId, EventType, SubscriptionRequest, Subscription,
        DocumentType, DocumentMetadata, DocumentMetadataTitle, Document, HealthStatus,
        ListEstablishmentsActivityCodeItem, ListEstablishmentsSortItem, UploadDocumentRequest,
        ActivePeriod, ActivityFilter, ActivityFilterNaceSection, ListEstablishmentsPostCodeItem,
    )
}

/// OpenAPI 3.1: type arrays with `null`, `const`, `$defs`, `null` alternatives of `anyOf`/`oneOf`.
fn oas31_sample_cases() -> Vec<Case> {
    cases!(bcss_oas31_sample:
        HealthStatus, HealthStatusStatus, Person, Notice, NoticeKind, NoticeTitle, NoticeSummary,
        NoticeLocation, NoticeSchemaVersion, Attachment, NoticeList,
    )
}

/// The sample contracts: folder under `specs/` and the generated types of its client.
fn samples() -> Vec<(&'static str, Vec<Case>)> {
    vec![
        ("socialStatus", social_status_cases()),
        ("employerRegistry", employer_registry_cases()),
        ("oas31", oas31_sample_cases()),
    ]
}

/// One generated type, type-erased so that a contract's types can be walked by name.
struct Case {
    name: &'static str,
    /// Deserialize, serialize: the Debug text of the value and the JSON it serializes to.
    reserialize: fn(&Value) -> Result<(String, Value), String>,
    /// Whether two JSON texts deserialize to equal values.
    same: fn(&Value, &Value) -> Result<bool, String>,
    /// The main property (see [`round_trip`]).
    round_trip: fn(&Value, &Validator) -> Result<(), String>,
}

impl Case {
    fn of<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &'static str) -> Case {
        Case {
            name,
            reserialize: reserialize::<T>,
            same: same::<T>,
            round_trip: round_trip::<T>,
        }
    }
}

fn reserialize<T: Serialize + DeserializeOwned + Debug>(
    v: &Value,
) -> Result<(String, Value), String> {
    let t: T = serde_json::from_value(v.clone()).map_err(|e| format!("refused {v}: {e}"))?;
    let j = serde_json::to_value(&t).map_err(|e| format!("cannot serialize {t:?}: {e}"))?;
    Ok((format!("{t:?}"), j))
}

fn same<T: DeserializeOwned + PartialEq>(a: &Value, b: &Value) -> Result<bool, String> {
    let a: T = serde_json::from_value(a.clone()).map_err(|e| format!("refused {a}: {e}"))?;
    let b: T = serde_json::from_value(b.clone()).map_err(|e| format!("refused {b}: {e}"))?;
    Ok(a == b)
}

/// JSON `v` valid for T's schema → T → JSON valid for the schema → T again, equal.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    v: &Value,
    schema: &Validator,
) -> Result<(), String> {
    if let Err(e) = schema.validate(v) {
        return Err(format!(
            "the strategy made JSON its schema refuses (a test bug): {e} at {}\n{v}",
            e.instance_path()
        ));
    }
    let t: T = serde_json::from_value(v.clone())
        .map_err(|e| format!("JSON valid for the schema is refused by the type: {e}\n{v}"))?;
    let j = serde_json::to_value(&t).map_err(|e| format!("cannot serialize {t:?}: {e}"))?;
    if let Err(e) = schema.validate(&j) {
        return Err(format!(
            "serialized JSON is refused by the schema: {e} at {}\nfrom {v}\nto   {j}",
            e.instance_path()
        ));
    }
    let again: T = serde_json::from_value(j.clone())
        .map_err(|e| format!("serialized JSON is refused by the type: {e}\n{j}"))?;
    if again != t {
        return Err(format!(
            "not equal after a round trip:\n{t:?}\n{again:?}\nfrom {v}\nvia  {j}"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Contract → JSON Schema (bundled) and the IR's types.

fn spec(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(name)
}

/// What a value of a bundled definition needs beyond its schema.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Special {
    /// SSIN: eleven digits with a valid modulo-97 check (the runtime type's constructor checks it).
    Ssin,
    /// CBE enterprise number: `0` + nine digits, the last two a modulo-97 check of the first eight.
    EnterpriseNumber,
}

/// A contract's schemas as one JSON Schema document of `$defs`, and its IR.
struct Bundled {
    api: Api,
    /// `$defs` with `discriminator` kept (the strategies need it).
    defs: Map<String, Value>,
    /// `$defs` key of each IR type, by Rust name.
    type_keys: BTreeMap<String, String>,
    special: HashMap<String, Special>,
}

impl Bundled {
    fn load(folder: &str) -> Bundled {
        let contract = Contract::load(&spec(folder)).expect("the sample contract loads");
        let api = Api::from_contract(&contract).expect("the sample contract has an IR");
        let mut b = Bundler {
            c: &contract,
            keys: HashMap::new(),
            defs: Map::new(),
            special: HashMap::new(),
        };
        let mut type_keys = BTreeMap::new();
        for def in &api.types.defs {
            let mut key = match union_holder(&def.loc) {
                Some((holder, which)) => b.union_key(&holder, which),
                None => b.key(&def.loc),
            };
            // A nullable schema's type models the value; the field that holds it says whether
            // `null` is allowed (`Option`, or `Option<Option<_>>` in a merge patch).
            if let Some(Value::Array(alts)) = b.defs[&key].get("anyOf")
                && alts.len() == 2
                && alts[0] == json!({"type": "null"})
            {
                let value = alts[1].clone();
                key.push_str("_value");
                b.defs.insert(key.clone(), value);
            }
            type_keys.insert(def.name.clone(), key);
        }
        let (defs, special) = (b.defs, b.special);
        Bundled {
            api,
            defs,
            type_keys,
            special,
        }
    }

    /// The validator of one IR type: `{"$ref": "#/$defs/…", "$defs": …}` without the OpenAPI-only
    /// `discriminator`; `format` is an annotation only.
    fn validator(&self, type_name: &str) -> Validator {
        let mut defs = Value::Object(self.defs.clone());
        strip_discriminators(&mut defs);
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": format!("#/$defs/{}", self.type_keys[type_name]),
            "$defs": defs,
        });
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(false)
            .build(&schema)
            .unwrap_or_else(|e| panic!("the JSON Schema of {type_name} compiles: {e}\n{schema:#}"))
    }

    fn strategy(&self, type_name: &str) -> BoxedStrategy<Value> {
        self.strategy_with(type_name, true)
    }

    /// `merge_any_of`: whether an `anyOf` value may match several alternatives at once.
    fn strategy_with(&self, type_name: &str, merge_any_of: bool) -> BoxedStrategy<Value> {
        let values = Gen {
            b: self,
            merge_any_of,
        };
        values.of(
            &json!({"$ref": format!("#/$defs/{}", self.type_keys[type_name])}),
            0,
        )
    }

    fn def(&self, type_name: &str) -> &bcss_codegen::ir::TypeDef {
        self.api
            .types
            .defs
            .iter()
            .find(|d| d.name == type_name)
            .expect("a type of the IR")
    }
}

/// A union beside an object's properties is defined at `…/oneOf` (or `…/anyOf`) of the object:
/// the holder's location and the keyword.
fn union_holder(loc: &Loc) -> Option<(Loc, &'static str)> {
    ["oneOf", "anyOf"].into_iter().find_map(|which| {
        let pointer = loc.pointer.strip_suffix(&format!("/{which}"))?;
        Some((
            Loc {
                file: loc.file,
                pointer: pointer.to_owned(),
            },
            which,
        ))
    })
}

struct Bundler<'c> {
    c: &'c Contract,
    keys: HashMap<Loc, String>,
    defs: Map<String, Value>,
    special: HashMap<String, Special>,
}

impl Bundler<'_> {
    /// The `$defs` key of the schema at `loc` (after following `$ref`s), bundling it on first use.
    fn key(&mut self, loc: &Loc) -> String {
        let (loc, _) = self.c.resolve(loc).expect("a resolvable schema");
        if let Some(k) = self.keys.get(&loc) {
            return k.clone();
        }
        let file = self.c.file_name(loc.file);
        let stem = file
            .rsplit('/')
            .next()
            .unwrap_or(file)
            .trim_end_matches(".yaml");
        let mut key: String = format!("{stem}{}", loc.pointer.replace("/components/schemas", ""))
            .chars()
            .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '_' })
            .collect();
        while self.defs.contains_key(&key) || self.keys.values().any(|k| *k == key) {
            key.push('_');
        }
        self.keys.insert(loc.clone(), key.clone());
        if RuntimeType::for_definition(file, &loc.pointer) == Some(RuntimeType::Ssin) {
            self.special.insert(key.clone(), Special::Ssin);
        }
        if file.contains("organization") && loc.pointer.ends_with("/EnterpriseNumber") {
            self.special.insert(key.clone(), Special::EnterpriseNumber);
        }
        let converted = self.convert(&loc);
        self.defs.insert(key.clone(), converted);
        key
    }

    /// The `$defs` key of the union `which` of the object at `holder`: its alternatives (and
    /// discriminator) without the object's own properties.
    fn union_key(&mut self, holder: &Loc, which: &str) -> String {
        let object = self.key(holder);
        let key = format!("{object}_{which}");
        let schema = &self.defs[&object];
        let union: Map<String, Value> = [which, "discriminator"]
            .into_iter()
            .filter_map(|k| Some((k.to_owned(), schema.get(k)?.clone())))
            .collect();
        self.defs.insert(key.clone(), Value::Object(union));
        key
    }

    /// One OpenAPI 3.0 schema as JSON Schema 2020-12: `$ref` → `#/$defs/…`, `nullable` → null
    /// allowed, boolean `exclusiveMinimum`/`exclusiveMaximum` → numeric, OpenAPI-only annotations
    /// dropped (`discriminator` kept, with its mapping rewritten; the validator strips it).
    fn convert(&mut self, loc: &Loc) -> Value {
        let value = self.c.get(loc).expect("a schema").clone();
        if let Some(r) = value.get("$ref").and_then(Value::as_str) {
            // Siblings of `$ref` are ignored, except `nullable` (the loader's reading of a 3.1
            // `anyOf: [$ref, {type: 'null'}]`).
            let target = self.c.ref_target(loc, r).expect("a resolvable $ref");
            let reference = json!({"$ref": format!("#/$defs/{}", self.key(&target))});
            if value.get("nullable") == Some(&Value::Bool(true)) {
                return json!({"anyOf": [{"type": "null"}, reference]});
            }
            return reference;
        }
        let Value::Object(map) = value else {
            return value;
        };
        let mut out = Map::new();
        for (k, v) in &map {
            let at = loc.child(k);
            let converted = match k.as_str() {
                "nullable" | "example" | "examples" | "readOnly" | "writeOnly" | "xml"
                | "externalDocs" | "deprecated" | "exclusiveMinimum" | "exclusiveMaximum" => {
                    continue;
                }
                // Definitions nested in a schema are bundled where they are referenced.
                "$defs" => continue,
                "properties" => Value::Object(
                    v.as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, _)| (name.clone(), self.convert(&at.child(name))))
                        .collect(),
                ),
                "items" | "additionalProperties" | "not" if v.is_object() => self.convert(&at),
                "allOf" | "oneOf" | "anyOf" => Value::Array(
                    (0..v.as_array().map_or(0, Vec::len))
                        .map(|i| self.convert(&at.child(&i.to_string())))
                        .collect(),
                ),
                "discriminator" => {
                    let mut d = v.clone();
                    if let Some(Value::Object(mapping)) = d.get_mut("mapping") {
                        for target in mapping.values_mut() {
                            let r = target.as_str().expect("a mapping to a $ref").to_owned();
                            let to = self.c.ref_target(loc, &r).expect("a resolvable mapping");
                            *target = format!("#/$defs/{}", self.key(&to)).into();
                        }
                    }
                    d
                }
                _ => v.clone(),
            };
            out.insert(k.clone(), converted);
        }
        for (bound, exclusive) in [
            ("minimum", "exclusiveMinimum"),
            ("maximum", "exclusiveMaximum"),
        ] {
            match map.get(exclusive) {
                Some(Value::Bool(true)) => {
                    if let Some(b) = out.remove(bound) {
                        out.insert(exclusive.into(), b);
                    }
                }
                Some(n @ Value::Number(_)) => {
                    out.insert(exclusive.into(), n.clone());
                }
                _ => {}
            }
        }
        if map.get("nullable") == Some(&Value::Bool(true)) {
            return json!({"anyOf": [{"type": "null"}, out]});
        }
        Value::Object(out)
    }
}

fn strip_discriminators(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("discriminator");
            m.values_mut().for_each(strip_discriminators);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_discriminators),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Schema → proptest strategy of valid JSON.

/// Hops through `$ref` after which optional properties are left out and arrays kept at their
/// minimum (recursive types end there).
const MAX_DEPTH: u32 = 5;

struct Gen<'b> {
    b: &'b Bundled,
    merge_any_of: bool,
}

fn object_of(entries: Vec<(String, Value)>) -> Value {
    Value::Object(entries.into_iter().collect())
}

impl Gen<'_> {
    fn def(&self, reference: &str) -> (&str, &Value) {
        let key = reference
            .strip_prefix("#/$defs/")
            .expect("a bundled reference");
        let (key, schema) = self
            .b
            .defs
            .get_key_value(key)
            .expect("a bundled definition");
        (key.as_str(), schema)
    }

    fn of(&self, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let (key, target) = self.def(r);
            return match self.b.special.get(key) {
                Some(Special::Ssin) => ssin().prop_map(Value::from).boxed(),
                Some(Special::EnterpriseNumber) => {
                    enterprise_number().prop_map(Value::from).boxed()
                }
                None => self.of(target, depth + 1),
            };
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return proptest::sample::select(values.clone()).boxed();
        }
        // An object's properties beside a `oneOf`/`anyOf` (or in `allOf` parts) come first: the
        // union's alternative is merged into it (see `object`).
        if schema.get("allOf").is_some() || schema.get("properties").is_some() {
            return self.object(schema, depth);
        }
        if let Some(alts) = schema.get("oneOf").and_then(Value::as_array) {
            return self.one_of(schema, alts, depth);
        }
        if let Some(alts) = schema.get("anyOf").and_then(Value::as_array) {
            return self.any_of(alts, depth);
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => string(schema),
            Some("integer") => integer(schema),
            Some("number") => number(schema),
            Some("boolean") => any::<bool>().prop_map(Value::from).boxed(),
            Some("array") => self.array(schema, depth),
            Some("object") => self.object(schema, depth),
            _ => any_json(),
        }
    }

    /// `oneOf`: one alternative; with a discriminator, its property set to the alternative's tag.
    fn one_of(&self, schema: &Value, alts: &[Value], depth: u32) -> BoxedStrategy<Value> {
        let discriminator = schema.get("discriminator");
        let property = discriminator
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str);
        let mapping = discriminator
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object);
        let branches = alts
            .iter()
            .map(|alt| {
                let s = self.of(alt, depth);
                let Some(property) = property else {
                    return s;
                };
                let reference = alt.get("$ref").and_then(Value::as_str).unwrap_or_default();
                let tag = mapping
                    .and_then(|m| m.iter().find(|(_, t)| t.as_str() == Some(reference)))
                    .map(|(tag, _)| tag.clone())
                    .unwrap_or_else(|| reference.rsplit('_').next().unwrap_or("").to_owned());
                let property = property.to_owned();
                s.prop_map(move |mut v| {
                    if let Value::Object(m) = &mut v {
                        m.insert(property.clone(), tag.clone().into());
                    }
                    v
                })
                .boxed()
            })
            .collect::<Vec<_>>();
        Union::new(branches).boxed()
    }

    /// `anyOf`: `nullable` (null or the schema); else one alternative, or the merge of all
    /// (objects that match several alternatives, as `ContactPoint` allows).
    fn any_of(&self, alts: &[Value], depth: u32) -> BoxedStrategy<Value> {
        let null = json!({"type": "null"});
        if alts.len() == 2 && alts[0] == null {
            return prop_oneof![1 => Just(Value::Null), 3 => self.of(&alts[1], depth)].boxed();
        }
        let strategies: Vec<_> = alts.iter().map(|a| self.of(a, depth)).collect();
        if !self.merge_any_of {
            return Union::new(strategies).boxed();
        }
        let merged = strategies
            .clone()
            .prop_map(|values| {
                let mut out = Map::new();
                for v in values {
                    match v {
                        Value::Object(m) => out.extend(m),
                        other => return other,
                    }
                }
                Value::Object(out)
            })
            .boxed();
        prop_oneof![3 => Union::new(strategies), 1 => merged].boxed()
    }

    /// The properties, `required` and `additionalProperties` of an object, `allOf` merged, and
    /// the `oneOf`/`anyOf` (with its discriminator) beside them or in a part.
    fn collect(
        &self,
        schema: &Value,
        props: &mut Vec<(String, Value)>,
        required: &mut BTreeSet<String>,
        additional: &mut Option<Value>,
        min: &mut usize,
        unions: &mut Vec<Value>,
    ) {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let (_, target) = self.def(r);
            return self.collect(target, props, required, additional, min, unions);
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.collect(part, props, required, additional, min, unions);
        }
        let union: Map<String, Value> = ["oneOf", "anyOf", "discriminator"]
            .into_iter()
            .filter_map(|k| Some((k.to_owned(), schema.get(k)?.clone())))
            .collect();
        if union.contains_key("oneOf") || union.contains_key("anyOf") {
            unions.push(Value::Object(union));
        }
        for (name, s) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            match props.iter_mut().find(|(n, _)| n == name) {
                Some(p) => p.1 = s.clone(),
                None => props.push((name.clone(), s.clone())),
            }
        }
        required.extend(
            schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned),
        );
        if let Some(a) = schema.get("additionalProperties") {
            *additional = Some(a.clone());
        }
        if let Some(n) = schema.get("minProperties").and_then(Value::as_u64) {
            *min = (*min).max(n as usize);
        }
    }

    /// Required properties, a random subset of the optional ones (none past [`MAX_DEPTH`]), the
    /// properties of one alternative of each `oneOf`/`anyOf` found, and then either extra
    /// properties the schema keeps (`additionalProperties`: a schema, `{}` or `true`; the round
    /// trip must keep them) or unknown `zz…` properties (evo-compat: the types must ignore them).
    fn object(&self, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        let (mut props, mut required, mut additional, mut min, mut unions) =
            (Vec::new(), BTreeSet::new(), None, 0, Vec::new());
        self.collect(
            schema,
            &mut props,
            &mut required,
            &mut additional,
            &mut min,
            &mut unions,
        );
        let alternatives: Vec<BoxedStrategy<Value>> =
            unions.iter().map(|u| self.of(u, depth)).collect();
        let known: BTreeSet<String> = props.iter().map(|(n, _)| n.clone()).collect();
        let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = props
            .iter()
            .filter(|(name, _)| required.contains(name) || depth <= MAX_DEPTH)
            .map(|(name, s)| {
                let name = name.clone();
                let value = self.of(s, depth);
                if required.contains(&name) {
                    value.prop_map(move |v| Some((name.clone(), v))).boxed()
                } else {
                    proptest::option::weighted(0.6, value)
                        .prop_map(move |v| v.map(|v| (name.clone(), v)))
                        .boxed()
                }
            })
            .collect();
        let kept = |values: BoxedStrategy<Value>| {
            let known = known.clone();
            // Not `zz…`: `lost` checks that these come back.
            proptest::collection::btree_map("[a-yA-Y][a-zA-Z0-9_.-]{0,8}", values, 0..4)
                .prop_map(move |m| m.into_iter().filter(|(k, _)| !known.contains(k)).collect())
                .boxed()
        };
        let extra: BoxedStrategy<Vec<(String, Value)>> = match &additional {
            Some(Value::Bool(false)) => Just(Vec::new()).boxed(),
            Some(Value::Bool(true)) => kept(any_json()),
            Some(s @ Value::Object(_)) => kept(self.of(s, depth)),
            _ => proptest::collection::vec(("zz[a-zA-Z0-9]{1,6}", any_json()), 0..3).boxed(),
        };
        (fields, extra, alternatives)
            .prop_filter(
                "minProperties of the known properties",
                move |(fields, _, _)| fields.iter().flatten().count() >= min,
            )
            .prop_map(|(fields, extra, alternatives)| {
                let mut out = Map::new();
                for alternative in alternatives {
                    if let Value::Object(m) = alternative {
                        out.extend(m);
                    }
                }
                out.extend(fields.into_iter().flatten().chain(extra));
                Value::Object(out)
            })
            .boxed()
    }

    fn array(&self, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        let items = schema.get("items").cloned().unwrap_or(json!({}));
        let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let spread = match depth {
            _ if depth > MAX_DEPTH => 0,
            0..=2 => 3,
            _ => 1,
        };
        let max = schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .map_or(min + spread, |m| (m as usize).min(min + spread));
        let unique = schema.get("uniqueItems") == Some(&Value::Bool(true));
        proptest::collection::vec(self.of(&items, depth), min..=max)
            .prop_filter("uniqueItems", move |v| {
                !unique
                    || v.iter()
                        .map(Value::to_string)
                        .collect::<BTreeSet<_>>()
                        .len()
                        == v.len()
            })
            .prop_map(Value::from)
            .boxed()
    }
}

/// A regular expression of the contract (ECMA 262: `\d` is ASCII) as proptest can generate it.
fn pattern_strategy(pattern: &str) -> BoxedStrategy<String> {
    let p = pattern.strip_prefix('^').unwrap_or(pattern);
    let p = if p.ends_with('$') && !p.ends_with("\\$") {
        &p[..p.len() - 1]
    } else {
        p
    };
    let p = p
        .replace("\\d", "[0-9]")
        .replace("\\w", "[A-Za-z0-9_]")
        .replace("\\s", "[ \\t\\r\\n]");
    proptest::string::string_regex(&p)
        .unwrap_or_else(|e| panic!("pattern `{pattern}`: write a generator for it ({e})"))
        .boxed()
}

fn string(schema: &Value) -> BoxedStrategy<Value> {
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max_length = schema.get("maxLength").and_then(Value::as_u64);
    let format = schema
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let s = if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        let max = max_length.map_or(usize::MAX, |m| m as usize);
        pattern_strategy(p)
            .prop_filter("minLength/maxLength", move |s| {
                (min..=max).contains(&s.chars().count())
            })
            .boxed()
    } else {
        match format {
            "date" => date().prop_map(|d| d.format("%Y-%m-%d").to_string()).boxed(),
            "date-time" => date_time(),
            "uuid" => uuid(),
            "email" => "[a-z0-9._%+-]{1,10}@[a-z0-9-]{1,10}\\.[a-z]{2,4}".boxed(),
            "uri" | "uri-reference" | "iri" => {
                "(https?://[a-z0-9.-]{1,12}(:[0-9]{2,5})?(/[a-zA-Z0-9._~%-]{0,8}){0,3}|urn:[a-z]{1,8}:[a-zA-Z0-9:._-]{1,16})"
                    .boxed()
            }
            "number" | "decimal" => decimal_text(),
            "byte" | "binary" => base64_text(),
            _ => proptest::collection::vec(
                any::<char>(),
                min..=max_length.map_or(min + 12, |m| m as usize),
            )
                .prop_map(String::from_iter)
                .boxed(),
        }
    };
    s.prop_map(Value::from).boxed()
}

/// Integers within the schema's bounds and the format's range, edges (bounds, ±2^53 ± 1, the
/// ends of i64) more often than chance would give them.
fn integer(schema: &Value) -> BoxedStrategy<Value> {
    let int32 = schema.get("format").and_then(Value::as_str) == Some("int32");
    let (range_lo, range_hi) = if int32 {
        (i32::MIN as i64, i32::MAX as i64)
    } else {
        (i64::MIN, i64::MAX)
    };
    let n = |k: &str| schema.get(k).and_then(Value::as_i64);
    let lo = n("exclusiveMinimum")
        .map(|m| m + 1)
        .or(n("minimum"))
        .map_or(range_lo, |m| m.max(range_lo));
    let hi = n("exclusiveMaximum")
        .map(|m| m - 1)
        .or(n("maximum"))
        .map_or(range_hi, |m| m.min(range_hi));
    let p53 = 1i64 << 53;
    let edges: Vec<i64> = [
        lo,
        hi,
        lo.saturating_add(1),
        hi.saturating_sub(1),
        0,
        p53,
        p53 + 1,
        -p53 - 1,
        i64::MAX,
        i64::MIN,
        i32::MAX as i64,
        i32::MIN as i64,
    ]
    .into_iter()
    .filter(|e| (lo..=hi).contains(e))
    .collect();
    prop_oneof![
        3 => (lo..=hi).prop_map(Value::from),
        1 => proptest::sample::select(edges).prop_map(Value::from),
    ]
    .boxed()
}

/// Finite numbers within the schema's bounds (exclusive ones left out).
fn number(schema: &Value) -> BoxedStrategy<Value> {
    let n = |k: &str| schema.get(k).and_then(Value::as_f64);
    let lo = n("exclusiveMinimum").or(n("minimum")).unwrap_or(-1e300);
    let hi = n("exclusiveMaximum").or(n("maximum")).unwrap_or(1e300);
    let (not_lo, not_hi) = (n("exclusiveMinimum"), n("exclusiveMaximum"));
    prop_oneof![(lo..=hi), any::<i32>().prop_map(f64::from),]
        .prop_filter("within the bounds", move |f| {
            (lo..=hi).contains(f) && Some(*f) != not_lo && Some(*f) != not_hi
        })
        .prop_map(Value::from)
        .boxed()
}

/// Any JSON, small: for `{}` schemas, unknown properties and unknown alternatives.
fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            proptest::collection::btree_map("[a-zA-Z]{1,5}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

fn date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(0, 1, 1).unwrap().num_days_from_ce();
    let last = NaiveDate::from_ymd_opt(9999, 12, 31)
        .unwrap()
        .num_days_from_ce();
    let day = move |n| NaiveDate::from_num_days_from_ce_opt(n).unwrap();
    prop_oneof![
        3 => (first..=last).prop_map(day),
        1 => proptest::sample::select(vec!["1900-02-28", "2000-02-29", "2024-12-31", "0001-01-01", "9999-12-31"])
            .prop_map(|s| s.parse().unwrap()),
    ]
}

/// RFC 3339 date-times: `Z` or an offset, 0 to 12 digits of fraction, upper- or lower-case
/// separators (RFC 3339 § 5.6 allows `t` and `z`).
fn date_time() -> BoxedStrategy<String> {
    (
        date(),
        prop_oneof![
            8 => (0u32..24, 0u32..60, 0u32..60),
            // A leap second (RFC 3339 § 5.7).
            1 => Just((23, 59, 60)),
        ],
        proptest::option::of("[0-9]{1,12}"),
        prop_oneof![
            Just("Z".to_owned()),
            Just("z".to_owned()),
            Just("-00:00".to_owned()),
            ("[+-]", 0u32..24, 0u32..60).prop_map(|(s, h, m)| format!("{s}{h:02}:{m:02}")),
        ],
        prop_oneof![4 => Just('T'), 1 => Just('t')],
    )
        .prop_map(|(d, (h, m, s), frac, offset, t)| {
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            format!(
                "{}{t}{h:02}:{m:02}:{s:02}{frac}{offset}",
                d.format("%Y-%m-%d")
            )
        })
        .boxed()
}

fn uuid() -> BoxedStrategy<String> {
    prop_oneof![
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}",
    ]
    .boxed()
}

/// Decimal numbers as text (`format: number`), long enough to overflow any float.
fn decimal_text() -> BoxedStrategy<String> {
    "-?[0-9]{1,30}(\\.[0-9]{1,20})?".boxed()
}

fn base64_text() -> BoxedStrategy<String> {
    use base64::Engine as _;
    proptest::collection::vec(any::<u8>(), 0..24)
        .prop_map(|b| base64::engine::general_purpose::STANDARD.encode(b))
        .boxed()
}

/// A valid SSIN: nine digits and the modulo-97 check, born before or from 2000 on.
fn ssin() -> impl Strategy<Value = String> {
    (0u64..1_000_000_000, any::<bool>()).prop_map(|(base, from_2000)| {
        let n = if from_2000 {
            2_000_000_000 + base
        } else {
            base
        };
        format!("{base:09}{:02}", 97 - n % 97)
    })
}

/// A valid enterprise number: `0`, seven digits, and the modulo-97 check of the first eight.
fn enterprise_number() -> impl Strategy<Value = String> {
    (0u64..10_000_000).prop_map(|n| format!("0{n:07}{:02}", 97 - n % 97))
}

// ---------------------------------------------------------------------------------------------
// Running.

fn runner() -> TestRunner {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 64;
    }
    config.failure_persistence = None;
    TestRunner::new(config)
}

/// Runs `property` on values of every type that `select` picks, and fails with every failing type.
fn for_each_type(
    select: impl Fn(&Bundled, &bcss_codegen::ir::TypeDef) -> bool,
    property: impl Fn(&Bundled, &Case, &Validator, &Value) -> Result<(), String>,
) -> usize {
    let mut failures = Vec::new();
    let mut tested = 0;
    for (folder, cases) in samples() {
        let bundled = Bundled::load(folder);
        for case in &cases {
            if !select(&bundled, bundled.def(case.name)) {
                continue;
            }
            tested += 1;
            let validator = bundled.validator(case.name);
            let strategy = bundled.strategy(case.name);
            let result = runner().run(&strategy, |v| {
                property(&bundled, case, &validator, &v).map_err(TestCaseError::fail)
            });
            if let Err(e) = result {
                failures.push(format!("{folder} {}: {e}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    tested
}

#[test]
fn every_generated_type_is_listed() {
    for (folder, cases) in samples() {
        let bundled = Bundled::load(folder);
        let in_ir: BTreeSet<&str> = bundled
            .api
            .types
            .defs
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        let listed: BTreeSet<&str> = cases.iter().map(|c| c.name).collect();
        assert_eq!(
            in_ir, listed,
            "{folder}: list every generated type in round_trip.rs (left: the IR, right: the list)"
        );
        // types.rs says the same (it is regenerated from the same IR; a stale one fails elsewhere).
        let crate_dir = match folder {
            "socialStatus" => "social-status",
            "oas31" => "oas31-sample",
            _ => "employer-registry",
        };
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../clients/{crate_dir}/src/types.rs")),
        )
        .unwrap();
        let declared: BTreeSet<&str> = text
            .lines()
            .filter_map(|l| {
                let rest = l
                    .strip_prefix("pub struct ")
                    .or_else(|| l.strip_prefix("pub enum "))
                    .or_else(|| l.strip_prefix("pub type "))?;
                rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                    .next()
            })
            .collect();
        assert_eq!(declared, listed, "{folder}: types.rs and the list differ");
    }
}

#[test]
fn valid_json_round_trips_through_every_generated_type() {
    let tested = for_each_type(
        |_, _| true,
        |_, case, validator, v| (case.round_trip)(v, validator),
    );
    assert_eq!(tested, 36 + 41 + 11);
}

/// The first place where `after` lacks a property of `before` that the contract defines (unknown
/// `zz…` properties and `null`s aside; values may be normalised, e.g. `z` → `+00:00`).
fn lost(before: &Value, after: &Value, path: &str) -> Option<String> {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => b.iter().find_map(|(k, x)| {
            if k.starts_with("zz") || x.is_null() {
                return None;
            }
            match a.get(k) {
                Some(y) => lost(x, y, &format!("{path}/{k}")),
                None => Some(format!("{path}/{k}")),
            }
        }),
        (Value::Array(b), Value::Array(a)) if b.len() == a.len() => b
            .iter()
            .zip(a)
            .enumerate()
            .find_map(|(i, (x, y))| lost(x, y, &format!("{path}/{i}"))),
        (Value::Array(_), _) | (Value::Object(_), _) => Some(path.to_owned()),
        _ => None,
    }
}

#[test]
fn no_property_of_the_contract_is_lost() {
    // Stronger than typed equality: serialize(deserialize(json)) keeps every property the
    // contract defines, including `anyOf` values that match several alternatives at once.
    let mut failures = Vec::new();
    for (folder, cases) in samples() {
        let bundled = Bundled::load(folder);
        for case in &cases {
            let result = runner().run(&bundled.strategy_with(case.name, true), |v| {
                let (_, j) = (case.reserialize)(&v).map_err(TestCaseError::fail)?;
                match lost(&v, &j, "") {
                    Some(at) => Err(TestCaseError::fail(format!("{at} lost: {v}\n -> {j}"))),
                    None => Ok(()),
                }
            });
            if let Err(e) = result {
                failures.push(format!("{folder} {}: {e}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_value_matching_several_any_of_alternatives_keeps_them_all() {
    // `ContactPoint` is "an e-mail address, a phone number, or both": `anyOf` over objects is one
    // struct with every alternative's properties, all optional, so "both" survives.
    use bcss_employer_registry::types::ContactPoint;
    let both = json!({"email": "info@example.be", "phoneNumber": "+3292000000"});
    let c: ContactPoint = serde_json::from_value(both.clone()).unwrap();
    assert_eq!(serde_json::to_value(&c).unwrap(), both);
    let neither: ContactPoint = serde_json::from_value(json!({"fax": "+3292000001"})).unwrap();
    assert_eq!((neither.email, neither.phone_number), (None, None));
}

// ---------------------------------------------------------------------------------------------
// Edge cases.

fn enum_values(def: &bcss_codegen::ir::TypeDef) -> Option<Vec<String>> {
    match &def.kind {
        TypeKind::Enum { variants } => Some(variants.iter().map(|v| v.value.clone()).collect()),
        _ => None,
    }
}

/// Runs `property` on `strategy` for every type that `select` picks (no schema involved).
fn for_each_type_with<S: Strategy>(
    select: impl Fn(&bcss_codegen::ir::TypeDef) -> bool,
    strategy: impl Fn(&Bundled, &bcss_codegen::ir::TypeDef) -> S,
    property: impl Fn(&Case, &bcss_codegen::ir::TypeDef, S::Value) -> Result<(), String>,
) -> usize {
    let mut failures = Vec::new();
    let mut tested = 0;
    for (folder, cases) in samples() {
        let bundled = Bundled::load(folder);
        for case in &cases {
            let def = bundled.def(case.name);
            if !select(def) {
                continue;
            }
            tested += 1;
            let result = runner().run(&strategy(&bundled, def), |v| {
                property(case, def, v).map_err(TestCaseError::fail)
            });
            if let Err(e) = result {
                failures.push(format!("{folder} {}: {e}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    tested
}

#[test]
fn unknown_enum_values_come_back_as_the_same_string() {
    let tested = for_each_type_with(
        |def| enum_values(def).is_some(),
        |_, def| {
            let known = enum_values(def).unwrap();
            prop_oneof![Just(String::new()), "\\PC{1,16}", "[a-z][a-zA-Z]{0,12}"]
                .prop_filter("not a known value", move |s| !known.contains(s))
        },
        |case, _, s| {
            let (debug, j) = (case.reserialize)(&Value::from(s.clone()))?;
            if !debug.starts_with("Unknown(") || j != s.as_str() {
                return Err(format!("`{s}` became {debug} and then {j}"));
            }
            Ok(())
        },
    );
    assert_eq!(tested, 5 + 5 + 2);

    use bcss_employer_registry::types::UnresolvedEnterpriseNumberReason as Reason;
    use bcss_social_status::types::{PersonSocialStatus, SocialStatusCode};
    // A known value named like the fallback is still the known value.
    let reason: Reason = serde_json::from_value(json!("unknown")).unwrap();
    assert_eq!(reason, Reason::Unknown2);
    assert_eq!(serde_json::to_value(&reason).unwrap(), json!("unknown"));
    let reason: Reason = serde_json::from_value(json!("Unknown")).unwrap();
    assert_eq!(reason, Reason::Unknown("Unknown".into()));
    // Inside a struct.
    let v = json!({"ssin": "85073003328", "ssinRef": "pZ3mK8sQ1vN0bT7yL2wR4e",
        "status": "selfEmployedAbroad", "period": {"start": "2021-09-01"}});
    let p: PersonSocialStatus = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(
        p.status,
        SocialStatusCode::Unknown("selfEmployedAbroad".into())
    );
    assert_eq!(serde_json::to_value(&p).unwrap(), v);
}

fn struct_fields(def: &bcss_codegen::ir::TypeDef) -> Option<&[bcss_codegen::ir::Field]> {
    match &def.kind {
        TypeKind::Struct {
            fields,
            additional: None,
            flattened,
        } if flattened.is_empty() => Some(fields),
        _ => None,
    }
}

#[test]
fn unknown_fields_are_ignored() {
    // Belgif evo-compat: a server may add properties; a client must read the rest as before.
    let tested = for_each_type_with(
        |def| struct_fields(def).is_some(),
        |b, def| {
            (
                b.strategy(&def.name),
                "[a-zA-Z_][a-zA-Z0-9_-]{0,10}",
                any_json(),
            )
        },
        |case, def, (v, name, extra)| {
            let fields = struct_fields(def).unwrap();
            if fields.iter().any(|f| f.json == name) {
                return Ok(());
            }
            let mut with = v.clone();
            with.as_object_mut()
                .unwrap()
                .insert(name.clone(), extra.clone());
            if !(case.same)(&v, &with)? {
                return Err(format!("adding `{name}: {extra}` changed the value of {v}"));
            }
            let (_, j) = (case.reserialize)(&with)?;
            if j.get(&name).is_some() {
                return Err(format!("`{name}` came back in {j}"));
            }
            Ok(())
        },
    );
    assert!(tested >= 30, "{tested} structs");
}

#[test]
fn merge_patch_fields_keep_null_apart_from_absent() {
    let patch_fields = |def: &bcss_codegen::ir::TypeDef| -> Vec<String> {
        struct_fields(def)
            .into_iter()
            .flatten()
            .filter(|f| f.patch_nullable)
            .map(|f| f.json.clone())
            .collect()
    };
    let tested = for_each_type_with(
        |def| !patch_fields(def).is_empty(),
        |b, def| b.strategy(&def.name),
        |case, def, v| {
            for field in patch_fields(def) {
                let mut null = v.clone();
                null[&field] = Value::Null;
                let mut absent = v.clone();
                absent.as_object_mut().unwrap().remove(&field);
                let (_, j) = (case.reserialize)(&null)?;
                if j.get(&field) != Some(&Value::Null) {
                    return Err(format!("`{field}: null` became {j}"));
                }
                let (_, j) = (case.reserialize)(&absent)?;
                if j.get(&field).is_some() {
                    return Err(format!("absent `{field}` became {j}"));
                }
                if (case.same)(&null, &absent)? {
                    return Err(format!(
                        "`{field}: null` and no `{field}` are the same value"
                    ));
                }
                if let Some(value) = v.get(&field).filter(|x| !x.is_null()) {
                    let (_, j) = (case.reserialize)(&v)?;
                    if j.get(&field) != Some(value) {
                        return Err(format!("`{field}: {value}` became {j}"));
                    }
                }
            }
            Ok(())
        },
    );
    assert_eq!(tested, 1, "ContactPreferencesPatch");

    use bcss_social_status::types::{
        ContactPreferencesPatch as Patch, ContactPreferencesPatchPreferredLanguage as Lang,
    };
    let null: Patch = serde_json::from_value(json!({"email": null})).unwrap();
    let absent: Patch = serde_json::from_value(json!({})).unwrap();
    assert_eq!(null.email, Some(None));
    assert_eq!(absent.email, None);
    assert_ne!(null, absent);
    assert_eq!(serde_json::to_value(&null).unwrap(), json!({"email": null}));
    assert_eq!(serde_json::to_value(&absent).unwrap(), json!({}));
    let set: Patch =
        serde_json::from_value(json!({"preferredLanguage": "de", "paperMailOptOut": true}))
            .unwrap();
    assert_eq!(set.preferred_language, Some(Some(Lang::De)));
    assert_eq!(set.email, None);
    // Not nullable in the contract: `null` means nothing more than absent.
    let p: Patch = serde_json::from_value(json!({"paperMailOptOut": null})).unwrap();
    assert_eq!(serde_json::to_value(&p).unwrap(), json!({}));
}

#[test]
fn large_integers_keep_their_exact_value() {
    use bcss_employer_registry::types::{Document, Establishment};
    use bcss_social_status::types::{PersonSocialStatus, StatusEvidence};
    let document = |size: Value| {
        json!({"documentType": "mandate", "title": "t",
            "documentId": "3f2c8a9e-0000-4000-8000-000000000001", "employerId": 197,
            "fileName": "a.pdf", "mediaType": "application/pdf", "size": size,
            "uploadedAt": "2024-01-02T03:04:05+01:00", "content": {}})
    };
    for n in [
        json!(i64::MAX),
        json!(i64::MIN),
        json!(9_007_199_254_740_993_i64),
        json!(-9_007_199_254_740_993_i64),
        json!(0),
    ] {
        let d: Document = serde_json::from_value(document(n.clone())).unwrap();
        assert_eq!(serde_json::to_value(&d).unwrap()["size"], n);
        let text = serde_json::to_string(&d).unwrap();
        assert!(text.contains(&format!("\"size\":{n}")), "{text}");
    }
    // Out of range or not an integer: refused, never rounded or wrapped.
    for n in [
        "9223372036854775808",
        "-9223372036854775809",
        "1.0",
        "1e3",
        "18446744073709551616",
    ] {
        let text = document(Value::Null)
            .to_string()
            .replace("\"size\":null", &format!("\"size\":{n}"));
        assert!(serde_json::from_str::<Document>(&text).is_err(), "size {n}");
    }
    let establishment = |count: i64| {
        json!({"establishmentUnitNumber": "2100000114", "name": "n", "startDate": "2020-01-01",
            "workerCount": count})
    };
    assert!(serde_json::from_value::<Establishment>(establishment(i32::MAX as i64)).is_ok());
    assert!(serde_json::from_value::<Establishment>(establishment(i32::MAX as i64 + 1)).is_err());
    // Through a discriminated union (which reads a serde_json::Value first).
    let v = json!({"ssin": "85073003328", "ssinRef": "pZ3mK8sQ1vN0bT7yL2wR4e", "status": "employee",
        "period": {"start": "2021-09-01"},
        "evidence": {"evidenceType": "employment", "employerId": 9_223_372_036_854_775_807_i64}});
    let p: PersonSocialStatus = serde_json::from_value(v.clone()).unwrap();
    match &p.evidence {
        Some(StatusEvidence::EmploymentEvidence(e)) => assert_eq!(e.employer_id, i64::MAX),
        other => panic!("{other:?}"),
    }
    assert_eq!(serde_json::to_value(&p).unwrap(), v);
}

#[test]
fn decimal_strings_keep_their_exact_text() {
    use bcss_social_status::types::PensionEvidence;
    let mut runner = runner();
    runner
        .run(&"[+-]?[0-9]{1,40}(\\.[0-9]{1,40})?", |text| {
            let v = json!({"evidenceType": "pension", "pensionType": "survivor",
                    "monthlyAllowance": text});
            let p: PensionEvidence = serde_json::from_value(v.clone())
                .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            prop_assert_eq!(
                p.monthly_allowance.as_ref().map(|d| d.as_str()),
                Some(text.as_str())
            );
            prop_assert_eq!(serde_json::to_value(&p).unwrap(), v);
            Ok(())
        })
        .unwrap();
    for text in [
        "0.10",
        "-0.00",
        "007.50",
        "1842.37",
        "123456789012345678901234567890.000000000000000000001",
    ] {
        let v = json!({"evidenceType": "pension", "pensionType": "retirement", "monthlyAllowance": text});
        let p: PensionEvidence = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), v.to_string());
    }
    // A JSON number is not a decimal string; neither are exponents.
    for bad in [json!(1.5), json!("1e5"), json!(".5"), json!("1.")] {
        let v = json!({"evidenceType": "pension", "pensionType": "retirement", "monthlyAllowance": bad});
        assert!(
            serde_json::from_value::<PensionEvidence>(v).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn unknown_alternatives_are_kept_intact() {
    // Discriminated (`StatusEvidence`, `evidenceType`): JSON that selects no known alternative is
    // `Other`, and serializes back to the same JSON text.
    let known_tag = |v: &Value| {
        matches!(
            v.get("evidenceType").and_then(Value::as_str),
            Some("employment" | "pension")
        )
    };
    let objects =
        proptest::collection::vec(("[a-zA-Z]{1,8}", any_json()), 0..5).prop_map(object_of);
    let tags = prop_oneof![
        Just(None),
        Just(Some(Value::Null)),
        any_json().prop_map(Some),
        "[a-zA-Z]{0,12}".prop_map(|s| Some(Value::from(s))),
    ];
    let mut runner = runner();
    runner
        .run(&(objects.clone(), tags), |(mut v, tag)| {
            if let Some(tag) = tag {
                v.as_object_mut()
                    .unwrap()
                    .insert("evidenceType".into(), tag);
            }
            prop_assume!(!known_tag(&v));
            let e: bcss_social_status::types::StatusEvidence = serde_json::from_value(v.clone())
                .map_err(|e| TestCaseError::fail(format!("{v}: {e}")))?;
            prop_assert_eq!(
                &e,
                &bcss_social_status::types::StatusEvidence::Other(v.clone())
            );
            prop_assert_eq!(serde_json::to_string(&e).unwrap(), v.to_string());
            Ok(())
        })
        .unwrap();

    // Numbers beyond f64 precision inside an unknown alternative stay exact (up to u64/i64).
    let text = r#"{"evidenceType":"disability","degree":18446744073709551615,"min":-9223372036854775808,"ratio":0.1,"nested":[{"a":9007199254740993}]}"#;
    let e: bcss_social_status::types::StatusEvidence = serde_json::from_str(text).unwrap();
    assert!(matches!(
        e,
        bcss_social_status::types::StatusEvidence::Other(_)
    ));
    assert_eq!(serde_json::to_string(&e).unwrap(), text);
    // A known tag whose body does not fit its alternative is an error, not `Other`.
    assert!(
        serde_json::from_value::<bcss_social_status::types::StatusEvidence>(
            json!({"evidenceType": "pension"})
        )
        .is_err()
    );
}

#[test]
fn localized_strings_keep_the_languages_the_runtime_type_names() {
    // Known limitation of the curated `LocalizedString`: the contract allows other ISO 639-1
    // codes as additional properties; the runtime type keeps nl, fr, de and en only.
    let v = json!({"nl": "Werknemer", "fr": "Travailleur salarié", "it": "Lavoratore"});
    let s: bcss_runtime::types::LocalizedString = serde_json::from_value(v).unwrap();
    assert_eq!(
        serde_json::to_value(&s).unwrap(),
        json!({"nl": "Werknemer", "fr": "Travailleur salarié"})
    );
}

// ---------------------------------------------------------------------------------------------
// Shapes of issue #8: defaults, required nullable fields, integer enums, extra properties,
// unions beside properties, constrained formatted strings.

fn certificate_request() -> Value {
    json!({"ssin": "72021512380", "legalContext": "SOCIAL_WELFARE:INTEGRATION_INCOME",
        "referenceDate": "2025-01-01", "language": "fr"})
}

#[test]
fn a_missing_field_decodes_to_its_default_and_an_unset_one_is_not_sent() {
    use bcss_social_status::types::{
        CertificatePriority, CertificateSignature, EBoxDelivery, PersonsQuery,
        StatusCertificateRequest,
    };
    // Missing → the contract's default: a literal (integer enum constant, bool, string).
    let r: StatusCertificateRequest = serde_json::from_value(certificate_request()).unwrap();
    assert_eq!(r.priority, Some(CertificatePriority::VALUE_1));
    let q: PersonsQuery =
        serde_json::from_value(json!({"ssins": ["85073003328"], "legalContext": "A"})).unwrap();
    assert_eq!(q.include_evidence, Some(false));
    let e: EBoxDelivery = serde_json::from_value(json!({"eBoxLanguage": "nl"})).unwrap();
    assert_eq!(e.registered_mail, Some(false));
    let s: CertificateSignature = serde_json::from_value(json!({})).unwrap();
    assert_eq!(s.algorithm.as_deref(), Some("PAdES-B-LT"));
    // An explicit `null` is not a missing field: no default.
    let mut with_null = certificate_request();
    with_null["priority"] = Value::Null;
    let r: StatusCertificateRequest = serde_json::from_value(with_null).unwrap();
    assert_eq!(r.priority, None);
    // A value the caller did not set is not sent: the server applies its own default.
    let sent = serde_json::to_value(&r).unwrap();
    assert_eq!(sent, certificate_request(), "nothing added: {sent}");
    // A value that is set is sent as it is, the default one included.
    let mut urgent = r.clone();
    urgent.priority = Some(CertificatePriority::VALUE_2);
    assert_eq!(serde_json::to_value(&urgent).unwrap()["priority"], json!(2));
}

#[test]
fn a_required_nullable_field_decodes_null_and_needs_its_key() {
    use bcss_social_status::types::StatusCertificate;
    let certificate = json!({"certificateId": "c2b7e1d0-9f3a-4c58-8e6d-a1b2c3d4e5f6",
        "ssin": "72021512380", "status": "unemployed", "referenceDate": "2025-01-01",
        "issuedAt": "2025-03-14T10:15:12+01:00", "revokedAt": null});
    let c: StatusCertificate = serde_json::from_value(certificate.clone()).unwrap();
    assert_eq!(c.revoked_at, None);
    // `None` is written as `null`: the key stays, as the contract requires.
    assert_eq!(serde_json::to_value(&c).unwrap(), certificate);
    let mut revoked = certificate.clone();
    revoked["revokedAt"] = json!("2025-03-20T08:00:00+01:00");
    let c: StatusCertificate = serde_json::from_value(revoked.clone()).unwrap();
    assert!(c.revoked_at.is_some());
    assert_eq!(serde_json::to_value(&c).unwrap(), revoked);
    let mut missing = certificate;
    missing.as_object_mut().unwrap().remove("revokedAt");
    let err = serde_json::from_value::<StatusCertificate>(missing).unwrap_err();
    assert!(err.to_string().contains("revokedAt"), "{err}");
}

#[test]
fn unknown_integer_enum_values_survive() {
    use bcss_social_status::types::{CertificatePriority, StatusCertificateRequest};
    let mut runner = runner();
    runner
        .run(&any::<i32>(), |n| {
            let p: CertificatePriority = serde_json::from_value(json!(n)).unwrap();
            prop_assert_eq!(p, CertificatePriority(n));
            prop_assert_eq!(serde_json::to_value(p).unwrap(), json!(n));
            Ok(())
        })
        .unwrap();
    let mut request = certificate_request();
    request["priority"] = json!(7);
    let r: StatusCertificateRequest = serde_json::from_value(request.clone()).unwrap();
    assert_eq!(r.priority, Some(CertificatePriority(7)));
    assert_eq!(serde_json::to_value(&r).unwrap(), request);
    // Known values are the named constants; a value of another type is refused.
    let known: CertificatePriority = serde_json::from_value(json!(3)).unwrap();
    assert_eq!(known, CertificatePriority::VALUE_3);
    assert!(serde_json::from_value::<CertificatePriority>(json!("3")).is_err());
}

#[test]
fn extra_properties_survive_a_round_trip() {
    use bcss_social_status::types::CertificateSignature;
    let v = json!({"algorithm": "PAdES-B-LTA", "signedAt": "2025-03-14T10:15:11+01:00",
        "signingCertificateSerial": "4c3a2f1e0d9b8a7c", "timestamp": {"tsa": "x", "at": 1},
        "chain": [1, null, "two"], "big": 18446744073709551615_u64});
    let s: CertificateSignature = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(
        s.additional_properties.keys().collect::<Vec<_>>(),
        ["big", "chain", "signingCertificateSerial", "timestamp"]
    );
    assert_eq!(serde_json::to_value(&s).unwrap(), v);
    // Built by a caller: the extra properties are sent beside the named ones.
    let built =
        CertificateSignature::new().with_additional_property("policy", json!("urn:oid:1.2"));
    assert_eq!(
        serde_json::to_value(&built).unwrap(),
        json!({"policy": "urn:oid:1.2"})
    );
}

#[test]
fn a_union_beside_properties_keeps_both() {
    use bcss_social_status::types::{
        BelgianLanguage, CertificateDelivery, CertificateDeliveryOneOf, CertificateDeliveryReport,
        CertificateDeliveryReportOneOf, DownloadDelivery, EBoxDelivery,
    };
    // `properties` beside `oneOf`.
    let v = json!({"notificationEmail": "certificates@ocmw-gent.be", "retentionDays": 7});
    let d: CertificateDelivery = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(
        d.notification_email.as_ref().map(|e| e.as_str()),
        Some("certificates@ocmw-gent.be")
    );
    assert_eq!(
        d.one_of,
        CertificateDeliveryOneOf::DownloadDelivery(DownloadDelivery::new(7))
    );
    assert_eq!(serde_json::to_value(&d).unwrap(), v);
    let v = json!({"eBoxLanguage": "de", "registeredMail": true});
    let d: CertificateDelivery = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(d.notification_email, None);
    assert_eq!(
        d.one_of,
        CertificateDeliveryOneOf::EBoxDelivery(
            EBoxDelivery::new(BelgianLanguage::De).with_registered_mail(true)
        )
    );
    assert_eq!(serde_json::to_value(&d).unwrap(), v);
    // An alternative this client does not know keeps its properties, beside the known ones.
    let v = json!({"notificationEmail": "a@b.be", "courier": {"company": "bpost"}});
    let d: CertificateDelivery = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(
        d.one_of,
        CertificateDeliveryOneOf::Other(json!({"courier": {"company": "bpost"}}))
    );
    assert_eq!(serde_json::to_value(&d).unwrap(), v);
    // A `oneOf` inside an `allOf` part.
    let v = json!({"deliveredAt": "2025-03-14T10:15:12+01:00", "eBoxLanguage": "nl",
        "registeredMail": false});
    let r: CertificateDeliveryReport = serde_json::from_value(v.clone()).unwrap();
    assert!(matches!(
        r.one_of,
        CertificateDeliveryReportOneOf::EBoxDelivery(_)
    ));
    assert_eq!(serde_json::to_value(&r).unwrap(), v);
    // The struct's own required property is still required.
    assert!(
        serde_json::from_value::<CertificateDeliveryReport>(json!({"retentionDays": 1})).is_err()
    );
}

#[test]
fn constraints_on_formatted_strings_are_checked() {
    use bcss_social_status::types::{
        CertificateDeliveryNotificationEmail as Email, ContactPreferencesPatchEmail,
        PensionEvidenceMonthlyAllowance as Allowance,
    };
    // `format: email` is text to the client: its `pattern` and `maxLength` are checked.
    assert!(Email::new("certificates@ocmw-gent.be").is_ok());
    assert!(Email::new("certificates@ocmw-gent.nl").is_err());
    assert!(ContactPreferencesPatchEmail::new("a".repeat(250) + "@x.be").is_err());
    assert!(ContactPreferencesPatchEmail::new("info@example.be").is_ok());
    // `format: number` stays an exact decimal; the pattern is checked on its text.
    assert!("1842.37".parse::<Allowance>().is_ok());
    assert!("1842.3".parse::<Allowance>().is_err());
    assert!("12.5e3".parse::<Allowance>().is_err());
    assert_eq!(
        "0.10".parse::<Allowance>().unwrap().value().as_str(),
        "0.10"
    );
}
