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
pub(crate) struct FieldIndex(pub(crate) &'static [&'static str]);

impl FieldIndex {
    fn position(self, key: &[u8]) -> usize {
        self.0
            .iter()
            .position(|field| field.as_bytes() == key)
            .unwrap_or(usize::MAX)
    }
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
        Ok(usize::try_from(index)
            .ok()
            .filter(|&i| i < self.0.len())
            .unwrap_or(usize::MAX))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        Ok(self.position(key.as_bytes()))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<usize, E> {
        Ok(self.position(key))
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
