//! The fund's rule, tested on the generated client's in-memory fakes: every answer BCSS can
//! give, scripted per operation; no socket, no token, no certificate.

use allowance_check::{CheckError, Date, Decision, HistoryCache, Ssin, decide};
use bcss_social_status::Problem;
use bcss_social_status::testing::Fakes;
use bcss_social_status::types::{PersonSocialStatusCollection, StatusHistory};
use serde_json::json;

const SSIN: &str = "85073003328";
const REF: &str = "pZ3mK8sQ1vN0bT7yL2wR4e";

fn ssin() -> Ssin {
    Ssin::new(SSIN).unwrap()
}

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

/// One page holding the parent's status at the date.
fn page(status: &str, since: &str) -> PersonSocialStatusCollection {
    serde_json::from_value(json!({
        "self": "https://api.example/socialStatus/v1/persons/query?page=1",
        "page": 1, "pageSize": 20, "total": 1,
        "items": [{"ssin": SSIN, "ssinRef": REF, "status": status, "period": {"start": since}}]
    }))
    .unwrap()
}

fn empty_page() -> PersonSocialStatusCollection {
    serde_json::from_value(json!({
        "self": "https://api.example/socialStatus/v1/persons/query?page=1",
        "page": 1, "pageSize": 20, "total": 0, "items": []
    }))
    .unwrap()
}

/// A history, most recent first: `(status, start, end)`.
fn history(periods: &[(&str, &str, Option<&str>)]) -> StatusHistory {
    let items: Vec<_> = periods
        .iter()
        .enumerate()
        .map(|(i, (status, start, end))| {
            json!({
                "ssin": SSIN, "ssinRef": REF, "status": status,
                "period": {"start": start, "end": end},
                "recordId": i, "recordedAt": "2024-01-01T00:00:00+01:00"
            })
        })
        .collect();
    serde_json::from_value(json!({"ssinRef": REF, "items": items})).unwrap()
}

/// Decides on a fresh client of `fakes`, then checks that nothing left the process: the
/// in-memory transport is the client's only way out, and the runtime's count of requests sent
/// over the network (gateway and token endpoint, the whole test process) is still zero.
async fn decide_on(fakes: &Fakes, date: &str) -> Result<Decision, CheckError> {
    let client = fakes.client();
    assert!(!client.runtime().uses_network());
    let decision = decide(&client, &ssin(), day(date), &mut HistoryCache::default()).await;
    assert_eq!(bcss_runtime::transport::network_requests_sent(), 0);
    decision
}

fn problem(status: u16, type_name: &str) -> Problem {
    Problem {
        type_uri: Some(format!("urn:problem-type:belgif:{type_name}")),
        status: Some(status),
        title: Some(type_name.into()),
        ..Problem::default()
    }
}

#[tokio::test]
async fn a_working_parent_gets_no_supplement_and_the_query_carries_the_ssin_and_the_date() {
    let fakes = Fakes::new();
    fakes
        .search_persons()
        .returns(&page("employee", "2019-03-01"));
    let decision = decide_on(&fakes, "2026-01-15").await.unwrap();
    assert_eq!(
        decision,
        Decision::Working {
            since: day("2019-03-01")
        }
    );
    let sent = fakes.search_persons().bodies();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].ssins, [ssin()]);
    assert_eq!(sent[0].reference_date, Some(day("2026-01-15")));
    assert_eq!(
        sent[0].legal_context.as_str(),
        "FAMILY_ALLOWANCES:ENTITLEMENT"
    );
    let request = &fakes.search_persons().requests()[0];
    assert_eq!(
        request.legal_context.as_deref(),
        Some("FAMILY_ALLOWANCES:ENTITLEMENT")
    );
    // The client asks its token for the annex's scopes (consult and update together).
    assert!(
        request
            .scopes
            .iter()
            .any(|s| s == "scope:cbss:api:socialStatus:consult")
    );
    assert_eq!(fakes.get_status_history().calls(), 0, "no history needed");
}

#[tokio::test]
async fn six_months_out_of_work_across_two_periods_makes_the_supplement_due() {
    let fakes = Fakes::new();
    fakes
        .search_persons()
        .returns(&page("retired", "2025-12-01"));
    fakes.get_status_history().returns(&history(&[
        ("retired", "2025-12-01", None),
        ("unemployed", "2025-05-01", Some("2025-11-30")),
        ("employee", "2012-09-01", Some("2025-04-30")),
    ]));
    let decision = decide_on(&fakes, "2026-01-15").await.unwrap();
    assert_eq!(
        decision,
        Decision::SupplementDue {
            since: day("2025-05-01")
        }
    );
    let request = &fakes.get_status_history().requests()[0];
    assert_eq!(request.path_param("ssinRef").as_deref(), Some(REF));
    assert_eq!(request.query_param("to"), Some("2026-01-15"));
    assert_eq!(
        request.header("legalcontext"),
        Some("FAMILY_ALLOWANCES:ENTITLEMENT")
    );
}

#[tokio::test]
async fn a_recent_loss_of_work_is_reviewed_when_six_months_are_over() {
    let fakes = Fakes::new();
    fakes
        .search_persons()
        .returns(&page("unemployed", "2025-11-01"));
    fakes.get_status_history().returns(&history(&[
        ("unemployed", "2025-11-01", None),
        ("employee", "2019-03-01", Some("2025-10-31")),
    ]));
    let decision = decide_on(&fakes, "2026-01-15").await.unwrap();
    assert_eq!(decision, Decision::ReviewOn(day("2026-05-01")));
}

