//! `cargo xtask synth --ops N --schemas M --out FILE`: a synthetic OpenAPI 3.0.3 contract of
//! CBSS shape, for growth benchmarks of the generator (`cargo xtask bench-gen`).
//!
//! Seeded and deterministic: the same arguments give a byte-identical file. The contract is one
//! self-contained file with `servers: - url: /synth/v1`, the `oauth-socsec` security scheme
//! (`scope:cbss:api:synth:consult`), Belgif-style problems (`Problem`, `InputValidationProblem`,
//! `InvalidParam`, shared responses) and paging parameters, plus M domain schemas:
//!
//! - objects (nested inline objects, string enums, arrays, maps, `date`, `date-time`, `uuid`,
//!   `int64`, `string` + `format: number`),
//! - string enums,
//! - `allOf` extensions of an object,
//! - `oneOf` unions with a `discriminator` and its `mapping`,
//! - paged collections (`items`, `next`, `self`, `page`, `pageSize`).
//!
//! Schemas form domain modules of 16: a schema refers to earlier schemas of its own module or of
//! the first (common) module, as the types of a large API do, so the graph of references has a
//! bounded depth whatever M is. Operations come in resources of six (list, create, read, replace,
//! delete, history) with path, query and header parameters and several answers; domain schema `k`
//! is the payload of operation `k mod N`, so every schema is used by an operation.

use std::path::PathBuf;

use serde_json::{Map, Value, json};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Schemas per domain module (see the module documentation).
const MODULE: usize = 16;
/// The largest contract `synth` writes (operations or schemas).
pub const MAX_SIZE: usize = 1_000_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// YAML, as CBSS delivers contracts.
    #[default]
    Yaml,
    /// JSON.
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// Number of operations.
    #[arg(long)]
    ops: usize,
    /// Number of domain schemas (besides the three Belgif problem schemas every contract has).
    #[arg(long)]
    schemas: usize,
    /// Where to write the contract.
    #[arg(long)]
    out: PathBuf,
    /// Seed of the generator of names, descriptions and shapes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output format (default: yaml).
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    format: Format,
}

pub fn run(args: Args) -> Result<()> {
    let text = contract_text(args.ops, args.schemas, args.seed, args.format)?;
    std::fs::write(&args.out, &text)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    println!(
        "{}: {} operations, {} schemas (+3 problem schemas), seed {}, {} bytes",
        args.out.display(),
        args.ops,
        args.schemas,
        args.seed,
        text.len()
    );
    Ok(())
}

/// The contract as text in `format`.
pub fn contract_text(ops: usize, schemas: usize, seed: u64, format: Format) -> Result<String> {
    let doc = contract(ops, schemas, seed)?;
    Ok(match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&doc)?;
            s.push('\n');
            s
        }
        Format::Yaml => serde_norway::to_string(&doc)?,
    })
}

/// SplitMix64: small, fast, and fixed forever (the output must not change with a crate update).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const NOUNS: &[&str] = &[
    "employer",
    "declaration",
    "worker",
    "contract",
    "benefit",
    "allowance",
    "mandate",
    "establishment",
    "residence",
    "certificate",
    "payment",
    "period",
    "activity",
    "household",
    "pension",
    "invoice",
    "notification",
    "relation",
];

const QUALIFIERS: &[&str] = &[
    "social",
    "fiscal",
    "legal",
    "monthly",
    "quarterly",
    "partial",
    "provisional",
    "final",
    "foreign",
    "main",
];

const ENUM_WORDS: &[&str] = &[
    "active",
    "ceased",
    "pending",
    "refused",
    "granted",
    "suspended",
    "cancelled",
    "closed",
    "draft",
    "submitted",
    "validated",
    "archived",
];

const SENTENCES: &[&str] = &[
    "As registered by the institution that manages it.",
    "New values may be added: clients must accept values they do not know (evo-compat).",
    "Only present when the partner's legal context allows it.",
    "The reference date is the day the request is handled, in Belgian time.",
    "See the integration controls of the partner annex.",
    "Absent when the source does not know it.",
    "Amounts are decimal strings in euro, with at most two decimals.",
    "Identifies the resource for the lifetime of the API major version.",
];

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object,
    Enum,
    AllOf,
    OneOf,
    Collection,
}

