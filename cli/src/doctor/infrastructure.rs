//! Step 2, BCSS infrastructure access: a TLS handshake with the gateway (server certificate
//! chain and name), then mutual TLS with the configured identity. Failures are classified by the
//! runtime ([`TransportErrorKind`]); this step only puts them in plain words.

use std::time::Duration;

use bcss_runtime::probe::{ProbeError, ProbeOutcome, https_probe};
use bcss_runtime::{Config, Identity, TransportError, TransportErrorKind};
use rustls_pki_types::CertificateDer;

use super::certificates::date;
use super::network::kind;
use super::report::{StepBuilder, StepId, StepReport, Verdict};

/// Runs step 2. `identity` is the certificate step 3 found usable (`None`: mutual TLS is not
/// tried, since a certificate known to be broken would only produce a misleading alert here).
pub async fn run(config: &Config, identity: Option<&Identity>, timeout: Duration) -> StepReport {
    let mut step = StepBuilder::new(StepId::Infrastructure);
    let gateway = config.endpoints().gateway;
    let roots = match config.extra_roots() {
        Ok(roots) => roots,
        Err(e) => {
            step.check("trusted CAs", Verdict::Fail, e.to_string());
            step.remedy("fix [tls] extra_ca: PEM files with the CA certificates to trust");
            return step.finish("the trusted CA certificates cannot be loaded");
        }
    };

    // Diagnosis runs under TLS 1.2 when mutual TLS is expected: there the server judges the
    // client certificate inside the handshake, so a missing or rejected certificate comes
    // back as a named alert. Under TLS 1.3 the client finishes first and, depending on timing,
    // only sees the connection die.
    let mut diagnosis = config.clone();
    diagnosis.tls.max_tls12 = config.mtls_gateway();

    // Server side first, without a client certificate: whatever goes wrong here is about the
    // server's certificate or the TLS path, not about ours.
    let mut server = https_probe(&diagnosis, &roots, None, &gateway, timeout).await;
    if diagnosis.tls.max_tls12
        && matches!(&server, Err(ProbeError::Transport(t)) if t.kind == TransportErrorKind::TlsHandshake)
    {
        step.check(
            "TLS 1.2",
            Verdict::Skipped,
            "the gateway refuses TLS 1.2; checked with the configured versions only",
        );
        diagnosis.tls.max_tls12 = false;
        server = https_probe(&diagnosis, &roots, None, &gateway, timeout).await;
    }
    let host = gateway.host_str().unwrap_or("the gateway");
    match &server {
        Ok(outcome) => {
            describe_server(&mut step, outcome, host);
            let note = if config.mtls_gateway() {
                "; it did not ask for a client certificate"
            } else {
                ""
            };
            step.check(
                "TLS handshake",
                Verdict::Pass,
                format!(
                    "answered HTTP {} without a token{note}",
                    outcome.http_status
                ),
            );
        }
        Err(ProbeError::Transport(t))
            if t.kind == TransportErrorKind::ClientCertificateRequired =>
        {
            // The client verifies the server's chain and name before this alert can arrive,
            // so the server side is proven.
            step.check(
                "TLS handshake",
                Verdict::Pass,
                format!("server certificate trusted for {host}; the gateway requires a client certificate (mutual TLS), as the extranet does"),
            );
        }
        Err(e) => {
            server_failure(&mut step, e);
            return step.finish("the TLS handshake with the gateway fails");
        }
    }

    if !config.mtls_gateway() {
        step.check(
            "mutual TLS",
            Verdict::Skipped,
            "not used on this channel ([tls] mtls_gateway = false)",
        );
        return step.finish("TLS with the gateway works");
    }
    let Some(identity) = identity else {
        step.check(
            "mutual TLS",
            Verdict::Warn,
            "not tried: the configured certificate fails step 3 (certificates)",
        );
        step.remedy("fix the certificate (step 3), then run the doctor again");
        return step.finish("server TLS works; mutual TLS not tried");
    };
    if let Err(e) = https_probe(&diagnosis, &roots, Some(identity), &gateway, timeout).await {
        return mutual_failure(step, &e, identity);
    }
    // Accepted under the diagnosis settings; now the session the runtime will really use.
    match https_probe(config, &roots, Some(identity), &gateway, timeout).await {
        Ok(outcome) => {
            if server.is_err() {
                describe_server(&mut step, &outcome, host);
            }
            step.check(
                "mutual TLS",
                Verdict::Pass,
                format!(
                    "client certificate `{}` accepted; HTTP {} over {}",
                    identity.info().subject,
                    outcome.http_status,
                    outcome.tls_version.as_deref().unwrap_or("TLS")
                ),
            );
            step.finish("TLS and mutual TLS with the gateway work")
        }
        Err(e) => mutual_failure(step, &e, identity),
    }
}