#[tokio::test]
async fn an_unchanged_history_is_not_sent_again_304_and_the_cached_one_decides() {
    let fakes = Fakes::new();
    fakes
        .search_persons()
        .returns(&page("retired", "2025-01-01"));
    fakes
        .get_status_history()
        .returns_with_headers(
            &history(&[("retired", "2025-01-01", None)]),
            &[("etag", "\"v1\"")],
        )
        .status(304);
    let client = fakes.client();
    let mut cache = HistoryCache::default();
    let first = decide(&client, &ssin(), day("2026-01-15"), &mut cache)
        .await
        .unwrap();
    let second = decide(&client, &ssin(), day("2026-01-15"), &mut cache)
        .await
        .unwrap();
    assert_eq!(
        first,
        Decision::SupplementDue {
            since: day("2025-01-01")
        }
    );
    assert_eq!(second, first);
    assert_eq!(bcss_runtime::transport::network_requests_sent(), 0);
    let sent = fakes.get_status_history().requests();
    assert_eq!(sent[0].header("if-none-match"), None);
    assert_eq!(sent[1].header("if-none-match"), Some("\"v1\""));
}

#[tokio::test]
async fn no_status_known_to_bcss_means_asking_the_parent_for_papers() {
    let fakes = Fakes::new();
    fakes.search_persons().returns(&empty_page());
    let decision = decide_on(&fakes, "2026-01-15").await.unwrap();
    assert_eq!(decision, Decision::NoKnownStatus);
}

#[tokio::test]
async fn a_status_this_code_does_not_know_goes_to_a_person() {
    let fakes = Fakes::new();
    fakes
        .search_persons()
        .returns(&page("artist", "2024-06-01"));
    let decision = decide_on(&fakes, "2026-01-15").await.unwrap();
    assert_eq!(
        decision,
        Decision::ManualReview {
            status: "artist".into()
        }
    );
}

#[tokio::test]
async fn a_missing_scope_is_a_configuration_matter_not_a_decision() {
    let fakes = Fakes::new();
    fakes.search_persons().problem(problem(403, "missingScope"));
    let error = decide_on(&fakes, "2026-01-15").await.unwrap_err();
    assert!(matches!(error, CheckError::NotAuthorised(_)), "{error:?}");
}

#[tokio::test(start_paused = true)]
async fn bcss_busy_past_the_clients_retries_queues_the_case_with_its_trace_id() {
    let fakes = Fakes::new();
    // The search is safe to repeat (`repeatable` in the contract): the client retries the
    // 429 itself, up to its policy's three attempts, before the application sees it.
    fakes
        .search_persons()
        .problem(problem(429, "tooManyRequests"));
    let error = decide_on(&fakes, "2026-01-15").await.unwrap_err();
    let CheckError::RetryLater { trace_id } = error else {
        panic!("expected RetryLater, got {error:?}");
    };
    assert_eq!(fakes.search_persons().calls(), 3);
    let last = &fakes.search_persons().requests()[2];
    assert_eq!(trace_id.as_deref(), last.header("belgov-trace-id"));
}

#[tokio::test(start_paused = true)]
async fn a_dropped_connection_is_retried_by_the_client_and_the_decision_stands() {
    let fakes = Fakes::new();
    fakes
        .search_persons()
        .fault(bcss_runtime::testing::Fault::ConnectionClosed)
        .returns(&page("employee", "2019-03-01"));
    let decision = decide_on(&fakes, "2026-01-15").await.unwrap();
    assert_eq!(
        decision,
        Decision::Working {
            since: day("2019-03-01")
        }
    );
    let attempts: Vec<u32> = fakes
        .search_persons()
        .requests()
        .iter()
        .map(|r| r.attempt)
        .collect();
    assert_eq!(attempts, [1, 2]);
}

#[tokio::test]
async fn a_parent_retired_for_a_year_gets_the_supplement() -> Result<(), CheckError> {
    let fakes = Fakes::new();
    let retired = page("retired", "2025-01-01");
    fakes.search_persons().returns(&retired);
    let periods = history(&[("retired", "2025-01-01", None)]);
    fakes.get_status_history().returns(&periods);

    let client = fakes.client(); // in memory: no token, no certificate, no socket
    let mut cache = HistoryCache::default();
    let decision = decide(&client, &ssin(), day("2026-01-15"), &mut cache).await?;

    let since = day("2025-01-01");
    assert_eq!(decision, Decision::SupplementDue { since });
    assert_eq!(fakes.search_persons().bodies()[0].ssins, [ssin()]);
    Ok(())
}

#[test]
fn the_readme_quotes_this_file() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let this = include_str!("decisions.rs");
    let section = readme
        .split("## Testing your application")
        .nth(1)
        .expect("README has a section `Testing your application`");
    let snippet = section
        .split("```rust\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("the section opens with a rust example");
    for line in snippet.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            this.lines().any(|own| own.trim() == line.trim()),
            "README line not in examples/allowance-check/tests/decisions.rs: {line}"
        );
    }
}
