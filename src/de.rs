//! What the generated structs' `Deserialize` impls share (see the build's
//! `compact_struct_deserialize` pass): the key-to-index seed and the
//! duplicate, missing and sequence handling, written once here instead of
//! once per struct by `#[derive(Deserialize)]`.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use serde::de::{self, DeserializeSeed, Expected, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU8, Ordering};

/// A generated struct's field names and what it has learned of the order
/// its keys arrive in: one static per struct (see the build's
/// `compact_struct_deserialize` pass), passed by reference so that the
/// key reader carries one pointer for both.
pub(crate) struct Fields {
    names: &'static [&'static str],
    /// [`Order`]'s entries: `names.len() + 1` of them (or none).
    order: &'static [AtomicU8],
}

impl Fields {
    pub(crate) const fn new(names: &'static [&'static str], order: &'static [AtomicU8]) -> Self {
        Fields { names, order }
    }

    /// The field the order says comes at position `at` (see [`Order`]):
    /// the next field (`at`) until it learns otherwise. May be `n`, past
    /// the last field, which the scan reads as the first.
    #[inline]
    fn learned(&self, at: usize) -> usize {
        self.order
            .get(at)
            .map_or(at, |entry| usize::from(entry.load(Ordering::Relaxed)))
    }

    /// Field `i` came at position `at`, where the order said another:
    /// records it. Keys in the fields' order, or in the order learned,
    /// never come here; out of line, so that the key reader stays small
    /// enough to inline.
    #[cold]
    #[inline(never)]
    fn learn(&self, at: usize, i: usize) {
        if let Some(entry) = self.order.get(at)
            && let Ok(i) = u8::try_from(i)
        {
            entry.store(i, Ordering::Relaxed);
        }
    }
}

/// What one struct type has learned of the order its keys arrive in: for
/// each position in a map (its start, or just after field `i`), the field
/// whose key came there last time. A payload whose keys come in some
/// stable order of its own then finds each key at the second name tried
/// from the second map on, whatever that order is; keys in the fields'
/// order (the API's) neither read nor write it.
///
/// A hint only: several threads decoding payloads of different orders
/// overwrite each other's entries and cost one scan more, never a wrong
/// answer. A byte per field: data, no code. A struct of more than 255
/// fields gets an empty order (`N = 0`) and always scans from the next
/// field.
pub(crate) struct Order<const N: usize>([AtomicU8; N]);

impl<const N: usize> Order<N> {
    /// Nothing learned: every position `at` says field `at`, the next one.
    #[allow(clippy::new_without_default)] // only ever a static's initialiser
    pub(crate) const fn new() -> Self {
        // A field index must fit in a byte: a static over the limit fails
        // to compile rather than learn wrong indices.
        assert!(N <= 256, "an Order keeps field indices in a byte");
        let mut entries = [const { AtomicU8::new(0) }; N];
        let mut at = 0;
        while at < N {
            // `at < N <= 256`: it fits.
            entries[at] = AtomicU8::new(at as u8);
            at += 1;
        }
        Order(entries)
    }

    /// The entries, for [`Fields::new`] (one non-generic reader for every
    /// struct's order).
    pub(crate) const fn entries(&'static self) -> &'static [AtomicU8] {
        &self.0
    }
}

/// Reads a map key and returns the index of the field it names in the
/// struct's field list, or `usize::MAX` for a key the struct does not have
/// (ignored, as the derive ignores unknown keys).
///
/// One type for every struct: the derive generates a field enum with its
/// own visitor per struct instead.
#[derive(Clone, Copy)]
pub(crate) struct FieldIndex {
    fields: &'static Fields,
    /// Where in the map the reader is: 0 at its start, `i + 1` after field
    /// `i`. The field at `at` is the one tried first.
    at: usize,
}

impl FieldIndex {
    /// Tries the field after the previous key's, then the field the
    /// struct's [`Order`] learned comes here, then scans the rest from
    /// there, wrapping around. A payload whose keys come in the fields'
    /// order (the API's, alphabetical) finds each key at the first name
    /// tried and never reads the learned order; one in another stable
    /// order finds it at the second from its second map on; any other
    /// order costs one scan. (A binary search over the names, which are in
    /// byte order, took more instructions than the scan: a `memcmp` at
    /// every step. One wrapping loop took fewer than two scans, one after
    /// the start and one before.)
    fn find(self, key: &[u8]) -> Option<usize> {
        let names = self.fields.names;
        if let Some(name) = names.get(self.at)
            && same(name.as_bytes(), key)
        {
            return Some(self.at);
        }
        let n = names.len();
        let mut i = self.fields.learned(self.at);
        for _ in 0..n {
            if i >= n {
                i = 0;
            }
            if same(names[i].as_bytes(), key) {
                return Some(i);
            }
            i += 1;
        }
        None
    }
}

/// The keys of one map, read in turn as field indices: what the generated
/// `visit_map` loops over.
pub(crate) struct Keys {
    fields: &'static Fields,
    /// As [`FieldIndex::at`]; an unknown key leaves it where it was.
    at: usize,
}

impl Keys {
    pub(crate) fn new(fields: &'static Fields) -> Self {
        Keys { fields, at: 0 }
    }

