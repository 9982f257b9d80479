//! `bcss call --list`: the operations of a contract, with the scopes each needs and whether the
//! partner annex grants them.

use std::fmt::Write as _;
use std::path::Path;

use bcss_codegen::annex::Annex;
use bcss_codegen::ir::{Api, Operation, ParamIn, Ty, TypeSpace};
use bcss_codegen::load::Contract;
use serde::Serialize;

use crate::args::OutputFormat;
use crate::error::CliError;

/// The operations of a contract, as `bcss call --list` shows them.
#[derive(Debug, Serialize)]
pub struct Catalog {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// The operations, in path order then method order.
    pub operations: Vec<OperationEntry>,
}

/// One operation.
#[derive(Debug, Serialize)]
pub struct OperationEntry {
    /// The contract's `operationId` (or one derived from method and path).
    pub operation_id: String,
    /// The generated client's method name: also accepted where an operation is named.
    pub method_name: String,
    /// HTTP method.
    pub method: String,
    /// The path under the gateway (base path included), with `{param}` placeholders.
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Parameters, then the body.
    pub parameters: Vec<ParameterEntry>,
    /// The media types the body may be sent as (the preferred first); empty without a body.
    pub body: Vec<String>,
    /// Scopes the call needs, each with whether the annex grants it (`null` without an annex).
    pub scopes: Vec<ScopeEntry>,
    /// `security: []`: no token.
    pub public: bool,
    /// Deprecated by the contract.
    pub deprecated: bool,
}

/// A parameter.
#[derive(Debug, Serialize)]
pub struct ParameterEntry {
    /// Its name on the wire.
    pub name: String,
    /// `path`, `query` or `header`.
    #[serde(rename = "in")]
    pub location: &'static str,
    /// Required by the contract.
    pub required: bool,
    /// Its type, in words (`string`, `date`, `array of integer`, a schema name).
    #[serde(rename = "type")]
    pub type_name: String,
    /// Carries the LegalContext.
    pub legal_context: bool,
}

/// A scope and whether the partner annex grants it.
#[derive(Debug, Serialize)]
pub struct ScopeEntry {
    /// The scope.
    pub scope: String,
    /// Listed in the annex; `None` when no annex was given.
    pub granted: Option<bool>,
}

/// The contract (file, folder or zip) as the generator reads it, and the annex.
pub(crate) fn read(spec: &Path, annex: Option<&Path>) -> Result<(Api, Option<Annex>), CliError> {
    let contract = Contract::load(spec).map_err(|d| CliError::Generate(d.to_string()))?;
    let api = Api::from_contract(&contract).map_err(|d| CliError::Generate(d.to_string()))?;
    let annex = annex
        .map(|path| {
            Annex::load(path).map_err(|d| CliError::Annex {
                path: path.to_owned(),
                message: d.to_string(),
            })
        })
        .transpose()?;
    Ok((api, annex))
}

/// Reads the contract and the annex into the list of operations.
pub fn catalog(spec: &Path, annex: Option<&Path>) -> Result<Catalog, CliError> {
    let (api, annex) = read(spec, annex)?;
    let operations = api
        .operations
        .iter()
        .map(|op| entry(op, &api, annex.as_ref()))
        .collect();
    Ok(Catalog {
        title: api.title.clone(),
        version: api.version.clone(),
        operations,
    })
}

fn entry(op: &Operation, api: &Api, annex: Option<&Annex>) -> OperationEntry {
    let parameters = op
        .params
        .iter()
        .map(|p| ParameterEntry {
            name: p.name.clone(),
            location: location(p.location),
            required: p.required,
            type_name: type_name(&p.ty, &api.types),
            legal_context: p.legal_context,
        })
        .collect();
    OperationEntry {
        operation_id: op.id.clone(),
        method_name: op.fn_name.clone(),
        method: op.method.clone(),
        path: format!("{}{}", api.base_path, op.path),
        summary: op.summary.clone(),
        description: op.description.clone(),
        parameters,
        body: op.bodies.iter().map(|b| b.media_type.clone()).collect(),
        scopes: op
            .scopes
            .iter()
            .map(|scope| ScopeEntry {
                scope: scope.clone(),
                granted: annex.map(|a| a.scopes.contains(scope)),
            })
            .collect(),
        public: op.public,
        deprecated: op.deprecated,
    }
}

