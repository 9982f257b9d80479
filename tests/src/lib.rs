//! Harness for the end-to-end tests: a real sandbox on loopback, its files in a temporary folder,
//! and runtime configurations pointing at it. Nothing here mocks HTTP: every call crosses a socket
//! and a TLS handshake.

use std::path::{Path, PathBuf};

use bcss_runtime::config::{IdentitySource, PasswordSource};
use bcss_runtime::{BcssClient, Channel, Config, Environment, SecretString, TraceInfo};
use bcss_sandbox::{
    ClientCredentials, Fault, FaultRule, FaultTarget, Listener, LogEntry, Sandbox, SandboxConfig,
};

/// A running sandbox and the folder it wrote (`bcss.toml`, certificates, keys).
pub struct Harness {
    /// The sandbox.
    pub sandbox: Sandbox,
    dir: tempfile::TempDir,
}

impl Harness {
    /// Starts a sandbox with the default configuration.
    pub async fn start() -> Self {
        Self::start_with(SandboxConfig::default()).await
    }

    /// Starts a sandbox with `config`.
    pub async fn start_with(config: SandboxConfig) -> Self {
        bcss_runtime::install_crypto_provider();
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        let dir = tempfile::tempdir().expect("temp dir");
        sandbox
            .write_dir(dir.path())
            .expect("sandbox writes its files");
        Self { sandbox, dir }
    }

    /// The folder with the sandbox's files.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A file in that folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The `bcss.toml` the sandbox wrote, loaded without environment variables.
    pub fn config(&self) -> Config {
        Config::from_file(&self.file("bcss.toml")).expect("sandbox bcss.toml is valid")
    }

    /// A client on the default configuration (test environment, extranet, mutual TLS).
    pub fn client(&self) -> BcssClient {
        BcssClient::new(&self.config()).expect("client builds")
    }

    /// A client on a modified configuration.
    pub fn client_with(
        &self,
        change: impl FnOnce(&mut Config),
    ) -> Result<BcssClient, bcss_runtime::Error> {
        let mut config = self.config();
        change(&mut config);
        BcssClient::new(&config)
    }

    /// Writes `credentials` into the folder and returns an identity source for them.
    pub fn identity_files(&self, name: &str, credentials: &ClientCredentials) -> IdentitySource {
        let cert = self.file(&format!("{name}.pem"));
        let key = self.file(&format!("{name}.key"));
        std::fs::write(&cert, &credentials.certificate_pem).unwrap();
        std::fs::write(&key, &credentials.private_key_pem).unwrap();
        IdentitySource::PemFiles {
            certificate: cert,
            key,
        }
    }

    /// The sandbox's registered client as a PKCS#12 identity (the legacy layout it writes).
    pub fn pkcs12_identity(&self) -> IdentitySource {
        IdentitySource::Pkcs12File {
            path: self.file("client.p12"),
            password: PasswordSource::File(self.file("client.p12.password")),
        }
    }

    /// A client whose gateway is a loopback port nothing listens on.
    pub fn client_with_closed_gateway(&self) -> BcssClient {
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        self.client_with(|c| {
            let o = c.endpoints.entry((ENV, Channel::Extranet)).or_default();
            o.gateway = Some(format!("https://127.0.0.1:{closed}").parse().unwrap());
        })
        .expect("client builds")
    }

    /// Token endpoint requests in the log.
    pub fn token_requests(&self) -> Vec<LogEntry> {
        self.sandbox
            .log()
            .into_iter()
            .filter(|e| e.listener == Listener::Auth && e.path.starts_with("/REST/oauth/v5/token"))
            .collect()
    }

    /// The next gateway request under `path_prefix` answers 503 `serviceUnavailable` with
    /// `Retry-After: 0`: one retry, at once.
    pub fn unavailable_once(&self, path_prefix: &str) {
        self.sandbox.push_fault(
            FaultRule::once(
                FaultTarget::Gateway,
                Fault::ServiceUnavailable {
                    retry_after_secs: 0,
                },
            )
            .path_prefix(path_prefix),
        );
    }

