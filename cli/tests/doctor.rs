//! `bcss doctor` against a real sandbox: a clean run passes every step on both channels, the
//! JSON follows its schema, and what only deserves a warning does not fail the run.

mod common;

use bcss_cli::doctor::report::{SCHEMA, StepId, Verdict};
use bcss_sandbox::HealthStatus;
use common::{Fixture, check, remedies, step, verdicts};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_passes_against_a_fresh_sandbox() {
    let f = Fixture::start().await;
    let report = f.doctor(&f.options(f.config())).await;
    assert_eq!(
        verdicts(&report),
        vec![Verdict::Pass; 5],
        "{}",
        report.to_text()
    );
    assert!(report.ok());
    assert_eq!(report.environment, "test");
    assert_eq!(report.channel, "extranet");

    let mut with_api = f.options(f.config());
    with_api.api = Some("demo/v1".into());
    let report = f.doctor(&with_api).await;
    assert_eq!(
        verdicts(&report),
        vec![Verdict::Pass; 5],
        "{}",
        report.to_text()
    );
    assert!(
        check(&report, StepId::ServiceAccess, "health")
            .observed
            .contains("UP")
    );
    assert!(
        check(&report, StepId::Infrastructure, "mutual TLS")
            .observed
            .contains("accepted")
    );
    let text = report.to_text();
    assert!(text.contains("Result: PASS"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_report_follows_the_documented_schema() {
    let f = Fixture::start().await;
    let mut options = f.options(f.config());
    options.api = Some("demo/v1".into());
    let report = f.doctor(&options).await;
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["schema"], SCHEMA);
    assert_eq!(json["verdict"], "pass");
    assert!(json["first_failure"].is_null());
    let ids: Vec<&str> = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "network",
            "infrastructure",
            "certificates",
            "access_management",
            "service_access"
        ]
    );
    for s in json["steps"].as_array().unwrap() {
        for key in [
            "step",
            "title",
            "verdict",
            "summary",
            "checks",
            "remediation",
        ] {
            assert!(s.get(key).is_some(), "step without `{key}`: {s}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_not_deployed_is_a_warning_because_the_token_proves_the_set_up() {
    let f = Fixture::start().await;
    let mut options = f.options(f.config());
    options.api = Some("notdeployed/v1".into());
    let report = f.doctor(&options).await;
    assert!(report.ok(), "{}", report.to_text());
    assert_eq!(report.verdict, Verdict::Warn);
    let health = check(&report, StepId::ServiceAccess, "health");
    assert_eq!(health.verdict, Verdict::Warn);
    assert_eq!(health.kind.as_deref(), Some("not_deployed"));
    assert!(
        remedies(&report, StepId::ServiceAccess)
            .contains("obtaining a token (step 4) already proves the set-up")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_certificate_for_two_environments_is_a_warning() {
    let f = Fixture::start().await;
    let text = format!(
        "{}\n[identity.acpt]\ncertificate = \"client.pem\"\nkey = \"client.key\"\n",
        f.toml()
    );
    // Appended tables after [endpoints…] are still top-level tables in TOML.
    let report = f
        .doctor(&f.options(f.write_config("shared.toml", &text)))
        .await;
    assert!(report.ok(), "{}", report.to_text());
    let one = check(
        &report,
        StepId::Certificates,
        "one certificate per environment",
    );
    assert_eq!(one.verdict, Verdict::Warn);
    assert!(one.observed.contains("test and acpt"), "{}", one.observed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_configuration_is_an_error_naming_the_file_and_the_key() {
    let f = Fixture::start().await;
    let text = f
        .toml()
        .replace("system_roots = false", "system_roots = \"no\"");
    let path = f.write_config("broken.toml", &text);
    let err = bcss_cli::doctor::run(&f.options(path.clone()), &mut bcss_cli::doctor::Silent)
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("line"), "{message}");
    assert_eq!(err.exit_code(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_internet_channel_passes_without_mutual_tls_and_no_token_is_ever_printed() {
    let f = Fixture::start().await;
    let mut options = f.options(f.config());
    options.channel = Some(bcss_runtime::Channel::Internet);
    options.api = Some("demo/v1".into());
    let report = f.doctor(&options).await;
    assert_eq!(
        verdicts(&report),
        vec![Verdict::Pass; 5],
        "{}",
        report.to_text()
    );
    assert_eq!(report.channel, "internet");
    assert_eq!(
        check(&report, StepId::Infrastructure, "mutual TLS").verdict,
        Verdict::Skipped
    );
    for output in [report.to_text(), report.to_json()] {
        assert!(
            !output.contains("eyJ"),
            "a token leaked into the report:\n{output}"
        );
        assert!(!output.contains("PRIVATE KEY"), "{output}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_degraded_service_is_a_warning() {
    let f = Fixture::start().await;
    f.sandbox.set_health("demo", HealthStatus::Degraded);
    let mut options = f.options(f.config());
    options.api = Some("demo/v1".into());
    let report = f.doctor(&options).await;
    assert!(report.ok(), "{}", report.to_text());
    assert_eq!(step(&report, StepId::ServiceAccess).verdict, Verdict::Warn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_carries_the_clock_offset_measured_at_the_access_step() {
    let f = Fixture::start().await;
    let report = f.doctor(&f.options(f.config())).await;
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let offset = json["clock_offset_secs"]
        .as_f64()
        .expect("a measured offset");
    assert!(offset.abs() < 2.0, "{offset}");
    assert_eq!(
        check(&report, StepId::AccessManagement, "clock").verdict,
        Verdict::Pass
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_minutes_off_is_a_warning_with_the_fix_and_the_token_is_still_obtained() {
    let f = Fixture::start().await;
    f.sandbox.set_clock_offset_secs(-240).unwrap();
    let report = f.doctor(&f.options(f.config())).await;
    let clock = check(&report, StepId::AccessManagement, "clock");
    assert_eq!(clock.verdict, Verdict::Warn, "{}", report.to_text());
    assert!(clock.observed.contains("-240 s"), "{}", clock.observed);
    assert!(remedies(&report, StepId::AccessManagement).contains("NTP"));
    assert_eq!(
        check(&report, StepId::AccessManagement, "token").verdict,
        Verdict::Pass
    );
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let offset = json["clock_offset_secs"].as_f64().unwrap();
    assert!((-242.0..=-238.0).contains(&offset), "{offset}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_off_beyond_the_correction_fails_the_access_step() {
    let f = Fixture::start().await;
    f.sandbox.set_clock_offset_secs(7200).unwrap();
    let report = f.doctor(&f.options(f.config())).await;
    let clock = check(&report, StepId::AccessManagement, "clock");
    assert_eq!(clock.verdict, Verdict::Fail, "{}", report.to_text());
    assert_eq!(clock.kind.as_deref(), Some("clock_offset"));
    assert_eq!(report.first_failure, Some(StepId::AccessManagement));
}
