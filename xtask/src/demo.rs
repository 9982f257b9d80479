//! `cargo xtask demo`: the whole partner flow against the local sandbox, step by step.

use std::path::PathBuf;
use std::time::SystemTime;

use bcss_runtime::{BcssClient, Config, HealthStatus};
use bcss_sandbox::{Fault, FaultRule, FaultTarget, Sandbox, SandboxConfig};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

pub async fn run(dir: Option<PathBuf>) -> Result<()> {
    bcss_runtime::install_crypto_provider();
    let temp;
    let dir = match dir {
        Some(d) => d,
        None => {
            temp = tempfile::tempdir()?;
            temp.path().to_owned()
        }
    };

    step(
        1,
        "start the sandbox (Smals OAuth v5 + BCSS gateway emulator, real TLS on loopback)",
    );
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    sandbox.write_dir(&dir)?;
    let e = sandbox.endpoints();
    say(&format!("token endpoint   {}", e.token_endpoint));
    say(&format!("gateway (mTLS)   {}", e.gateway_mtls_url));
    say(&format!("files            {}", dir.display()));

    step(2, "load bcss.toml and the partner's certificate");
    let config = Config::from_file(&dir.join("bcss.toml"))?;
    let identity = config.identity()?;
    let info = identity.info();
    say(&format!(
        "environment      {} / {}",
        config.environment, config.channel
    ));
    say(&format!("client-id        {}", config.client_id()?));
    say(&format!(
        "certificate      {} ({})",
        info.subject, info.key_algorithm
    ));
    say(&format!(
        "valid for        {} more days",
        info.days_to_expiry(SystemTime::now())
    ));
    let client = BcssClient::new(&config)?;

    step(
        3,
        "obtain an access token with a JWT signed by that key (RFC 7523 private_key_jwt)",
    );
    let token = client.tokens().token().await?;
    say(&format!(
        "audience         {}",
        client.tokens().audience().await?
    ));
    say(&format!("scopes granted   {}", token.scopes().join(" ")));
    say(&format!(
        "expires in       {} s (token itself not shown)",
        token.lifetime().as_secs()
    ));

    step(4, "call the demo API over mutual TLS");
    let response = client.get("/demo/v1/persons/00000000097").send().await?;
    let person: serde_json::Value = response.json()?;
    say(&format!(
        "GET /demo/v1/persons/00000000097 -> {} {}",
        response.status(),
        person
    ));
    say(&format!(
        "BelGov-Trace-Id  sent {} / answered {}",
        response.trace().sent,
        response.trace().response.as_deref().unwrap_or("-")
    ));
    let health = client.health("demo/v1").await?;
    say(&format!("GET /demo/v1/health -> {:?}", health.status));
    if health.status != HealthStatus::Up {
        return Err("the demo API should be UP".into());
    }

    step(
        5,
        "the gateway asks to slow down: 429 with Retry-After, honoured for a GET",
    );
    sandbox.push_fault(FaultRule::once(
        FaultTarget::Gateway,
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
    ));
    let retried = client.get("/demo/v1/persons/00000000196").send().await?;
    say(&format!(
        "answered {} after {} attempts",
        retried.status(),
        retried.attempts()
    ));

    step(
        6,
        "a typed Belgif problem: a token without the update scope",
    );
    let consult_only = {
        let mut c = config.clone();
        c.token.scopes = vec!["scope:cbss:api:demo:consult".into()];
        BcssClient::new(&c)?
    };
    let err = consult_only
        .put("/demo/v1/persons/00000000097/address")
        .json(&serde_json::json!({"street": "Rue Royale 1"}))
        .send()
        .await
        .err()
        .ok_or("the PUT should have been refused")?;
    let problem = err.problem().ok_or("a Belgif problem was expected")?;
    say(&format!("problem type     {:?}", problem.problem_type()));
    say(&format!(
        "required scopes  {}",
        problem.required_scopes.join(" ")
    ));
    say(&format!("error            {err}"));

    let log = sandbox.log();
    println!(
        "\ndone: {} requests reached the sandbox, {} of them token requests.",
        log.len(),
        log.iter()
            .filter(|l| l.path.starts_with("/REST/oauth"))
            .count()
    );
    sandbox.shutdown().await;
    Ok(())
}

fn step(n: u32, title: &str) {
    println!("\n[{n}] {title}");
}

fn say(line: &str) {
    println!("    {line}");
}
