//! Cursor pagination as `futures` streams, for every list operation.
//!
//! About thirty list operations take `after` and `page_size` and return one
//! array plus `pagination_meta` with the cursor of the next page. The build
//! recognises them from the spec's shape and gives each builder three
//! methods, so nobody writes the cursor loop again:
//!
//! - `stream()`: every item of every page, as a
//!   `Stream<Item = Result<T, Error>>`, fetched lazily page by page;
//! - `pages()`: each [`Page`] in turn, with its items, cursor and
//!   `total_record_count` when the API reports one;
//! - `paginate()`: a [`Paginator`] to set options (such as prefetch) first.
//!
//! Parameters set on the builder (filters, sort, page size) apply to every
//! page. When the page size is not set, it defaults to the largest the spec
//! allows for the operation: fewer pages, fewer requests against the rate
//! limit. Each page request goes through the client's retries and pacing.
//!
//! The walk ends when the cursor is absent or empty, or a page comes back
//! empty. A cursor the API already returned ends the stream with
//! [`Error::RepeatedCursor`] instead of looping forever. An error is yielded
//! once and ends the stream.
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//! use incidentio::filter::Filter;
//!
//! # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
//! let mut incidents = client
//!     .incidents_v2_list()
//!     .status_category(Filter::one_of(["live"]))
//!     .stream();
//! while let Some(incident) = incidents.try_next().await? {
//!     println!("{} {}", incident.reference, incident.name);
//! }
//! # Ok(()) }
//! ```
//!
//! # Prefetch
//!
//! With [`Paginator::prefetch`], the request for the next page is sent as
//! soon as the current page arrives, as a task on the tokio runtime, so it
//! makes progress whatever the consumer awaits meanwhile (a database write,
//! another API call): a consumer doing work per page is not serialised
//! behind the network. The items and their order are the same; dropping the
//! stream aborts the request in flight, and nothing is fetched after it.
//! (Outside a tokio runtime the request is driven only while the stream is
//! polled.) It is off by default: a consumer that stops early (`take(n)`, a
//! search that finds its match) would pay one request it never uses,
//! against the same rate limit as everything else; turn it on for full
//! walks with per-item work.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use futures_core::Stream;
use progenitor_client::ResponseValue;

use crate::Error;

/// One page of a list operation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page, in the order the API returned them.
    pub items: Vec<T>,
    /// The cursor of the next page, when there is one.
    pub after: Option<String>,
    /// How many items match in total, for operations that report it.
    pub total_record_count: Option<i64>,
}

impl<T> Page<T> {
    /// Assembles a page (used by the generated [`ListRequest`] impls).
    pub fn new(items: Vec<T>, after: Option<String>, total_record_count: Option<i64>) -> Self {
        Self {
            items,
            after,
            total_record_count,
        }
    }
}

/// A stream of every item of a list operation.
pub type ItemStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

/// A stream of the pages of a list operation.
pub type PageStream<'a, T> = Pin<Box<dyn Stream<Item = Result<Page<T>, Error>> + Send + 'a>>;

/// A builder of a paginated list operation. Implemented by the build for
/// each such generated builder (it needs their private fields); there is no
/// reason to implement it by hand.
pub trait ListRequest<'a>: Clone + Send + Sized + 'a {
    /// The response type of one page.
    type Page: Send + 'static;
    /// The type of one item.
    type Item: Send + 'static;
    /// The generated method name of the operation, for errors.
    const OPERATION: &'static str;
    /// The spec's `maximum` for `page_size`, if it gives one.
    const MAX_PAGE_SIZE: Option<u64>;

    /// Whether the caller set `page_size` on the builder.
    fn page_size_is_set(&self) -> bool;
    /// The builder with `after` set to a cursor.
    fn with_after(self, after: String) -> Self;
    /// The builder with `page_size` set.
    fn with_page_size(self, page_size: u64) -> Self;
    /// The same builder owning (a clone of) its client, so its requests can
    /// run on the runtime while the consumer does something else.
    type Owned: ListRequest<'static, Page = Self::Page, Item = Self::Item>;
    /// This builder as [`ListRequest::Owned`].
    fn into_owned(self) -> Self::Owned;
    /// Sends the request for one page.
    fn send_page(
        self,
    ) -> impl Future<Output = Result<ResponseValue<Self::Page>, Error>> + Send + 'a;
    /// Splits a page response into items, cursor and total.
    fn into_page(page: Self::Page) -> Page<Self::Item>;
}

/// Options for walking a list operation, then [`Paginator::items`] or
/// [`Paginator::pages`].
#[derive(Debug, Clone)]
#[must_use = "a paginator does nothing until turned into a stream"]
pub struct Paginator<'a, R> {
    request: R,
    prefetch: bool,
    _client: PhantomData<&'a ()>,
}

