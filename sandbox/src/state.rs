//! State shared by all listeners and the [`crate::Sandbox`] handle: registered clients, the
//! replay store, faults, routes, health, settings and the request log.
//!
//! Locks are std mutexes held only for short, non-async sections. A poisoned lock (a panic
//! elsewhere while holding it) is recovered rather than propagated: the data is still usable
//! and a test sandbox must keep answering.

use crate::config::{MAX_CLOCK_OFFSET_SECS, Settings};
use crate::contract::{OperationSpec, ServedApi};
use crate::faults::{Fault, FaultRule, FaultTarget, Faults};
use crate::jws::TokenSigner;
use crate::log::{LogEntry, Outcome, RequestFacts, RequestLog};
use crate::routes::{Dynamic, HealthStatus, Route};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where everything is, as handed to clients (and written to `endpoints.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    pub token_endpoint: String,
    pub issuer: String,
    pub metadata_url: String,
    /// Gateway listener that requires a client certificate (extranet-like).
    pub gateway_mtls_url: String,
    /// Gateway listener without client certificates (internet-like).
    pub gateway_url: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub admin_url: String,
}

/// An OAuth client the token endpoint knows.
#[derive(Clone, Debug)]
pub struct RegisteredClient {
    /// The certificate whose key signs the client's assertions.
    pub certificate_pem: String,
    pub scopes: Vec<String>,
}

/// A route plus, for built-ins, a computed answer, and for served contracts what requests
/// are validated against.
#[derive(Clone, Debug)]
pub struct RouteEntry {
    pub route: Route,
    pub dynamic: Option<Dynamic>,
    pub contract: Option<Arc<OperationSpec>>,
}

impl RouteEntry {
    /// A contract operation with `security: []`: no access token needed.
    pub fn is_public(&self) -> bool {
        self.contract.as_ref().is_some_and(|c| c.public)
    }
}

pub struct SharedState {
    pub endpoints: Endpoints,
    pub signer: TokenSigner,
    settings: RwLock<Settings>,
    clients: RwLock<HashMap<String, RegisteredClient>>,
    /// (client id, jti) -> exp of the assertion that used it.
    used_jtis: Mutex<HashMap<(String, String), i64>>,
    faults: Mutex<Faults>,
    routes: RwLock<Vec<RouteEntry>>,
    health: RwLock<BTreeMap<String, HealthStatus>>,
    log: Mutex<RequestLog>,
    served: Mutex<Vec<ServedApi>>,
}

/// Seconds since the Unix epoch, negative before it.
pub fn unix_secs(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(PoisonError::into_inner)
}

impl SharedState {
    pub fn new(endpoints: Endpoints, signer: TokenSigner, settings: Settings) -> SharedState {
        SharedState {
            endpoints,
            signer,
            settings: RwLock::new(settings),
            clients: RwLock::default(),
            used_jtis: Mutex::default(),
            faults: Mutex::default(),
            routes: RwLock::default(),
            health: RwLock::default(),
            log: Mutex::default(),
            served: Mutex::default(),
        }
    }

    /// The sandbox clock: real time shifted by `clock_offset_secs` (clamped to
    /// [`MAX_CLOCK_OFFSET_SECS`], which the setting's entry points enforce anyway).
    pub fn clock(&self) -> SystemTime {
        let offset = self
            .settings()
            .clock_offset_secs
            .clamp(-MAX_CLOCK_OFFSET_SECS, MAX_CLOCK_OFFSET_SECS);
        let by = Duration::from_secs(offset.unsigned_abs());
        let real = SystemTime::now();
        let shifted = if offset >= 0 {
            real.checked_add(by)
        } else {
            real.checked_sub(by)
        };
        shifted.unwrap_or(real)
    }

    /// The sandbox clock in Unix seconds (what time claims are compared with).
    pub fn now(&self) -> i64 {
        unix_secs(self.clock())
    }

    pub fn settings(&self) -> Settings {
        read(&self.settings).clone()
    }

    pub fn update_settings(&self, f: impl FnOnce(&mut Settings)) {
        f(&mut write(&self.settings));
    }

    /// Sets the clock offset, refusing one beyond [`MAX_CLOCK_OFFSET_SECS`] (nothing changes).
    pub fn set_clock_offset_secs(&self, offset_secs: i64) -> Result<(), String> {
        crate::config::check_clock_offset(offset_secs)?;
        self.update_settings(|s| s.clock_offset_secs = offset_secs);
        Ok(())
    }

    pub fn register_client(&self, client_id: &str, certificate_pem: &str, scopes: &[&str]) {
        write(&self.clients).insert(
            client_id.to_string(),
            RegisteredClient {
                certificate_pem: certificate_pem.to_string(),
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
            },
        );
    }

    /// Adds `scopes` to those granted to `client_id`, if that client is registered.
    pub fn grant_scopes(&self, client_id: &str, scopes: &[String]) {
        if let Some(client) = write(&self.clients).get_mut(client_id) {
            for scope in scopes {
                if !client.scopes.contains(scope) {
                    client.scopes.push(scope.clone());
                }
            }
        }
    }

    pub fn client(&self, client_id: &str) -> Option<RegisteredClient> {
        read(&self.clients).get(client_id).cloned()
    }

    /// All scopes any client may be granted (advertised as `scopes_supported`).
    pub fn all_scopes(&self) -> Vec<String> {
        let mut scopes: Vec<String> = read(&self.clients)
            .values()
            .flat_map(|c| c.scopes.iter().cloned())
            .collect();
        scopes.sort();
        scopes.dedup();
        scopes
    }

    /// Records that `client_id` used `jti` in an assertion valid until `exp`. Returns false if
    /// it was already used (a replay). Entries whose assertion has expired are pruned: an
    /// expired assertion is rejected anyway, so its jti need not be remembered.
    pub fn use_jti(&self, client_id: &str, jti: &str, exp: i64) -> bool {
        let now = self.now();
        let mut used = lock(&self.used_jtis);
        used.retain(|_, until| *until >= now);
        let key = (client_id.to_string(), jti.to_string());
        if used.contains_key(&key) {
            return false;
        }
        used.insert(key, exp);
        true
    }

    pub fn push_fault(&self, rule: FaultRule) {
        lock(&self.faults).push(rule);
    }

    pub fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    pub fn faults(&self) -> Vec<FaultRule> {
        lock(&self.faults).rules()
    }

    pub fn take_fault(&self, target: FaultTarget, method: &str, path: &str) -> Option<Fault> {
        lock(&self.faults).take(target, method, path)
    }

    /// Adds a route; one with the same method and pattern is replaced.
    pub fn register_route(&self, route: Route, dynamic: Option<Dynamic>) {
        self.register_entry(RouteEntry {
            route,
            dynamic,
            contract: None,
        });
    }

    /// Adds a route entry; one with the same method and pattern is replaced.
    pub fn register_entry(&self, entry: RouteEntry) {
        let mut routes = write(&self.routes);
        routes.retain(|e| {
            !(e.route.method == entry.route.method && e.route.path == entry.route.path)
        });
        routes.push(entry);
    }

    pub fn routes(&self) -> Vec<RouteEntry> {
        read(&self.routes).clone()
    }

    /// Records a contract served (its routes are registered separately).
    pub fn add_served(&self, api: ServedApi) {
        lock(&self.served).push(api);
    }

    pub fn served(&self) -> Vec<ServedApi> {
        lock(&self.served).clone()
    }

    pub fn set_health(&self, api: &str, status: HealthStatus) {
        write(&self.health).insert(api.to_string(), status);
    }

    /// Whether any route or health entry names `api`.
    pub fn knows_api(&self, api: &str) -> bool {
        read(&self.health).contains_key(api)
            || read(&self.routes).iter().any(|e| e.route.api() == api)
    }

    /// Health of a known API: as set, or UP by default.
    pub fn health(&self, api: &str) -> HealthStatus {
        read(&self.health)
            .get(api)
            .cloned()
            .unwrap_or(HealthStatus::Up)
    }

    pub fn record(&self, facts: RequestFacts, outcome: Outcome) -> LogEntry {
        lock(&self.log).record(facts, outcome)
    }

    pub fn log(&self) -> Vec<LogEntry> {
        lock(&self.log).entries()
    }

    pub fn clear_log(&self) {
        lock(&self.log).clear();
    }
}
