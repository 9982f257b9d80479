//! `bcss call --spec CONTRACT OPERATION name=value…`: the operation found by operationId or
//! generated method name, each parameter checked against the contract (known, required, type,
//! enum, pattern and length) and the LegalContext against the annex before anything is sent;
//! then the request goes out through the runtime (token, mutual TLS, retries), or with
//! `--dry-run` is only shown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use bcss_codegen::annex::Annex;
use bcss_codegen::ir::{Api, Body, BodyKind, Operation, Param, ParamIn, Ty, TypeKind};
use bcss_runtime::exports::http::Method;
use bcss_runtime::params::ParamStyle;
use bcss_runtime::{BcssClient, RequestBuilder};
use serde_json::Value;

use crate::args::{CallArgs, OutputFormat};
use crate::error::CliError;

/// Exit status of a call that got a 4xx answer.
pub const EXIT_CLIENT_ERROR: u8 = 4;
/// Exit status of a call that got a 5xx answer.
pub const EXIT_SERVER_ERROR: u8 = 5;

/// What a call printed, and its exit status.
#[derive(Debug)]
pub struct CallOutput {
    /// The text or JSON to print.
    pub text: String,
    /// 0 for 2xx/3xx (and a dry run), [`EXIT_CLIENT_ERROR`], [`EXIT_SERVER_ERROR`].
    pub exit: u8,
}

/// Checks, builds, and sends (or shows) the call.
pub async fn run(args: &CallArgs, operation: &str) -> Result<CallOutput, CliError> {
    let Some(spec) = &args.spec else {
        return Err(CliError::Argument {
            argument: "--spec",
            message: "the contract to call is required".into(),
        });
    };
    let (api, annex) = super::catalog::read(spec, args.annex.as_deref())?;
    let op = find(&api, operation)?;
    let values = parse_pairs(&args.params)?;
    let c = &args.config;
    let config = crate::config::load(&c.config, c.environment, c.channel)?;
    let client = BcssClient::new(&config)?;
    let request = build(&client, &api, op, &values, annex.as_ref(), args)?;
    if args.dry_run {
        let preview = request.preview()?;
        return Ok(CallOutput {
            text: render_preview(&preview, args.format),
            exit: 0,
        });
    }
    if args.all_pages {
        return all_pages(request, args.format).await;
    }
    let started = std::time::Instant::now();
    let response = request.send_raw().await?;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let exit = match status {
        400..=499 => EXIT_CLIENT_ERROR,
        500..=599 => EXIT_SERVER_ERROR,
        _ => 0,
    };
    Ok(CallOutput {
        text: render_response(&response, args.format, args.verbose.then_some(elapsed)),
        exit,
    })
}

/// Every item of every page, following `next` on the configured gateway only.
async fn all_pages(request: RequestBuilder, format: OutputFormat) -> Result<CallOutput, CliError> {
    use bcss_runtime::exports::futures_util::StreamExt as _;
    let next_of = |page: &Value| page.get("next").and_then(Value::as_str).map(str::to_owned);
    let mut pages = std::pin::pin!(bcss_runtime::pages::follow::<Value>(Ok(request), next_of));
    let mut items = Vec::new();
    let mut count = 0;
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(e) if e.status().is_some() => {
                let exit = if e.status() >= Some(500) {
                    EXIT_SERVER_ERROR
                } else {
                    EXIT_CLIENT_ERROR
                };
                return Ok(CallOutput {
                    text: format!("after {count} page(s): {e}\n"),
                    exit,
                });
            }
            Err(e) => return Err(e.into()),
        };
        count += 1;
        match page.into_inner() {
            Value::Object(mut body) => match body.remove("items") {
                Some(Value::Array(page_items)) => items.extend(page_items),
                _ => items.push(Value::Object(body)),
            },
            other => items.push(other),
        }
    }
    let text = match format {
        OutputFormat::Json => {
            let json = serde_json::json!({ "pages": count, "items": items });
            serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
        }
        OutputFormat::Text => {
            let mut out = format!("{count} page(s), {} item(s)\n", items.len());
            for item in &items {
                let _ = writeln!(out, "{item}");
            }
            out
        }
    };
    Ok(CallOutput { text, exit: 0 })
}

