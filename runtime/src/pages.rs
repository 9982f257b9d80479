//! Belgif `col-paging`: a collection answer carries a `next` link until the last page; following
//! it yields every page as a stream.

use futures_util::Stream;
use serde::de::DeserializeOwned;

use crate::client::RequestBuilder;
use crate::error::Error;
use crate::response::ApiResponse;

/// Every page, starting with `first` and following `next_of(page)` links until there are none.
///
/// A `next` link is followed on this client's gateway only: its path and query are kept, its
/// host is not — so a token is never sent to a host the configuration did not name. A `POST`
/// (`…/query`) is repeated with the same body, as Belgif paged queries expect.
/// `first` may already be an error (a LegalContext the annex refuses): the stream then yields
/// that error and ends, without sending anything.
pub fn follow<P>(
    first: Result<RequestBuilder, Error>,
    next_of: fn(&P) -> Option<String>,
) -> impl Stream<Item = Result<ApiResponse<P>, Error>>
where
    P: DeserializeOwned,
{
    futures_util::stream::try_unfold(Some(first), move |request| async move {
        let request = match request {
            Some(Ok(r)) => Some(r),
            Some(Err(e)) => return Err(e),
            None => None,
        };
        let Some(request) = request else {
            return Ok(None);
        };
        let again = request.clone();
        let page = request.send().await?.typed::<P>()?;
        let next = next_of(&page)
            .and_then(|link| again.follow_link(&link))
            .map(Ok);
        Ok(Some((page, next)))
    })
}

impl RequestBuilder {
    /// The same request aimed at the path and query of `link` (absolute or relative).
    pub(crate) fn follow_link(mut self, link: &str) -> Option<Self> {
        let base = url::Url::parse("https://gateway.invalid/").ok()?;
        let url = base.join(link).ok()?;
        self.path = url.path().to_owned();
        // The link's query is kept as the server wrote it (already encoded).
        self.query = url
            .query()
            .into_iter()
            .flat_map(|q| q.split('&'))
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        Some(self)
    }
}
