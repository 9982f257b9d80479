//! A partner application's rule, written as a family-allowance fund would: does a parent get
//! the social supplement at a date? It asks BCSS's socialStatus service through the generated
//! client and decides from the answer.
//!
//! The rule (made up for the example): a parent at work (employee, self-employed, civil
//! servant) gets no supplement; one unemployed or retired for at least six months at the date
//! gets it; one for less than six months is reviewed when the six months are over. BCSS knowing
//! no status means the fund asks the parent for papers; a status this code does not know yet
//! goes to a person.
//!
//! Its tests (`tests/`) run this code on the client's in-memory fakes and on a replayed
//! recording of a sandbox session: no socket, no token, no certificate.

use bcss_social_status::Client;
use bcss_social_status::operations::GetStatusHistoryResponse;
use bcss_social_status::types::{
    LegalContext, PersonSocialStatus, PersonsQuery, SocialStatusCode, SsinReference, StatusHistory,
};
use bcss_social_status::{Error, ProblemType};
use std::collections::HashMap;

/// A date, as the generated client writes them.
pub type Date = bcss_runtime::exports::chrono::NaiveDate;
/// An SSIN, checked.
pub type Ssin = bcss_runtime::types::Ssin;

/// How long a parent must have been out of work for the supplement.
pub const MONTHS_OUT_OF_WORK: u32 = 6;

/// What the fund decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// At work at the date: no supplement.
    Working {
        /// Since when.
        since: Date,
    },
    /// Unemployed or retired for at least six months at the date: the supplement is due.
    SupplementDue {
        /// Since when the parent has been out of work.
        since: Date,
    },
    /// Out of work for less than six months: review the case on that date.
    ReviewOn(Date),
    /// BCSS knows no status for the parent at that date (or not for this fund): ask the
    /// parent for papers.
    NoKnownStatus,
    /// A status this application does not know: a person decides.
    ManualReview {
        /// The status as BCSS names it.
        status: String,
    },
}

/// Why no decision could be taken now.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// BCSS is busy or unavailable even after the client's retries: queue the case.
    #[error("BCSS cannot answer now (trace id {trace_id:?}): queue the case and try later")]
    RetryLater {
        /// The `BelGov-Trace-Id` to quote to the service desk.
        trace_id: Option<String>,
    },
    /// The fund's client is not authorised for this (a scope or LegalContext missing from
    /// its partner annex): a configuration matter, not the parent's.
    #[error("not authorised by BCSS: {0}")]
    NotAuthorised(String),
    /// Anything else.
    #[error(transparent)]
    Bcss(#[from] Error),
}

/// Status histories already read, with their `ETag`, so that BCSS can answer
/// `304 Not Modified` instead of sending them again.
#[derive(Debug, Default)]
pub struct HistoryCache {
    entries: HashMap<String, (String, StatusHistory)>,
}

/// Decides for the parent with this SSIN at `date`.
pub async fn decide(
    client: &Client,
    ssin: &Ssin,
    date: Date,
    cache: &mut HistoryCache,
) -> Result<Decision, CheckError> {
    let Some(person) = status_at(client, ssin, date).await? else {
        return Ok(Decision::NoKnownStatus);
    };
    match &person.status {
        SocialStatusCode::Employee
        | SocialStatusCode::SelfEmployed
        | SocialStatusCode::CivilServant => Ok(Decision::Working {
            since: person.period.start,
        }),
        SocialStatusCode::Unemployed | SocialStatusCode::Retired => {
            let since = out_of_work_since(client, &person, date, cache).await?;
            let due = since
                .checked_add_months(bcss_runtime::exports::chrono::Months::new(
                    MONTHS_OUT_OF_WORK,
                ))
                .unwrap_or(Date::MAX);
            Ok(if due <= date {
                Decision::SupplementDue { since }
            } else {
                Decision::ReviewOn(due)
            })
        }
        SocialStatusCode::Unknown(status) => Ok(Decision::ManualReview {
            status: status.clone(),
        }),
        // A value that a later version of the client names (the enum is `#[non_exhaustive]`, so
        // such a version is a compatible upgrade): a person decides, as for an unknown one.
        other => Ok(Decision::ManualReview {
            status: format!("{other:?}"),
        }),
    }
}

/// The parent's status at `date`, if BCSS knows one.
async fn status_at(
    client: &Client,
    ssin: &Ssin,
    date: Date,
) -> Result<Option<PersonSocialStatus>, CheckError> {
    let legal_context = LegalContext::new("FAMILY_ALLOWANCES:ENTITLEMENT").map_err(|e| {
        CheckError::NotAuthorised(format!("the fund's LegalContext is malformed: {e}"))
    })?;
    let query = PersonsQuery::new(vec![ssin.clone()], legal_context).with_reference_date(date);
    let page = client
        .search_persons(&query)
        .send()
        .await
        .map_err(classify)?;
    Ok(page.into_inner().items.into_iter().next())
}

/// The first day of the uninterrupted run of out-of-work periods that holds at `date`, from
/// the history (read again only when it changed).
async fn out_of_work_since(
    client: &Client,
    person: &PersonSocialStatus,
    date: Date,
    cache: &mut HistoryCache,
) -> Result<Date, CheckError> {
    let Some(reference) = &person.ssin_ref else {
        return Ok(person.period.start);
    };
    // The search's reference type and the history's are the same pattern, two names.
    let reference = SsinReference::new(reference.as_str()).map_err(|e| {
        CheckError::Bcss(bcss_social_status::ErrorKind::InvalidRequest(e.to_string()).into())
    })?;
    let key = reference.as_str().to_owned();
    let mut request = client.get_status_history(&reference).to(date);
    if let Some((etag, _)) = cache.entries.get(&key) {
        request = request.if_none_match(etag);
    }
    let answer = request.send().await.map_err(classify)?;
    let etag = answer.etag().map(str::to_owned);
    let history = match answer.into_inner() {
        GetStatusHistoryResponse::Ok(history) => {
            if let Some(etag) = etag {
                cache.entries.insert(key.clone(), (etag, history.clone()));
            }
            history
        }
        GetStatusHistoryResponse::NotModified => match cache.entries.get(&key) {
            Some((_, history)) => history.clone(),
            None => return Ok(person.period.start),
        },
        // An answer that a later contract documents: decide from the current period alone.
        _ => return Ok(person.period.start),
    };
    // Most recent first: walk back while the periods are out of work and join up.
    let mut since = person.period.start;
    for period in &history.items {
        let out = matches!(
            period.status,
            SocialStatusCode::Unemployed | SocialStatusCode::Retired
        );
        let joins = period
            .period
            .end
            .is_none_or(|end| end.succ_opt() >= Some(since));
        if period.period.start > date || period.period.start >= since {
            continue;
        }
        if !out || !joins {
            break;
        }
        since = period.period.start;
    }
    Ok(since)
}

/// Sorts BCSS's refusals into what the fund does about them.
fn classify(error: Error) -> CheckError {
    let trace_id = error.trace().map(|t| t.sent.clone());
    match error.problem().map(|p| p.problem_type()) {
        Some(ProblemType::TooManyRequests | ProblemType::ServiceUnavailable) => {
            CheckError::RetryLater { trace_id }
        }
        Some(ProblemType::MissingScope | ProblemType::MissingPermission) => {
            CheckError::NotAuthorised(error.problem().map(|p| p.summary()).unwrap_or_default())
        }
        _ if error.transport().is_some_and(|t| t.is_retryable()) => {
            CheckError::RetryLater { trace_id }
        }
        _ => CheckError::Bcss(error),
    }
}
