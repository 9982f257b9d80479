//! `bcss token`, `bcss health` and the command line itself, against a real sandbox.

mod common;

use bcss_cli::args::{Cli, Command, ConfigArgs, HealthArgs, OutputFormat, TokenArgs};
use bcss_sandbox::HealthStatus;
use clap::{CommandFactory, Parser};
use common::Fixture;

fn config_args(f: &Fixture) -> ConfigArgs {
    ConfigArgs {
        config: f.config(),
        environment: None,
        channel: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_prints_scopes_and_expiry_and_masks_the_token_unless_asked() {
    let f = Fixture::start().await;
    let mut args = TokenArgs {
        config: config_args(&f),
        scopes: vec!["scope:cbss:api:demo:consult".into()],
        show: false,
        format: OutputFormat::Text,
    };
    let report = bcss_cli::token::run(&args).await.unwrap();
    assert_eq!(report.scopes, ["scope:cbss:api:demo:consult"]);
    assert!(report.expires_in > 0);
    let text = bcss_cli::token::render(&report, OutputFormat::Text);
    assert!(
        text.contains("scopes granted   scope:cbss:api:demo:consult"),
        "{text}"
    );
    assert!(text.contains("--show prints it"), "{text}");
    assert!(!text.contains("eyJ"), "token leaked: {text}");
    let json = bcss_cli::token::render(&report, OutputFormat::Json);
    assert!(
        !json.contains("eyJ") && !json.contains("\"token\""),
        "token leaked: {json}"
    );
    assert!(!format!("{report:?}").contains("eyJ"));

    args.show = true;
    let shown = bcss_cli::token::run(&args).await.unwrap();
    let text = bcss_cli::token::render(&shown, OutputFormat::Text);
    assert!(text.contains("token            eyJ"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_refusal_is_an_error_with_the_oauth_hint() {
    let f = Fixture::start().await;
    let args = TokenArgs {
        config: config_args(&f),
        scopes: vec!["scope:cbss:api:other:consult".into()],
        show: false,
        format: OutputFormat::Text,
    };
    let err = bcss_cli::token::run(&args).await.unwrap_err();
    assert!(err.to_string().contains("invalid_scope"), "{err}");
    assert_eq!(err.exit_code(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_up_then_down() {
    let f = Fixture::start().await;
    let args = HealthArgs {
        config: config_args(&f),
        api: "demo/v1".into(),
        format: OutputFormat::Text,
    };
    let health = bcss_cli::health::run(&args).await.unwrap();
    assert!(bcss_cli::health::is_up(&health));
    let text = bcss_cli::health::render("demo/v1", &health, OutputFormat::Text);
    assert!(text.starts_with("demo/v1: UP (HTTP 200"), "{text}");

    f.sandbox.set_health("demo", HealthStatus::Down);
    let health = bcss_cli::health::run(&args).await.unwrap();
    assert!(!bcss_cli::health::is_up(&health));
    let text = bcss_cli::health::render("demo/v1", &health, OutputFormat::Text);
    assert!(text.starts_with("demo/v1: DOWN (HTTP 503"), "{text}");
}

#[test]
fn every_command_has_an_example_in_its_help() {
    let mut cli = Cli::command();
    cli.build();
    for sub in cli.get_subcommands().filter(|s| s.get_name() != "help") {
        let help = sub.clone().render_long_help().to_string();
        assert!(
            help.contains("Example"),
            "`bcss {}` has no example:\n{help}",
            sub.get_name()
        );
        assert!(help.contains("bcss "), "{help}");
    }
    Cli::command().debug_assert();
}

#[test]
fn the_command_line_parses_environments_lists_and_rejects_bad_values() {
    let cli = Cli::try_parse_from([
        "bcss",
        "flux-form",
        "--source-name",
        "app01",
        "--source-ip",
        "10.0.0.5",
        "--env",
        "acc,prod",
        "--format",
        "csv",
    ])
    .unwrap();
    let Command::FluxForm(a) = cli.command else {
        panic!("flux-form expected")
    };
    assert_eq!(a.environments.len(), 2);
    assert!(
        Cli::try_parse_from([
            "bcss",
            "flux-form",
            "--source-name",
            "a",
            "--source-ip",
            "not-an-ip"
        ])
        .is_err()
    );
    let err = Cli::try_parse_from(["bcss", "doctor", "--env", "staging"]).unwrap_err();
    assert!(err.to_string().contains("staging"), "{err}");
}

#[test]
fn sandbox_takes_a_clock_offset_negative_or_positive_within_ten_years() {
    let offset = |args: &[&str]| {
        let mut argv = vec!["bcss", "sandbox", "--dir", "d"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).map(|cli| match cli.command {
            Command::Sandbox(a) => a.flags.clock_offset_secs,
            _ => panic!("sandbox expected"),
        })
    };
    assert_eq!(offset(&[]).unwrap(), 0);
    assert_eq!(offset(&["--clock-offset-secs", "-600"]).unwrap(), -600);
    assert_eq!(offset(&["--clock-offset-secs=3600"]).unwrap(), 3600);
    let err = offset(&["--clock-offset-secs", "999999999999"]).unwrap_err();
    assert!(err.to_string().contains("999999999999"), "{err}");
    assert!(offset(&["--clock-offset-secs", "ten"]).is_err());
}

#[tokio::test]
async fn bcss_sandbox_starts_with_the_clock_offset_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let cli = Cli::try_parse_from([
        "bcss",
        "sandbox",
        "--dir",
        dir_arg,
        "--clock-offset-secs",
        "-600",
    ])
    .unwrap();
    let Command::Sandbox(args) = cli.command else {
        panic!("sandbox expected")
    };
    let sandbox = bcss_cli::sandbox::start(&args).await.unwrap();
    assert_eq!(sandbox.clock_offset_secs(), -600);
    let banner = bcss_cli::sandbox::banner(&sandbox, &args);
    assert!(banner.contains("clock offset     -600 s"), "{banner}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bcss_sandbox_serving_a_contract_answers_bcss_call_on_the_same_contract() {
    let dir = tempfile::tempdir().unwrap();
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/socialStatus");
    let (dir_arg, spec_arg) = (dir.path().to_str().unwrap(), spec.to_str().unwrap());
    let cli =
        Cli::try_parse_from(["bcss", "sandbox", "--dir", dir_arg, "--contract", spec_arg]).unwrap();
    let Command::Sandbox(args) = cli.command else {
        panic!("sandbox expected")
    };
    let sandbox = bcss_cli::sandbox::start(&args).await.unwrap();
    let banner = bcss_cli::sandbox::banner(&sandbox, &args);
    assert!(
        banner.contains("contract         socialStatus at /socialStatus/v1 (7 operations")
            && banner.contains("bcss call --config"),
        "{banner}"
    );

    let config = dir.path().join("bcss.toml");
    let annex = spec.join("annex.yaml");
    let cli = Cli::try_parse_from([
        "bcss",
        "call",
        "--config",
        config.to_str().unwrap(),
        "--spec",
        spec_arg,
        "--annex",
        annex.to_str().unwrap(),
        "getStatusCertificateTask",
        "taskId=7c9e6679-7425-40de-944b-e07fc1f90ae7",
    ])
    .unwrap();
    let Command::Call(call) = cli.command else {
        panic!("call expected")
    };
    let out = bcss_cli::call::send::run(&call, call.operation.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(out.exit, 0, "{}", out.text);
    assert!(out.text.starts_with("HTTP 200 OK"), "{}", out.text);
    sandbox.shutdown().await;
}

#[test]
fn generate_writes_the_client_crate_with_the_shared_generator() {
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/socialStatus");
    let out = tempfile::tempdir().unwrap();
    let args = bcss_cli::args::GenerateArgs {
        spec: specs.clone(),
        annex: Some(specs.join("annex.yaml")),
        out: out.path().join("client"),
        crate_name: Some("bcss-social-status-test".into()),
        runtime_path: None,
        skip_unauthorised: false,
        previous: None,
    };
    let (line, _warnings) = bcss_cli::generate::run(&args).unwrap();
    assert!(line.contains("operations"), "{line}");
    let manifest = std::fs::read_to_string(out.path().join("client/Cargo.toml")).unwrap();
    assert!(manifest.contains("bcss-social-status-test"), "{manifest}");
    assert!(out.path().join("client/src/lib.rs").exists());
    // Regenerated in place with itself as the previous release: the same release, byte for byte.
    let again = bcss_cli::args::GenerateArgs {
        previous: Some(out.path().join("client")),
        ..args.clone()
    };
    bcss_cli::generate::run(&again).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.path().join("client/Cargo.toml")).unwrap(),
        manifest
    );

    let missing = bcss_cli::args::GenerateArgs {
        spec: out.path().join("no-such-contract.yaml"),
        ..args.clone()
    };
    let err = bcss_cli::generate::run(&missing).unwrap_err();
    assert!(err.to_string().contains("no-such-contract.yaml"), "{err}");
}

#[test]
fn bcss_sandbox_takes_the_flags_of_bcss_sandbox_the_binary_with_one_mapping() {
    let cli = Cli::try_parse_from([
        "bcss",
        "sandbox",
        "--dir",
        "d",
        "--token-lifetime",
        "90",
        "--scope",
        "scope:a",
        "--contract",
        "specs/socialStatus",
    ])
    .unwrap();
    let Command::Sandbox(args) = cli.command else {
        panic!("sandbox expected")
    };
    // `bcss_sandbox::SandboxFlags::config` is the mapping both commands use.
    let config = args.flags.config();
    assert_eq!(config.settings.token_lifetime_secs, 90);
    assert_eq!(config.scopes, ["scope:a"]);
    assert_eq!(
        config.contracts,
        [std::path::PathBuf::from("specs/socialStatus")]
    );
}