    /// The next key's field index (`usize::MAX` for a key the struct does
    /// not have), or `None` at the end of the map. Inline: called once per
    /// key, and a call here cost a sixth of the lookup's instructions
    /// (saving and restoring registers around `next_key_seed`).
    #[inline]
    pub(crate) fn next<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
    ) -> Result<Option<usize>, A::Error> {
        let index = map.next_key_seed(FieldIndex {
            fields: self.fields,
            at: self.at,
        })?;
        if let Some(i) = index
            && i != usize::MAX
        {
            if i != self.at && i != self.fields.learned(self.at) {
                self.fields.learn(self.at, i);
            }
            self.at = i + 1;
        }
        Ok(index)
    }
}

/// `a == b` without a call to `memcmp`: field names are a few words long,
/// and the call cost more than the comparison (short ones byte by byte,
/// longer ones a word at a time, the last word overlapping).
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let word = |s: &[u8], at: usize| {
        u64::from_le_bytes(s[at..at + 8].try_into().expect("a slice of 8 bytes"))
    };
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// The index of `key` among `names`.
fn position(names: &[&str], key: &[u8]) -> Option<usize> {
    names.iter().position(|name| name.as_bytes() == key)
}

/// `index` if it is a valid position in `names`.
fn in_range(names: &[&str], index: u64) -> Option<usize> {
    usize::try_from(index).ok().filter(|&i| i < names.len())
}

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = usize;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    /// Formats that name fields by position (as the derive accepts).
    fn visit_u64<E: de::Error>(self, index: u64) -> Result<usize, E> {
        Ok(in_range(self.fields.names, index).unwrap_or(usize::MAX))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        self.visit_bytes(key.as_bytes())
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<usize, E> {
        Ok(self.find(key).unwrap_or(usize::MAX))
    }
}

/// Reads a field's value into its slot; a second occurrence of the key is
/// "duplicate field `name`", as with the derive.
pub(crate) fn field<'de, A: MapAccess<'de>, T: de::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    seeded(map, slot, name, PhantomData)
}

/// `field`, the value read by `seed`.
fn seeded<'de, A: MapAccess<'de>, S: DeserializeSeed<'de>>(
    map: &mut A,
    slot: &mut Option<S::Value>,
    name: &'static str,
    seed: S,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(seed)?);
    Ok(())
}

/// Skips the value of a key the struct does not have.
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// A required field's value, or "missing field `name`".
pub(crate) fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// The next element of the sequence form, or "invalid length" when the
/// sequence ends early.
pub(crate) fn element<'de, A: SeqAccess<'de>, T: de::Deserialize<'de>>(
    seq: &mut A,
    index: usize,
    expected: &dyn Expected,
) -> Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::invalid_length(index, expected))
}

/// A unit-only enum's value, read in the enum form (a string in JSON, a
/// variant index in bincode): the shared body of the generated enums'
/// `Deserialize` (see the build's `compact_struct_deserialize` pass).
/// `values[i]` is the variant named `variants[i]`.
pub(crate) fn unit_variant<'de, D: de::Deserializer<'de>, T: Copy>(
    deserializer: D,
    name: &'static str,
    variants: &'static [&'static str],
    values: &'static [T],
) -> Result<T, D::Error> {
    let index = deserializer.deserialize_enum(name, variants, UnitVariant(variants))?;
    values
        .get(index)
        .copied()
        .ok_or_else(|| de::Error::custom(format_args!("no variant {index} in {name}")))
}

/// Visits an enum whose variants are all units, giving the variant's index.
#[derive(Clone, Copy)]
struct UnitVariant(&'static [&'static str]);

impl<'de> Visitor<'de> for UnitVariant {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a unit variant")
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<usize, A::Error> {
        let (index, variant) = data.variant_seed(VariantIndex(self.0))?;
        de::VariantAccess::unit_variant(variant)?;
        Ok(index)
    }
}

