//! The sandbox clock (real time + `clock_offset_secs`): the `Date` header of every answer,
//! time-claim checks, issued tokens, and setting it through the library and the admin API.

use crate::common::*;
use bcss_sandbox::{MAX_CLOCK_OFFSET_SECS, SandboxConfig, SandboxError, Settings};
use reqwest::{Method, RequestBuilder, Version};
use serde_json::{Value, json};

/// A valid assertion whose `iat`/`exp` follow a clock `offset` seconds from real time.
fn assertion_at(sandbox: &bcss_sandbox::Sandbox, offset: i64) -> String {
    assertion(sandbox, |c| {
        c["iat"] = json!(now() + offset);
        c["exp"] = json!(now() + offset + 300);
    })
}

/// An HTTP date in Unix seconds; panics (test failure) if it is not an IMF-fixdate.
fn unix_secs_of(date: &str) -> i64 {
    httpdate::parse_http_date(date)
        .unwrap_or_else(|e| panic!("{date:?} is not an HTTP date: {e}"))
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}

/// Sends `request` and checks its answer carries exactly one `Date`, `offset` seconds from the
/// real clock read around the request (1 s of tolerance for the second boundary).
async fn assert_dated(label: &str, request: RequestBuilder, offset: i64) -> (Version, Answer) {
    let before = now();
    let response = request.send().await.expect("reachable");
    let after = now();
    let version = response.version();
    let answer = answer(response).await;
    let dates: Vec<&str> = answer
        .headers
        .get_all("date")
        .iter()
        .map(|v| v.to_str().expect("ASCII date"))
        .collect();
    assert_eq!(
        dates.len(),
        1,
        "{label} ({version:?}): one Date header, got {dates:?}"
    );
    let date = unix_secs_of(dates[0]);
    assert!(
        (before + offset - 1..=after + offset + 1).contains(&date),
        "{label} ({version:?}): Date {} is {} s from the real clock, expected {offset}",
        dates[0],
        date - before
    );
    (version, answer)
}

#[tokio::test]
async fn every_listener_dates_its_answers_in_the_sandbox_clock_exactly_once() {
    let sandbox = start().await;
    let offset = 600;
    sandbox.set_clock_offset_secs(offset).expect("in range");
    let e = sandbox.endpoints().clone();
    let (h2, h1) = (http(&sandbox), http1(&sandbox));

    let (version, metadata) = assert_dated("metadata", h2.get(&e.metadata_url), offset).await;
    assert_eq!((version, metadata.status), (Version::HTTP_2, 200));
    let (version, _) = assert_dated("metadata", h1.get(&e.metadata_url), offset).await;
    assert_eq!(version, Version::HTTP_11);

    let token_form = form(&assertion_at(&sandbox, offset));
    let (_, issued) = assert_dated(
        "token endpoint",
        h1.post(&e.token_endpoint).form(&token_form),
        offset,
    )
    .await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    let token = issued.body["access_token"].as_str().expect("token");
    let refused_form = form(&assertion(&sandbox, |_| {}));
    let (_, refused) = assert_dated(
        "token endpoint refusal",
        h2.post(&e.token_endpoint).form(&refused_form),
        offset,
    )
    .await;
    assert_eq!(refused.status, 401);
    assert_dated("auth 404", h2.get(format!("{}/nope", e.issuer)), offset).await;

    let person = format!("{}/demo/v1/persons/1", e.gateway_mtls_url);
    let mtls = mtls(&sandbox, sandbox.client());
    let (version, called) =
        assert_dated("gateway mTLS", mtls.get(&person).bearer_auth(token), offset).await;
    assert_eq!(
        (version, called.status),
        (Version::HTTP_2, 200),
        "{}",
        called.body
    );
    let (_, unauthorized) = assert_dated("gateway mTLS 401", mtls.get(&person), offset).await;
    assert_eq!(unauthorized.status, 401);

    let health = format!("{}/demo/health", e.gateway_url);
    for client in [&h1, &h2] {
        let (_, up) = assert_dated(
            "gateway TLS health",
            client.get(&health).bearer_auth(token),
            offset,
        )
        .await;
        assert_eq!(up.status, 200, "{}", up.body);
    }

    let (_, clock) = assert_dated(
        "admin",
        reqwest::Client::new().get(format!("{}/clock", e.admin_url)),
        offset,
    )
    .await;
    assert_eq!(clock.body["offset_secs"], offset);
}

