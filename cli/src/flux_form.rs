//! `bcss flux-form`: the rows of the firewall flux opening request the onboarding document asks
//! for, one form for every chosen environment. Destinations come from the runtime's endpoint
//! table (`Environment::extranet_gateway`, the port constants), never from a copy here.

use std::fmt::Write as _;
use std::net::IpAddr;

use bcss_runtime::environment::{EXTRANET_REST_PORT, EXTRANET_SOAP_PORT, EXTRANET_SSDN_PORT};
use bcss_runtime::{Channel, Environment};
use serde::Serialize;

use crate::error::CliError;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FormFormat {
    /// A Markdown table and the notes (to paste into the form or an e-mail).
    Md,
    /// One CSV line per row, with a header.
    Csv,
    /// JSON: `{"rows": [...], "notes": [...]}`.
    Json,
}

/// The destination ports the document's form lists on every row, in its order.
pub const PORTS: [u16; 3] = [EXTRANET_SOAP_PORT, EXTRANET_SSDN_PORT, EXTRANET_REST_PORT];

/// One row of the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    /// `test`, `acpt` or `prod`.
    pub environment: String,
    /// Source name (the partner's server).
    pub source_name: String,
    /// Source IP as the partner's network knows it.
    pub source_ip_internal: String,
    /// Source IP after NAT, as BCSS sees it (empty: no NAT).
    pub source_ip_nat: String,
    /// Source port (empty: any, as the document leaves it).
    pub source_port: String,
    /// Destination host name.
    pub destination_name: String,
    /// Destination internal IP (empty, as in the document).
    pub destination_ip_internal: String,
    /// Destination public IP (the document puts it in the NAT column).
    pub destination_ip_nat: String,
    /// Destination ports.
    pub destination_ports: Vec<u16>,
    /// Protocol.
    pub protocol: String,
    /// Description column.
    pub description: String,
    /// The firewall group note of this environment.
    pub note: String,
}

/// The whole form: rows and notes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FluxForm {
    /// One row per chosen environment.
    pub rows: Vec<Row>,
    /// The "Nota" field and what to do with the form.
    pub notes: Vec<String>,
}

/// Builds the form. `environments` empty means all three; order and duplicates do not matter.
pub fn build(
    source_name: &str,
    source_ip: IpAddr,
    nat_ip: Option<IpAddr>,
    environments: &[Environment],
) -> Result<FluxForm, CliError> {
    let name = source_name.trim();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(CliError::Argument {
            argument: "--source-name",
            message: "give the name of your server, on one line".into(),
        });
    }
    let chosen: Vec<Environment> = Environment::ALL
        .into_iter()
        .filter(|e| environments.is_empty() || environments.contains(e))
        .collect();
    let rows = chosen
        .iter()
        .map(|env| {
            let gateway = env.extranet_gateway();
            Row {
                environment: env.to_string(),
                source_name: name.to_owned(),
                source_ip_internal: source_ip.to_string(),
                source_ip_nat: nat_ip.map(|ip| ip.to_string()).unwrap_or_default(),
                source_port: String::new(),
                destination_name: gateway.host.to_owned(),
                destination_ip_internal: String::new(),
                destination_ip_nat: gateway.ip.to_owned(),
                destination_ports: PORTS.to_vec(),
                protocol: "https".into(),
                description: "FW rule (see nota)".into(),
                note: group_note(*env),
            }
        })
        .collect();
    Ok(FluxForm {
        rows,
        notes: notes(&chosen),
    })
}

fn group_note(env: Environment) -> String {
    let label = match env {
        Environment::Test => "Test",
        Environment::Acceptance => "Acpt",
        Environment::Production => "Prod",
    };
    format!(
        "{label}: Add the source IP address to the {} group FW rule",
        env.firewall_group()
    )
}

fn notes(chosen: &[Environment]) -> Vec<String> {
    let mut notes = vec![
        format!("{EXTRANET_SOAP_PORT}: standard SOA port (SOAP web services / API gateway)"),
        format!("{EXTRANET_SSDN_PORT}: SSDN port (historical services)"),
        format!("{EXTRANET_REST_PORT}: REST port (new services, 2024 on)"),
    ];
    notes.extend(chosen.iter().map(|e| group_note(*e)));
    notes.push(format!(
        "One form covers all the environments above. A partner that already calls a BCSS SOAP service over the extranet has REST port {EXTRANET_REST_PORT} open already."
    ));
    let token_hosts: Vec<String> = chosen
        .iter()
        .filter_map(|e| {
            let url = e.endpoints(Channel::Extranet).token_endpoint;
            Some(format!(
                "{}:{}",
                url.host_str()?,
                url.port_or_known_default()?
            ))
        })
        .collect();
    notes.push(format!(
        "Not on this form: the OAuth token endpoint{} {}. The onboarding document gives no IP address or flux for {}; make sure your own firewall lets HTTPS to {} out.",
        if token_hosts.len() > 1 { "s" } else { "" },
        token_hosts.join(", "),
        if token_hosts.len() > 1 { "them" } else { "it" },
        if token_hosts.len() > 1 { "them" } else { "it" },
    ));
    notes.push(
        "Send the signed form to esb@ksz-bcss.fgov.be; the KSZ-BCSS ESB team signs it and passes it on to security.".into(),
    );
    notes
}

/// The form in `format`.
pub fn render(form: &FluxForm, format: FormFormat) -> String {
    match format {
        FormFormat::Md => markdown(form),
        FormFormat::Csv => csv(form),
        FormFormat::Json => serde_json::to_string_pretty(form)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .unwrap_or_default(),
    }
}

const COLUMNS: [&str; 10] = [
    "Source name",
    "Source IP (internal)",
    "Source IP (NAT)",
    "Source port",
    "Destination name",
    "Destination IP (internal)",
    "Destination IP (NAT)",
    "Destination port",
    "Protocol",
    "Description",
];

fn cells(row: &Row) -> [String; 10] {
    let ports: Vec<String> = row.destination_ports.iter().map(u16::to_string).collect();
    [
        row.source_name.clone(),
        row.source_ip_internal.clone(),
        row.source_ip_nat.clone(),
        row.source_port.clone(),
        row.destination_name.clone(),
        row.destination_ip_internal.clone(),
        row.destination_ip_nat.clone(),
        ports.join(", "),
        row.protocol.clone(),
        row.description.clone(),
    ]
}

fn markdown(form: &FluxForm) -> String {
    let mut out =
        String::from("# Firewall flux opening request (KSZ-BCSS, Social Security Extranet)\n\n");
    let _ = writeln!(out, "| {} |", COLUMNS.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(COLUMNS.len()));
    for row in &form.rows {
        let cells: Vec<String> = cells(row).iter().map(|c| c.replace('|', "\\|")).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push_str("\nNota:\n\n");
    for note in &form.notes {
        let _ = writeln!(out, "- {note}");
    }
    out
}

fn csv(form: &FluxForm) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = String::new();
    let mut header = vec!["Environment"];
    header.extend(COLUMNS);
    header.push("Note");
    let _ = writeln!(out, "{}", header.join(","));
    for row in &form.rows {
        let mut line = vec![field(&row.environment)];
        line.extend(cells(row).iter().map(|c| field(c)));
        line.push(field(&row.note));
        let _ = writeln!(out, "{}", line.join(","));
    }
    out
}
