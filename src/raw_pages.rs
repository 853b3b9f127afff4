//! Cursor pagination for raw requests: any list endpoint reached through
//! [`Client::request`](crate::Client::request), walked with the same code
//! as the generated list operations (the repeated-cursor guard, prefetch,
//! retries and pacing per page), items as untyped JSON.
//!
//! A page is a JSON object with `pagination_meta.after` (the next cursor,
//! absent or empty on the last page) and an array of items: the field you
//! name, or else its one array besides `pagination_meta`.
//!
//! Items are [`serde_json::Value`] unless you ask for another type with
//! [`RawRequest::paginate_as`]: your own struct, or (with `serde_json`'s
//! `raw_value` feature) `Box<serde_json::value::RawValue>` to pass items on
//! as the API wrote them without building a tree for each.
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
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use progenitor_client::ResponseValue;
use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
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
        self.paginate_as(items_field)
    }

    /// [`RawRequest::paginate`] with items decoded as `T`: a struct of your
    /// own, or `Box<serde_json::value::RawValue>` (`serde_json`'s
    /// `raw_value` feature) to pass each item on as the API wrote it. The
    /// page is read once, straight into the items: no tree is built for
    /// the page.
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Alert {
    ///     id: String,
    ///     title: String,
    /// }
    ///
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let mut alerts = client
    ///     .request(incidentio::Method::GET, "/v2/alerts")
    ///     .paginate_as::<Alert>(Some("alerts".to_owned()))
    ///     .items();
    /// while let Some(alert) = alerts.try_next().await? {
    ///     println!("{} {}", alert.id, alert.title);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn paginate_as<T>(self, items_field: Option<String>) -> Paginator<'a, RawList<'a, T>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        Paginator::new(RawList {
            request: self,
            items_field,
            item: PhantomData,
        })
    }
}

/// A raw request walked page by page, items as `T` (see
/// [`RawRequest::paginate`] and [`RawRequest::paginate_as`]).
pub struct RawList<'a, T = Value> {
    request: RawRequest<'a>,
    items_field: Option<String>,
    item: PhantomData<fn() -> T>,
}

// By hand: the derives would ask `T: Clone` and `T: Debug` of the items,
// which the list never holds.
impl<T> Clone for RawList<'_, T> {
    fn clone(&self) -> Self {
        RawList {
            request: self.request.clone(),
            items_field: self.items_field.clone(),
            item: PhantomData,
        }
    }
}

impl<T> fmt::Debug for RawList<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawList")
            .field("request", &self.request)
            .field("items_field", &self.items_field)
            .finish()
    }
}

/// One page of a [`RawList`]: its items, decoded, and its cursor.
#[derive(Debug, Clone)]
pub struct RawPage<T = Value> {
    items: Vec<T>,
    meta: PaginationMeta,
}

/// The part of `pagination_meta` a walk reads.
#[derive(Debug, Clone, Default, Deserialize)]
struct PaginationMeta {
    after: Option<String>,
    total_record_count: Option<i64>,
}

impl<'a, T: DeserializeOwned + Send + 'static> ListRequest<'a> for RawList<'a, T> {
    type Page = RawPage<T>;
    type Item = T;
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

    type Owned = RawList<'static, T>;

    fn into_owned(self) -> RawList<'static, T> {
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
            item: PhantomData,
        }
    }

    async fn send_page(self) -> Result<ResponseValue<RawPage<T>>, Error> {
        let response = self.request.send().await?;
        let operation = crate::raw::RAW_OPERATION;
        let items_field = match self.items_field {
            Some(field) => field,
            None => only_array(crate::body::decode_with(
                operation,
                response.body(),
                |de| BTreeMap::<String, IsArray>::deserialize(de),
            )?)
            .ok_or_else(|| Error::Decode {
                method_name: operation,
                path: ".".to_owned(),
                message: "the page has no single array of items besides \
                          `pagination_meta`; name the items field"
                    .to_owned(),
                body: FailedBody::new(response.body().clone()),
            })?,
        };
        let page = crate::body::decode_with(operation, response.body(), |de| {
            PageSeed::<T> {
                items_field: &items_field,
                item: PhantomData,
            }
            .deserialize(de)
        })?;
        Ok(ResponseValue::new(
            page,
            response.status(),
            response.headers().clone(),
        ))
    }

    fn into_page(page: RawPage<T>) -> Page<T> {
        Page::new(page.items, page.meta.after, page.meta.total_record_count)
    }
}

/// Reads a page object in one pass: the items field as `Vec<T>` (absent or
/// `null`: no items), `pagination_meta`, and nothing else (other fields
/// are skipped unbuilt).
struct PageSeed<'f, T> {
    items_field: &'f str,
    item: PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PageSeed<'_, T> {
    type Value = RawPage<T>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<RawPage<T>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PageSeed<'_, T> {
    type Value = RawPage<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a page: an object with `{}` and `pagination_meta`",
            self.items_field
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawPage<T>, A::Error> {
        let mut items = None;
        let mut meta = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == self.items_field {
                items = map.next_value::<Option<Vec<T>>>()?;
            } else if key == "pagination_meta" {
                meta = map.next_value::<Option<PaginationMeta>>()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(RawPage {
            items: items.unwrap_or_default(),
            meta: meta.unwrap_or_default(),
        })
    }
}

/// The name of the page's one array besides `pagination_meta`, from a
/// first, building-nothing pass over a page whose items field was not
/// named: its fields, each read only as far as whether it is an array.
fn only_array(fields: BTreeMap<String, IsArray>) -> Option<String> {
    let mut arrays = fields
        .into_iter()
        .filter(|(name, is_array)| is_array.0 && name != "pagination_meta");
    let (name, _) = arrays.next()?;
    arrays.next().is_none().then_some(name)
}

/// Whether a value is an array, read without building it.
struct IsArray(bool);

impl<'de> Deserialize<'de> for IsArray {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IsArrayVisitor)
    }
}

struct IsArrayVisitor;

impl<'de> Visitor<'de> for IsArrayVisitor {
    type Value = IsArray;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<IsArray, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(IsArray(true))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IsArray, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(IsArray(false))
    }

    fn visit_bool<E>(self, _: bool) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }

    fn visit_i64<E>(self, _: i64) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }

    fn visit_u64<E>(self, _: u64) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }

    fn visit_f64<E>(self, _: f64) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }

    fn visit_str<E>(self, _: &str) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }

    fn visit_unit<E>(self) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }
}
