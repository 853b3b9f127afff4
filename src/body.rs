//! Reading and decoding success bodies.
//!
//! A success body is read inside the retry loop (see [`crate::hooks`]), so a
//! body that breaks off mid-read is retried like a connection failure, and
//! it is read with a size limit, so a runaway response fails with
//! [`Error::BodyTooLarge`] instead of growing memory without bound. Decoding
//! then validates UTF-8 once and parses the text, which is cheaper than
//! `serde_json::from_slice` validating every string as it goes.

use bytes::Bytes;
use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::Error;

/// The default limit on a success body: 64 MiB.
///
/// The largest page the spec allows is 10,000 items (catalog entries); at
/// the size of a full incident (about 3.8 KB of JSON each) that is 38 MB, so
/// 64 MiB leaves headroom for the largest legitimate page while still
/// stopping a response that would never end. Change it with
/// [`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size).
pub const DEFAULT_MAX_BODY_SIZE: usize = 64 * 1024 * 1024;

/// Put in the extensions of a success response whose body was over the
/// limit, in place of the body, for [`finish`] to turn into
/// [`Error::BodyTooLarge`]. (The retry loop can only return a response or a
/// `reqwest::Error`; this carries the typed failure through.)
#[derive(Clone, Copy, Debug)]
pub(crate) struct TooLarge {
    pub(crate) limit: usize,
}

/// Reads the whole body of `response`, but no more than `limit` bytes: a
/// declared `Content-Length` over the limit is refused before reading, and
/// a body without one stops being read as soon as it passes the limit (the
/// rest is never received, so memory stays bounded by the limit).
pub(crate) async fn read_limited(
    response: &mut reqwest::Response,
    limit: usize,
) -> reqwest::Result<Result<Bytes, TooLarge>> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Ok(Err(TooLarge { limit }));
    }
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = response.chunk().await? {
        total = total.saturating_add(chunk.len());
        if total > limit {
            return Ok(Err(TooLarge { limit }));
        }
        chunks.push(chunk);
    }
    Ok(Ok(match chunks.len() {
        0 => Bytes::new(),
        // The common case for a body already buffered: no copy.
        1 => chunks.pop().unwrap_or_default(),
        _ => {
            let mut joined = Vec::with_capacity(total);
            for chunk in &chunks {
                joined.extend_from_slice(chunk);
            }
            Bytes::from(joined)
        }
    }))
}

/// Turns a generated `send_raw()` result into the caller's typed response:
/// the error mapping of `Error::from_progenitor`, the body limit, then a
/// decode into `T`. Called by every generated `send()` (with the operation's
/// type) and `send_json()` (with `serde_json::Value`).
#[doc(hidden)]
pub async fn finish<T: DeserializeOwned>(
    operation: &'static str,
    result: Result<reqwest::Response, progenitor_client::Error<()>>,
) -> Result<ResponseValue<T>, Error> {
    let response = match result {
        Ok(response) => response,
        Err(error) => return Err(Error::from_progenitor(operation, error).await),
    };
    let (status, headers, body) = success_parts(operation, response).await?;
    let value = decode::<T>(operation, &body)?;
    Ok(ResponseValue::new(value, status, headers))
}

/// The status, headers and body of a success response the retry loop has
/// read (see [`read_limited`]), or [`Error::BodyTooLarge`] when it stopped
/// at the limit.
pub(crate) async fn success_parts(
    operation: &'static str,
    response: reqwest::Response,
) -> Result<(reqwest::StatusCode, reqwest::header::HeaderMap, Bytes), Error> {
    if let Some(too_large) = response.extensions().get::<TooLarge>() {
        return Err(Error::BodyTooLarge {
            method_name: operation,
            limit: too_large.limit,
        });
    }
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| Error::from_reqwest(operation, e))?;
    Ok((status, headers, body))
}

/// Decodes a body read whole: UTF-8 checked once, then parsed as text. An
/// empty body (a `204`) decodes as JSON `null`, which is `()` for the
/// operations that return nothing and `Value::Null` untyped.
///
/// Every path here parses text (`serde_json`'s `StrRead`), so each response
/// type's `Deserialize` is compiled for that one reader only: a second
/// reader (or a path-tracking wrapper) would double that code in every
/// program that calls the operation. A failure's path comes from the
/// failing position instead.
pub(crate) fn decode<T: DeserializeOwned>(
    operation: &'static str,
    body: &Bytes,
) -> Result<T, Error> {
    decode_with(operation, body, |de| T::deserialize(de))
}

/// [`decode`] with the reading done by `read` (a `DeserializeSeed`, say),
/// on the same text reader, with the same errors; the whole text must be
/// one value.
pub(crate) fn decode_with<T>(
    operation: &'static str,
    body: &Bytes,
    read: impl FnOnce(
        &mut serde_json::Deserializer<serde_json::de::StrRead<'_>>,
    ) -> serde_json::Result<T>,
) -> Result<T, Error> {
    let text = if body.iter().all(u8::is_ascii_whitespace) {
        "null"
    } else {
        match utf8_text(body) {
            Ok(text) => text,
            Err(message) => {
                return Err(Error::Decode {
                    method_name: operation,
                    path: ".".into(),
                    message,
                    body: crate::error::FailedBody::new(body.clone()),
                });
            }
        }
    };
    read_whole(text, read).map_err(|e| crate::error::decode_error(operation, text, body, &e))
}

/// A body's text, or the message saying where it stops being UTF-8: the
/// one check before any JSON is read, for responses and webhook
/// deliveries alike.
pub(crate) fn utf8_text(body: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(body).map_err(|e| {
        format!(
            "the body is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        )
    })
}

/// `read` over `text` with serde_json's text reader, the whole text one
/// value (trailing characters are an error): the one reader every decode
/// uses, so each type's `Deserialize` is compiled for it alone.
pub(crate) fn read_whole<T>(
    text: &str,
    read: impl FnOnce(
        &mut serde_json::Deserializer<serde_json::de::StrRead<'_>>,
    ) -> serde_json::Result<T>,
) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    read(&mut de).and_then(|value| de.end().map(|()| value))
}