impl<'a, R: ListRequest<'a>> Paginator<'a, R> {
    /// Wraps a list builder; applies the default page size if none is set.
    pub fn new(request: R) -> Self {
        let request = match R::MAX_PAGE_SIZE {
            Some(max) if !request.page_size_is_set() => request.with_page_size(max),
            _ => request,
        };
        Self {
            request,
            prefetch: false,
            _client: PhantomData,
        }
    }

    /// Sends the next page's request while the current page is consumed
    /// (default off; see the [module documentation](self)).
    pub fn prefetch(mut self, prefetch: bool) -> Self {
        self.prefetch = prefetch;
        self
    }

    /// Each page in turn.
    pub fn pages(self) -> PageStream<'a, R::Item> {
        Box::pin(futures_util::stream::unfold(
            Walk::new(self.request, self.prefetch),
            |mut walk| async move {
                let page = walk.next_page().await?;
                Some((page, walk))
            },
        ))
    }

    /// Every item of every page, in order.
    pub fn items(self) -> ItemStream<'a, R::Item> {
        let state = (Walk::new(self.request, self.prefetch), VecDeque::new());
        Box::pin(futures_util::stream::unfold(
            state,
            |(mut walk, mut buffer)| async move {
                loop {
                    if let Some(item) = buffer.pop_front() {
                        walk.drive_prefetch().await;
                        return Some((Ok(item), (walk, buffer)));
                    }
                    match walk.next_page().await? {
                        Ok(page) => buffer.extend(page.items),
                        Err(error) => return Some((Err(error), (walk, buffer))),
                    }
                }
            },
        ))
    }
}

type PageResult<P> = Result<ResponseValue<P>, Error>;
type PageFuture<'a, P> = Pin<Box<dyn Future<Output = PageResult<P>> + Send + 'a>>;

/// The request for the next page: not yet answered, running on the
/// runtime (prefetch), or answered while the consumer was busy.
enum Next<'a, P> {
    InFlight(PageFuture<'a, P>),
    Spawned(Background<P>),
    Ready(PageResult<P>),
}

/// A page request running as a runtime task; aborted when dropped, so a
/// dropped stream fetches nothing more.
struct Background<P>(tokio::task::JoinHandle<PageResult<P>>);

impl<P> Drop for Background<P> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<P> Background<P> {
    async fn join(mut self) -> PageResult<P> {
        match (&mut self.0).await {
            Ok(result) => result,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_) => Err(Error::InvalidArgument(
                "a prefetched page request was cancelled: the tokio runtime is shutting down"
                    .into(),
            )),
        }
    }
}

/// The state of one walk over a list operation.
struct Walk<'a, R: ListRequest<'a>> {
    request: R,
    /// With prefetch inside a tokio runtime: the owned copy whose page
    /// requests are spawned, and the runtime to spawn them on.
    background: Option<(R::Owned, tokio::runtime::Handle)>,
    next: Option<Next<'a, R::Page>>,
    seen: HashSet<String>,
    prefetch: bool,
    /// Set when the walk must end with an error after the current page.
    pending_error: Option<Error>,
}

impl<'a, R: ListRequest<'a>> Walk<'a, R> {
    fn new(request: R, prefetch: bool) -> Self {
        let background = prefetch
            .then(tokio::runtime::Handle::try_current)
            .and_then(Result::ok)
            .map(|runtime| (request.clone().into_owned(), runtime));
        let mut walk = Self {
            request,
            background,
            next: None,
            seen: HashSet::new(),
            prefetch,
            pending_error: None,
        };
        walk.next = Some(walk.start(None));
        walk
    }

    /// Starts the request for the page after `after` (the first page for
    /// `None`): on the runtime with prefetch, else as a future polled with
    /// the stream.
    fn start(&self, after: Option<String>) -> Next<'a, R::Page> {
        if let Some((owned, runtime)) = &self.background {
            let request = match after {
                Some(after) => owned.clone().with_after(after),
                None => owned.clone(),
            };
            return Next::Spawned(Background(runtime.spawn(request.send_page())));
        }
        let request = match after {
            Some(after) => self.request.clone().with_after(after),
            None => self.request.clone(),
        };
        Next::InFlight(Box::pin(request.send_page()))
    }

    /// The next page, `None` when the walk is over.
    async fn next_page(&mut self) -> Option<Result<Page<R::Item>, Error>> {
        if let Some(error) = self.pending_error.take() {
            self.next = None;
            return Some(Err(error));
        }
        let result = match self.next.take()? {
            Next::InFlight(future) => future.await,
            Next::Spawned(task) => task.join().await,
            Next::Ready(result) => result,
        };
        let page = match result {
            Ok(response) => R::into_page(response.into_inner()),
            Err(error) => return Some(Err(error)), // yielded once; `next` stays empty
        };
        match page.after.as_deref() {
            // No cursor, or an empty page: the last page.
            None | Some("") => {}
            Some(_) if page.items.is_empty() => {}
            Some(after) if !self.seen.insert(after.to_owned()) => {
                self.pending_error = Some(Error::RepeatedCursor {
                    method_name: R::OPERATION,
                    cursor: after.to_owned(),
                });
            }
            Some(after) => {
                self.next = Some(self.start(Some(after.to_owned())));
                self.drive_prefetch().await;
            }
        }
        Some(Ok(page))
    }

    /// With prefetch on outside a runtime, polls the next page's request
    /// once, without waiting: enough to send it, and to collect its answer
    /// when it is in. (A spawned request needs no polling.)
    async fn drive_prefetch(&mut self) {
        if !self.prefetch {
            return;
        }
        if let Some(Next::InFlight(future)) = &mut self.next
            && let Some(result) = futures_util::future::poll_immediate(future).await
        {
            self.next = Some(Next::Ready(result));
        }
    }
}