    /// Gateway requests in the log (both listeners).
    pub fn gateway_requests(&self) -> Vec<LogEntry> {
        self.sandbox
            .log()
            .into_iter()
            .filter(|e| matches!(e.listener, Listener::GatewayMtls | Listener::GatewayTls))
            .collect()
    }
}

/// Replaces the identity of the selected environment.
pub fn set_identity(config: &mut Config, source: IdentitySource) {
    config.identities.insert(config.environment, source);
}

/// With the socialStatus contract served: searches `ssin` (in the body), then reads the history
/// of the reference found (in the path). Returns the trace of each call and the reference.
pub async fn search_then_read_history(
    client: &bcss_social_status::Client,
    ssin: &str,
) -> (
    TraceInfo,
    bcss_social_status::types::SsinReference,
    TraceInfo,
) {
    const LEGAL_CONTEXT: &str = "FAMILY_ALLOWANCES:ENTITLEMENT";
    let query =
        serde_json::from_value(serde_json::json!({"ssins": [ssin], "legalContext": LEGAL_CONTEXT}))
            .unwrap();
    let page = client.search_persons(&query).send().await.unwrap();
    let found = page.items[0]
        .ssin_ref
        .as_ref()
        .expect("a reference to the person");
    let reference = bcss_social_status::types::SsinReference::new(found.as_str()).unwrap();
    let history = client
        .get_status_history(&reference)
        .legal_context(LEGAL_CONTEXT)
        .send()
        .await
        .unwrap();
    assert_eq!(history.status(), 200);
    (page.trace().clone(), reference, history.trace().clone())
}

/// A literal PKCS#12 password source.
pub fn password(value: &str) -> PasswordSource {
    PasswordSource::Value(SecretString::new(value))
}

/// The selected environment of the sandbox configuration.
pub const ENV: Environment = Environment::Test;