struct Schemas {
    names: Vec<String>,
    kinds: Vec<Kind>,
}

impl Schemas {
    /// Earlier schemas of `kinds` that schema `i` may refer to: its own module and the common one.
    fn candidates(&self, i: usize, kinds: &[Kind]) -> Vec<usize> {
        let module = i / MODULE * MODULE;
        (0..MODULE.min(i))
            .chain(module.max(MODULE)..i)
            .filter(|&k| kinds.contains(&self.kinds[k]))
            .collect()
    }
}

/// The contract as a JSON value (keys in insertion order when serde_json keeps it).
pub fn contract(ops: usize, schemas: usize, seed: u64) -> Result<Value> {
    if ops == 0 {
        return Err("--ops must be at least 1".into());
    }
    if schemas == 0 {
        return Err("--schemas must be at least 1".into());
    }
    if ops > MAX_SIZE || schemas > MAX_SIZE {
        return Err(format!("--ops and --schemas must be at most {MAX_SIZE}").into());
    }
    let mut rng = Rng(seed ^ 0x5EED_C0DE_BC55_0001);
    let mut set = Schemas {
        names: Vec::new(),
        kinds: Vec::new(),
    };
    let mut defs = Map::new();
    for i in 0..schemas {
        let (kind, value) = schema(&mut rng, &set, i);
        let base = format!(
            "{}{}",
            upper_first(rng.pick(QUALIFIERS)),
            upper_first(rng.pick(NOUNS))
        );
        let name = match kind {
            Kind::Enum => format!("{base}Status{i}"),
            Kind::Collection => format!("{base}Page{i}"),
            Kind::OneOf => format!("{base}Evidence{i}"),
            _ => format!("{base}{i}"),
        };
        set.names.push(name.clone());
        set.kinds.push(kind);
        defs.insert(name, value);
    }
    for (name, value) in problem_schemas() {
        defs.insert(name.into(), value);
    }

    // Domain schema k is the payload of operation k mod N.
    let mut payloads: Vec<Vec<usize>> = vec![Vec::new(); ops];
    for k in 0..schemas {
        payloads[k % ops].push(k);
    }
    let mut paths = Map::new();
    for (j, own) in payloads.iter().enumerate() {
        let resource = j / 6;
        let noun = NOUNS[resource % NOUNS.len()];
        let base = format!("/{noun}s{resource}");
        let payload = match own.as_slice() {
            [] => schema_ref(&set.names[j % schemas]),
            [k] => schema_ref(&set.names[*k]),
            many => {
                let mut props = Map::new();
                for (p, k) in many.iter().enumerate() {
                    props.insert(format!("part{p}"), schema_ref(&set.names[*k]));
                }
                json!({ "type": "object", "properties": props })
            }
        };
        let single_collection = matches!(own.as_slice(), [k] if set.kinds[*k] == Kind::Collection);
        let (path, method, op) = operation(&mut rng, j, noun, &base, payload, single_collection);
        let item = paths
            .entry(path)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = item {
            m.insert(method.into(), op);
        }
    }

    Ok(json!({
        "openapi": "3.0.3",
        "info": {
            "title": "synth",
            "description": format!(
                "A synthetic contract of CBSS shape ({ops} operations, {schemas} domain schemas, seed {seed}), written by `cargo xtask synth` for growth benchmarks. It describes no real service."
            ),
            "version": "1.0",
            "contact": { "name": "bcss-rest" },
        },
        "servers": [{
            "url": "/synth/v1",
            "description": "https://api[.test|.acpt].ksz-bcss.fgov.be/synth/v1",
        }],
        "security": [{ "oauth-socsec": ["scope:cbss:api:synth:consult"] }],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "oauth-socsec": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 client credentials with a signed JWT (private_key_jwt).",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "https://services.socialsecurity.be/REST/oauth/v5/token",
                            "scopes": {
                                "scope:cbss:api:synth:consult": "consult the synthetic API",
                            },
                        },
                    },
                },
            },
            "parameters": {
                "PageQueryParameter": {
                    "name": "page",
                    "in": "query",
                    "description": "Index of the page, starting at 1.",
                    "schema": { "type": "integer", "format": "int32", "minimum": 1, "default": 1 },
                },
                "PageSizeQueryParameter": {
                    "name": "pageSize",
                    "in": "query",
                    "description": "Maximum number of items per page.",
                    "schema": { "type": "integer", "format": "int32", "minimum": 1, "maximum": 100, "default": 20 },
                },
                "AcceptLanguageHeader": {
                    "name": "Accept-Language",
                    "in": "header",
                    "description": "Preferred language of the texts of the answer.",
                    "schema": { "type": "string", "enum": ["nl", "fr", "de", "en"] },
                },
            },
            "responses": {
                "BadRequestProblemResponse": {
                    "description": "The input message is incorrect.",
                    "content": { "application/problem+json": { "schema": schema_ref("InputValidationProblem") } },
                },
                "ResourceNotFoundProblemResponse": {
                    "description": "The resource does not exist.",
                    "content": { "application/problem+json": { "schema": schema_ref("Problem") } },
                },
                "ProblemResponse": {
                    "description": "A Belgif problem.",
                    "content": { "application/problem+json": { "schema": schema_ref("Problem") } },
                },
            },
            "schemas": defs,
        },
    }))
}