fn mutual_failure(mut step: StepBuilder, error: &ProbeError, identity: &Identity) -> StepReport {
    match error {
        ProbeError::Transport(t) => {
            client_failure(&mut step, t, identity);
            step.finish("the gateway does not accept the client certificate")
        }
        ProbeError::Config(e) => {
            step.check("mutual TLS", Verdict::Fail, e.to_string());
            step.remedy("fix the identity configuration named above");
            step.finish("the client certificate cannot be used for TLS")
        }
    }
}

fn server_failure(step: &mut StepBuilder, error: &ProbeError) {
    let t = match error {
        ProbeError::Config(e) => {
            step.check("TLS set-up", Verdict::Fail, e.to_string());
            step.remedy("fix the [tls] key named above");
            return;
        }
        ProbeError::Transport(t) => t,
    };
    let name = match t.kind {
        TransportErrorKind::ServerCertificateUntrusted => "server certificate",
        _ => "TLS handshake",
    };
    step.check_kind(name, Verdict::Fail, t.message.clone(), kind(t.kind));
    match t.kind {
        TransportErrorKind::ServerCertificateUntrusted => {
            step.remedy(
                "the gateway's certificate does not chain to a CA this machine trusts, or is not issued for this host name. Against BCSS keep the system roots ([tls] system_roots = true); behind a TLS-inspecting proxy add the proxy's CA to [tls] extra_ca; against the sandbox set extra_ca = [\"ca.pem\"] from its folder",
            );
        }
        _ => step.remedy(t.hint.clone()),
    }
}

fn client_failure(step: &mut StepBuilder, t: &TransportError, identity: &Identity) {
    let info = identity.info();
    step.check_kind("mutual TLS", Verdict::Fail, t.message.clone(), kind(t.kind));
    match t.kind {
        TransportErrorKind::ClientCertificateRejected => {
            // The alert name is what the server said; it only refines the wording.
            let unknown_ca = t.message.contains("UnknownCA");
            let what = if unknown_ca {
                "the gateway answered \"unknown CA\": it does not trust the CA that issued your certificate"
            } else {
                "the gateway refused your client certificate during the TLS handshake"
            };
            step.remedy(format!(
                "{what} (issuer `{}`). BCSS accepts certificates from publicly trusted CAs (Smals members: Smals' CA); use the certificate issued for this environment and registered with BCSS (send its .crt to esb@ksz-bcss.fgov.be)",
                info.issuer
            ));
        }
        TransportErrorKind::ClientCertificateRequired => step.remedy(format!(
            "the gateway answered \"certificate required\": it asked for a client certificate and did not get one it could use. Check that [identity.*] of this environment holds the certificate with its chain (leaf first) — this one is `{}`, issued by `{}`",
            info.subject, info.issuer
        )),
        _ => step.remedy(t.hint.clone()),
    }
}

/// Records what the server's certificate says: who it is, who issued it, for which names.
fn describe_server(step: &mut StepBuilder, outcome: &ProbeOutcome, host: &str) {
    let Some(der) = &outcome.peer_certificate else {
        step.check(
            "server certificate",
            Verdict::Pass,
            format!("trusted and valid for {host}"),
        );
        return;
    };
    let der = CertificateDer::from(der.as_slice());
    let text = match x509_parser::parse_x509_certificate(&der) {
        Ok((_, cert)) => {
            let names: Vec<String> = cert
                .subject_alternative_name()
                .ok()
                .flatten()
                .map(|san| san.value.general_names.iter().map(general_name).collect())
                .unwrap_or_default();
            let until = std::time::UNIX_EPOCH
                + Duration::from_secs(cert.validity().not_after.timestamp().max(0) as u64);
            format!(
                "trusted and valid for {host}: subject `{}`, issuer `{}`, names [{}], valid until {}",
                cert.subject(),
                cert.issuer(),
                names.join(", "),
                date(until)
            )
        }
        Err(_) => format!("trusted and valid for {host}"),
    };
    step.check("server certificate", Verdict::Pass, text);
}

fn general_name(name: &x509_parser::extensions::GeneralName<'_>) -> String {
    use x509_parser::extensions::GeneralName;
    match name {
        GeneralName::DNSName(dns) => (*dns).to_owned(),
        GeneralName::IPAddress(bytes) => match bytes.len() {
            4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
            16 => {
                let mut octets = [0u8; 16];
                octets.copy_from_slice(bytes);
                std::net::Ipv6Addr::from(octets).to_string()
            }
            _ => format!("{name}"),
        },
        other => format!("{other}"),
    }
}
