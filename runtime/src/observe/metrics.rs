//! Metrics and trace propagation: OpenTelemetry instruments and the W3C `traceparent` header
//! with the `otel` feature, nothing without it (the calls compile to nothing, so the default
//! build pays no cost).
//!
//! Attributes hold only the operation id, the method, a status class, a retry reason or an
//! outcome: never a path, an identifier of a person, a token or an assertion.

#[cfg(not(feature = "otel"))]
mod off {
    use std::time::Duration;

    use http::Method;

    pub(crate) fn call(_: Option<&'static str>, _: &Method, _: Option<u16>, _: Duration) {}
    pub(crate) fn retry(_: Option<&'static str>, _: &'static str) {}
    pub(crate) fn budget_exhausted(_: Option<&'static str>) {}
    pub(crate) fn token_fetch(_: bool) {}
    pub(crate) fn inject_traceparent(_: &tracing::Span, _: &mut http::HeaderMap) {}
}

#[cfg(not(feature = "otel"))]
pub(crate) use off::*;

#[cfg(feature = "otel")]
mod on {
    use std::sync::LazyLock;
    use std::time::Duration;

    use http::{HeaderMap, HeaderName, HeaderValue, Method};
    use opentelemetry::metrics::{Counter, Histogram};
    use opentelemetry::propagation::{Injector, TextMapPropagator};
    use opentelemetry::trace::TraceContextExt;
    use opentelemetry::{Context, InstrumentationScope, KeyValue, StringValue};
    use opentelemetry_sdk::propagation::TraceContextPropagator;
    use tracing_opentelemetry::OpenTelemetrySpanExt;

    use crate::observe::status_class;

    /// The instruments, made once from the global meter provider of the first call: a provider
    /// installed later is not seen.
    struct Instruments {
        requests: Counter<u64>,
        duration: Histogram<f64>,
        retries: Counter<u64>,
        budget_exhausted: Counter<u64>,
        token_fetches: Counter<u64>,
    }

    /// The OpenTelemetry HTTP conventions' buckets for `http.client.request.duration`, seconds.
    const DURATION_BOUNDARIES: [f64; 14] = [
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    ];

    static INSTRUMENTS: LazyLock<Instruments> = LazyLock::new(|| {
        let scope = InstrumentationScope::builder("bcss-runtime")
            .with_version(env!("CARGO_PKG_VERSION"))
            .build();
        let meter = opentelemetry::global::meter_with_scope(scope);
        Instruments {
            requests: meter
                .u64_counter("bcss.client.requests")
                .with_description("Calls made (one per call, whatever its attempts)")
                .with_unit("{request}")
                .build(),
            duration: meter
                .f64_histogram("bcss.client.request.duration")
                .with_description("Duration of calls, all attempts and waits included")
                .with_unit("s")
                .with_boundaries(DURATION_BOUNDARIES.to_vec())
                .build(),
            retries: meter
                .u64_counter("bcss.client.retries")
                .with_description("Attempts repeated after a retryable status or transport error")
                .with_unit("{retry}")
                .build(),
            budget_exhausted: meter
                .u64_counter("bcss.client.retry_budget.exhausted")
                .with_description("Retries refused because the client's retry budget was empty")
                .with_unit("{retry}")
                .build(),
            token_fetches: meter
                .u64_counter("bcss.client.token.fetches")
                .with_description("Access tokens fetched from the token endpoint")
                .with_unit("{fetch}")
                .build(),
        }
    });

    fn operation(operation: Option<&'static str>) -> KeyValue {
        let name = operation.filter(|o| !o.is_empty()).unwrap_or("unknown");
        KeyValue::new("operation", name)
    }

    /// The method as the HTTP conventions write it: `_OTHER` for a method they do not know.
    fn method(method: &Method) -> KeyValue {
        let name: &'static str = match *method {
            Method::GET => "GET",
            Method::POST => "POST",
            Method::PUT => "PUT",
            Method::PATCH => "PATCH",
            Method::DELETE => "DELETE",
            Method::HEAD => "HEAD",
            Method::OPTIONS => "OPTIONS",
            Method::TRACE => "TRACE",
            Method::CONNECT => "CONNECT",
            _ => "_OTHER",
        };
        KeyValue::new("http.request.method", StringValue::from(name))
    }

    pub(crate) fn call(
        op: Option<&'static str>,
        m: &Method,
        status: Option<u16>,
        elapsed: Duration,
    ) {
        let attributes = [
            operation(op),
            method(m),
            KeyValue::new("status_class", status_class(status)),
        ];
        let instruments = &*INSTRUMENTS;
        instruments.requests.add(1, &attributes);
        instruments
            .duration
            .record(elapsed.as_secs_f64(), &attributes);
    }

    pub(crate) fn retry(op: Option<&'static str>, reason: &'static str) {
        INSTRUMENTS
            .retries
            .add(1, &[operation(op), KeyValue::new("reason", reason)]);
    }

    pub(crate) fn budget_exhausted(op: Option<&'static str>) {
        INSTRUMENTS.budget_exhausted.add(1, &[operation(op)]);
    }

    pub(crate) fn token_fetch(ok: bool) {
        let outcome = if ok { "ok" } else { "error" };
        INSTRUMENTS
            .token_fetches
            .add(1, &[KeyValue::new("outcome", outcome)]);
    }

    /// Writes `traceparent` (and a non-empty `tracestate`) for the OpenTelemetry context of
    /// `span` — or, when `span` has none, of the current context — if it holds a valid span
    /// context; writes nothing otherwise.
    pub(crate) fn inject_traceparent(span: &tracing::Span, headers: &mut HeaderMap) {
        let mut context = span.context();
        if !context.span().span_context().is_valid() {
            context = Context::current();
        }
        TraceContextPropagator::new().inject_context(&context, &mut HeaderInjector(headers));
    }

    struct HeaderInjector<'a>(&'a mut HeaderMap);

