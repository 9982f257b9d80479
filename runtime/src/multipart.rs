//! `multipart/form-data` bodies (RFC 7578), for operations that upload files with metadata.

use bytes::Bytes;
use serde::Serialize;

struct Part {
    name: String,
    filename: Option<String>,
    content_type: String,
    data: Bytes,
}

/// A multipart form: add parts, then pass it to the generated operation.
#[derive(Default)]
pub struct Form {
    parts: Vec<Part>,
}

impl std::fmt::Debug for Form {
    // Parts may hold personal data: show their names and sizes only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.parts.iter().map(|p| (&p.name, p.data.len())))
            .finish()
    }
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// A text part.
    pub fn text(self, name: &str, value: impl Into<String>) -> Self {
        self.part(
            name,
            None,
            "text/plain; charset=utf-8",
            Bytes::from(value.into()),
        )
    }

    /// A JSON part.
    pub fn json<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Result<Self, crate::Error> {
        let bytes = serde_json::to_vec(value)
            .map_err(|e| crate::ErrorKind::InvalidRequest(format!("part `{name}`: {e}")))?;
        Ok(self.part(name, None, "application/json", bytes.into()))
    }

    /// A file part.
    pub fn file(
        self,
        name: &str,
        filename: &str,
        content_type: &str,
        data: impl Into<Bytes>,
    ) -> Self {
        self.part(name, Some(filename), content_type, data.into())
    }

    fn part(mut self, name: &str, filename: Option<&str>, content_type: &str, data: Bytes) -> Self {
        self.parts.push(Part {
            name: name.to_owned(),
            filename: filename.map(str::to_owned),
            content_type: content_type.to_owned(),
            data,
        });
        self
    }

    /// The encoded body and its `Content-Type` (with the boundary).
    pub fn encode(&self) -> (Bytes, String) {
        let boundary = format!("bcss-{}", uuid::Uuid::new_v4().simple());
        let quote = |s: &str| {
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace(['\r', '\n'], " ")
        };
        let mut body = Vec::new();
        for p in &self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!(
                "Content-Disposition: form-data; name=\"{}\"",
                quote(&p.name)
            );
            if let Some(f) = &p.filename {
                disposition.push_str(&format!("; filename=\"{}\"", quote(f)));
            }
            body.extend_from_slice(
                format!("{disposition}\r\nContent-Type: {}\r\n\r\n", p.content_type).as_bytes(),
            );
            body.extend_from_slice(&p.data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (
            body.into(),
            format!("multipart/form-data; boundary={boundary}"),
        )
    }
}

/// What the contract says of one property of a typed multipart body (only the properties that
/// need more than the defaults are listed).
#[derive(Clone, Copy, Debug)]
pub struct PartEncoding<'a> {
    /// Property name.
    pub name: &'a str,
    /// `format: binary`: base64 in the struct (binary inside JSON), sent as a file part of raw bytes.
    pub binary: bool,
    /// The `encoding.contentType` of the contract, if any (may list several, comma-separated).
    pub content_type: Option<&'a str>,
}

/// The media type of a file part: the contract's, or when it lists several the one whose
/// signature the bytes carry (`application/pdf, image/png`), else `application/octet-stream`.
fn file_type(listed: Option<&str>, data: &[u8]) -> String {
    let Some(listed) = listed else {
        return "application/octet-stream".into();
    };
    let types: Vec<&str> = listed.split(',').map(str::trim).collect();
    if let [one] = types.as_slice() {
        return (*one).to_owned();
    }
    let signatures: [(&str, &[u8]); 4] = [
        ("application/pdf", b"%PDF"),
        ("image/png", b"\x89PNG"),
        ("image/jpeg", b"\xFF\xD8\xFF"),
        ("image/gif", b"GIF8"),
    ];
    signatures
        .iter()
        .find(|(t, magic)| types.contains(t) && data.starts_with(magic))
        .map(|(t, _)| (*t).to_owned())
        .unwrap_or_else(|| "application/octet-stream".into())
}

