//! Leaks tested where they happen: no token, assertion, private key or password, and no SSIN,
//! in any `Debug` output, error message, span field or log record — the runtime's, and those of
//! the libraries under it (rustls and reqwest write through `log`, bridged here at TRACE).
//!
//! Every test captures on its own thread (`current_thread` runtime, so the sandbox's tasks and
//! the token fetch report to the same capture) and first checks that the capture works: the
//! `bcss.call` span with its template and trace id, the token event, a bridged rustls record.
//!
//! The sandbox is the server: its request log names the filled paths by design, so it is
//! searched for secrets but not for SSINs.

use std::path::{Path, PathBuf};

use bcss_e2e::capture::Capture;
use bcss_e2e::{ENV, Harness, password, search_then_read_history, set_identity};
use bcss_runtime::config::IdentitySource;
use bcss_runtime::{BcssClient, Config, RetryPolicy, TransportErrorKind};
use bcss_sandbox::{Fault, FaultRule, FaultTarget};
use serde_json::json;

/// In a path.
const SSIN_IN_PATH: &str = "00000000097";
/// In a query.
const SSIN_IN_QUERY: &str = "85073003328";
/// In a JSON body.
const SSIN_IN_BODY: &str = "79011512326";
const PERSONAL_DATA: [&str; 3] = [SSIN_IN_PATH, SSIN_IN_QUERY, SSIN_IN_BODY];

const DEMO_SCOPES: [&str; 2] = ["scope:cbss:api:demo:consult", "scope:cbss:api:demo:update"];

fn person_path() -> String {
    format!("/demo/v1/persons/{SSIN_IN_PATH}")
}

/// What must not be seen, with a label to name it without showing it.
#[derive(Default)]
struct Needles(Vec<(String, String)>);

impl Needles {
    fn add(&mut self, label: &str, value: &str) {
        assert!(value.len() >= 8, "{label}: too short to search for");
        self.0.push((label.to_owned(), value.to_owned()));
    }

    /// The body lines of a PEM file (the key itself, not its armour).
    fn add_pem_body(&mut self, label: &str, pem_file: &Path) {
        let pem = std::fs::read_to_string(pem_file).unwrap();
        for line in pem
            .lines()
            .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        {
            self.add(label, line);
        }
    }

    /// Panics naming the first needle found in `haystack`, the line shown with it masked.
    fn assert_absent_from(&self, haystack: &[String]) {
        for text in haystack {
            for (label, needle) in &self.0 {
                if let Some(line) = text.lines().find(|l| l.contains(needle.as_str())) {
                    panic!(
                        "{label} leaked in:\n{}",
                        line.replace(needle.as_str(), "<LEAKED>")
                    );
                }
            }
            // Any JWT (access token or client assertion) starts with a base64url JSON object.
            if let Some(line) = text.lines().find(|l| l.contains("eyJ")) {
                panic!("a JWT leaked in:\n{line}");
            }
        }
    }
}

fn ssins() -> Needles {
    let mut needles = Needles::default();
    for ssin in PERSONAL_DATA {
        needles.add(&format!("the SSIN {ssin}"), ssin);
    }
    needles
}

/// The capture works: a call's span carries its template and the trace id sent, the token
/// fetch logged its event, and a rustls record came through the `log` bridge.
fn assert_captured(capture: &Capture, template: &str, trace_id: &str) {
    let spans = capture.spans_named("bcss.call");
    assert!(
        spans.iter().any(
            |s| s.fields.get("url.template").map(String::as_str) == Some(template)
                && s.fields.get("belgov.trace_id").map(String::as_str) == Some(trace_id)
        ),
        "no bcss.call span for {template} with trace id {trace_id}: {spans:#?}"
    );
    assert!(
        !capture.events_saying("access token obtained").is_empty(),
        "the token event was captured"
    );
    assert!(
        capture
            .events()
            .iter()
            .any(|e| e.from_log() && e.target.starts_with("rustls")),
        "rustls `log` records were bridged"
    );
}

fn spec(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(name)
}

/// A second registered client with its own key, in PEM files.
fn second_identity(h: &Harness) -> Config {
    let second = h.sandbox.mint_client("second");
    h.sandbox
        .register_client("second:client", &second.certificate_pem, &DEMO_SCOPES);
    let mut config = h.config();
    config.client_ids.insert(ENV, "second:client".into());
    set_identity(&mut config, h.identity_files("second", &second));
    config
}