/// The status line coloured by class, for a terminal (the caller decides: never in pipes, JSON,
/// or with `NO_COLOR` set).
pub fn coloured(text: &str) -> String {
    let Some(rest) = text.strip_prefix("HTTP ") else {
        return text.to_owned();
    };
    let colour = match rest.as_bytes().first() {
        Some(b'2') => "32",
        Some(b'3') => "36",
        Some(b'4') => "33",
        _ => "31",
    };
    let (line, others) = text.split_once('\n').unwrap_or((text, ""));
    format!("\x1b[1;{colour}m{line}\x1b[0m\n{others}")
}

fn find<'a>(api: &'a Api, name: &str) -> Result<&'a Operation, CliError> {
    api.operations
        .iter()
        .find(|o| o.id == name || o.fn_name == name)
        .ok_or_else(|| super::catalog::unknown_operation(name))
}

fn parse_pairs(pairs: &[String]) -> Result<BTreeMap<String, String>, CliError> {
    let mut out = BTreeMap::new();
    for pair in pairs {
        let Some((name, value)) = pair.split_once('=') else {
            return Err(CliError::Argument {
                argument: "PARAMETER",
                message: format!("`{pair}`: parameters are given as name=value"),
            });
        };
        out.insert(name.to_owned(), value.to_owned());
    }
    Ok(out)
}

fn refused(message: String) -> CliError {
    CliError::Argument {
        argument: "PARAMETER",
        message: format!("{message}; nothing was sent"),
    }
}

fn build(
    client: &BcssClient,
    api: &Api,
    op: &Operation,
    values: &BTreeMap<String, String>,
    annex: Option<&Annex>,
    args: &CallArgs,
) -> Result<RequestBuilder, CliError> {
    let known = |name: &str| op.params.iter().any(|p| p.name == name || p.rust == name);
    if let Some(unknown) = values.keys().find(|n| !known(n)) {
        let names: Vec<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
        return Err(refused(format!(
            "`{}` has no parameter `{unknown}` (it takes: {})",
            op.id,
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        )));
    }
    let method = Method::from_bytes(op.method.as_bytes()).map_err(|e| refused(e.to_string()))?;
    let mut request = client.request(method, &format!("{}{}", api.base_path, op.path));
    for p in &op.params {
        let given = values.get(&p.name).or_else(|| values.get(&p.rust));
        let text = if p.legal_context {
            annex_legal_context(
                given.or(args.legal_context.as_ref()).cloned(),
                annex,
                p.required,
            )?
        } else {
            given.cloned()
        };
        let Some(text) = text else {
            if p.required {
                return Err(refused(format!(
                    "`{}` needs `{}` ({} parameter, {})",
                    op.id,
                    p.name,
                    super::catalog::location(p.location),
                    super::catalog::type_name(&p.ty, &api.types)
                )));
            }
            continue;
        };
        let value =
            typed(&p.ty, api, &text, &format!("parameter `{}`", p.name)).map_err(refused)?;
        let style = style(p);
        request = match p.location {
            ParamIn::Path => request.path_param_styled(&p.name, &value, style, p.explode),
            ParamIn::Query => request.query_param_styled(&p.name, &value, style, p.explode),
            ParamIn::Header => request.header_param_styled(&p.name, &value, style, p.explode),
        };
    }
    if let Some(body) = &args.body {
        let Some(declared) = op.body() else {
            return Err(refused(format!("`{}` takes no body", op.id)));
        };
        let bytes = read_body(body)?;
        let bytes = match declared.kind {
            BodyKind::Json | BodyKind::MergePatch => json_body(
                &bytes,
                declared,
                api,
                annex,
                op,
                args.legal_context.as_ref(),
            )?,
            // Forms, multipart and raw bytes go as given.
            _ => bytes,
        };
        request = request.body(bytes, &declared.media_type);
    } else if op.body().is_some_and(|b| b.required) {
        return Err(refused(format!(
            "`{}` needs a body: --body @file.json (or - for stdin)",
            op.id
        )));
    }
    if op.public {
        request = request.without_token();
    } else if !op.scopes.is_empty() {
        request = request.scopes(op.scopes.iter().cloned());
    }
    Ok(request)
}

