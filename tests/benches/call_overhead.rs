//! The runtime's cost over a plain reqwest call: same sandbox route, same TLS set-up (mutual TLS,
//! keep-alive, HTTP/2), the same headers (bearer token, `Accept`, a fresh `BelGov-Trace-Id`), a
//! cached token. Also the token cache hit path alone.
//!
//! `cargo bench -p bcss-e2e --bench call_overhead` (add `--features otel` for the runtime with its
//! metrics, no meter provider installed). Throughput ratio = plain time / runtime time: with
//! tracing compiled in and no subscriber, target ≥ 0.97. `runtime_with_subscriber` is the same
//! call under a `tracing_subscriber::fmt` subscriber at INFO writing to `io::sink()` (the
//! `bcss.call` span is built and recorded, nothing is written): the price of a subscriber, which
//! has no target.
//!
//! The calls are measured interleaved (each iteration makes a plain call and a runtime call and
//! times one of them): measured one after the other, whichever ran second was ~7 % faster on this
//! machine, whatever it was, which would swamp the difference being measured.
//!
//! Criterion still samples each variant in its own few seconds, and this machine drifts by ±30 %
//! from one period to the next, more than the difference measured. So the run ends with
//! **paired ratios**: blocks of rounds in which each round makes one call of each variant (the
//! order rotating), each block giving plain time / variant time; the median over the blocks is
//! printed, with its quartiles. That line is the figure to quote.

use std::time::{Duration, Instant};

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
        let token = client
            .tokens()
            .unwrap()
            .token()
            .await
            .unwrap()
            .expose()
            .to_owned();
        (h, client, plain, token)
    });
    let url = format!(
        "{}/demo/v1/persons/00000000097",
        h.sandbox.endpoints().gateway_mtls_url
    );
    let runtime_call = || async {
        let r = client
            .get("/demo/v1/persons/00000000097")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    };
    let plain_call = || async {
        let r = plain
            .get(&url)
            .bearer_auth(&token)
            .header("Accept", "application/json, application/problem+json")
            .header("BelGov-Trace-Id", uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
    };
    // Warm both connection pools.
    rt.block_on(async {
        runtime_call().await;
        plain_call().await;
    });

    let mut group = c.benchmark_group("gateway_call");
    group.bench_function("runtime", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| interleaved(iters, &plain_call, &runtime_call))
    });
    let subscriber = tracing::Dispatch::new(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_writer(std::io::sink)
            .finish(),
    );
    let subscriber = &subscriber;
    group.bench_function("runtime_with_subscriber", |b| {
        b.to_async(&rt).iter_custom(|iters| async move {
            // This thread polls the benchmark's future: the subscriber sees the runtime's span
            // (the sandbox's tasks run on the worker threads, without it).
            let _scoped = tracing::dispatcher::set_default(subscriber);
            interleaved(iters, &plain_call, &runtime_call).await
        })
    });
    group.bench_function("plain_reqwest", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| interleaved(iters, &runtime_call, &plain_call))
    });
    group.finish();

    c.bench_function("token_cache_hit", |b| {
        b.to_async(&rt)
            .iter(|| async { client.tokens().unwrap().token().await.unwrap() })
    });

    // `cargo bench` passes `--bench`; `cargo test --benches` does not: a token run there.
    let measuring = std::env::args().any(|a| a == "--bench");
    let (blocks, rounds) = if measuring { (21, 300) } else { (1, 3) };
    let ratios = rt.block_on(async {
        let mut ratios = Vec::new();
        for _ in 0..blocks {
            let mut spent = [Duration::ZERO; 3];
            for round in 0..rounds {
                for k in 0..3 {
                    let which = (round + k) % 3;
                    let start = Instant::now();
                    match which {
                        0 => plain_call().await,
                        1 => runtime_call().await,
                        _ => {
                            let _scoped = tracing::dispatcher::set_default(subscriber);
                            runtime_call().await
                        }
                    }
                    spent[which] += start.elapsed();
                }
            }
            let plain = spent[0].as_secs_f64();
            ratios.push((
                plain / spent[1].as_secs_f64(),
                plain / spent[2].as_secs_f64(),
            ));
        }
        ratios
    });
    if !measuring {
        println!("paired ratios: exercised in test mode, not measured");
        return;
    }
    let (mut bare, mut traced): (Vec<f64>, Vec<f64>) = ratios.into_iter().unzip();
    for (name, values) in [
        ("runtime", &mut bare),
        ("runtime_with_subscriber", &mut traced),
    ] {
        values.sort_by(f64::total_cmp);
        let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
        println!(
            "paired ratio plain_reqwest/{name}: {:.3} (median of {blocks} blocks of {rounds} rounds; quartiles {:.3}–{:.3})",
            at(0.5),
            at(0.25),
            at(0.75)
        );
    }
}

/// `iters` rounds of an `untimed` call then a `timed` one; the time the timed ones took.
async fn interleaved<U, T>(iters: u64, untimed: impl Fn() -> U, timed: impl Fn() -> T) -> Duration
where
    U: Future<Output = ()>,
    T: Future<Output = ()>,
{
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        untimed().await;
        let start = Instant::now();
        timed().await;
        total += start.elapsed();
    }
    total
}

criterion_group!(benches, call_overhead);
criterion_main!(benches);