fn schema(rng: &mut Rng, set: &Schemas, i: usize) -> (Kind, Value) {
    let structs = set.candidates(i, &[Kind::Object, Kind::AllOf]);
    let objects = set.candidates(i, &[Kind::Object]);
    let wanted = match i % 8 {
        0..=3 => Kind::Object,
        4 => Kind::Enum,
        5 => Kind::AllOf,
        6 => Kind::OneOf,
        _ => Kind::Collection,
    };
    let description = format!(
        "{} {}",
        upper_first(rng.pick(NOUNS)),
        rng.pick(SENTENCES).to_lowercase()
    );
    match wanted {
        Kind::Enum => (
            Kind::Enum,
            json!({ "description": description, "type": "string", "enum": enum_values(rng) }),
        ),
        Kind::AllOf if !objects.is_empty() => {
            let parent = &set.names[rng.pick(&objects)];
            let (props, required) = object_properties(rng, set, i, 2);
            (
                Kind::AllOf,
                json!({
                    "description": description,
                    "allOf": [
                        schema_ref(parent),
                        { "type": "object", "properties": props, "required": required },
                    ],
                }),
            )
        }
        Kind::OneOf if objects.len() >= 2 => {
            let count = 2 + rng.below(2).min(objects.len() - 2);
            let mut chosen: Vec<usize> = Vec::new();
            while chosen.len() < count {
                let k = rng.pick(&objects);
                if !chosen.contains(&k) {
                    chosen.push(k);
                }
            }
            let mut mapping = Map::new();
            let alternatives: Vec<Value> = chosen
                .iter()
                .map(|&k| {
                    let name = &set.names[k];
                    mapping.insert(
                        format!("{}{k}", rng.pick(NOUNS)),
                        Value::String(format!("#/components/schemas/{name}")),
                    );
                    schema_ref(name)
                })
                .collect();
            (
                Kind::OneOf,
                json!({
                    "description": description,
                    "oneOf": alternatives,
                    "discriminator": { "propertyName": "type", "mapping": mapping },
                }),
            )
        }
        Kind::Collection if !structs.is_empty() => {
            let item = &set.names[rng.pick(&structs)];
            (
                Kind::Collection,
                json!({
                    "description": format!("One page of {item} items; follow `next` until it is absent."),
                    "type": "object",
                    "properties": {
                        "items": { "type": "array", "items": schema_ref(item) },
                        "self": { "type": "string", "format": "uri" },
                        "next": { "description": "The next page; absent on the last one.", "type": "string", "format": "uri" },
                        "page": { "type": "integer", "format": "int32", "minimum": 1 },
                        "pageSize": { "type": "integer", "format": "int32", "minimum": 1 },
                        "total": { "type": "integer", "format": "int64", "minimum": 0 },
                    },
                    "required": ["items", "self", "page", "pageSize"],
                }),
            )
        }
        _ => {
            let (mut props, mut required) = object_properties(rng, set, i, 6);
            // The discriminator of the unions that may list this object.
            props.shift_insert(
                0,
                "type".into(),
                json!({ "description": "Kind of resource.", "type": "string" }),
            );
            required.insert(0, "type".into());
            (
                Kind::Object,
                json!({
                    "description": description,
                    "type": "object",
                    "properties": props,
                    "required": required,
                }),
            )
        }
    }
}

