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

impl crate::RequestBuilder {
    /// A `multipart/form-data` body.
    pub fn multipart(self, form: &Form) -> Self {
        let (body, content_type) = form.encode();
        self.body(body, &content_type)
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
}
