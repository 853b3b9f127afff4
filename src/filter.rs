//! Operator filters for list endpoints, encoded the way the API reads them.
//!
//! The list operations of Incidents V2, Alerts V2, Escalations V2 and
//! WorkflowRuns V2 filter with operator maps passed as deepObject query
//! parameters: `status[one_of]=A&status[one_of]=B`,
//! `created_at[gte]=2024-01-01`, or, for parameters keyed by an ID,
//! `custom_field[<id>][one_of]=X`. Each such parameter of the generated
//! builders takes a [`Filter`]; the description of the parameter (on its
//! builder method) lists the operators it accepts.
//!
//! ```no_run
//! # async fn run(client: incidentio::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use incidentio::filter::Filter;
//!
//! let incidents = client
//!     .incidents_v2_list()
//!     .status(Filter::one_of(["01GBSQF3FHF7FWZQNWGHAVQ804"]))
//!     .custom_field(Filter::keyed("01GBSQF3FHF7FWZQNWGHAVQ805", Filter::one_of(["X"])))
//!     .send()
//!     .await?;
//! # Ok(()) }
//! ```

use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// One deepObject query value: a list of `[key]…[key]` → value pairs, kept in
/// the order they were added.
///
/// Build it with the operator constructors ([`Filter::one_of`],
/// [`Filter::not_in`], [`Filter::is`], [`Filter::gte`], [`Filter::lte`],
/// [`Filter::date_range`]), [`Filter::keyed`] for parameters keyed by an ID,
/// and [`Filter::and`] to combine operators on one parameter.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// `(bracketed key path, value)`, e.g. `("[one_of]", "A")`.
    pairs: Vec<(String, String)>,
}

impl Filter {
    /// A filter with no conditions: sends nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// `[operator]=value` for each value: the general form behind the named
    /// constructors, for operators this crate does not name yet.
    pub fn operator<I, V>(operator: &str, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        Self {
            pairs: values
                .into_iter()
                .map(|v| (format!("[{operator}]"), v.into()))
                .collect(),
        }
    }

    /// Matches any of `values` (`[one_of]`).
    pub fn one_of<I, V>(values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        Self::operator("one_of", values)
    }

    /// Matches none of `values` (`[not_in]`).
    pub fn not_in<I, V>(values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        Self::operator("not_in", values)
    }

    /// Matches exactly `value` (`[is]`).
    pub fn is(value: impl Into<String>) -> Self {
        Self::operator("is", [value])
    }

    /// On or after `value` (`[gte]`), such as a date `2024-05-01`.
    pub fn gte(value: impl Into<String>) -> Self {
        Self::operator("gte", [value])
    }

    /// On or before `value` (`[lte]`).
    pub fn lte(value: impl Into<String>) -> Self {
        Self::operator("lte", [value])
    }

    /// Between two dates, inclusive (`[date_range]=from~to`).
    pub fn date_range(from: impl fmt::Display, to: impl fmt::Display) -> Self {
        Self::operator("date_range", [format!("{from}~{to}")])
    }

    /// Nests `filter` under `key`, for parameters keyed by an ID such as
    /// `custom_field[<id>][one_of]=…`.
    pub fn keyed(key: impl fmt::Display, filter: Filter) -> Self {
        Self {
            pairs: filter
                .pairs
                .into_iter()
                .map(|(path, value)| (format!("[{key}]{path}"), value))
                .collect(),
        }
    }

    /// Both conditions: the pairs of `other` follow those of `self`.
    #[must_use]
    pub fn and(mut self, other: Filter) -> Self {
        self.pairs.extend(other.pairs);
        self
    }

    /// Whether the filter has no conditions.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The `(name[key]…, value)` query pairs for a parameter called `name`.
    pub fn query_pairs<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (String, &'a str)> {
        self.pairs
            .iter()
            .map(move |(path, value)| (format!("{name}{path}"), value.as_str()))
    }
}

impl fmt::Debug for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.pairs.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Filter {
    /// Builds a one-level filter from `(operator, value)` pairs.
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        Self {
            pairs: iter
                .into_iter()
                .map(|(k, v)| (format!("[{}]", k.into()), v.into()))
                .collect(),
        }
    }
}

/// Query encoding of one deepObject parameter, used by the generated code in
/// place of progenitor's `QueryParam` (see `build/passes/deep_objects.rs`).
///
/// Serialises as a map of `name[key]…` → value, which `serde_urlencoded`
/// writes as repeated pairs: `status[one_of]=A&status[one_of]=B`. Callers
/// reach it through the builders' setters or [`crate::RawRequest::filter`].
pub(crate) struct DeepObjectParam<'a, T> {
    name: &'a str,
    value: &'a T,
}

impl<'a, T> DeepObjectParam<'a, T> {
    /// Pairs the parameter's name with its value.
    pub(crate) fn new(name: &'a str, value: &'a T) -> Self {
        Self { name, value }
    }
}

/// A parameter value the deepObject encoder accepts: a filter, present or not.
pub(crate) trait AsFilter {
    /// The filter, if the parameter was set.
    fn as_filter(&self) -> Option<&Filter>;
}

impl AsFilter for Filter {
    fn as_filter(&self) -> Option<&Filter> {
        Some(self)
    }
}

impl AsFilter for Option<Filter> {
    fn as_filter(&self) -> Option<&Filter> {
        self.as_ref()
    }
}

impl<T: AsFilter> Serialize for DeepObjectParam<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let filter = self.value.as_filter();
        let mut map = serializer.serialize_map(filter.map(|f| f.pairs.len()))?;
        for (key, value) in filter.into_iter().flat_map(|f| f.query_pairs(self.name)) {
            map.serialize_entry(&key, value)?;
        }
        map.end()
    }
}