/// `path`, `query` or `header`.
pub(crate) fn location(location: ParamIn) -> &'static str {
    match location {
        ParamIn::Path => "path",
        ParamIn::Query => "query",
        ParamIn::Header => "header",
    }
}

/// A type in words, as a person reading the contract would say it.
pub(crate) fn type_name(ty: &Ty, types: &TypeSpace) -> String {
    match ty {
        Ty::String => "string".into(),
        Ty::Bool => "boolean".into(),
        Ty::I32 | Ty::I64 => "integer".into(),
        Ty::F64 => "number".into(),
        Ty::Date => "date".into(),
        Ty::DateTime => "date-time".into(),
        Ty::Uuid => "uuid".into(),
        Ty::Decimal => "decimal".into(),
        Ty::Base64 => "base64".into(),
        Ty::Binary => "binary".into(),
        Ty::Json => "any".into(),
        Ty::JsonObject => "object".into(),
        Ty::Vec(item) => format!("array of {}", type_name(item, types)),
        Ty::Map(value) => format!("map of {}", type_name(value, types)),
        Ty::Nullable(inner) => format!("{} or null", type_name(inner, types)),
        Ty::Named(id) => types.defs[*id].name.clone(),
        Ty::Runtime(runtime) => format!("{runtime:?}"),
    }
}

/// The catalog as text (one block per operation) or as one JSON object.
pub fn render(catalog: &Catalog, format: OutputFormat) -> String {
    match format {
        // Plain strings, booleans and lists: serialising cannot fail.
        OutputFormat::Json => serde_json::to_string_pretty(catalog)
            .map(|s| s + "\n")
            .unwrap_or_default(),
        OutputFormat::Text => text(catalog),
    }
}

fn text(catalog: &Catalog) -> String {
    let mut out = format!(
        "{} {} — {} operation(s)\n",
        catalog.title,
        catalog.version,
        catalog.operations.len()
    );
    for op in &catalog.operations {
        out.push('\n');
        out.push_str(&block(op));
    }
    out
}

/// One operation's lines of the list.
fn block(op: &OperationEntry) -> String {
    let mut out = String::new();
    let _ = write!(out, "{} {} {}", op.operation_id, op.method, op.path);
    if op.deprecated {
        out.push_str(" (deprecated)");
    }
    out.push('\n');
    if let Some(summary) = &op.summary {
        let _ = writeln!(out, "  {summary}");
    }
    for p in &op.parameters {
        let _ = writeln!(
            out,
            "  {}{} ({}, {}){}",
            p.name,
            if p.required { "" } else { "?" },
            p.location,
            p.type_name,
            if p.legal_context {
                " — carries the LegalContext"
            } else {
                ""
            }
        );
    }
    if !op.body.is_empty() {
        let _ = writeln!(out, "  body: {}", op.body.join(" | "));
    }
    if op.public {
        out.push_str("  no token (security: [])\n");
    }
    for s in &op.scopes {
        let granted = match s.granted {
            Some(true) => " (granted by the annex)",
            Some(false) => " (NOT in the annex)",
            None => "",
        };
        let _ = writeln!(out, "  scope: {}{granted}", s.scope);
    }
    out
}

/// An operation the contract does not have.
pub(crate) fn unknown_operation(name: &str) -> CliError {
    CliError::Argument {
        argument: "OPERATION",
        message: format!(
            "the contract has no operation `{name}` (operationId or method name); `bcss call --spec … --list` lists them"
        ),
    }
}

/// `bcss call --spec CONTRACT OPERATION --help`: the operation as the contract describes it.
pub fn describe(spec: &Path, annex: Option<&Path>, operation: &str) -> Result<String, CliError> {
    let list = catalog(spec, annex)?;
    let Some(op) = list
        .operations
        .iter()
        .find(|o| o.operation_id == operation || o.method_name == operation)
    else {
        return Err(unknown_operation(operation));
    };
    let mut out = block(op);
    if let Some(description) = &op.description {
        let _ = write!(out, "\n{description}\n");
    }
    let required: Vec<String> = op
        .parameters
        .iter()
        .filter(|p| p.required && !p.legal_context)
        .map(|p| format!("{}=…", p.name))
        .collect();
    let body = if op.body.is_empty() {
        ""
    } else {
        " --body @body.json"
    };
    let _ = write!(
        out,
        "\nExample:\n  bcss call --spec {} {}{}{body}\n",
        spec.display(),
        op.operation_id,
        required.iter().map(|r| format!(" {r}")).collect::<String>()
    );
    Ok(out)
}
