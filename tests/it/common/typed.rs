//! The one way the tests turn JSON into the generated types and back.
//!
//! Every `(type, serde_json reader)` pair is compiled on its own, for the
//! type and everything it contains, and the test binary calls every
//! operation: the client's `send()` already compiles each success type for
//! text input (`serde_json::from_str`), and only for that (a failure's JSON
//! path is found from the failing position, not by a path-tracking
//! decoder). Decoding here goes through exactly that reader, so a test that
//! decodes every success type adds no second copy of their decoders
//! (`from_slice` and `from_value` each did, about a fifth of the binary's
//! code, and `serde_path_to_error` a quarter). Encoding is `to_value` only,
//! for the same reason.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes JSON text as `T`, as the client's `send()` does.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str(text)
}

/// Decodes raw bytes as `T`: text first (bytes that are not UTF-8 are an
/// error, as in the client), then [`from_str`].
pub fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    from_str(text).map_err(|e| e.to_string())
}

/// Decodes a JSON value as `T` through its text.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
    from_str(&value.to_string())
}

/// Encodes `value` as a JSON value.
pub fn to_value<T: Serialize>(value: &T) -> Result<Value, serde_json::Error> {
    serde_json::to_value(value)
}
