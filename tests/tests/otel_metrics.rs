//! The `otel` feature's metrics, read back through an OpenTelemetry SDK meter provider with an
//! in-memory exporter installed as the global provider: calls by operation, method and status
//! class, their durations, retries by reason, an exhausted retry budget, token fetches by
//! outcome — and no attribute carrying an SSIN or a token.
//!
//! One test function: the global meter provider is process-wide, and the runtime makes its
//! instruments from it once.

use std::collections::BTreeMap;
use std::time::Duration;

use bcss_e2e::Harness;
use bcss_runtime::{RetryBudgetSettings, RetryPolicy};
use bcss_sandbox::{Fault, FaultRule, FaultTarget};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use serde_json::json;

const SSIN: &str = "00000000097";
const PERSON: &str = "/demo/v1/persons/00000000097";

fn gateway(fault: Fault) -> FaultRule {
    FaultRule::once(FaultTarget::Gateway, fault).path_prefix("/demo/")
}

/// Each data point of a metric as "attr=value,…" (attributes sorted) → its count.
type Points = BTreeMap<String, u64>;

fn points(metrics: &ResourceMetrics, name: &str) -> Points {
    let mut points = Points::new();
    for metric in metrics.scope_metrics().flat_map(|s| s.metrics()) {
        if metric.name() != name {
            continue;
        }
        let mut add = |attributes: Vec<String>, value: u64| {
            let mut attributes = attributes;
            attributes.sort();
            points.insert(attributes.join(","), value);
        };
        let label = |kv: &opentelemetry::KeyValue| format!("{}={}", kv.key, kv.value);
        match metric.data() {
            AggregatedMetrics::U64(MetricData::Sum(sum)) => {
                for p in sum.data_points() {
                    add(p.attributes().map(label).collect(), p.value());
                }
            }
            AggregatedMetrics::F64(MetricData::Histogram(histogram)) => {
                for p in histogram.data_points() {
                    assert!(p.sum() > 0.0, "{name}: durations recorded");
                    add(p.attributes().map(label).collect(), p.count());
                }
            }
            other => panic!("{name}: unexpected data {other:?}"),
        }
    }
    points
}

fn expected(rows: &[(&str, u64)]) -> Points {
    rows.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[tokio::test]
async fn calls_retries_budget_and_tokens_are_counted_without_personal_data() {
    let exporter = InMemoryMetricExporter::default();
    let provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(exporter.clone()).build())
        .build();
    opentelemetry::global::set_meter_provider(provider.clone());

    let h = Harness::start().await;
    let mut config = h.config();
    config.retry = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    config.retry_budget = RetryBudgetSettings {
        capacity: 5,
        retry_cost: 5,
        timeout_retry_cost: 10,
    };
    let client = bcss_runtime::BcssClient::new(&config).unwrap();

    // 200 at once (and the one token fetch of this client).
    let r = client.get(PERSON).operation("getPerson").send().await;
    assert_eq!(r.unwrap().status(), 200);
    // 503, retried (status), 200: the success gives the retry's cost back to the budget.
    h.sandbox.push_fault(gateway(Fault::Down));
    assert_eq!(client.get(PERSON).send().await.unwrap().attempts(), 2);
    // Connection dropped, retried (transport), 200.
    h.sandbox.push_fault(gateway(Fault::DropConnection));
    assert_eq!(client.get(PERSON).send().await.unwrap().attempts(), 2);
    // A POST whose connection drops is not retried: no status.
    h.sandbox.push_fault(gateway(Fault::DropConnection));
    let e = client
        .post("/demo/v1/persons/query")
        .json(&json!({ "ssin": SSIN }))
        .send()
        .await
        .unwrap_err();
    assert!(e.transport().is_some(), "{e}");
    // Down until cleared: one retry empties the budget of 5, the second is refused.
    h.sandbox.push_fault(FaultRule {
        times: 0,
        ..gateway(Fault::Down)
    });
    let e = client
        .get(PERSON)
        .operation("getPerson")
        .send()
        .await
        .unwrap_err();
    assert!(e.is_retry_budget_exhausted(), "{e}");
    h.sandbox.clear_faults();
    // A new client whose token fetch fails: the call fails with no status.
    h.sandbox
        .push_fault(FaultRule::once(FaultTarget::TokenEndpoint, Fault::Down));
    let e = h.client().get(PERSON).send().await.unwrap_err();
    assert_eq!(e.status(), None, "{e}");

    let token = client
        .tokens()
        .unwrap()
        .token()
        .await
        .unwrap()
        .expose()
        .to_owned();
    provider.force_flush().unwrap();
    let exported = exporter.get_finished_metrics().unwrap();
    let metrics = exported.last().expect("metrics exported");

    let calls = expected(&[
        (
            "http.request.method=GET,operation=getPerson,status_class=2xx",
            1,
        ),
        (
            "http.request.method=GET,operation=getPerson,status_class=5xx",
            1,
        ),
        (
            "http.request.method=GET,operation=unknown,status_class=2xx",
            2,
        ),
        (
            "http.request.method=GET,operation=unknown,status_class=error",
            1,
        ),
        (
            "http.request.method=POST,operation=unknown,status_class=error",
            1,
        ),
    ]);
    assert_eq!(points(metrics, "bcss.client.requests"), calls);
    assert_eq!(points(metrics, "bcss.client.request.duration"), calls);
    assert_eq!(
        points(metrics, "bcss.client.retries"),
        expected(&[
            ("operation=getPerson,reason=status", 1),
            ("operation=unknown,reason=status", 1),
            ("operation=unknown,reason=transport", 1),
        ])
    );
    assert_eq!(
        points(metrics, "bcss.client.retry_budget.exhausted"),
        expected(&[("operation=getPerson", 1)])
    );
    assert_eq!(
        points(metrics, "bcss.client.token.fetches"),
        expected(&[("outcome=error", 1), ("outcome=ok", 1)])
    );

    let mut attributes = 0;
    for metric in metrics.scope_metrics().flat_map(|s| s.metrics()) {
        for name in points(metrics, metric.name()).keys() {
            attributes += 1;
            assert!(!name.contains(SSIN), "{}: {name}", metric.name());
            assert!(!name.contains(&token), "{}: a token", metric.name());
            assert!(!name.contains('/'), "{}: a path in {name}", metric.name());
        }
    }
    assert!(attributes >= 12, "{attributes} data points checked");
}
