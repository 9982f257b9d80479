//! The runtime's cost over a plain reqwest call: same sandbox route, same TLS set-up (mutual TLS,
//! keep-alive, HTTP/2), a cached token. Also the token cache hit path alone.
//!
//! `cargo bench -p bcss-e2e --bench call_overhead`; the ratio plain/runtime is the throughput
//! ratio (target ≥ 0.95).

use criterion::{Criterion, criterion_group, criterion_main};

fn call_overhead(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (h, client, plain, token) = rt.block_on(async {
        let h = bcss_e2e::Harness::start().await;
        let config = h.config();
        let client = bcss_runtime::BcssClient::new(&config).unwrap();
        let identity = config.identity().unwrap();
        let roots = config.extra_roots().unwrap();
        let plain = bcss_runtime::tls::http_client(&config, &roots, Some(&identity)).unwrap();
        let token = client.tokens().token().await.unwrap().expose().to_owned();
        (h, client, plain, token)
    });
    let url = format!("{}/demo/v1/persons/00000000097", h.sandbox.endpoints().gateway_mtls_url);
    // Warm both connection pools.
    rt.block_on(async {
        client.get("/demo/v1/persons/00000000097").send().await.unwrap();
        plain.get(&url).bearer_auth(&token).send().await.unwrap();
    });

    let mut group = c.benchmark_group("gateway_call");
    group.bench_function("runtime", |b| {
        b.to_async(&rt).iter(|| async {
            let r = client.get("/demo/v1/persons/00000000097").send().await.unwrap();
            assert_eq!(r.status(), 200);
        })
    });
    group.bench_function("plain_reqwest", |b| {
        b.to_async(&rt).iter(|| async {
            let r = plain
                .get(&url)
                .bearer_auth(&token)
                .header("BelGov-Trace-Id", uuid::Uuid::new_v4().to_string())
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.bytes().await.unwrap();
        })
    });
    group.finish();

    c.bench_function("token_cache_hit", |b| {
        b.to_async(&rt).iter(|| async { client.tokens().token().await.unwrap() })
    });
    h.sandbox.clear_log();
}

criterion_group!(benches, call_overhead);
criterion_main!(benches);