/// A JSON body: parsed, its LegalContext property filled from `--legal-context` or the annex's
/// default when absent and checked against the annex, then checked against the contract.
fn json_body(
    bytes: &[u8],
    declared: &Body,
    api: &Api,
    annex: Option<&Annex>,
    op: &Operation,
    legal_context: Option<&String>,
) -> Result<Vec<u8>, CliError> {
    let mut value: Value =
        serde_json::from_slice(bytes).map_err(|e| refused(format!("the body is not JSON: {e}")))?;
    if let (Some(field), Some(object)) = (&declared.legal_context_field, value.as_object_mut()) {
        let given = object
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| legal_context.cloned());
        let given = annex_legal_context(given, annex, true)?;
        if let Some(given) = given {
            object.insert(field.clone(), Value::String(given));
        }
    }
    let issues = super::body::issues(
        &value,
        &declared.ty,
        api,
        declared.kind == BodyKind::MergePatch,
        "body",
    );
    if !issues.is_empty() {
        return Err(refused(format!(
            "the body of `{}` does not fit the contract:\n  {}",
            op.id,
            issues.join("\n  ")
        )));
    }
    serde_json::to_vec(&value).map_err(|e| refused(e.to_string()))
}

/// The LegalContext: the one given, else the annex's default; refused when the annex does not
/// allow it (or when `required` and there is none).
fn annex_legal_context(
    given: Option<String>,
    annex: Option<&Annex>,
    required: bool,
) -> Result<Option<String>, CliError> {
    let value = given.or_else(|| annex.and_then(|a| a.default_legal_context.clone()));
    let allowed: Vec<&str> = annex
        .map(|a| a.legal_contexts.iter().map(String::as_str).collect())
        .unwrap_or_default();
    bcss_runtime::check_legal_context(value.as_deref(), &allowed, required).map_err(|e| {
        CliError::Argument {
            argument: "--legal-context",
            message: e.to_string(),
        }
    })?;
    Ok(value)
}

/// The value as the contract types it: the text read as the JSON the type expects, then the
/// same checks as a body's (types, formats, enums, patterns, SSIN check digits). The issues
/// start with `name`.
fn typed(ty: &Ty, api: &Api, text: &str, name: &str) -> Result<Value, String> {
    let value = from_text(ty, api, text);
    let issues = super::body::issues(&value, ty, api, false, name);
    if issues.is_empty() {
        Ok(value)
    } else {
        Err(issues.join("; "))
    }
}

/// The JSON a command-line text stands for under `ty`: numbers and booleans where the type wants
/// one (left as text when they do not read, for the check to name), arrays split at commas.
fn from_text(ty: &Ty, api: &Api, text: &str) -> Value {
    let as_json = || serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.into()));
    match ty {
        Ty::I32 | Ty::I64 | Ty::F64 | Ty::Bool => as_json(),
        Ty::Vec(item) => Value::Array(text.split(',').map(|t| from_text(item, api, t)).collect()),
        Ty::Nullable(inner) => from_text(inner, api, text),
        Ty::Named(id) => match &api.types.defs[*id].kind {
            TypeKind::Consts { base, .. }
            | TypeKind::Newtype { base, .. }
            | TypeKind::Alias(base) => from_text(base, api, text),
            TypeKind::Enum { .. } => Value::String(text.into()),
            _ => as_json(),
        },
        _ => Value::String(text.into()),
    }
}

fn style(p: &Param) -> ParamStyle {
    use bcss_codegen::ir::ParamStyle as S;
    match p.style {
        S::Form => ParamStyle::Form,
        S::SpaceDelimited => ParamStyle::SpaceDelimited,
        S::PipeDelimited => ParamStyle::PipeDelimited,
        S::TabDelimited => ParamStyle::TabDelimited,
        S::DeepObject => ParamStyle::DeepObject,
        S::Simple => ParamStyle::Simple,
        S::Label => ParamStyle::Label,
        S::Matrix => ParamStyle::Matrix,
        S::Json => ParamStyle::Json,
    }
}

