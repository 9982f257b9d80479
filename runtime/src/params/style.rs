//! Parameter styles (OpenAPI `style` + `explode`): the encoded text of a value in the query,
//! a path segment or a header, delimiters literal and values percent-encoded.

use serde::Serialize;
use serde_json::Value;

/// How a parameter is written on the wire: the OpenAPI `style` (with `explode` passed beside
/// it), RFC 6570 where the OpenAPI style table refers to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamStyle {
    /// Query: `a=1&a=2` exploded, `a=1,2` not; objects `k=v&k2=v2` or `a=k,v,k2,v2`.
    Form,
    /// Query arrays joined by `%20`.
    SpaceDelimited,
    /// Query arrays joined by `|`.
    PipeDelimited,
    /// Query arrays joined by `%09` (not in OpenAPI 3; Swagger 2.0 `collectionFormat: tsv`).
    TabDelimited,
    /// Query objects as `a[k]=v&a[k2]=v2`.
    DeepObject,
    /// Path and header: `1,2`; objects `k=v,k2=v2` exploded, `k,v,k2,v2` not.
    Simple,
    /// Path: `.1.2` exploded, `.1,2` not.
    Label,
    /// Path: `;a=1;a=2` exploded, `;a=1,2` not; objects `;k=v;k2=v2` or `;a=k,v,k2,v2`.
    Matrix,
    /// A parameter described by `content: application/json`: the JSON text of the value.
    Json,
}

/// The wire text of a scalar: strings as they are, numbers and booleans as JSON writes them.
pub(super) fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A parameter value reduced to what the styles can write.
enum Shape {
    Absent,
    Scalar(String),
    List(Vec<String>),
    Object(Vec<(String, String)>),
}

fn shape_of(value: &Value) -> Result<Shape, String> {
    let nested = || "nested arrays and objects cannot be written in this style".to_owned();
    Ok(match value {
        Value::Null => Shape::Absent,
        Value::Array(items) => Shape::List(
            items
                .iter()
                .map(|i| scalar(i).ok_or_else(nested))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Shape::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| Ok((k.clone(), scalar(v).ok_or_else(nested)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => Shape::Scalar(scalar(other).unwrap_or_default()),
    })
}

fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|e| e.to_string())
}

/// Query text: form-urlencoded (delimiters are written by the caller, unencoded).
fn query_text(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Path text: percent-encoded, `/` included (a value never splits the path).
pub(super) fn path_text(s: &str) -> String {
    query_text(s).replace('+', "%20")
}

fn flatten(pairs: &[(String, String)], encode: fn(&str) -> String) -> Vec<String> {
    pairs
        .iter()
        .flat_map(|(k, v)| [encode(k), encode(v)])
        .collect()
}

/// The encoded `name=value` pieces of a query parameter (none for `None`/null).
pub fn query_pieces<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: ParamStyle,
    explode: bool,
) -> Result<Vec<String>, String> {
    let n = query_text(name);
    let value = to_value(value)?;
    if style == ParamStyle::Json {
        return Ok(match value {
            Value::Null => Vec::new(),
            v => vec![format!("{n}={}", query_text(&v.to_string()))],
        });
    }
    let delimiter = match style {
        ParamStyle::SpaceDelimited if !explode => "%20",
        ParamStyle::PipeDelimited if !explode => "|",
        ParamStyle::TabDelimited if !explode => "%09",
        _ => ",",
    };
    let exploded = explode && style != ParamStyle::DeepObject;
    Ok(match shape_of(&value)? {
        Shape::Absent => Vec::new(),
        Shape::Scalar(_) | Shape::List(_) if style == ParamStyle::DeepObject => {
            return Err("deepObject style needs an object".into());
        }
        Shape::Scalar(s) => vec![format!("{n}={}", query_text(&s))],
        Shape::List(items) if exploded => items
            .iter()
            .map(|i| format!("{n}={}", query_text(i)))
            .collect(),
        Shape::List(items) if items.is_empty() => Vec::new(),
        Shape::List(items) => vec![format!(
            "{n}={}",
            items
                .iter()
                .map(|i| query_text(i))
                .collect::<Vec<_>>()
                .join(delimiter)
        )],
        Shape::Object(pairs) if style == ParamStyle::DeepObject => pairs
            .iter()
            .map(|(k, v)| format!("{n}[{}]={}", query_text(k), query_text(v)))
            .collect(),
        Shape::Object(pairs) if exploded => pairs
            .iter()
            .map(|(k, v)| format!("{}={}", query_text(k), query_text(v)))
            .collect(),
        Shape::Object(pairs) => vec![format!(
            "{n}={}",
            flatten(&pairs, query_text).join(delimiter)
        )],
    })
}

/// The encoded text replacing `{name}` in a path (`simple`, `label` or `matrix` style).
pub fn path_segment<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: ParamStyle,
    explode: bool,
) -> Result<String, String> {
    let value = to_value(value)?;
    if style == ParamStyle::Json {
        return Ok(path_text(&value.to_string()));
    }
    let n = path_text(name);
    let (prefix, between) = match style {
        ParamStyle::Label => (".".to_owned(), if explode { "." } else { "," }),
        ParamStyle::Matrix => (format!(";{n}="), ","),
        _ => (String::new(), ","),
    };
    Ok(match shape_of(&value)? {
        Shape::Absent => return Err("a path parameter needs a value".into()),
        Shape::Scalar(s) if style == ParamStyle::Matrix && s.is_empty() => format!(";{n}"),
        Shape::Scalar(s) => format!("{prefix}{}", path_text(&s)),
        Shape::List(items) if style == ParamStyle::Matrix && explode => items
            .iter()
            .map(|i| format!(";{n}={}", path_text(i)))
            .collect(),
        Shape::List(items) => format!(
            "{prefix}{}",
            items
                .iter()
                .map(|i| path_text(i))
                .collect::<Vec<_>>()
                .join(between)
        ),
        Shape::Object(pairs) if explode => {
            let (lead, sep) = match style {
                ParamStyle::Label => (".", "."),
                ParamStyle::Matrix => (";", ";"),
                _ => ("", ","),
            };
            let joined = pairs
                .iter()
                .map(|(k, v)| format!("{}={}", path_text(k), path_text(v)))
                .collect::<Vec<_>>()
                .join(sep);
            format!("{lead}{joined}")
        }
        Shape::Object(pairs) => format!("{prefix}{}", flatten(&pairs, path_text).join(",")),
    })
}

