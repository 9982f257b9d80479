//! Step 1, network access: the gateway and token endpoint host names resolve, and a TCP
//! connection to each opens within the timeout. Nothing above TCP is tried here, so a failure
//! means a network path or firewall problem, not TLS or OAuth.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bcss_runtime::{Channel, Config, TransportErrorKind};
use url::Url;

use super::report::{StepBuilder, StepId, StepReport, Verdict};

const EXTRANET_WAYS: &str = "extranet host names resolve only from the Social Security Extranet. The onboarding document lists three ways to reach it: a direct leased line through a telecom operator, a secondary network (Publilink, WIN, Fluvius Irisnet, CIPAL, Ulysse, Telenet, Destiny/Partena), or an IPsec LAN-to-LAN VPN over the internet. Without one of them, use the internet channel (`--channel internet`, or `channel = \"internet\"` in bcss.toml)";

const FLUX: &str = "the firewall flux is probably not open: send the signed flux opening form (print it with `bcss flux-form --source-name NAME --source-ip IP`) to esb@ksz-bcss.fgov.be; check also your own outgoing firewall and that you connect from the official public IP named on the form";

/// What the later steps need to know.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reachability {
    /// A TCP connection to the gateway opened.
    pub gateway: bool,
    /// A TCP connection to the token endpoint opened.
    pub token_endpoint: bool,
}

/// Runs step 1 against `config`'s endpoints.
pub async fn run(config: &Config, timeout: Duration) -> (StepReport, Reachability) {
    let endpoints = config.endpoints();
    let mut step = StepBuilder::new(StepId::Network);
    let extranet = config.channel == Channel::Extranet;
    let gateway = probe(&mut step, "gateway", &endpoints.gateway, timeout, extranet).await;
    let token = probe(
        &mut step,
        "token endpoint",
        &endpoints.token_endpoint,
        timeout,
        extranet,
    )
    .await;
    let summary = match (gateway, token) {
        (true, true) => "the gateway and the token endpoint accept TCP connections".to_owned(),
        (false, true) => "the gateway cannot be reached".to_owned(),
        (true, false) => "the token endpoint cannot be reached".to_owned(),
        (false, false) => "neither the gateway nor the token endpoint can be reached".to_owned(),
    };
    (
        step.finish(summary),
        Reachability {
            gateway,
            token_endpoint: token,
        },
    )
}

/// DNS then TCP for one URL; records checks and remedies; true when a connection opened.
async fn probe(
    step: &mut StepBuilder,
    what: &str,
    url: &Url,
    timeout: Duration,
    extranet: bool,
) -> bool {
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        step.check(
            &format!("{what} address"),
            Verdict::Fail,
            format!("{url} has no host or port"),
        );
        step.remedy("fix the endpoint URL in [endpoints] of bcss.toml");
        return false;
    };
    let Some(addrs) = resolve(step, what, host, port, timeout, extranet).await else {
        return false;
    };
    connect(step, what, host, &addrs, timeout, extranet).await
}

async fn resolve(
    step: &mut StepBuilder,
    what: &str,
    host: &str,
    port: u16,
    timeout: Duration,
    extranet: bool,
) -> Option<Vec<SocketAddr>> {
    let name = format!("{what} DNS");
    // `host_str` keeps the brackets of an IPv6 literal; a socket address needs them off.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        step.check(
            &name,
            Verdict::Pass,
            format!("{host} is an IP address (no lookup needed)"),
        );
        return Some(vec![SocketAddr::new(ip, port)]);
    }
    let started = Instant::now();
    let looked_up = tokio::time::timeout(timeout, tokio::net::lookup_host((bare, port))).await;
    let failure = match looked_up {
        Ok(Ok(addrs)) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if !addrs.is_empty() {
                let ips: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
                step.check(
                    &name,
                    Verdict::Pass,
                    format!(
                        "{host} resolves to {} in {} ms",
                        ips.join(", "),
                        started.elapsed().as_millis()
                    ),
                );
                return Some(addrs);
            }
            format!("{host} resolves to no address")
        }
        Ok(Err(e)) => format!("{host} does not resolve: {e}"),
        Err(_) => format!(
            "no DNS answer for {host} within {} s",
            timeout.as_secs_f32()
        ),
    };
    step.check_kind(&name, Verdict::Fail, failure, kind(TransportErrorKind::Dns));
    if extranet {
        step.remedy(EXTRANET_WAYS);
    } else {
        step.remedy(
            "check the machine's DNS resolver and internet access (a proxy-only network needs HTTPS_PROXY)",
        );
    }
    None
}

async fn connect(
    step: &mut StepBuilder,
    what: &str,
    host: &str,
    addrs: &[SocketAddr],
    timeout: Duration,
    extranet: bool,
) -> bool {
    let name = format!("{what} TCP connect");
    let mut failures = Vec::new();
    let mut cause = TransportErrorKind::Other;
    for addr in addrs {
        let started = Instant::now();
        match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(_stream)) => {
                step.check(
                    &name,
                    Verdict::Pass,
                    format!(
                        "{host} → {addr} accepted in {} ms",
                        started.elapsed().as_millis()
                    ),
                );
                return true;
            }
            Ok(Err(e)) => {
                cause = match e.kind() {
                    ErrorKind::ConnectionRefused => TransportErrorKind::ConnectionRefused,
                    ErrorKind::TimedOut => TransportErrorKind::Timeout,
                    _ => cause,
                };
                failures.push(format!("{addr}: {e}"));
            }
            Err(_) => {
                cause = TransportErrorKind::Timeout;
                failures.push(format!(
                    "{addr}: no answer within {} s",
                    timeout.as_secs_f32()
                ));
            }
        }
    }
    step.check_kind(&name, Verdict::Fail, failures.join("; "), kind(cause));
    let port = addrs.first().map_or(0, SocketAddr::port);
    match (cause, extranet) {
        (TransportErrorKind::ConnectionRefused, true) | (TransportErrorKind::Timeout, true) => {
            step.remedy(format!("port {port}: {FLUX}"));
        }
        (TransportErrorKind::ConnectionRefused, false) => step.remedy(format!(
            "nothing accepts connections on port {port}: check the endpoint URL and port in bcss.toml, and any outgoing firewall or proxy"
        )),
        _ => step.remedy(format!(
            "port {port} does not answer: check outgoing firewalls and proxies between this machine and {host}"
        )),
    }
    false
}

/// The runtime's name for a failure kind (`connection_refused`), for the JSON `kind` field.
pub(crate) fn kind(k: TransportErrorKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{k:?}"))
}