fn read_body(source: &str) -> Result<Vec<u8>, CliError> {
    let body_error = |message: String| CliError::Argument {
        argument: "--body",
        message,
    };
    if source == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| body_error(format!("stdin: {e}")))?;
        return Ok(bytes);
    }
    let Some(path) = source.strip_prefix('@') else {
        return Ok(source.as_bytes().to_vec());
    };
    std::fs::read(path).map_err(|e| body_error(format!("{path}: {e}")))
}

fn render_preview(preview: &bcss_runtime::RequestPreview, format: OutputFormat) -> String {
    let headers: BTreeMap<String, String> = preview
        .headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("(binary)").to_owned()))
        .collect();
    let body = preview
        .body
        .as_ref()
        .map(|b| String::from_utf8_lossy(b).into_owned());
    if format == OutputFormat::Json {
        let json = serde_json::json!({
            "dry_run": true,
            "method": preview.method.as_str(),
            "url": preview.url.as_str(),
            "headers": headers,
            "token": preview.authenticated.then_some("obtained when sent"),
            "body": body,
        });
        return serde_json::to_string_pretty(&json).unwrap_or_default() + "\n";
    }
    let mut out = format!("{} {}\n", preview.method, preview.url);
    for (name, value) in &headers {
        let _ = writeln!(out, "{name}: {value}");
    }
    if preview.authenticated {
        out.push_str("authorization: Bearer [obtained when sent; not in a dry run]\n");
    }
    if let Some(body) = body {
        let _ = write!(out, "\n{body}\n");
    }
    out.push_str("(dry run: nothing was sent, no token was obtained)\n");
    out
}

/// The answer; `timed`: `-v`, with its headers and the call's duration.
fn render_response(
    response: &bcss_runtime::Response,
    format: OutputFormat,
    timed: Option<std::time::Duration>,
) -> String {
    let body: Value = serde_json::from_slice(response.body())
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(response.body()).into_owned()));
    let trace = response.trace();
    if format == OutputFormat::Json {
        let headers: BTreeMap<String, String> = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("(binary)").to_owned()))
            .collect();
        let json = serde_json::json!({
            "status": response.status().as_u16(),
            "headers": headers,
            "trace": trace,
            "attempts": response.attempts(),
            "body": body,
        });
        return serde_json::to_string_pretty(&json).unwrap_or_default() + "\n";
    }
    let mut out = format!(
        "HTTP {} (BelGov-Trace-Id {}{})\n",
        response.status(),
        trace.sent,
        trace
            .response
            .as_deref()
            .map(|r| format!(", answered {r}"))
            .unwrap_or_default()
    );
    if let Some(elapsed) = timed {
        let _ = writeln!(
            out,
            "({} attempt(s), {} ms, token included)",
            response.attempts(),
            elapsed.as_millis()
        );
        for (name, value) in response.headers() {
            let _ = writeln!(out, "{name}: {}", value.to_str().unwrap_or("(binary)"));
        }
        out.push('\n');
    }
    if let Some(problem) = response.problem() {
        let _ = writeln!(out, "problem: {}", problem.summary());
        for issue in &problem.issues {
            let place = match (&issue.location, &issue.name) {
                (Some(location), Some(name)) => {
                    format!(" at {} `{name}`", format!("{location:?}").to_lowercase())
                }
                (None, Some(name)) => format!(" at `{name}`"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  issue {:?}{place}: {}",
                issue.issue_type(),
                issue
                    .detail
                    .as_deref()
                    .or(issue.title.as_deref())
                    .unwrap_or("(no detail)")
            );
        }
    }
    if !response.body().is_empty() {
        out.push_str(&serde_json::to_string_pretty(&body).unwrap_or_default());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_status_line_is_coloured_by_its_class() {
        assert_eq!(
            super::coloured("HTTP 200 OK (x)\n{}\n"),
            "\x1b[1;32mHTTP 200 OK (x)\x1b[0m\n{}\n"
        );
        assert!(super::coloured("HTTP 503 Service Unavailable\n").starts_with("\x1b[1;31m"));
        assert_eq!(super::coloured("2 page(s)\n"), "2 page(s)\n");
    }
}