#[tokio::test(flavor = "current_thread")]
async fn calls_leak_no_secret_and_no_ssin() {
    let capture = Capture::default();
    let _guard = capture.install();
    let h = Harness::start().await;
    h.sandbox.serve_contract(&spec("socialStatus")).unwrap();
    let p12_password = std::fs::read_to_string(h.file("client.p12.password")).unwrap();
    let mut seen: Vec<String> = Vec::new();
    let mut client_side: Vec<String> = Vec::new();

    // A PKCS#12 identity; SSINs in a path, a query and a body; a forced token refresh.
    let mut config = h.config();
    set_identity(
        &mut config,
        IdentitySource::Pkcs12File {
            path: h.file("client.p12"),
            password: password(p12_password.trim()),
        },
    );
    let client = BcssClient::new(&config).unwrap();
    let token = client.tokens().unwrap().token().await.unwrap();
    let read = client
        .get(&person_path())
        .query("ssin", SSIN_IN_QUERY)
        .send()
        .await
        .unwrap();
    h.sandbox
        .push_fault(FaultRule::once(FaultTarget::Gateway, Fault::ExpiredToken));
    client
        .post("/demo/v1/persons/query")
        .json(&json!({"ssin": SSIN_IN_BODY}))
        .send()
        .await
        .unwrap();
    let fresh = client.tokens().unwrap().token().await.unwrap();
    assert_ne!(fresh.expose(), token.expose(), "the token was refreshed");

    // A problem answered for a path with an SSIN.
    let scoped = h
        .client_with(|c| c.token.scopes = vec![DEMO_SCOPES[0].into()])
        .unwrap();
    let problem = scoped
        .put(&format!("{}/address", person_path()))
        .json(&json!({"street": SSIN_IN_BODY}))
        .send()
        .await
        .unwrap_err();
    assert!(problem.problem().is_some(), "{problem}");

    // A second identity, registered, in PEM files; a third, unregistered, refused.
    let second_config = second_identity(&h);
    let second = BcssClient::new(&second_config).unwrap();
    let second_token = second.tokens().unwrap().token().await.unwrap();
    second.get(&person_path()).send().await.unwrap();
    let stranger = h.sandbox.mint_client("stranger");
    let stranger_key = h.identity_files("stranger", &stranger);
    let refused = h
        .client_with(|c| set_identity(c, stranger_key))
        .unwrap()
        .tokens()
        .unwrap()
        .token()
        .await
        .unwrap_err();

    // A generated client: an SSIN in a search body, the reference it returns in a path.
    let social = bcss_social_status::Client::new(&h.config()).unwrap();
    let (_, reference, _) = search_then_read_history(&social, SSIN_IN_QUERY).await;

    assert_captured(&capture, "/demo/v1/persons/{redacted}", &read.trace().sent);
    client_side.push(format!(
        "{client:?} {config:?} {second:?} {second_config:?} {social:?}"
    ));
    client_side.push(format!(
        "{token:?} {fresh:?} {second_token:?} {:?}",
        client.tokens().unwrap()
    ));
    client_side.push(format!("{problem} {problem:?} {refused} {refused:?}"));
    client_side.extend(capture.lines_without(&["bcss_sandbox"]));
    seen.extend(client_side.iter().cloned());
    seen.push(format!("{:?} {:?}", h.sandbox, h.sandbox.client()));
    for entry in h.sandbox.log() {
        seen.push(format!("{entry:?}"));
        seen.push(serde_json::to_string(&entry).unwrap());
    }
    seen.extend(capture.lines());

    let mut secrets = Needles::default();
    for (label, t) in [
        ("a token", &token),
        ("a token", &fresh),
        ("a token", &second_token),
    ] {
        secrets.add(label, t.expose());
    }
    secrets.add("the PKCS#12 password", p12_password.trim());
    secrets.add_pem_body("the first identity's key", &h.file("client.key"));
    secrets.add_pem_body("the second identity's key", &h.file("second.key"));
    secrets.add_pem_body("the stranger's key", &h.file("stranger.key"));
    secrets.assert_absent_from(&seen);

    let mut personal = ssins();
    personal.add("an SSIN reference", reference.as_str());
    personal.assert_absent_from(&client_side);
}

