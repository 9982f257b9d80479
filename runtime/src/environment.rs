//! The BCSS environments and channels, and the endpoints each pair reaches.
//!
//! Values come from the KSZ-BCSS onboarding document (see `shared/seeds/README.md`). That
//! document's production REST table repeats the acceptance hosts; its own network table and the
//! firewall form give production as `b2b.ksz-bcss.fgov.be:4543` (85.91.184.102), and the internet
//! host follows the pattern of the CBSS REST general specifications
//! (`https://api[.test|.acpt].ksz-bcss.fgov.be/<api>/v<major>`). The corrected values are used here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use url::Url;

/// A BCSS environment. Each has its own certificate, client-id registration and hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// `test` (Smals calls it `int`, integration).
    Test,
    /// `acpt`, acceptance.
    #[serde(rename = "acpt")]
    Acceptance,
    /// `prod`, production.
    #[serde(rename = "prod")]
    Production,
}

impl Environment {
    /// Every environment, in onboarding order.
    pub const ALL: [Environment; 3] = [Self::Test, Self::Acceptance, Self::Production];

    /// The short name used in configuration files and on the command line (`test`, `acpt`, `prod`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Test => "test",
            Self::Acceptance => "acpt",
            Self::Production => "prod",
        }
    }

    /// The firewall group the partner's source IP is added to (flux form notes).
    pub fn firewall_group(self) -> &'static str {
        match self {
            Self::Test => "TEST-CUSTOMER",
            Self::Acceptance => "ACPT-CUSTOMER",
            Self::Production => "PROD-CUSTOMER",
        }
    }

    /// The built-in endpoints of this environment on `channel`.
    pub fn endpoints(self, channel: Channel) -> Endpoints {
        let row = &TABLE[self as usize];
        let (gateway, token) = match channel {
            Channel::Extranet => (row.gateway_extranet, row.token_extranet),
            Channel::Internet => (row.gateway_internet, row.token_internet),
        };
        Endpoints {
            gateway: parse_static(gateway),
            token_endpoint: parse_static(token),
            metadata: parse_static(row.metadata),
            issuer: parse_static(row.issuer),
        }
    }

    /// The extranet gateway host, its IP address and port, as the firewall flux form lists them.
    pub fn extranet_gateway(self) -> GatewayAddress {
        let row = &TABLE[self as usize];
        GatewayAddress {
            host: row.extranet_host,
            ip: row.extranet_ip,
            port: EXTRANET_REST_PORT,
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Environment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "test" | "int" | "integration" => Ok(Self::Test),
            "acpt" | "acc" | "acceptance" => Ok(Self::Acceptance),
            "prod" | "prd" | "production" => Ok(Self::Production),
            other => Err(format!(
                "unknown environment `{other}`: expected `test`, `acpt` or `prod`"
            )),
        }
    }
}

/// How the partner reaches BCSS: the Social Security Extranet (preferred) or the internet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// The Social Security Extranet: gateway on port 4543, mutual TLS by default.
    Extranet,
    /// The public internet: gateway on 443, server-authenticated TLS by default.
    Internet,
}

impl Channel {
    /// Both channels.
    pub const ALL: [Channel; 2] = [Self::Extranet, Self::Internet];

    /// The name used in configuration files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Extranet => "extranet",
            Self::Internet => "internet",
        }
    }

    /// Whether the gateway of this channel is called with the client certificate by default.
    pub fn mutual_tls_by_default(self) -> bool {
        matches!(self, Self::Extranet)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "extranet" => Ok(Self::Extranet),
            "internet" => Ok(Self::Internet),
            other => Err(format!(
                "unknown channel `{other}`: expected `extranet` or `internet`"
            )),
        }
    }
}

/// The URLs one (environment, channel) pair uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    /// Origin of the REST gateway; an API lives under `{gateway}/{api}/v{major}`.
    pub gateway: Url,
    /// The OAuth v5 token endpoint.
    pub token_endpoint: Url,
    /// The RFC 8414 authorization server metadata document.
    pub metadata: Url,
    /// The authorization server's issuer identifier (the alternative JWT audience).
    pub issuer: Url,
}

/// A gateway address as the firewall flux form needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GatewayAddress {
    /// Host name.
    pub host: &'static str,
    /// Public IP address of the host.
    pub ip: &'static str,
    /// TCP port.
    pub port: u16,
}

/// Port of the REST services (from 2024 on) on the extranet.
pub const EXTRANET_REST_PORT: u16 = 4543;
/// Port of the SOAP web services / API gateway on the extranet.
pub const EXTRANET_SOAP_PORT: u16 = 4520;
/// Port of the SSDN (historical services) on the extranet.
pub const EXTRANET_SSDN_PORT: u16 = 4530;