/// The text of a header parameter (`simple` style; `None` for `None`/null).
pub fn header_text<T: Serialize + ?Sized>(
    value: &T,
    style: ParamStyle,
    explode: bool,
) -> Result<Option<String>, String> {
    let value = to_value(value)?;
    if style == ParamStyle::Json {
        return Ok((!value.is_null()).then(|| value.to_string()));
    }
    Ok(match shape_of(&value)? {
        Shape::Absent => None,
        Shape::Scalar(s) => Some(s),
        Shape::List(items) => Some(items.join(",")),
        Shape::Object(pairs) if explode => Some(
            pairs
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
        ),
        Shape::Object(pairs) => Some(flatten(&pairs, |s| s.to_owned()).join(",")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The OpenAPI style table (3.0.3 "Style Examples"; label arrays and objects as RFC 6570
    // §3.2.5 and the corrected 3.0.4 table write them) for color = "blue",
    // ["blue","black","brown"] and {"R":100,"G":200,"B":150}.
    fn colors() -> (Value, Value, Value) {
        (
            json!("blue"),
            json!(["blue", "black", "brown"]),
            json!({"R": 100, "G": 200, "B": 150}),
        )
    }

    fn query(value: &Value, style: ParamStyle, explode: bool) -> String {
        query_pieces("color", value, style, explode)
            .unwrap()
            .join("&")
    }

    fn path(value: &Value, style: ParamStyle, explode: bool) -> String {
        path_segment("color", value, style, explode).unwrap()
    }

    #[test]
    fn matrix_style_follows_the_openapi_table() {
        let (s, a, o) = colors();
        assert_eq!(path(&json!(""), ParamStyle::Matrix, false), ";color");
        assert_eq!(path(&s, ParamStyle::Matrix, false), ";color=blue");
        assert_eq!(
            path(&a, ParamStyle::Matrix, false),
            ";color=blue,black,brown"
        );
        assert_eq!(
            path(&o, ParamStyle::Matrix, false),
            ";color=R,100,G,200,B,150"
        );
        assert_eq!(path(&s, ParamStyle::Matrix, true), ";color=blue");
        assert_eq!(
            path(&a, ParamStyle::Matrix, true),
            ";color=blue;color=black;color=brown"
        );
        assert_eq!(path(&o, ParamStyle::Matrix, true), ";R=100;G=200;B=150");
    }

    #[test]
    fn label_style_follows_rfc_6570() {
        let (s, a, o) = colors();
        assert_eq!(path(&s, ParamStyle::Label, false), ".blue");
        assert_eq!(path(&a, ParamStyle::Label, false), ".blue,black,brown");
        assert_eq!(path(&o, ParamStyle::Label, false), ".R,100,G,200,B,150");
        assert_eq!(path(&a, ParamStyle::Label, true), ".blue.black.brown");
        assert_eq!(path(&o, ParamStyle::Label, true), ".R=100.G=200.B=150");
    }

    #[test]
    fn simple_style_follows_the_openapi_table_in_paths_and_headers() {
        let (s, a, o) = colors();
        assert_eq!(path(&s, ParamStyle::Simple, false), "blue");
        assert_eq!(path(&a, ParamStyle::Simple, false), "blue,black,brown");
        assert_eq!(path(&o, ParamStyle::Simple, false), "R,100,G,200,B,150");
        assert_eq!(path(&o, ParamStyle::Simple, true), "R=100,G=200,B=150");
        let header = |v: &Value, explode| header_text(v, ParamStyle::Simple, explode).unwrap();
        assert_eq!(header(&a, false).as_deref(), Some("blue,black,brown"));
        assert_eq!(header(&o, false).as_deref(), Some("R,100,G,200,B,150"));
        assert_eq!(header(&o, true).as_deref(), Some("R=100,G=200,B=150"));
        assert_eq!(header(&Value::Null, true), None);
    }

    #[test]
    fn form_style_follows_the_openapi_table() {
        let (s, a, o) = colors();
        assert_eq!(query(&json!(""), ParamStyle::Form, true), "color=");
        assert_eq!(query(&s, ParamStyle::Form, false), "color=blue");
        assert_eq!(query(&a, ParamStyle::Form, false), "color=blue,black,brown");
        assert_eq!(
            query(&o, ParamStyle::Form, false),
            "color=R,100,G,200,B,150"
        );
        assert_eq!(
            query(&a, ParamStyle::Form, true),
            "color=blue&color=black&color=brown"
        );
        assert_eq!(query(&o, ParamStyle::Form, true), "R=100&G=200&B=150");
        assert_eq!(query(&Value::Null, ParamStyle::Form, true), "");
    }

    #[test]
    fn delimited_styles_follow_the_openapi_table() {
        let (_, a, o) = colors();
        assert_eq!(
            query(&a, ParamStyle::SpaceDelimited, false),
            "color=blue%20black%20brown"
        );
        assert_eq!(
            query(&o, ParamStyle::SpaceDelimited, false),
            "color=R%20100%20G%20200%20B%20150"
        );
        assert_eq!(
            query(&a, ParamStyle::PipeDelimited, false),
            "color=blue|black|brown"
        );
        assert_eq!(
            query(&o, ParamStyle::PipeDelimited, false),
            "color=R|100|G|200|B|150"
        );
        assert_eq!(
            query(&a, ParamStyle::TabDelimited, false),
            "color=blue%09black%09brown"
        );
    }

    #[test]
    fn deep_object_style_follows_the_openapi_table() {
        let (s, _, o) = colors();
        assert_eq!(
            query(&o, ParamStyle::DeepObject, true),
            "color[R]=100&color[G]=200&color[B]=150"
        );
        assert!(query_pieces("color", &s, ParamStyle::DeepObject, true).is_err());
    }

    #[test]
    fn delimiters_stay_literal_while_values_are_encoded() {
        let v = json!(["a,b", "c d"]);
        assert_eq!(query(&v, ParamStyle::Form, false), "color=a%2Cb,c+d");
        assert_eq!(path(&v, ParamStyle::Simple, false), "a%2Cb,c%20d");
    }

    #[test]
    fn json_content_parameters_are_sent_as_json_text() {
        let v = json!({"from": "2025-01-01"});
        assert_eq!(
            query(&v, ParamStyle::Json, false),
            "color=%7B%22from%22%3A%222025-01-01%22%7D"
        );
        assert_eq!(
            header_text(&v, ParamStyle::Json, false).unwrap().as_deref(),
            Some(r#"{"from":"2025-01-01"}"#)
        );
    }
}