#[tokio::test(flavor = "current_thread")]
async fn failed_configurations_leak_no_secret() {
    let capture = Capture::default();
    let _guard = capture.install();
    let h = Harness::start().await;
    let p12_password = std::fs::read_to_string(h.file("client.p12.password")).unwrap();
    let key_pem = std::fs::read_to_string(h.file("client.key")).unwrap();
    // Writes `second.key`, the key that does not match below.
    second_identity(&h);
    let mut errors = Vec::new();

    // A wrong PKCS#12 password.
    let wrong_password = "not-the-password-4711";
    let err = h
        .client_with(|c| {
            set_identity(
                c,
                IdentitySource::Pkcs12File {
                    path: h.file("client.p12"),
                    password: password(wrong_password),
                },
            )
        })
        .unwrap_err();
    assert!(err.to_string().contains("wrong password"), "{err}");
    errors.push(format!("{err} {err:?}"));

    // A syntax error: the key pasted into the file, in a one-line string.
    let toml = h.sandbox.bcss_toml();
    let pasted = toml.replace("key = \"client.key\"", &format!("key = \"{key_pem}\""));
    assert_ne!(pasted, toml);
    let err = Config::from_toml(&pasted, h.dir(), "bcss.toml").unwrap_err();
    errors.push(format!("{err} {err:?}"));

    // A value error: the key pasted where its file name belongs.
    let pasted = toml.replace("key = \"client.key\"", &format!("key = '''{key_pem}'''"));
    let config = Config::from_toml(&pasted, h.dir(), "bcss.toml").unwrap();
    let err = BcssClient::new(&config).unwrap_err();
    assert!(err.to_string().contains("not a file name"), "{err}");
    errors.push(format!("{err} {err:?}"));

    // A key that does not belong to the certificate: the second identity's.
    let err = h
        .client_with(|c| {
            set_identity(
                c,
                IdentitySource::PemFiles {
                    certificate: h.file("client.pem"),
                    key: h.file("second.key"),
                },
            )
        })
        .unwrap_err();
    errors.push(format!("{err} {err:?}"));

    // The capture worked all along.
    let read = h.client().get(&person_path()).send().await.unwrap();
    assert_captured(&capture, "/demo/v1/persons/{redacted}", &read.trace().sent);

    let mut secrets = Needles::default();
    secrets.add("the wrong PKCS#12 password", wrong_password);
    secrets.add("the PKCS#12 password", p12_password.trim());
    secrets.add_pem_body("the first identity's key", &h.file("client.key"));
    secrets.add_pem_body("the second identity's key", &h.file("second.key"));
    errors.extend(capture.lines());
    secrets.assert_absent_from(&errors);
}

#[tokio::test(flavor = "current_thread")]
async fn transport_failures_leak_no_ssin() {
    let capture = Capture::default();
    let _guard = capture.install();
    let h = Harness::start().await;
    let mut errors = Vec::new();

    // Nothing listens on the gateway's port.
    let nowhere = h.client_with_closed_gateway();
    let err = nowhere
        .get(&person_path())
        .query("ssin", SSIN_IN_QUERY)
        .retry(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.transport().map(|t| t.kind),
        Some(TransportErrorKind::ConnectionRefused),
        "{err}"
    );
    errors.push(format!("{err} {err:?}"));

    // The gateway refuses the client certificate (a CA it does not trust).
    // Registered for OAuth, so the token step passes and only mutual TLS fails.
    let rogue = h.sandbox.mint_foreign_client("rogue");
    h.sandbox
        .register_client("rogue:client", &rogue.certificate_pem, &DEMO_SCOPES);
    let source = h.identity_files("rogue", &rogue);
    let refused = h
        .client_with(|c| {
            c.client_ids.insert(ENV, "rogue:client".into());
            set_identity(c, source);
        })
        .unwrap();
    let err = refused
        .get(&person_path())
        .query("ssin", SSIN_IN_QUERY)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.transport().map(|t| t.kind),
        Some(TransportErrorKind::ClientCertificateRejected),
        "{err}"
    );
    errors.push(format!("{err} {err:?}"));
    let token = refused.tokens().unwrap().token().await.unwrap();

    let read = h
        .client_with(|c| c.token.scopes = vec![DEMO_SCOPES[0].into()])
        .unwrap()
        .get(&person_path())
        .send()
        .await
        .unwrap();
    assert_captured(&capture, "/demo/v1/persons/{redacted}", &read.trace().sent);

    errors.extend(capture.lines_without(&["bcss_sandbox"]));
    ssins().assert_absent_from(&errors);
    let mut secrets = Needles::default();
    secrets.add("a token", token.expose());
    secrets.add_pem_body("the rogue key", &h.file("rogue.key"));
    errors.extend(capture.lines());
    secrets.assert_absent_from(&errors);
}
