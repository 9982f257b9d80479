//! RFC 8414 authorization server metadata: where the token endpoint is and who the issuer is.

use serde::Deserialize;
use url::Url;

use crate::token::TokenError;
use crate::transport::TransportError;

#[derive(Deserialize)]
struct Metadata {
    issuer: String,
    token_endpoint: String,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Vec<String>,
}

/// Fetches the metadata and returns (token endpoint, issuer).
pub(crate) async fn discover(
    http: &reqwest::Client,
    url: &Url,
    client_certificate_sent: bool,
) -> Result<(Url, String), TokenError> {
    let fail = |message: String| TokenError::Discovery {
        url: url.to_string(),
        message,
    };
    crate::transport::count_network_request();
    let response = http
        .get(url.clone())
        .header(http::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| {
            TokenError::Transport(TransportError::from_reqwest(e, client_certificate_sent))
        })?;
    if !response.status().is_success() {
        return Err(fail(format!("status {}", response.status())));
    }
    let body = response.bytes().await.map_err(|e| {
        TokenError::Transport(TransportError::from_reqwest(e, client_certificate_sent))
    })?;
    let meta: Metadata =
        serde_json::from_slice(&body).map_err(|e| fail(format!("not RFC 8414 metadata: {e}")))?;
    if !meta.token_endpoint_auth_methods_supported.is_empty()
        && !meta
            .token_endpoint_auth_methods_supported
            .iter()
            .any(|m| m == "private_key_jwt")
    {
        return Err(fail(format!(
            "the server does not list private_key_jwt among {:?}",
            meta.token_endpoint_auth_methods_supported
        )));
    }
    let endpoint = Url::parse(&meta.token_endpoint)
        .map_err(|e| fail(format!("token_endpoint `{}`: {e}", meta.token_endpoint)))?;
    Ok((endpoint, meta.issuer))
}
