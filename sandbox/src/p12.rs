//! Writes PKCS#12 files in the *legacy* layout that Belgian CAs, Windows and
//! `openssl pkcs12 -export -legacy` produce: the key bag encrypted with
//! pbeWithSHAAnd3-KeyTripleDES-CBC, the certificate bags with pbeWithSHAAnd40BitRC2-CBC, and a
//! SHA-1 MAC. Clients must cope with exactly these files, so the sandbox hands them out.
//!
//! p12-keystore's writer uses one algorithm for both keys and certificates, so we write the
//! keystore twice (once RC2-40, once 3DES), take the certificate safe of the first and the key
//! safe of the second, and recompute the MAC over the combined authenticated safe. The DER
//! handling needed for that is a handful of lines, kept here.

use aws_lc_rs::{digest, hmac, rand::SecureRandom};
use p12_keystore::{
    Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKey,
    PrivateKeyChain,
};

/// Iteration count used for encryption and MAC: OpenSSL's default.
const ITERATIONS: u32 = 2048;

/// Builds a legacy-layout PKCS#12 holding `key_pkcs8_der` and `chain` (leaf first).
pub fn legacy_pkcs12(
    key_pkcs8_der: &[u8],
    chain: &[&[u8]],
    alias: &str,
    password: &str,
) -> Result<Vec<u8>, String> {
    let mut store = KeyStore::new();
    let key = PrivateKey::from_der(key_pkcs8_der).map_err(|e| format!("key: {e:?}"))?;
    let certs = chain
        .iter()
        .map(|der| Certificate::from_der(der).map_err(|e| format!("certificate: {e:?}")))
        .collect::<Result<Vec<_>, _>>()?;
    // The local key id ties the key bag to its certificate bag; OpenSSL uses the SHA-1 of the
    // leaf certificate, and so do we.
    let leaf = chain.first().ok_or("empty certificate chain")?;
    let local_key_id = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, leaf)
        .as_ref()
        .to_vec();
    let entry = PrivateKeyChain::new(local_key_id, key, certs);
    store.add_entry(alias, KeyStoreEntry::PrivateKeyChain(entry));

    let write = |algorithm| {
        store
            .writer(password)
            .encryption_algorithm(algorithm)
            .encryption_iterations(ITERATIONS)
            .mac_algorithm(MacAlgorithm::HmacSha1)
            .mac_iterations(ITERATIONS)
            .write()
            .map_err(|e| format!("pkcs12 writer: {e:?}"))
    };
    // The enum variant is misnamed: it writes RC2-40, not RC4 (see stack.md).
    let rc2 = write(EncryptionAlgorithm::PbeWithShaAnd40BitRc4Cbc)?;
    let des = write(EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc)?;
    let cert_safe = content_infos(&rc2)?.0;
    let key_safe = content_infos(&des)?.1;

    let auth_safe = tlv(0x30, &[cert_safe, key_safe].concat());
    let mac_data = mac_data(&auth_safe, password)?;
    let content_info = tlv(
        0x30,
        &[tlv(0x06, OID_PKCS7_DATA), tlv(0xa0, &tlv(0x04, &auth_safe))].concat(),
    );
    Ok(tlv(
        0x30,
        &[tlv(0x02, &[3]), content_info, mac_data].concat(),
    ))
}

/// 1.2.840.113549.1.7.1 (PKCS#7 data)
const OID_PKCS7_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
/// 1.3.14.3.2.26 (SHA-1)
const OID_SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a];

/// Returns the two ContentInfos (certificate safe, key safe), as complete DER, of a PFX
/// written by p12-keystore.
fn content_infos(pfx: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let pfx = content(pfx, 0x30)?;
    let (_version, rest) = split(pfx)?;
    let (auth_safe_ci, _mac) = split(rest)?;
    let ci = content(auth_safe_ci, 0x30)?;
    let (_oid, rest) = split(ci)?;
    let explicit = content(rest, 0xa0)?;
    let octets = content(explicit, 0x04)?;
    let safes = content(octets, 0x30)?;
    let (first, rest) = split(safes)?;
    let (second, _) = split(rest)?;
    Ok((first.to_vec(), second.to_vec()))
}

