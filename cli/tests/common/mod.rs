//! A real sandbox on loopback, its folder, and `bcss.toml` variants for the doctor. Every
//! check crosses a socket: nothing here mocks a peer.

#![allow(dead_code)]

use std::path::PathBuf;

use bcss_cli::doctor::report::{Check, Report, StepId, StepReport, Verdict};
use bcss_cli::doctor::{self, DoctorOptions};
use bcss_sandbox::{ClientCredentials, Sandbox, SandboxConfig};

pub struct Fixture {
    pub sandbox: Sandbox,
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub async fn start() -> Self {
        bcss_runtime::install_crypto_provider();
        let sandbox = Sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox starts");
        let dir = tempfile::tempdir().expect("temp dir");
        sandbox
            .write_dir(dir.path())
            .expect("sandbox writes its folder");
        Self { sandbox, dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The `bcss.toml` the sandbox wrote.
    pub fn config(&self) -> PathBuf {
        self.path("bcss.toml")
    }

    /// The sandbox's `bcss.toml` text.
    pub fn toml(&self) -> String {
        std::fs::read_to_string(self.config()).expect("bcss.toml readable")
    }

    /// Writes a configuration variant next to the sandbox's files (relative paths still work).
    pub fn write_config(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write config");
        path
    }

    /// Writes `credentials` as `{name}.pem` + `{name}.key`.
    pub fn write_identity(&self, name: &str, credentials: &ClientCredentials) {
        std::fs::write(
            self.path(&format!("{name}.pem")),
            &credentials.certificate_pem,
        )
        .unwrap();
        std::fs::write(
            self.path(&format!("{name}.key")),
            &credentials.private_key_pem,
        )
        .unwrap();
    }

    /// A configuration whose identity is `{cert}.pem` + `{key}.key`.
    pub fn config_with_identity(&self, cert: &str, key: &str) -> PathBuf {
        let text = self
            .toml()
            .replace(
                "certificate = \"client.pem\"",
                &format!("certificate = \"{cert}.pem\""),
            )
            .replace("key = \"client.key\"", &format!("key = \"{key}.key\""));
        self.write_config(&format!("{cert}-{key}.toml"), &text)
    }

    pub fn options(&self, config: PathBuf) -> DoctorOptions {
        DoctorOptions::new(config)
    }

    pub async fn doctor(&self, options: &DoctorOptions) -> Report {
        doctor::run(options, &mut doctor::Silent)
            .await
            .expect("the doctor runs")
    }
}

pub fn step(report: &Report, id: StepId) -> &StepReport {
    report.step(id).expect("every step is reported")
}

pub fn check<'a>(report: &'a Report, id: StepId, name: &str) -> &'a Check {
    step(report, id)
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check `{name}` in {id:?}:\n{}", report.to_text()))
}

pub fn verdicts(report: &Report) -> Vec<Verdict> {
    report.steps.iter().map(|s| s.verdict).collect()
}

pub fn remedies(report: &Report, id: StepId) -> String {
    step(report, id).remediation.join("\n")
}

/// Asserts that `id` is where the run fails, with the text for diagnosis when it is not.
pub fn assert_fails_at(report: &Report, id: StepId) {
    assert_eq!(report.first_failure, Some(id), "{}", report.to_text());
    assert!(!report.ok());
    assert_eq!(step(report, id).verdict, Verdict::Fail);
}
