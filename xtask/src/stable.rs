//! The stable, diff-friendly form in which `refresh-spec` writes the spec:
//! JSON pretty-printed by serde_json (two-space indent), object keys sorted
//! by byte order at every level, a trailing newline. The same API version
//! always gives the same bytes whatever order the server emitted keys in,
//! and `git diff` between two versions shows one changed value per line.
//!
//! Keys are sorted here explicitly rather than relying on serde_json's
//! default `BTreeMap`: another crate in the build could turn on its
//! `preserve_order` feature, which would silently change the output.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The stable form of `value`.
pub fn to_bytes(value: &Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&Sorted(value))
        .expect("serialising a JSON value to memory cannot fail");
    out.push(b'\n');
    out
}

/// Lower-case hex sha256 of `bytes`, as in the provenance file.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Serialises a JSON value with the keys of every object sorted.
struct Sorted<'a>(&'a Value);

impl Serialize for Sorted<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                let mut out = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    out.serialize_entry(key, &Sorted(value))?;
                }
                out.end()
            }
            Value::Array(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&Sorted(item))?;
                }
                out.end()
            }
            scalar => scalar.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_pretty_with_trailing_newline() {
        let value: Value =
            serde_json::from_str(r#"{"b":{"z":1,"a":[{"y":true,"x":null}]},"a":"é"}"#).unwrap();
        let text = String::from_utf8(to_bytes(&value)).unwrap();
        assert_eq!(
            text,
            "{\n  \"a\": \"é\",\n  \"b\": {\n    \"a\": [\n      {\n        \"x\": null,\n        \"y\": true\n      }\n    ],\n    \"z\": 1\n  }\n}\n"
        );
        // Idempotent: the stable form of the stable form is itself.
        let again: Value = serde_json::from_slice(&to_bytes(&value)).unwrap();
        assert_eq!(to_bytes(&again), to_bytes(&value));
    }

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
