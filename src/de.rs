//! What the generated structs' `Deserialize` impls share (see the build's
//! `compact_struct_deserialize` pass): the key-to-index seed and the
//! duplicate, missing and sequence handling, written once here instead of
//! once per struct by `#[derive(Deserialize)]`.

use serde::de::{self, DeserializeSeed, Expected, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Reads a map key and returns the index of the field it names in the
/// struct's field list, or `usize::MAX` for a key the struct does not have
/// (ignored, as the derive ignores unknown keys).
///
/// One type for every struct: the derive generates a field enum with its
/// own visitor per struct instead.
#[derive(Clone, Copy)]
pub(crate) struct FieldIndex {
    names: &'static [&'static str],
    /// Where the search starts: the field after the previous key's.
    next: usize,
}

impl FieldIndex {
    /// Searches from `next` to the end, then from the start: a payload
    /// whose keys come in the fields' order (the API's, alphabetical) finds
    /// each key at the first or second name tried, where a scan from the
    /// start tried half the names; keys in any other order cost one scan,
    /// as before. (A binary search over the names, which are in byte order,
    /// took more instructions than the scan: a `memcmp` at every step.)
    fn find(self, key: &[u8]) -> Option<usize> {
        let (before, after) = self.names.split_at(self.next.min(self.names.len()));
        if let Some(i) = after.iter().position(|name| same(name.as_bytes(), key)) {
            return Some(self.next + i);
        }
        before.iter().position(|name| same(name.as_bytes(), key))
    }
}

/// The keys of one map, read in turn as field indices: what the generated
/// `visit_map` loops over.
pub(crate) struct Keys {
    names: &'static [&'static str],
    next: usize,
}

impl Keys {
    pub(crate) fn new(names: &'static [&'static str]) -> Self {
        Keys { names, next: 0 }
    }

    /// The next key's field index (`usize::MAX` for a key the struct does
    /// not have), or `None` at the end of the map.
    pub(crate) fn next<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
    ) -> Result<Option<usize>, A::Error> {
        let index = map.next_key_seed(FieldIndex {
            names: self.names,
            next: self.next,
        })?;
        if let Some(i) = index
            && i != usize::MAX
        {
            self.next = i + 1;
        }
        Ok(index)
    }
}

/// `a == b` without a call to `memcmp`: field names are a few words long,
/// and the call cost more than the comparison.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    if n < 8 {
        return a == b;
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
        Ok(in_range(self.names, index).unwrap_or(usize::MAX))
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
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
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
