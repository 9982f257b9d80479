//! Server answers the runtime decodes: Belgif problem+json, and the token endpoint's answer.
//! None may panic; a token never appears in an error message.
#![no_main]

use std::time::{Duration, Instant};

use bcss_runtime::Problem;
use bcss_runtime::token::decode_token_answer;
use libfuzzer_sys::fuzz_target;

const ENDPOINT: &str = "https://services-acpt.socialsecurity.be/REST/oauth/v5/token";
const STATUSES: [u16; 8] = [200, 201, 204, 400, 401, 403, 500, 503];

fuzz_target!(|data: &[u8]| {
    if let Ok(problem) = serde_json::from_slice::<Problem>(data) {
        let _ = problem.problem_type();
        for issue in problem.all_issues() {
            let _ = issue.issue_type();
        }
        let _ = problem.summary();
    }

    // First byte: the status, one of the common ones (so a JSON seed written with a leading space
    // is a 200 answer and with a leading `\r` a 401 one), or from 0xF0 any u16 in the next two.
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (status, body) = if selector < 0xF0 {
        (STATUSES[usize::from(selector) % STATUSES.len()], rest)
    } else if let [hi, lo, body @ ..] = rest {
        (u16::from_be_bytes([*hi, *lo]), body)
    } else {
        return;
    };
    match decode_token_answer(ENDPOINT, status, body) {
        Ok(answer) => {
            let _ = answer.deadlines(Instant::now(), Duration::from_secs(60));
            let _ = answer.scopes();
        }
        Err(error) => {
            if let Some(token) = access_token(body) {
                let shown = error.to_string();
                assert!(
                    !shown.contains(&token),
                    "the access token appears in the error: {shown}"
                );
            }
        }
    }
});

/// The body's `access_token`, when it is long enough to be a real token, occurs once in the body
/// (so no other field can have carried it into the message) and is no part of the endpoint.
fn access_token(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let token = value.get("access_token")?.as_str()?.to_owned();
    let text = std::str::from_utf8(body).ok()?;
    (token.len() >= 16
        && !text.contains('\\')
        && text.matches(token.as_str()).count() == 1
        && !ENDPOINT.contains(token.as_str()))
    .then_some(token)
}
