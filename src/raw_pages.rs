//! Cursor pagination for raw requests: any list endpoint reached through
//! [`Client::request`](crate::Client::request), walked with the same code
//! as the generated list operations (the repeated-cursor guard, prefetch,
//! retries and pacing per page), items as untyped JSON.
//!
//! A page is a JSON object with `pagination_meta.after` (the next cursor,
//! absent or empty on the last page) and an array of items: the field you
//! name, or else its one array besides `pagination_meta`.
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//!
//! # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
//! let mut alerts = client
//!     .request(incidentio::Method::GET, "/v2/alerts")
//!     .query("page_size", "50")
//!     .items("alerts");
//! while let Some(alert) = alerts.try_next().await? {
//!     println!("{}", alert["id"]);
//! }
//! # Ok(()) }
//! ```

use std::borrow::Cow;

use progenitor_client::ResponseValue;
use serde_json::Value;

use crate::pagination::{ItemStream, ListRequest, Page, PageStream, Paginator};
use crate::raw::RawRequest;
use crate::{Error, error::FailedBody};

/// The query parameter carrying the cursor.
const CURSOR: &str = "after";
/// The query parameter carrying the page size.
const PAGE_SIZE: &str = "page_size";

impl<'a> RawRequest<'a> {
    /// Walks the pages of a list endpoint, each as a [`Page`] of JSON items;
    /// the items are the page's one array besides `pagination_meta` (a page
    /// with none or several ends the walk with [`Error::Decode`]: name the
    /// field with [`RawRequest::paginate`]).
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    ///
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let mut pages = client.request(incidentio::Method::GET, "/v2/incidents").pages();
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("{} incidents, next: {:?}", page.items.len(), page.after);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages(self) -> PageStream<'a, Value> {
        self.paginate(None).pages()
    }

    /// Every item of every page: the elements of the page's `field` array.
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    ///
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let incidents: Vec<serde_json::Value> = client
    ///     .request(incidentio::Method::GET, "/v2/incidents")
    ///     .items("incidents")
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn items(self, field: impl Into<String>) -> ItemStream<'a, Value> {
        self.paginate(Some(field.into())).items()
    }

    /// A [`Paginator`] over the pages, for options such as prefetch;
    /// `items_field` names the page's array of items (`None`: its one
    /// array besides `pagination_meta`).
    ///
    /// ```no_run
    /// # async fn run(client: incidentio::Client) {
    /// let pages = client
    ///     .request(incidentio::Method::GET, "/v2/alerts")
    ///     .paginate(Some("alerts".to_owned()))
    ///     .prefetch(true)
    ///     .pages();
    /// # }
    /// ```
    pub fn paginate(self, items_field: Option<String>) -> Paginator<'a, RawList<'a>> {
        Paginator::new(RawList {
            request: self,
            items_field,
        })
    }
}

/// A raw request walked page by page (see [`RawRequest::paginate`]).
#[derive(Debug, Clone)]
pub struct RawList<'a> {
    request: RawRequest<'a>,
    items_field: Option<String>,
}

/// One page of a [`RawList`], as the API sent it, with the field its items
/// are in.
#[derive(Debug, Clone)]
pub struct RawPage {
    body: Value,
    items_field: String,
}

impl<'a> ListRequest<'a> for RawList<'a> {
    type Page = RawPage;
    type Item = Value;
    const OPERATION: &'static str = crate::raw::RAW_OPERATION;
    // The spec's largest page size belongs to an operation; a raw request
    // sends the page size it was given, if any.
    const MAX_PAGE_SIZE: Option<u64> = None;

    fn page_size_is_set(&self) -> bool {
        self.request.query.iter().any(|(name, _)| name == PAGE_SIZE)
    }

    fn with_after(mut self, after: String) -> Self {
        self.request.query.retain(|(name, _)| name != CURSOR);
        self.request.query.push((CURSOR.to_owned(), after));
        self
    }

    fn with_page_size(mut self, page_size: u64) -> Self {
        self.request.query.retain(|(name, _)| name != PAGE_SIZE);
        self.request
            .query
            .push((PAGE_SIZE.to_owned(), page_size.to_string()));
        self
    }

    type Owned = RawList<'static>;

    fn into_owned(self) -> RawList<'static> {
        let RawRequest {
            client,
            method,
            path,
            query,
            headers,
            body,
        } = self.request;
        RawList {
            request: RawRequest {
                client: Cow::Owned(client.into_owned()),
                method,
                path,
                query,
                headers,
                body,
            },
            items_field: self.items_field,
        }
    }

    async fn send_page(self) -> Result<ResponseValue<RawPage>, Error> {
        let response = self.request.send().await?;
        let body: Value = response.json()?;
        let items_field = match self.items_field {
            Some(field) => field,
            None => only_array(&body).ok_or_else(|| Error::Decode {
                operation: crate::raw::RAW_OPERATION,
                path: ".".to_owned(),
                message: "the page has no single array of items besides \
                          `pagination_meta`; name the items field"
                    .to_owned(),
                body: FailedBody::new(response.body().clone()),
            })?,
        };
        Ok(ResponseValue::new(
            RawPage { body, items_field },
            response.status(),
            response.headers().clone(),
        ))
    }

    fn into_page(page: RawPage) -> Page<Value> {
        let RawPage {
            mut body,
            items_field,
        } = page;
        // Taken out of the page, not copied: one page in memory at a time.
        let items = match body.get_mut(&items_field).map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let meta = body.get("pagination_meta");
        let after = meta
            .and_then(|m| m.get("after"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let total = meta
            .and_then(|m| m.get("total_record_count"))
            .and_then(Value::as_i64);
        Page::new(items, after, total)
    }
}

/// The name of the page's one array besides `pagination_meta`.
fn only_array(page: &Value) -> Option<String> {
    let mut arrays = page
        .as_object()?
        .iter()
        .filter(|(name, value)| *name != "pagination_meta" && value.is_array());
    let (name, _) = arrays.next()?;
    arrays.next().is_none().then(|| name.clone())
}