#[tokio::test]
async fn a_real_clock_assertion_is_refused_naming_exp_and_the_server_time_when_the_sandbox_is_ahead()
 {
    let sandbox = start().await;
    sandbox.set_clock_offset_secs(600).expect("in range");
    let sent = now();
    let answer = token_request(&sandbox, &form(&assertion(&sandbox, |_| {}))).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    let description = answer.description();
    assert!(
        description.contains("the assertion expired: exp"),
        "{description}"
    );
    assert!(description.contains("server time"), "{description}");
    let server_time = server_time(description);
    assert!(
        (sent + 599..=sent + 602).contains(&server_time),
        "server time {server_time} should be ~600 s after {sent}: {description}"
    );
}

#[tokio::test]
async fn a_real_clock_assertion_is_refused_naming_iat_and_the_server_time_when_the_sandbox_is_behind()
 {
    let sandbox = start().await;
    sandbox.set_clock_offset_secs(-600).expect("in range");
    let answer = token_request(&sandbox, &form(&assertion(&sandbox, |_| {}))).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    let description = answer.description();
    assert!(description.starts_with("iat "), "{description}");
    assert!(
        description.contains("in the future of the server time")
            && description.contains("leeway 60 s"),
        "{description}"
    );

    // Within the leeway the same client clock is fine.
    sandbox.set_clock_offset_secs(-30).expect("in range");
    let answer = token_request(&sandbox, &form(&assertion(&sandbox, |_| {}))).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// The number after "server time " in a refusal.
fn server_time(description: &str) -> i64 {
    let (_, rest) = description
        .split_once("server time ")
        .unwrap_or_else(|| panic!("no server time in {description}"));
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().expect("server time in seconds")
}

/// The claims of a JWT, without checking anything.
fn jwt_claims(token: &str) -> Value {
    use base64::Engine;
    let part = token.split('.').nth(1).expect("JWT claims part");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

#[tokio::test]
async fn issued_tokens_and_their_expiry_follow_the_sandbox_clock() {
    let sandbox = start().await;
    sandbox.set_clock_offset_secs(3600).expect("in range");
    let issued_at = now();
    let answer = token_request(&sandbox, &form(&assertion_at(&sandbox, 3600))).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["expires_in"], 600);
    let token = answer.body["access_token"].as_str().expect("token");
    let claims = jwt_claims(token);
    let iat = claims["iat"].as_i64().expect("iat");
    assert!(
        (issued_at + 3600..=issued_at + 3602).contains(&iat),
        "iat {iat} should be on the sandbox clock ({issued_at} + 3600)"
    );
    assert_eq!(
        claims["exp"].as_i64(),
        Some(iat + 600),
        "exp = iat + expires_in"
    );
    assert_eq!(
        gateway_get(&sandbox, "/demo/v1/persons/1", Some(token))
            .await
            .status,
        200
    );

    // The gateway judges expiry on the same clock: 601 s later (sandbox time) it has expired.
    sandbox.set_clock_offset_secs(3600 + 601).expect("in range");
    let expired = gateway_get(&sandbox, "/demo/v1/persons/1", Some(token)).await;
    assert_eq!(
        expired.error(),
        "urn:problem-type:belgif:expiredAccessToken"
    );
    assert!(
        expired.description().contains("gateway time"),
        "{}",
        expired.description()
    );
}

#[tokio::test]
async fn the_admin_api_reads_and_sets_the_clock_and_it_takes_effect() {
    let sandbox = start().await;
    let clock = admin(&sandbox, Method::GET, "/clock", None).await;
    assert_eq!(clock.status, 200);
    assert_eq!(clock.body["offset_secs"], 0);
    let shown = clock.body["now"].as_i64().expect("now");
    assert!((now() - 1..=now()).contains(&shown), "{}", clock.body);
    assert_eq!(
        unix_secs_of(clock.body["date"].as_str().expect("date")),
        shown
    );

    let set = admin(
        &sandbox,
        Method::PUT,
        "/clock",
        Some(json!({"offset_secs": 600})),
    )
    .await;
    assert_eq!(
        (set.status, set.body["offset_secs"].clone()),
        (200, json!(600))
    );
    assert_eq!(sandbox.clock_offset_secs(), 600);
    let now_shown = set.body["now"].as_i64().expect("now");
    assert!(
        (now() + 599..=now() + 600).contains(&now_shown),
        "{}",
        set.body
    );
    assert_eq!(
        unix_secs_of(set.body["date"].as_str().expect("date")),
        now_shown,
        "now and date are one reading"
    );
    let refused = token_request(&sandbox, &form(&assertion(&sandbox, |_| {}))).await;
    assert_eq!(refused.error(), "invalid_client");

    // The same setting through PUT /settings.
    let settings = admin(
        &sandbox,
        Method::PUT,
        "/settings",
        Some(json!({"clock_offset_secs": 0})),
    )
    .await;
    assert_eq!(
        (settings.status, settings.body["clock_offset_secs"].clone()),
        (200, json!(0))
    );
    let accepted = token_request(&sandbox, &form(&assertion(&sandbox, |_| {}))).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);

    // Bad input: a 400 saying what was wrong, and nothing changes.
    let too_far = MAX_CLOCK_OFFSET_SECS + 1;
    for (path, body) in [
        ("/clock", json!({"offset_secs": too_far})),
        ("/clock", json!({"offset_secs": -too_far})),
        ("/settings", json!({"clock_offset_secs": too_far})),
    ] {
        let answer = admin(&sandbox, Method::PUT, path, Some(body)).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.body);
        let error = answer.body["error"].as_str().expect("error");
        assert!(error.contains("out of range"), "{error}");
    }
    for body in [
        json!({"offset": 5}),
        json!({"offset_secs": "5"}),
        json!({"offset_secs": 1.5}),
        json!({"offset_secs": 5, "x": 1}),
        json!([5]),
    ] {
        let answer = admin(&sandbox, Method::PUT, "/clock", Some(body.clone())).await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.body);
        assert!(
            answer.body["error"]
                .as_str()
                .expect("error")
                .contains("offset_secs")
        );
    }
    let not_json = reqwest::Client::new()
        .put(format!("{}/clock", sandbox.endpoints().admin_url))
        .body("six hundred")
        .send()
        .await
        .expect("admin reachable");
    assert_eq!(not_json.status(), 400);
    assert_eq!(sandbox.clock_offset_secs(), 0);
}

#[tokio::test]
async fn an_offset_out_of_range_is_an_error_from_the_library_too() {
    let sandbox = start().await;
    let error = sandbox
        .set_clock_offset_secs(i64::MIN)
        .expect_err("out of range");
    assert!(matches!(error, SandboxError::Settings(_)), "{error:?}");
    assert!(error.to_string().contains("out of range"), "{error}");
    assert_eq!(sandbox.clock_offset_secs(), 0);
    sandbox
        .set_clock_offset_secs(-MAX_CLOCK_OFFSET_SECS)
        .expect("the bound itself is fine");

    let config = SandboxConfig {
        settings: Settings {
            clock_offset_secs: i64::MAX,
            ..Settings::default()
        },
        ..SandboxConfig::default()
    };
    let error = bcss_sandbox::Sandbox::start(config)
        .await
        .expect_err("refused at start");
    assert!(error.to_string().contains("clock offset"), "{error}");
}