fn enum_values(rng: &mut Rng) -> Vec<String> {
    let count = 3 + rng.below(4);
    let start = rng.below(ENUM_WORDS.len());
    (0..count)
        .map(|n| ENUM_WORDS[(start + n) % ENUM_WORDS.len()].to_owned())
        .collect()
}

/// Between `min` and `min + 6` properties of varied shape, and the required ones.
fn object_properties(
    rng: &mut Rng,
    set: &Schemas,
    i: usize,
    min: usize,
) -> (Map<String, Value>, Vec<String>) {
    let enums = set.candidates(i, &[Kind::Enum]);
    let structs = set.candidates(i, &[Kind::Object, Kind::AllOf]);
    let mut props = Map::new();
    let mut required = Vec::new();
    let count = min + rng.below(7);
    let mut shape = rng.below(16);
    while props.len() < count {
        shape = (shape + 1 + rng.below(3)) % 16;
        let (name, value) = match shape {
            0 => (
                "id",
                json!({ "description": "Identifier.", "type": "string", "format": "uuid" }),
            ),
            1 => (
                "name",
                json!({ "type": "string", "minLength": 1, "maxLength": 120 }),
            ),
            2 => ("startDate", json!({ "type": "string", "format": "date" })),
            3 => (
                "updatedAt",
                json!({ "type": "string", "format": "date-time", "readOnly": true }),
            ),
            4 => (
                "count",
                json!({ "type": "integer", "format": "int64", "minimum": 0 }),
            ),
            5 => (
                "amount",
                json!({ "description": "Amount in euro.", "type": "string", "format": "number", "example": "1234.56" }),
            ),
            6 => match enums.as_slice() {
                [] => (
                    "status",
                    json!({ "type": "string", "enum": enum_values(rng) }),
                ),
                some => ("status", schema_ref(&set.names[rng.pick(some)])),
            },
            7 => (
                "address",
                json!({
                    "description": "Postal address.",
                    "type": "object",
                    "properties": {
                        "street": { "type": "string" },
                        "postCode": { "type": "string", "pattern": "^\\d{4}$" },
                        "country": {
                            "type": "object",
                            "properties": {
                                "code": { "type": "string", "pattern": "^[A-Z]{2}$" },
                                "name": { "type": "string" },
                            },
                            "required": ["code"],
                        },
                    },
                    "required": ["street", "country"],
                }),
            ),
            8 => (
                "tags",
                json!({ "type": "array", "maxItems": 20, "items": { "type": "string" } }),
            ),
            9 => match structs.as_slice() {
                [] => continue,
                some => (
                    "related",
                    json!({ "type": "array", "items": schema_ref(&set.names[rng.pick(some)]) }),
                ),
            },
            10 => match structs.as_slice() {
                [] => continue,
                some => ("parent", schema_ref(&set.names[rng.pick(some)])),
            },
            11 => (
                "attributes",
                json!({ "description": "Free attributes.", "type": "object", "additionalProperties": { "type": "string" } }),
            ),
            12 => match structs.as_slice() {
                [] => continue,
                some => (
                    "byPeriod",
                    json!({ "type": "object", "additionalProperties": schema_ref(&set.names[rng.pick(some)]) }),
                ),
            },
            13 => ("rate", json!({ "type": "number", "format": "double" })),
            14 => ("active", json!({ "type": "boolean", "default": true })),
            _ => ("code", json!({ "type": "string", "pattern": "^[0-9]{3}$" })),
        };
        if props.contains_key(name) {
            continue;
        }
        if rng.chance(40) {
            required.push(name.to_owned());
        }
        props.insert(name.into(), value);
    }
    (props, required)
}

