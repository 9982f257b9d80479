//! `cargo xtask demo`: the whole partner flow, step by step — the sample contract becomes a typed
//! client, the sandbox serves that contract, and the client calls it over mutual TLS.

use std::path::PathBuf;
use std::time::SystemTime;

use bcss_runtime::{Config, HealthStatus};
use bcss_sandbox::{Fault, FaultRule, FaultTarget, Sandbox, SandboxConfig};
use bcss_social_status::Client;
use bcss_social_status::types::{PersonsQuery, SsinReference};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

pub async fn run(dir: Option<PathBuf>) -> Result<()> {
    bcss_runtime::install_crypto_provider();
    let root = crate::generate::workspace_root();
    let spec = root.join("specs/socialStatus");
    let temp = tempfile::tempdir()?;
    let dir = dir.unwrap_or_else(|| temp.path().join("sandbox"));

    step(
        1,
        "generate the typed client from the sample contract and its partner annex",
    );
    let generated = bcss_codegen::Generator::new(&spec)
        .annex(spec.join("annex.yaml"))
        .crate_name("bcss-social-status")
        .runtime_path("../../runtime")
        .standalone(false)
        .write_to(&temp.path().join("social-status"))
        .map_err(|d| d.to_string())?;
    say(&format!("specs/socialStatus -> {}", generated.summary()));
    let compiled = generated.krate.files.iter().all(|(name, content)| {
        std::fs::read_to_string(root.join("clients/social-status").join(name))
            .is_ok_and(|c| c == *content)
    });
    if !compiled {
        return Err("clients/social-status is stale: run `cargo xtask generate --all`".into());
    }
    say("identical to clients/social-status, the crate this demo is compiled with");

    step(
        2,
        "start the sandbox (Smals OAuth v5 + BCSS gateway, real TLS on loopback) serving that contract",
    );
    let sandbox = Sandbox::start(SandboxConfig {
        scopes: Client::SCOPES.iter().map(|s| s.to_string()).collect(),
        ..SandboxConfig::default()
    })
    .await?;
    let served = sandbox.serve_contract(&spec)?;
    sandbox.write_dir(&dir)?;
    let e = sandbox.endpoints();
    say(&format!("token endpoint   {}", e.token_endpoint));
    say(&format!(
        "gateway (mTLS)   {}{}",
        e.gateway_mtls_url, served.base_path
    ));
    say(&format!("files            {}", dir.display()));

    step(3, "load bcss.toml and the partner's certificate");
    let config = Config::from_file(&dir.join("bcss.toml"))?;
    let info = config.identity()?.info().clone();
    say(&format!(
        "environment      {} / {}",
        config.environment, config.channel
    ));
    say(&format!("client-id        {}", config.client_id()?));
    say(&format!(
        "certificate      {} ({}, {} days left)",
        info.subject,
        info.key_algorithm,
        info.days_to_expiry(SystemTime::now())
    ));
    let client = Client::new(&config)?;

    step(
        4,
        "obtain an access token with a JWT signed by that key (RFC 7523 private_key_jwt)",
    );
    let tokens = client
        .runtime()
        .tokens()
        .ok_or("a network client has a token provider")?;
    let token = tokens.token().await?;
    say(&format!("audience         {}", tokens.audience().await?));
    say(&format!(
        "scopes granted   {} (from the partner annex)",
        token.scopes().join(" ")
    ));
    say(&format!(
        "expires in       {} s (token itself not shown)",
        token.lifetime().as_secs()
    ));

    step(
        5,
        "search persons over mutual TLS (SSIN in the body, LegalContext from the annex)",
    );
    let query: PersonsQuery = serde_json::from_value(serde_json::json!({
        "ssins": ["85073003328"],
        "legalContext": Client::DEFAULT_LEGAL_CONTEXT,
    }))?;
    let page = client.search_persons(&query).page_size(20).send().await?;
    say(&format!(
        "POST /socialStatus/v1/persons/query -> {}, {} item(s)",
        page.status(),
        page.items.len()
    ));
    for person in &page.items {
        say(&format!(
            "  status {:?} since {}",
            person.status, person.period.start
        ));
    }
    say(&format!(
        "BelGov-Trace-Id  sent {} / answered {}",
        page.trace().sent,
        page.trace().response.as_deref().unwrap_or("-")
    ));
    let health = client.health().await?;
    say(&format!(
        "GET /socialStatus/v1/health -> {:?}",
        health.status
    ));
    if health.status != HealthStatus::Up {
        return Err("the sample API should be UP".into());
    }

    step(
        6,
        "the gateway asks to slow down: 429 with Retry-After, honoured for a GET",
    );
    sandbox.push_fault(FaultRule::once(
        FaultTarget::Gateway,
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
    ));
    let reference = SsinReference::new("pZ3mK8sQ1vN0bT7yL2wR4e")?;
    let history = client.get_status_history(&reference).send().await?;
    say(&format!(
        "GET …/statusHistory -> {} after the wait",
        history.status()
    ));

    step(
        7,
        "LegalContext outside the annex: refused before anything is sent",
    );
    let outside: PersonsQuery = serde_json::from_value(
        serde_json::json!({"ssins": ["85073003328"], "legalContext": "NOT_IN_THE_ANNEX"}),
    )?;
    let refused = client
        .search_persons(&outside)
        .send()
        .await
        .err()
        .ok_or("the query should have been refused")?;
    say(&format!("error            {refused}"));

    step(
        8,
        "a typed Belgif problem from the gateway: an SSIN whose check digits are wrong",
    );
    let bad: PersonsQuery = serde_json::from_value(
        serde_json::json!({"ssins": ["85073003329"], "legalContext": Client::DEFAULT_LEGAL_CONTEXT}),
    )?;
    let err = client
        .search_persons(&bad)
        .send()
        .await
        .err()
        .ok_or("the gateway should have refused the SSIN")?;
    let problem = err.problem().ok_or("a Belgif problem was expected")?;
    say(&format!("problem type     {:?}", problem.problem_type()));
    for issue in problem.all_issues() {
        say(&format!(
            "issue            {:?} at {:?} {}",
            issue.issue_type(),
            issue.location,
            issue.name.as_deref().unwrap_or("")
        ));
    }

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
