//! `bcss call` against the sandbox serving the socialStatus sample: a call succeeds with the
//! annex's LegalContext, input the contract or the annex refuses is refused before anything is
//! sent (the sandbox's request log stays empty), a dry run sends nothing and obtains no token,
//! a 4xx answer is explained with its exit status, and `--format json` parses.

use std::path::{Path, PathBuf};

use bcss_cli::args::{CallArgs, ConfigArgs, OutputFormat};
use bcss_cli::call::send::{self, EXIT_CLIENT_ERROR};
use bcss_sandbox::{Listener, Sandbox, SandboxConfig};

const REFERENCE: &str = "ssinRef=pZ3mK8sQ1vN0bT7yL2wR4e";

struct Served {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
}

fn spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/socialStatus")
}

async fn serving() -> Served {
    bcss_runtime::install_crypto_provider();
    let sandbox = Sandbox::start(SandboxConfig {
        scopes: vec![
            "scope:cbss:api:socialStatus:consult".into(),
            "scope:cbss:api:socialStatus:update".into(),
        ],
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    sandbox.serve_contract(&spec()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    sandbox.write_dir(dir.path()).unwrap();
    Served { sandbox, dir }
}

impl Served {
    fn args(&self, operation: &str, params: &[&str]) -> CallArgs {
        CallArgs {
            spec: Some(spec()),
            annex: Some(spec().join("annex.yaml")),
            list: false,
            operation: Some(operation.into()),
            params: params.iter().map(|p| p.to_string()).collect(),
            body: None,
            legal_context: None,
            dry_run: false,
            all_pages: false,
            help: false,
            verbose: false,
            config: ConfigArgs {
                config: self.dir.path().join("bcss.toml"),
                environment: None,
                channel: None,
            },
            format: OutputFormat::Text,
        }
    }

    fn gateway_requests(&self) -> usize {
        self.sandbox
            .log()
            .iter()
            .filter(|e| e.listener != Listener::Auth)
            .count()
    }

    fn token_requests(&self) -> usize {
        self.sandbox
            .log()
            .iter()
            .filter(|e| e.listener == Listener::Auth)
            .count()
    }
}

async fn call(args: &CallArgs) -> Result<send::CallOutput, bcss_cli::CliError> {
    send::run(args, args.operation.as_deref().unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_succeeds_with_the_annex_legal_context() {
    let s = serving().await;
    let mut args = s.args("getStatusHistory", &[REFERENCE, "from=2024-01-01"]);
    args.verbose = true;
    let out = call(&args).await.unwrap();
    assert_eq!(out.exit, 0);
    assert!(
        out.text.contains(" attempt(s), ") && out.text.contains("\netag: "),
        "-v shows timings and headers: {}",
        out.text
    );
    assert!(
        out.text.starts_with("HTTP 200 OK (BelGov-Trace-Id "),
        "{}",
        out.text
    );
    let sent = s.sandbox.log();
    let call = sent
        .iter()
        .find(|e| e.path.contains("statusHistory"))
        .unwrap();
    assert!(call.path.ends_with("?from=2024-01-01"), "{}", call.path);
    assert_eq!(
        call.legal_context.as_deref(),
        Some("FAMILY_ALLOWANCES:ENTITLEMENT"),
        "the annex's default"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_the_contract_refuses_is_refused_before_sending() {
    let s = serving().await;
    for (params, needle) in [
        (vec![REFERENCE, "from=2024-13-01"], "YYYY-MM-DD"),
        (vec!["ssinRef=short"], "ssinRef"),
        (vec![REFERENCE, "colour=red"], "no parameter `colour`"),
        (vec!["from=2024-01-01"], "needs `ssinRef`"),
    ] {
        let error = call(&s.args("getStatusHistory", &params))
            .await
            .unwrap_err();
        assert_eq!(error.exit_code(), 2, "{error}");
        assert!(error.to_string().contains(needle), "{params:?}: {error}");
    }
    let error = call(&s.args("noSuchOperation", &[])).await.unwrap_err();
    assert!(error.to_string().contains("--list"), "{error}");
    assert_eq!(
        s.gateway_requests() + s.token_requests(),
        0,
        "nothing was sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legal_context_outside_the_annex_is_refused() {
    let s = serving().await;
    let mut args = s.args("getStatusHistory", &[REFERENCE]);
    args.legal_context = Some("NOT_IN_THE_ANNEX".into());
    let error = call(&args).await.unwrap_err();
    assert!(error.to_string().contains("NOT_IN_THE_ANNEX"), "{error}");
    assert_eq!(s.gateway_requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_shows_the_request_and_sends_nothing() {
    let s = serving().await;
    let mut args = s.args("get_status_history", &[REFERENCE, "to=2025-06-30"]);
    args.dry_run = true;
    let out = call(&args).await.unwrap();
    assert!(
        out.text.contains(
            "/socialStatus/v1/persons/pZ3mK8sQ1vN0bT7yL2wR4e/statusHistory?to=2025-06-30"
        ) && out
            .text
            .contains("legalcontext: FAMILY_ALLOWANCES:ENTITLEMENT")
            && out.text.contains("nothing was sent"),
        "{}",
        out.text
    );
    assert!(!out.text.contains("eyJ"), "no token in a dry run");
    assert_eq!(s.gateway_requests() + s.token_requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_problem_is_explained_with_the_4xx_exit_status_and_json_parses() {
    let s = serving().await;
    let mut args = s.args("searchPersons", &[]);
    args.body = Some(
        r#"{"ssins": ["12345678901"], "legalContext": "FAMILY_ALLOWANCES:ENTITLEMENT"}"#.into(),
    );
    let out = call(&args).await.unwrap();
    assert_eq!(out.exit, EXIT_CLIENT_ERROR, "{}", out.text);
    assert!(
        out.text.contains("problem:")
            && out
                .text
                .contains("  issue InvalidStructure at body `ssins[0]`: "),
        "{}",
        out.text
    );

    args.format = OutputFormat::Json;
    let out = call(&args).await.unwrap();
    let json: serde_json::Value = serde_json::from_str(&out.text).unwrap();
    assert_eq!(json["status"], 400);
    assert!(
        json["trace"]["sent"]
            .as_str()
            .is_some_and(|t| t.len() == 36)
    );
    assert_eq!(json["body"]["status"], 400);
}

const PAGED: &str = r#"
openapi: 3.0.3
info: {title: demo, version: "1"}
servers: [{url: /demo/v1}]
security: [{oauth: [scope:cbss:api:socialStatus:consult]}]
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://example.invalid/token
          scopes: {scope:cbss:api:socialStatus:consult: consult}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: a page of things
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {type: array, items: {type: integer}}
                  next: {type: string}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_pages_follows_the_next_links_and_prints_every_item() {
    use bcss_sandbox::{Route, RouteResponse};
    let s = serving().await;
    for (path, body) in [
        (
            "/demo/v1/things",
            serde_json::json!({"items": [1, 2], "next": "/demo/v1/things/p2"}),
        ),
        ("/demo/v1/things/p2", serde_json::json!({"items": [3]})),
    ] {
        s.sandbox.register_route(Route {
            method: bcss_runtime::exports::http::Method::GET,
            path: path.into(),
            required_scopes: vec![],
            response: RouteResponse::json(200, body),
        });
    }
    let contract = s.dir.path().join("paged.yaml");
    std::fs::write(&contract, PAGED).unwrap();
    let mut args = s.args("listThings", &[]);
    args.spec = Some(contract);
    args.annex = None;
    args.all_pages = true;
    args.format = OutputFormat::Json;
    let out = call(&args).await.unwrap();
    let json: serde_json::Value = serde_json::from_str(&out.text).unwrap();
    assert_eq!(json["pages"], 2);
    assert_eq!(json["items"], serde_json::json!([1, 2, 3]));
    assert_eq!(s.gateway_requests(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_quotes_a_real_session() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let s = serving().await;
    let list = bcss_cli::call::render(
        &bcss_cli::call::catalog(&spec(), Some(&spec().join("annex.yaml"))).unwrap(),
        OutputFormat::Text,
    );
    let answer = call(&s.args("getStatusHistory", &[REFERENCE, "from=2024-01-01"]))
        .await
        .unwrap()
        .text;
    let refusal = call(&s.args("getStatusHistory", &[REFERENCE, "from=2024-13-01"]))
        .await
        .unwrap_err();
    let quoted = [
        list.lines().next().unwrap().to_owned(),
        "getStatusHistory GET /socialStatus/v1/persons/{ssinRef}/statusHistory".into(),
        "  ssinRef (path, SsinReference)".into(),
        answer.lines().nth(2).unwrap().to_owned(),
        format!("bcss: {refusal}"),
    ];
    assert!(answer.starts_with("HTTP 200 OK (BelGov-Trace-Id "));
    for line in quoted {
        assert!(
            list.contains(&line) || answer.contains(&line) || line.starts_with("bcss: "),
            "not from the run: {line}"
        );
        assert!(
            readme.lines().any(|l| l == line),
            "README.md's \"Calling a service by hand\" must quote `{line}` as a run prints it"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_is_checked_against_the_contract_and_gets_the_annex_legal_context() {
    let s = serving().await;
    let body_call = |body: &str| {
        let mut args = s.args("searchPersons", &[]);
        args.body = Some(body.into());
        args
    };
    for (body, needle) in [
        (
            r#"{"referenceDate": "2025-01-01"}"#,
            "body.ssins: required, missing",
        ),
        (
            r#"{"ssins": "85073003328"}"#,
            "body.ssins: an array expected, found a string",
        ),
        (
            r#"{"ssins": ["85073003328"], "referenceDate": "2025-02-30"}"#,
            "body.referenceDate: `2025-02-30` is not a date",
        ),
        (
            r#"{"ssins": ["85073003328"], "legalContext": "NOT_IN_THE_ANNEX"}"#,
            "NOT_IN_THE_ANNEX",
        ),
        ("{not json", "the body is not JSON"),
    ] {
        let error = call(&body_call(body)).await.unwrap_err();
        assert_eq!(error.exit_code(), 2, "{error}");
        assert!(error.to_string().contains(needle), "{body}: {error}");
    }
    assert_eq!(
        s.gateway_requests() + s.token_requests(),
        0,
        "nothing was sent"
    );

    let out = call(&body_call(r#"{"ssins": ["85073003328"]}"#))
        .await
        .unwrap();
    assert_eq!(out.exit, 0, "{}", out.text);
    let sent = s.sandbox.log();
    let search = sent
        .iter()
        .find(|e| e.path.contains("/persons/query"))
        .unwrap();
    assert_eq!(
        search.legal_context.as_deref(),
        Some("FAMILY_ALLOWANCES:ENTITLEMENT"),
        "the annex's default, placed in the body"
    );
}