    impl Injector for HeaderInjector<'_> {
        fn set(&mut self, key: &str, value: String) {
            if value.is_empty() {
                return;
            }
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(key.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                self.0.insert(name, value);
            }
        }
    }
}

#[cfg(feature = "otel")]
pub(crate) use on::*;

#[cfg(all(test, feature = "otel"))]
mod tests {
    use opentelemetry::Context;
    use opentelemetry::trace::{
        SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState,
    };

    use super::inject_traceparent;

    fn context(trace_state: TraceState) -> Context {
        Context::new().with_remote_span_context(SpanContext::new(
            TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
            SpanId::from_hex("00f067aa0ba902b7").unwrap(),
            TraceFlags::SAMPLED,
            true,
            trace_state,
        ))
    }

    #[test]
    fn without_a_tracing_context_the_current_otel_context_is_propagated() {
        let state = TraceState::from_key_value([("vendor", "x")]).unwrap();
        let _attached = context(state).attach();
        let mut headers = http::HeaderMap::new();
        inject_traceparent(&tracing::Span::none(), &mut headers);
        assert_eq!(
            headers["traceparent"],
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        );
        assert_eq!(headers["tracestate"], "vendor=x");
    }

    #[test]
    fn an_empty_trace_state_writes_no_header_and_no_context_writes_nothing() {
        let mut headers = http::HeaderMap::new();
        {
            let _attached = context(TraceState::default()).attach();
            inject_traceparent(&tracing::Span::none(), &mut headers);
        }
        assert!(headers.contains_key("traceparent"));
        assert!(!headers.contains_key("tracestate"), "{headers:?}");

        let mut headers = http::HeaderMap::new();
        inject_traceparent(&tracing::Span::none(), &mut headers);
        assert!(headers.is_empty(), "{headers:?}");
    }
}