/// Everything `tracing` (and, bridged, `log`) emits on the current thread, kept as data: spans with
/// their fields and parent, events with their fields and the spans they happened in.
pub mod capture {
    use std::collections::BTreeMap;
    use std::fmt;
    use std::sync::{Arc, Mutex, OnceLock};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Level, Subscriber};
    use tracing_subscriber::layer::{Context, SubscriberExt as _};
    use tracing_subscriber::registry::LookupSpan;

    /// A span as created and later recorded.
    #[derive(Clone, Debug)]
    pub struct SpanRecord {
        /// Index in [`Capture::spans`] (span ids are reused, these are not).
        pub index: usize,
        /// `bcss.call`, …
        pub name: String,
        /// The module that opened it.
        pub target: String,
        /// Every field recorded, at creation or later.
        pub fields: BTreeMap<String, String>,
        /// The index of the parent span.
        pub parent: Option<usize>,
    }

    /// An event (a `tracing` event or a bridged `log` record).
    #[derive(Clone, Debug)]
    pub struct EventRecord {
        /// Its level.
        pub level: Level,
        /// Its target; for a `log` record, the record's (`rustls::client::hs`, …).
        pub target: String,
        /// Its fields; the text is under `message`. A bridged `log` record has `log.target`.
        pub fields: BTreeMap<String, String>,
        /// The indexes of the spans it happened in, innermost first.
        pub spans: Vec<usize>,
    }

    impl EventRecord {
        /// The `message` field.
        pub fn message(&self) -> &str {
            self.fields.get("message").map_or("", String::as_str)
        }

        /// Whether it came through the `log` bridge.
        pub fn from_log(&self) -> bool {
            self.fields.contains_key("log.target")
        }
    }

    #[derive(Default)]
    struct Records {
        spans: Vec<SpanRecord>,
        events: Vec<EventRecord>,
    }

    /// A capturing layer and what it captured.
    #[derive(Clone, Default)]
    pub struct Capture(Arc<Mutex<Records>>);

    /// Index of a span's record, kept in the registry's extensions.
    struct Index(usize);

    impl Capture {
        /// Routes `log` records into `tracing` (once per process, at TRACE), then makes a
        /// capturing subscriber this thread's default until the guard drops. Use it from a
        /// `current_thread` runtime so that spawned tasks (the sandbox's, the token fetch)
        /// report here too.
        pub fn install(&self) -> tracing::subscriber::DefaultGuard {
            static LOG_BRIDGE: OnceLock<()> = OnceLock::new();
            LOG_BRIDGE.get_or_init(|| {
                tracing_log::LogTracer::init().expect("no other `log` logger is installed");
            });
            let subscriber = tracing_subscriber::registry().with(self.clone());
            tracing::subscriber::set_default(subscriber)
        }

        /// The spans, in creation order.
        pub fn spans(&self) -> Vec<SpanRecord> {
            self.0.lock().unwrap().spans.clone()
        }

        /// The events, in order.
        pub fn events(&self) -> Vec<EventRecord> {
            self.0.lock().unwrap().events.clone()
        }

        /// The spans called `name`.
        pub fn spans_named(&self, name: &str) -> Vec<SpanRecord> {
            self.spans()
                .into_iter()
                .filter(|s| s.name == name)
                .collect()
        }

        /// The events whose message is `message`.
        pub fn events_saying(&self, message: &str) -> Vec<EventRecord> {
            self.events()
                .into_iter()
                .filter(|e| e.message() == message)
                .collect()
        }

        /// Every record as one line of text (name or level, target, `field=value`…), for
        /// searching; records of targets starting with one of `skip` are left out.
        pub fn lines_without(&self, skip: &[&str]) -> Vec<String> {
            let kept = |target: &str| !skip.iter().any(|s| target.starts_with(s));
            let records = self.0.lock().unwrap();
            let spans = records.spans.iter().filter(|s| kept(&s.target));
            let events = records.events.iter().filter(|e| kept(&e.target));
            spans
                .map(|s| format!("span {} {} {}", s.name, s.target, Fields(&s.fields)))
                .chain(events.map(|e| format!("{} {} {}", e.level, e.target, Fields(&e.fields))))
                .collect()
        }

        /// Every record as one line of text.
        pub fn lines(&self) -> Vec<String> {
            self.lines_without(&[])
        }
    }

    struct Fields<'a>(&'a BTreeMap<String, String>);

    impl fmt::Display for Fields<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            for (name, value) in self.0 {
                write!(f, "{name}={value} ")?;
            }
            Ok(())
        }
    }

    struct Visitor<'a>(&'a mut BTreeMap<String, String>);

    impl Visit for Visitor<'_> {
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.insert(field.name().to_owned(), value.to_owned());
        }
        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            self.0.insert(field.name().to_owned(), format!("{value:?}"));
        }
    }

    impl<S> tracing_subscriber::Layer<S> for Capture
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
            let Some(span) = ctx.span(id) else { return };
            let parent = span
                .parent()
                .and_then(|p| p.extensions().get::<Index>().map(|i| i.0));
            let mut fields = BTreeMap::new();
            attrs.record(&mut Visitor(&mut fields));
            let mut records = self.0.lock().unwrap();
            let index = records.spans.len();
            records.spans.push(SpanRecord {
                index,
                name: attrs.metadata().name().to_owned(),
                target: attrs.metadata().target().to_owned(),
                fields,
                parent,
            });
            span.extensions_mut().insert(Index(index));
        }

        fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
            let Some(span) = ctx.span(id) else { return };
            let Some(index) = span.extensions().get::<Index>().map(|i| i.0) else {
                return;
            };
            let mut records = self.0.lock().unwrap();
            values.record(&mut Visitor(&mut records.spans[index].fields));
        }

        fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
            let spans = ctx
                .event_scope(event)
                .into_iter()
                .flatten()
                .filter_map(|s| s.extensions().get::<Index>().map(|i| i.0))
                .collect();
            let mut fields = BTreeMap::new();
            event.record(&mut Visitor(&mut fields));
            // A bridged `log` record's metadata names the bridge (`log`); its own target is a field.
            let target = fields
                .get("log.target")
                .cloned()
                .unwrap_or_else(|| event.metadata().target().to_owned());
            self.0.lock().unwrap().events.push(EventRecord {
                level: *event.metadata().level(),
                target,
                fields,
                spans,
            });
        }
    }
}