impl Form {
    /// The form of a typed body: binary properties become file parts (named after the
    /// property), objects and arrays of objects JSON parts, scalars (and each item of an array of
    /// scalars) text parts; `null` properties are left out.
    pub fn from_typed<T: Serialize + ?Sized>(
        body: &T,
        encodings: &[PartEncoding<'_>],
    ) -> Result<Self, crate::Error> {
        use base64::Engine as _;
        let invalid = |m: String| crate::Error::from(crate::ErrorKind::InvalidRequest(m));
        let value =
            serde_json::to_value(body).map_err(|e| invalid(format!("multipart body: {e}")))?;
        let serde_json::Value::Object(map) = value else {
            return Err(invalid("a multipart body must be an object".into()));
        };
        let mut form = Form::new();
        for (name, value) in &map {
            let encoding = encodings.iter().find(|e| e.name == name);
            let binary = encoding.is_some_and(|e| e.binary);
            let listed = encoding.and_then(|e| e.content_type);
            let items: Vec<&serde_json::Value> = match value {
                serde_json::Value::Null => continue,
                serde_json::Value::Array(items)
                    if binary || items.iter().all(|i| !i.is_object() && !i.is_array()) =>
                {
                    items.iter().collect()
                }
                other => vec![other],
            };
            for item in items {
                form = match item {
                    serde_json::Value::String(text) if binary => {
                        let data = base64::engine::general_purpose::STANDARD
                            .decode(text.trim())
                            .map_err(|e| invalid(format!("part `{name}`: {e}")))?;
                        let content_type = file_type(listed, &data);
                        form.file(name, name, &content_type, data)
                    }
                    serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                        let bytes = serde_json::to_vec(item)
                            .map_err(|e| invalid(format!("part `{name}`: {e}")))?;
                        let content_type = listed.unwrap_or("application/json");
                        form.part(name, None, content_type, bytes.into())
                    }
                    serde_json::Value::String(text) => match listed {
                        Some(t) => form.part(name, None, t, Bytes::from(text.clone())),
                        None => form.text(name, text.clone()),
                    },
                    other => form.text(name, other.to_string()),
                };
            }
        }
        Ok(form)
    }
}

impl crate::RequestBuilder {
    /// A `multipart/form-data` body.
    pub fn multipart(self, form: &Form) -> Self {
        let (body, content_type) = form.encode();
        self.body(body, &content_type)
    }

    /// A `multipart/form-data` body from a typed value (see [`Form::from_typed`]).
    pub fn multipart_typed<T: Serialize + ?Sized>(
        mut self,
        body: &T,
        encodings: &[PartEncoding<'_>],
    ) -> Self {
        match Form::from_typed(body, encodings) {
            Ok(form) => self.multipart(&form),
            Err(e) => {
                self.fail(e.to_string());
                self
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_framed_by_the_boundary_with_their_dispositions() {
        let form = Form::new()
            .json("metadata", &serde_json::json!({"title": "x"}))
            .unwrap()
            .file("file", "a\"b.pdf", "application/pdf", &b"%PDF"[..]);
        let (body, ct) = form.encode();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains(
            "name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{\"title\":\"x\"}\r\n"
        ));
        assert!(text.contains("filename=\"a\\\"b.pdf\""));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }

    #[test]
    fn typed_bodies_become_file_json_and_text_parts() {
        let body = serde_json::json!({
            "file": "JVBERi0=",
            "metadata": {"title": "x"},
            "tags": ["a", "b"],
            "count": 2,
            "absent": null,
        });
        let encodings = [PartEncoding {
            name: "file",
            binary: true,
            content_type: Some("image/png, application/pdf"),
        }];
        let (bytes, _) = Form::from_typed(&body, &encodings).unwrap().encode();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains(
            "name=\"file\"; filename=\"file\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-\r\n"
        ));
        assert!(text.contains(
            "name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{\"title\":\"x\"}"
        ));
        assert_eq!(
            text.matches("name=\"tags\"").count(),
            2,
            "one text part per item"
        );
        assert!(
            text.contains("name=\"count\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n2\r\n")
        );
        assert!(!text.contains("absent"));
    }
}
