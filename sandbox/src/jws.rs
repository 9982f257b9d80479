//! Compact JWS handling. The sandbox parses JWTs itself (rather than through
//! `jsonwebtoken::decode`) so that it can say precisely what is wrong with a client assertion,
//! including headers jsonwebtoken refuses to even parse, such as `"alg": "none"`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde_json::Value;

/// A compact JWS split into its decoded parts.
pub struct Compact {
    pub header: Value,
    pub claims: Value,
    signing_input: String,
    signature: String,
}

impl Compact {
    /// Splits and decodes `token`; the error says which part is malformed.
    pub fn parse(token: &str) -> Result<Compact, String> {
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 3 {
            return Err(format!(
                "not a compact JWS: expected 3 dot-separated parts, got {}",
                parts.len()
            ));
        }
        let header = decode_part(parts[0], "header")?;
        let claims = decode_part(parts[1], "claims")?;
        if !header.is_object() || !claims.is_object() {
            return Err("JWS header and claims must be JSON objects".into());
        }
        Ok(Compact {
            header,
            claims,
            signing_input: format!("{}.{}", parts[0], parts[1]),
            signature: parts[2].to_string(),
        })
    }

    /// The `alg` header, if it is a string.
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// Checks the signature with `key` for `alg`.
    pub fn verify(&self, alg: Algorithm, key: &DecodingKey) -> Result<(), String> {
        match jsonwebtoken::crypto::verify(&self.signature, self.signing_input.as_bytes(), key, alg)
        {
            Ok(true) => Ok(()),
            Ok(false) => Err("the signature is wrong".into()),
            Err(e) => Err(format!("the signature cannot be checked: {e}")),
        }
    }

    pub fn str_claim(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    /// A NumericDate claim: present, but not a number, is an error.
    pub fn time_claim(&self, name: &str) -> Result<Option<i64>, String> {
        match self.claims.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .or_else(|| v.as_f64().map(|f| f as i64))
                .map(Some)
                .ok_or_else(|| format!("claim {name} must be a NumericDate (seconds), got {v}")),
        }
    }
}

fn decode_part(part: &str, what: &str) -> Result<Value, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| format!("JWS {what} is not base64url"))?;
    serde_json::from_slice(&bytes).map_err(|_| format!("JWS {what} is not JSON"))
}

/// The key the sandbox signs access tokens with (ES256, minted at start).
pub struct TokenSigner {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// `kid` of the sandbox's access-token signing key.
pub const TOKEN_KEY_ID: &str = "bcss-sandbox-token-key";

impl TokenSigner {
    pub fn new(pkcs8_der: &[u8], public_pem: &str) -> Result<TokenSigner, String> {
        let decoding = DecodingKey::from_ec_pem(public_pem.as_bytes())
            .map_err(|e| format!("token verification key: {e}"))?;
        Ok(TokenSigner {
            encoding: EncodingKey::from_ec_der(pkcs8_der),
            decoding,
        })
    }

    pub fn sign(&self, claims: &Value) -> Result<String, String> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(TOKEN_KEY_ID.to_string());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .map_err(|e| format!("signing access token: {e}"))
    }

    /// Parses an access token and checks it was signed by this key. Expiry is the caller's
    /// business (it needs the sandbox clock).
    pub fn verify(&self, token: &str) -> Result<Compact, String> {
        let jws = Compact::parse(token)?;
        if jws.alg() != Some("ES256") {
            return Err(format!(
                "alg {:?} is not the sandbox's ES256",
                jws.alg().unwrap_or("(missing)")
            ));
        }
        jws.verify(Algorithm::ES256, &self.decoding)
            .map_err(|e| format!("not issued by this sandbox: {e}"))?;
        Ok(jws)
    }
}