struct Row {
    gateway_extranet: &'static str,
    gateway_internet: &'static str,
    token_extranet: &'static str,
    token_internet: &'static str,
    metadata: &'static str,
    issuer: &'static str,
    extranet_host: &'static str,
    extranet_ip: &'static str,
}

/// Indexed by `Environment as usize`.
const TABLE: [Row; 3] = [
    Row {
        gateway_extranet: "https://b2b-test.ksz-bcss.fgov.be:4543",
        gateway_internet: "https://api.test.ksz-bcss.fgov.be",
        token_extranet: "https://professionalservices-int.socialsecurity.be/REST/oauth/v5/token",
        token_internet: "https://services-int.socialsecurity.be/REST/oauth/v5/token",
        metadata: "https://oauth-v5.int.socialsecurity.be/.well-known/oauth-authorization-server",
        issuer: "https://oauth-v5.int.socialsecurity.be",
        extranet_host: "b2b-test.ksz-bcss.fgov.be",
        extranet_ip: "85.91.184.96",
    },
    Row {
        gateway_extranet: "https://b2b-acpt.ksz-bcss.fgov.be:4543",
        gateway_internet: "https://api.acpt.ksz-bcss.fgov.be",
        token_extranet: "https://professionalservices-acpt.socialsecurity.be/REST/oauth/v5/token",
        token_internet: "https://services-acpt.socialsecurity.be/REST/oauth/v5/token",
        metadata: "https://oauth-v5.acc.socialsecurity.be/.well-known/oauth-authorization-server",
        issuer: "https://oauth-v5.acc.socialsecurity.be",
        extranet_host: "b2b-acpt.ksz-bcss.fgov.be",
        extranet_ip: "85.91.184.103",
    },
    // Corrected: the onboarding document's REST table repeats the acceptance hosts here.
    Row {
        gateway_extranet: "https://b2b.ksz-bcss.fgov.be:4543",
        gateway_internet: "https://api.ksz-bcss.fgov.be",
        token_extranet: "https://professionalservices.socialsecurity.be/REST/oauth/v5/token",
        token_internet: "https://services.socialsecurity.be/REST/oauth/v5/token",
        metadata: "https://oauth-v5.socialsecurity.be/.well-known/oauth-authorization-server",
        issuer: "https://oauth-v5.socialsecurity.be",
        extranet_host: "b2b.ksz-bcss.fgov.be",
        extranet_ip: "85.91.184.102",
    },
];

fn parse_static(url: &'static str) -> Url {
    // The table is constant and covered by `every_built_in_endpoint_is_a_valid_https_url`.
    Url::parse(url).unwrap_or_else(|e| unreachable!("built-in URL {url}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_endpoint_is_a_valid_https_url() {
        for env in Environment::ALL {
            for channel in Channel::ALL {
                let e = env.endpoints(channel);
                for url in [&e.gateway, &e.token_endpoint, &e.metadata, &e.issuer] {
                    assert_eq!(url.scheme(), "https", "{env}/{channel}: {url}");
                }
            }
        }
    }

    #[test]
    fn production_uses_the_corrected_hosts_not_the_acceptance_ones() {
        let prod = Environment::Production.endpoints(Channel::Extranet);
        assert_eq!(prod.gateway.as_str(), "https://b2b.ksz-bcss.fgov.be:4543/");
        let prod = Environment::Production.endpoints(Channel::Internet);
        assert_eq!(prod.gateway.host_str(), Some("api.ksz-bcss.fgov.be"));
        assert_eq!(
            Environment::Production.extranet_gateway().ip,
            "85.91.184.102"
        );
    }

    #[test]
    fn extranet_gateways_listen_on_the_rest_port() {
        for env in Environment::ALL {
            let gw = env.endpoints(Channel::Extranet).gateway;
            assert_eq!(gw.port(), Some(EXTRANET_REST_PORT));
            assert_eq!(env.extranet_gateway().port, EXTRANET_REST_PORT);
        }
    }

    #[test]
    fn environment_names_parse_in_their_usual_spellings() {
        assert_eq!("acc".parse::<Environment>(), Ok(Environment::Acceptance));
        assert_eq!("PROD".parse::<Environment>(), Ok(Environment::Production));
        assert_eq!("int".parse::<Environment>(), Ok(Environment::Test));
        assert!(
            "staging"
                .parse::<Environment>()
                .unwrap_err()
                .contains("staging")
        );
    }
}