fn problem_schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "Problem",
            json!({
                "description": "A problem (RFC 9457), as the Belgif REST guide profiles it.",
                "type": "object",
                "properties": {
                    "type": { "type": "string", "format": "uri" },
                    "href": { "type": "string", "format": "uri" },
                    "title": { "type": "string" },
                    "status": { "type": "integer", "format": "int32", "minimum": 400, "maximum": 600 },
                    "detail": { "type": "string" },
                    "instance": { "type": "string", "format": "uri" },
                },
            }),
        ),
        (
            "InputValidationProblem",
            json!({
                "description": "A problem with the input, listing each issue.",
                "allOf": [
                    schema_ref("Problem"),
                    {
                        "type": "object",
                        "properties": {
                            "issues": { "type": "array", "items": schema_ref("InvalidParam") },
                        },
                    },
                ],
            }),
        ),
        (
            "InvalidParam",
            json!({
                "type": "object",
                "properties": {
                    "type": { "type": "string", "format": "uri" },
                    "title": { "type": "string" },
                    "detail": { "type": "string" },
                    "in": { "type": "string", "enum": ["body", "header", "path", "query"] },
                    "name": { "type": "string" },
                    "value": {},
                },
            }),
        ),
    ]
}

fn problems(not_found: bool) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "400".into(),
        json!({ "$ref": "#/components/responses/BadRequestProblemResponse" }),
    );
    if not_found {
        m.insert(
            "404".into(),
            json!({ "$ref": "#/components/responses/ResourceNotFoundProblemResponse" }),
        );
    }
    m.insert(
        "default".into(),
        json!({ "$ref": "#/components/responses/ProblemResponse" }),
    );
    m
}

fn json_content(schema: Value) -> Value {
    json!({ "application/json": { "schema": schema } })
}