/// Reads a variant name (or index) and gives its index, with the derive's
/// errors for an unknown one.
#[derive(Clone, Copy)]
struct VariantIndex(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for VariantIndex {
    type Value = usize;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for VariantIndex {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<usize, E> {
        in_range(self.0, index).ok_or_else(|| {
            E::invalid_value(
                de::Unexpected::Unsigned(index),
                &format!("variant index 0 <= i < {}", self.0.len()).as_str(),
            )
        })
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<usize, E> {
        position(self.0, value.as_bytes()).ok_or_else(|| E::unknown_variant(value, self.0))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<usize, E> {
        position(self.0, value)
            .ok_or_else(|| E::unknown_variant(&String::from_utf8_lossy(value), self.0))
    }
}

/// Reads a `DateTime<Utc>` field's value into its slot, as `field` does:
/// the API's form of an RFC 3339 timestamp (`2021-08-17T13:28:57.801578Z`,
/// up to nine fractional digits, `Z` or a `±HH:MM` offset) is read here,
/// anything else by chrono's own parser, which gives every error.
///
/// Why: chrono's `Deserialize` goes through its general parser (relaxed
/// separators, lower case, leap seconds) and `Parsed`'s resolution, which
/// cost several times the reading of the one form the API writes; a page
/// of incidents holds eleven timestamps an incident, and that was the
/// largest share of a typed decode after parsing and allocation.
pub(crate) fn timestamp<'de, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<DateTime<Utc>>,
    name: &'static str,
) -> Result<(), A::Error> {
    seeded(map, slot, name, Timestamp)
}

/// `timestamp` for an `Option<DateTime<Utc>>` field (`null` is `None`).
pub(crate) fn optional_timestamp<'de, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<Option<DateTime<Utc>>>,
    name: &'static str,
) -> Result<(), A::Error> {
    seeded(map, slot, name, OptionalTimestamp)
}

/// Reads a timestamp (see `timestamp`).
#[derive(Clone, Copy)]
struct Timestamp;

impl<'de> DeserializeSeed<'de> for Timestamp {
    type Value = DateTime<Utc>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Timestamp {
    type Value = DateTime<Utc>;

    /// chrono's, so that a wrong type is reported in the same words.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        match rfc3339(value.as_bytes()) {
            Some(parsed) => Ok(parsed),
            // chrono's `Deserialize` exactly: parse, then to UTC.
            None => value
                .parse::<DateTime<FixedOffset>>()
                .map(|t| t.with_timezone(&Utc))
                .map_err(E::custom),
        }
    }
}

/// Reads `null` or a timestamp, as serde's `Option<T>` does.
#[derive(Clone, Copy)]
struct OptionalTimestamp;

impl<'de> DeserializeSeed<'de> for OptionalTimestamp {
    type Value = Option<DateTime<Utc>>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OptionalTimestamp {
    type Value = Option<DateTime<Utc>>;

    /// serde's for `Option<T>`.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("option")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        Timestamp.deserialize(deserializer).map(Some)
    }
}

/// Two ASCII digits at `at` as a number.
fn two_digits(text: &[u8], at: usize) -> Option<u32> {
    match text.get(at..at + 2)? {
        &[tens @ b'0'..=b'9', ones @ b'0'..=b'9'] => {
            Some(u32::from(tens - b'0') * 10 + u32::from(ones - b'0'))
        }
        _ => None,
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)` as chrono reads it, or `None`
/// for anything else (leap seconds included), which is then left to chrono.
fn rfc3339(text: &[u8]) -> Option<DateTime<Utc>> {
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if text.len() < 20 || separators.iter().any(|&(at, byte)| text[at] != byte) {
        return None;
    }
    let rest = &text[19..];
    let year = two_digits(text, 0)? * 100 + two_digits(text, 2)?;
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(year).ok()?,
        two_digits(text, 5)?,
        two_digits(text, 8)?,
    )?;
    let second = two_digits(text, 17)?;
    if second > 59 {
        return None;
    }
    let (nanos, zone) = match rest {
        [b'.', fraction @ ..] => {
            let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
            if !(1..=9).contains(&digits) {
                return None;
            }
            let value = fraction[..digits]
                .iter()
                .fold(0, |n, &d| n * 10 + u32::from(d - b'0'));
            (value * 10u32.pow(9 - digits as u32), &fraction[digits..])
        }
        zone => (0, zone),
    };
    let time =
        NaiveTime::from_hms_nano_opt(two_digits(text, 11)?, two_digits(text, 14)?, second, nanos)?;
    let local = NaiveDateTime::new(date, time);
    let utc = match zone {
        [b'Z'] => local,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (hours, minutes) = (two_digits(zone, 1)?, two_digits(zone, 4)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let east = i64::from(hours * 3600 + minutes * 60);
            let east = if *sign == b'-' { -east } else { east };
            local.checked_sub_signed(TimeDelta::seconds(east))?
        }
        _ => return None,
    };
    Some(utc.and_utc())
}
