//! Enum values that survive the API adding new ones.
//!
//! incident.io promises that adding a value to an enum is a compatible change,
//! and does it without notice. A closed Rust enum would then fail to decode the
//! whole response. Every enum-typed field of the generated types is therefore a
//! [`Tolerant<E>`]: the generated enum when the value is one the crate knows,
//! the raw string otherwise, written back unchanged when serialised.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

/// A value of the enum `E`, or a value the API added after this crate was
/// built.
///
/// ```
/// use incidentio::Tolerant;
/// # #[derive(Debug, PartialEq, serde::Serialize)] enum Mode { Standard }
/// # impl std::str::FromStr for Mode { type Err = (); fn from_str(s: &str) -> Result<Self, ()> { if s == "standard" { Ok(Mode::Standard) } else { Err(()) } } }
/// let mode: Tolerant<Mode> = serde_json::from_str("\"retrospective\"").unwrap();
/// assert_eq!(mode.known(), None);
/// assert_eq!(mode.unknown(), Some("retrospective"));
/// ```
///
/// Marked `#[non_exhaustive]` like every public enum of this crate; the
/// accessors [`Tolerant::known`] and [`Tolerant::unknown`] read it without a
/// `match`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Tolerant<E> {
    /// A value this crate knows, as the generated enum.
    Known(E),
    /// A value the spec this crate was built from does not list, verbatim.
    Unknown(String),
}

impl<E> Tolerant<E> {
    /// The typed value, when it is one this crate knows.
    pub fn known(&self) -> Option<&E> {
        match self {
            Tolerant::Known(value) => Some(value),
            Tolerant::Unknown(_) => None,
        }
    }

    /// The raw text of a value this crate does not know.
    pub fn unknown(&self) -> Option<&str> {
        match self {
            Tolerant::Known(_) => None,
            Tolerant::Unknown(raw) => Some(raw),
        }
    }

    /// Consumes the wrapper, returning the typed value when known.
    pub fn into_known(self) -> Option<E> {
        match self {
            Tolerant::Known(value) => Some(value),
            Tolerant::Unknown(_) => None,
        }
    }
}

impl<E> From<E> for Tolerant<E> {
    fn from(value: E) -> Self {
        Tolerant::Known(value)
    }
}

impl<E: fmt::Debug> fmt::Debug for Tolerant<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tolerant::Known(value) => value.fmt(f),
            Tolerant::Unknown(raw) => write!(f, "Unknown({raw:?})"),
        }
    }
}

impl<E: fmt::Display> fmt::Display for Tolerant<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tolerant::Known(value) => value.fmt(f),
            Tolerant::Unknown(raw) => f.write_str(raw),
        }
    }
}

impl<E: FromStr> FromStr for Tolerant<E> {
    type Err = std::convert::Infallible;

    /// Never fails: a string that is not a known value becomes `Unknown`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(E::from_str(s).map_or_else(|_| Tolerant::Unknown(s.to_owned()), Tolerant::Known))
    }
}

impl<E: Serialize> Serialize for Tolerant<E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Tolerant::Known(value) => value.serialize(serializer),
            Tolerant::Unknown(raw) => serializer.serialize_str(raw),
        }
    }
}

impl<'de, E: FromStr> Deserialize<'de> for Tolerant<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Borrow the string where the input allows it: the common, known case
        // then allocates nothing.
        struct TolerantVisitor<E>(PhantomData<E>);

        impl<E: FromStr> Visitor<'_> for TolerantVisitor<E> {
            type Value = Tolerant<E>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an enum value as a string")
            }

            fn visit_str<Er: de::Error>(self, value: &str) -> Result<Self::Value, Er> {
                Ok(Tolerant::from_str(value).unwrap_or_else(|never| match never {}))
            }

            fn visit_string<Er: de::Error>(self, value: String) -> Result<Self::Value, Er> {
                Ok(match E::from_str(&value) {
                    Ok(known) => Tolerant::Known(known),
                    Err(_) => Tolerant::Unknown(value),
                })
            }
        }

        deserializer.deserialize_str(TolerantVisitor(PhantomData))
    }
}