/// Operation `j` of its resource: (path, method, operation object).
fn operation(
    rng: &mut Rng,
    j: usize,
    noun: &str,
    base: &str,
    payload: Value,
    is_collection: bool,
) -> (String, &'static str, Value) {
    let resource = upper_first(noun);
    let id = format!("{noun}Id");
    let item = format!("{base}/{{{id}}}");
    let id_param = json!({
        "name": id,
        "in": "path",
        "required": true,
        "description": format!("Identifier of the {noun}."),
        "schema": { "type": "string", "format": "uuid" },
    });
    let security = json!([{ "oauth-socsec": ["scope:cbss:api:synth:consult"] }]);
    let description = SENTENCES[j % SENTENCES.len()];
    let respond = |success: Vec<(&str, Option<Value>)>, not_found: bool| {
        let mut m = Map::new();
        for (code, schema) in success {
            let mut r = Map::new();
            r.insert("description".into(), json!(format!("Answer {code}.")));
            if let Some(s) = schema {
                r.insert("content".into(), json_content(s));
            }
            m.insert(code.into(), Value::Object(r));
        }
        m.extend(problems(not_found));
        Value::Object(m)
    };
    let (path, method, verb, params, body, responses) = match j % 6 {
        0 => {
            let page = if is_collection {
                payload
            } else {
                json!({
                    "type": "object",
                    "properties": {
                        "items": { "type": "array", "items": payload },
                        "self": { "type": "string", "format": "uri" },
                        "next": { "type": "string", "format": "uri" },
                        "page": { "type": "integer", "format": "int32" },
                        "pageSize": { "type": "integer", "format": "int32" },
                    },
                    "required": ["items", "self", "page", "pageSize"],
                })
            };
            let filter = json!({
                "name": "status",
                "in": "query",
                "description": "Keep the resources in one of these states.",
                "style": "form",
                "explode": true,
                "schema": { "type": "array", "items": { "type": "string", "enum": enum_values(rng) } },
            });
            (
                base.to_owned(),
                "get",
                "List",
                vec![
                    json!({ "$ref": "#/components/parameters/PageQueryParameter" }),
                    json!({ "$ref": "#/components/parameters/PageSizeQueryParameter" }),
                    filter,
                    json!({ "$ref": "#/components/parameters/AcceptLanguageHeader" }),
                ],
                None,
                respond(vec![("200", Some(page))], false),
            )
        }
        1 => (
            base.to_owned(),
            "post",
            "Create",
            vec![json!({
                "name": "Idempotency-Key",
                "in": "header",
                "description": "Makes a retried creation safe.",
                "schema": { "type": "string", "format": "uuid" },
            })],
            Some(payload.clone()),
            respond(vec![("201", Some(payload))], false),
        ),
        2 => (
            item,
            "get",
            "Get",
            vec![
                id_param,
                json!({ "name": "asOf", "in": "query", "description": "Situation on this date.", "schema": { "type": "string", "format": "date" } }),
                json!({ "$ref": "#/components/parameters/AcceptLanguageHeader" }),
            ],
            None,
            respond(vec![("200", Some(payload))], true),
        ),
        3 => (
            item,
            "put",
            "Replace",
            vec![id_param],
            Some(payload.clone()),
            respond(vec![("200", Some(payload)), ("204", None)], true),
        ),
        4 => (
            item,
            "delete",
            "Delete",
            vec![
                id_param,
                json!({ "name": "If-Match", "in": "header", "required": true, "schema": { "type": "string" } }),
            ],
            None,
            respond(vec![("200", Some(payload)), ("204", None)], true),
        ),
        _ => (
            format!("{item}/history"),
            "get",
            "History",
            vec![
                id_param,
                json!({ "name": "limit", "in": "query", "schema": { "type": "integer", "format": "int64", "minimum": 1 } }),
                json!({ "name": "from", "in": "query", "required": true, "schema": { "type": "string", "format": "date-time" } }),
            ],
            None,
            respond(vec![("200", Some(payload))], true),
        ),
    };
    let mut op = Map::new();
    op.insert("tags".into(), json!([resource]));
    op.insert(
        "operationId".into(),
        json!(format!("{}{resource}{}", verb.to_lowercase(), j / 6)),
    );
    op.insert(
        "summary".into(),
        json!(format!("{verb} {noun} resources (operation {j})")),
    );
    op.insert("description".into(), json!(description));
    op.insert("security".into(), security);
    op.insert("parameters".into(), Value::Array(params));
    if let Some(schema) = body {
        op.insert(
            "requestBody".into(),
            json!({ "required": true, "content": json_content(schema) }),
        );
    }
    op.insert("responses".into(), responses);
    (path, method, Value::Object(op))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        for format in [Format::Yaml, Format::Json] {
            let a = contract_text(30, 15, 7, format).unwrap();
            let b = contract_text(30, 15, 7, format).unwrap();
            let c = contract_text(30, 15, 8, format).unwrap();
            assert_eq!(a, b);
            assert_ne!(a, c);
        }
    }

    #[test]
    fn yaml_and_json_forms_are_the_same_document() {
        let doc = contract(25, 40, 3).unwrap();
        let yaml = serde_norway::to_string(&doc).unwrap();
        let back: Value = serde_norway::from_str(&yaml).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn every_domain_schema_is_the_payload_of_an_operation() {
        for (ops, schemas) in [(10, 5), (4, 30)] {
            let doc = contract(ops, schemas, 1).unwrap();
            let paths = doc["paths"].to_string();
            let names: Vec<&String> = doc["components"]["schemas"]
                .as_object()
                .unwrap()
                .keys()
                .take(schemas)
                .collect();
            assert_eq!(names.len(), schemas);
            for name in names {
                assert!(
                    paths.contains(&format!("\"#/components/schemas/{name}\"")),
                    "{name} is not used by an operation"
                );
            }
        }
    }

    #[test]
    fn bad_sizes_are_refused_with_a_message() {
        assert!(contract(0, 5, 1).unwrap_err().to_string().contains("--ops"));
        assert!(
            contract(5, 0, 1)
                .unwrap_err()
                .to_string()
                .contains("--schemas")
        );
    }

    #[test]
    fn a_small_contract_generates_without_diagnostics() {
        let dir = tempfile::tempdir().unwrap();
        for (format, file) in [(Format::Yaml, "synth.yaml"), (Format::Json, "synth.json")] {
            let spec = dir.path().join(file);
            std::fs::write(&spec, contract_text(24, 16, 5, format).unwrap()).unwrap();
            let annex = dir.path().join("annex.yaml");
            std::fs::write(
                &annex,
                "api: synth\nscopes: [\"scope:cbss:api:synth:consult\"]\n",
            )
            .unwrap();
            let generated = bcss_codegen::Generator::new(&spec)
                .annex(&annex)
                .rustfmt(false)
                .generate()
                .unwrap_or_else(|d| panic!("{d}"));
            assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
            assert_eq!(generated.counts.0, 24);
            // 16 domain schemas and 3 problem schemas, plus the inline types.
            assert!(generated.counts.1 > 19, "{}", generated.summary());
        }
    }
}
