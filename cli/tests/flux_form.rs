//! `bcss flux-form` rows against the runtime's endpoint table and the onboarding document's
//! form, for all three environments; the rendered forms are snapshots (`tests/snapshots/`).

use std::net::IpAddr;

use bcss_cli::flux_form::{self, FormFormat, PORTS};
use bcss_runtime::environment::{EXTRANET_REST_PORT, EXTRANET_SOAP_PORT, EXTRANET_SSDN_PORT};
use bcss_runtime::{Channel, Environment};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn all() -> flux_form::FluxForm {
    flux_form::build("app01", ip("10.0.0.5"), Some(ip("193.191.0.10")), &[]).unwrap()
}

#[test]
fn every_environment_gets_the_gateway_of_the_endpoint_table() {
    let form = all();
    assert_eq!(form.rows.len(), 3);
    for (row, env) in form.rows.iter().zip(Environment::ALL) {
        let gateway = env.extranet_gateway();
        assert_eq!(row.environment, env.as_str());
        assert_eq!(row.destination_name, gateway.host);
        assert_eq!(row.destination_ip_nat, gateway.ip);
        // The host is the one the runtime calls on the extranet.
        let url = env.endpoints(Channel::Extranet).gateway;
        assert_eq!(url.host_str(), Some(gateway.host));
        assert!(row.destination_ports.contains(&url.port().unwrap()));
        assert_eq!(row.destination_ports, PORTS);
        assert_eq!(row.protocol, "https");
        assert_eq!(row.source_ip_internal, "10.0.0.5");
        assert_eq!(row.source_ip_nat, "193.191.0.10");
        assert!(row.note.contains(env.firewall_group()), "{}", row.note);
    }
}

#[test]
fn the_rows_match_the_onboarding_document_including_the_corrected_production_row() {
    // The document's form (DEST_Name / DEST_IP NAT / DEST_Port) and its entry-point table.
    let expected = [
        (
            "test",
            "b2b-test.ksz-bcss.fgov.be",
            "85.91.184.96",
            "TEST-CUSTOMER",
        ),
        (
            "acpt",
            "b2b-acpt.ksz-bcss.fgov.be",
            "85.91.184.103",
            "ACPT-CUSTOMER",
        ),
        (
            "prod",
            "b2b.ksz-bcss.fgov.be",
            "85.91.184.102",
            "PROD-CUSTOMER",
        ),
    ];
    let form = all();
    for (row, (env, host, dest_ip, group)) in form.rows.iter().zip(expected) {
        assert_eq!(
            (
                row.environment.as_str(),
                row.destination_name.as_str(),
                row.destination_ip_nat.as_str()
            ),
            (env, host, dest_ip)
        );
        assert!(row.note.contains(group));
    }
    assert_eq!(
        (EXTRANET_SOAP_PORT, EXTRANET_SSDN_PORT, EXTRANET_REST_PORT),
        (4520, 4530, 4543)
    );
    let notes = form.notes.join("\n");
    assert!(notes.contains("4520: standard SOA port"));
    assert!(notes.contains("4530: SSDN port"));
    assert!(notes.contains("4543: REST port"));
    assert!(notes.contains(
        "already calls a BCSS SOAP service over the extranet has REST port 4543 open already"
    ));
    assert!(
        notes.contains("professionalservices-int.socialsecurity.be"),
        "{notes}"
    );
    assert!(notes.contains("gives no IP address"), "{notes}");
}

#[test]
fn chosen_environments_come_in_onboarding_order_without_duplicates() {
    let form = flux_form::build(
        "app01",
        ip("10.0.0.5"),
        None,
        &[
            Environment::Production,
            Environment::Acceptance,
            Environment::Production,
        ],
    )
    .unwrap();
    let envs: Vec<&str> = form.rows.iter().map(|r| r.environment.as_str()).collect();
    assert_eq!(envs, ["acpt", "prod"]);
    assert!(form.rows.iter().all(|r| r.source_ip_nat.is_empty()));
    let notes = form.notes.join("\n");
    assert!(!notes.contains("TEST-CUSTOMER"));
    assert!(notes.contains("ACPT-CUSTOMER") && notes.contains("PROD-CUSTOMER"));
}

#[test]
fn a_source_name_that_would_break_the_form_is_refused() {
    for bad in ["", "  ", "two\nlines"] {
        let err = flux_form::build(bad, ip("10.0.0.5"), None, &[]).unwrap_err();
        assert!(err.to_string().contains("--source-name"), "{err}");
    }
    // Separators inside a name are escaped, not refused.
    let form = flux_form::build(
        "app|01, \"main\"",
        ip("10.0.0.5"),
        None,
        &[Environment::Test],
    )
    .unwrap();
    let md = flux_form::render(&form, FormFormat::Md);
    assert!(md.contains("app\\|01"), "{md}");
    let csv = flux_form::render(&form, FormFormat::Csv);
    assert!(csv.contains("\"app|01, \"\"main\"\"\""), "{csv}");
}

#[test]
fn markdown_form_for_all_environments() {
    insta::assert_snapshot!("flux_form_md", flux_form::render(&all(), FormFormat::Md));
}

#[test]
fn csv_form_for_all_environments() {
    insta::assert_snapshot!("flux_form_csv", flux_form::render(&all(), FormFormat::Csv));
}

#[test]
fn json_form_for_all_environments() {
    let json = flux_form::render(&all(), FormFormat::Json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["rows"][2]["destination_ports"],
        serde_json::json!([4520, 4530, 4543])
    );
    insta::assert_snapshot!("flux_form_json", json);
}