/// The MacData of RFC 7292 §4: HMAC-SHA1 over the authenticated safe with a key from the
/// PKCS#12 KDF (ID 3).
fn mac_data(auth_safe: &[u8], password: &str) -> Result<Vec<u8>, String> {
    let mut salt = [0u8; 8];
    aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| "no randomness for the MAC salt")?;
    let key = pkcs12_kdf_sha1(3, &bmp_password(password), &salt, ITERATIONS);
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &key);
    let mac = hmac::sign(&key, auth_safe);
    let algorithm = tlv(0x30, &[tlv(0x06, OID_SHA1), tlv(0x05, &[])].concat());
    let digest_info = tlv(0x30, &[algorithm, tlv(0x04, mac.as_ref())].concat());
    Ok(tlv(
        0x30,
        &[
            digest_info,
            tlv(0x04, &salt),
            tlv(0x02, &der_uint(ITERATIONS)),
        ]
        .concat(),
    ))
}

/// The password as PKCS#12 wants it: UTF-16BE with a two-byte terminator.
fn bmp_password(password: &str) -> Vec<u8> {
    let mut out: Vec<u8> = password.encode_utf16().flat_map(u16::to_be_bytes).collect();
    out.extend_from_slice(&[0, 0]);
    out
}

/// RFC 7292 appendix B.2 with SHA-1, for one 20-byte output block (all a MAC key needs).
fn pkcs12_kdf_sha1(id: u8, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
    const V: usize = 64;
    let stretch = |input: &[u8]| -> Vec<u8> {
        if input.is_empty() {
            return Vec::new();
        }
        let len = V * input.len().div_ceil(V);
        input.iter().copied().cycle().take(len).collect()
    };
    let mut block = vec![id; V];
    block.extend(stretch(salt));
    block.extend(stretch(password));
    let mut hash = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &block)
        .as_ref()
        .to_vec();
    for _ in 1..iterations {
        hash = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &hash)
            .as_ref()
            .to_vec();
    }
    hash
}

fn der_uint(value: u32) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(3);
    let mut out = bytes[start..].to_vec();
    if out[0] & 0x80 != 0 {
        out.insert(0, 0);
    }
    out
}

/// Encodes one DER TLV.
fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = (len as u32).to_be_bytes();
        let start = bytes.iter().position(|b| *b != 0).unwrap_or(3);
        out.push(0x80 | (4 - start) as u8);
        out.extend_from_slice(&bytes[start..]);
    }
    out.extend_from_slice(value);
    out
}

/// Splits the first complete TLV off `input`: (that TLV, the rest).
fn split(input: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let (header, len) = header(input)?;
    let end = header + len;
    if input.len() < end {
        return Err("truncated DER".into());
    }
    Ok(input.split_at(end))
}

/// The value of the TLV at the start of `input`, which must carry `tag`.
fn content(input: &[u8], tag: u8) -> Result<&[u8], String> {
    if input.first() != Some(&tag) {
        return Err(format!("expected DER tag {tag:#x}"));
    }
    let (header, len) = header(input)?;
    input
        .get(header..header + len)
        .ok_or_else(|| "truncated DER".to_string())
}

/// (header length, value length) of the TLV at the start of `input` (definite lengths only,
/// which is all DER has).
fn header(input: &[u8]) -> Result<(usize, usize), String> {
    let first = *input.get(1).ok_or("truncated DER")?;
    if first < 0x80 {
        return Ok((2, first as usize));
    }
    let count = (first & 0x7f) as usize;
    if count == 0 || count > 4 {
        return Err("unsupported DER length".into());
    }
    let bytes = input.get(2..2 + count).ok_or("truncated DER")?;
    let len = bytes.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
    Ok((2 + count, len))
}
