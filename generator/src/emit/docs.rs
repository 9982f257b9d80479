//! Rustdoc from contract text: one `#[doc]` line per source line, so Markdown survives.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "…"]` attributes for `text` (nothing for `None`).
pub fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return TokenStream::new();
    };
    let lines = text.lines().map(|l| {
        // Indented lines would become code blocks that rustdoc tries to compile.
        let line = format!(" {}", l.trim_end().trim_start_matches(['\t', ' ']));
        let line = sanitize(&line.replace("```", "'''"));
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Docs from a summary and a description, separated by a blank line.
pub fn doc2(summary: Option<&str>, description: Option<&str>) -> TokenStream {
    match (summary, description) {
        (Some(s), Some(d)) if s != d => doc(Some(&format!("{s}\n\n{d}"))),
        (Some(s), _) => doc(Some(s)),
        (None, d) => doc(d),
    }
}

/// Keeps rustdoc quiet: bare URLs become autolinks, brackets are not intra-doc links.
fn sanitize(line: &str) -> String {
    // Inside `code` a backslash would show: escape only outside (when the backticks pair up).
    let paired = line.matches('`').count().is_multiple_of(2);
    let mut in_code = false;
    let mut escaped = String::with_capacity(line.len());
    for ch in line.chars() {
        if ch == '`' && paired {
            in_code = !in_code;
        }
        if matches!(ch, '[' | ']') && !in_code {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped
        .split(' ')
        .map(|word| {
            let url_start = word.find("https://").or_else(|| word.find("http://"));
            match url_start {
                Some(0) => {
                    let end = word.find([',', ';', ')', '"', '\'']).unwrap_or(word.len());
                    let (url, rest) = word.split_at(end);
                    let (url, dot) = match url.strip_suffix('.') {
                        Some(u) => (u, "."),
                        None => (url, ""),
                    };
                    format!("<{url}>{dot}{rest}")
                }
                _ => word.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_become_autolinks_and_brackets_are_escaped() {
        assert_eq!(
            super::sanitize(" see https://x.be/a. [b]"),
            " see <https://x.be/a>. \\[b\\]"
        );
        assert_eq!(super::sanitize(" `[1]` [b]"), " `[1]` \\[b\\]");
    }
}
