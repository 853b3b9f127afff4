//! The stdio transport: one JSON-RPC message a line on stdin and stdout.
//!
//! rmcp's own stdio transport skips a line it cannot parse without a word
//! (so that garbage cannot start an error storm), which leaves a client
//! that sent a malformed request waiting for an answer that never comes.
//! This one answers every line it cannot use with a JSON-RPC error and
//! goes on serving: `-32700` (parse error) for a line that is not JSON,
//! `-32600` (invalid request) for JSON that is not a message, with the
//! request's `id` when one can be read, so the client's pending request is
//! answered; and a line longer than [`MAX_LINE_BYTES`] is discarded
//! without being held in memory, with an error saying so.
//!
//! Why not rmcp's own (`transport::async_rw`, checked at rmcp 3.11.0, the
//! version pinned in Cargo.toml): it answers JSON of the wrong shape with
//! an Invalid Request, as this does, but ignores a line that is not JSON
//! at all, on purpose (modelcontextprotocol/rust-sdk#938: replying to
//! garbage can start an error storm with a peer that echoes it), and
//! discards an oversized line without a reply. A client that sent a
//! truncated request then waits forever. This transport answers both,
//! once per line, and never echoes the line back. On an rmcp upgrade,
//! check #938 and `async_rw`'s parse-error branch again: if they answer a
//! parse error, use `rmcp::transport::io::stdio()` and delete this file.

use std::io;
use std::sync::Arc;

use futures_util::{Sink, Stream};
use rmcp::RoleServer;
use rmcp::model::{ErrorData, JsonRpcError, RequestId};
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt, BufReader, Stdout};
use tokio::sync::Mutex;

/// The longest line read, in bytes: as rmcp's own default, and far over
/// the bound on a tool's arguments, which the server answers itself with a
/// tool result naming it.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// Stdout, shared by the server's replies and this reader's error replies
/// so that each whole line is written under one lock.
type Writer = Arc<Mutex<Stdout>>;

/// The transport for `serve`: a sink writing the server's messages to
/// stdout and a stream of the messages read from stdin.
pub fn transport() -> (
    impl Sink<TxJsonRpcMessage<RoleServer>, Error = io::Error> + Send + Unpin + 'static,
    impl Stream<Item = RxJsonRpcMessage<RoleServer>> + Send + Unpin + 'static,
) {
    let writer: Writer = Arc::new(Mutex::new(tokio::io::stdout()));
    let sink = Box::pin(futures_util::sink::unfold(
        writer.clone(),
        |writer, message: TxJsonRpcMessage<RoleServer>| async move {
            write_message(&writer, &message).await?;
            Ok::<_, io::Error>(writer)
        },
    ));
    let stream = Box::pin(messages(BufReader::new(tokio::io::stdin()), writer));
    (sink, stream)
}

/// Writes one message as a line and flushes it.
async fn write_message(writer: &Writer, message: &TxJsonRpcMessage<RoleServer>) -> io::Result<()> {
    let mut line = serde_json::to_vec(message).map_err(io::Error::other)?;
    line.push(b'\n');
    let mut out = writer.lock().await;
    out.write_all(&line).await?;
    out.flush().await
}

/// The messages read from `input`; every line that is not one is answered
/// on `writer` and skipped. Ends at the end of the input or a read error.
fn messages<R>(input: R, writer: Writer) -> impl Stream<Item = RxJsonRpcMessage<RoleServer>> + Send
where
    R: AsyncBufRead + Unpin + Send + 'static,
{
    futures_util::stream::unfold((input, writer), |(mut input, writer)| async move {
        loop {
            let line = match read_line(&mut input, MAX_LINE_BYTES).await {
                Ok(Line::Eof) | Err(_) => return None,
                Ok(Line::TooLong) => Err(JsonRpcError::new(
                    None,
                    ErrorData::invalid_request(
                        format!("a message longer than {MAX_LINE_BYTES} bytes was discarded"),
                        None,
                    ),
                )),
                Ok(Line::Text(text)) => decode(&text),
            };
            match line {
                Ok(Some(message)) => return Some((message, (input, writer))),
                Ok(None) => continue,
                Err(reply) => {
                    let reply = TxJsonRpcMessage::<RoleServer>::Error(reply);
                    if write_message(&writer, &reply).await.is_err() {
                        return None;
                    }
                }
            }
        }
    })
}

/// One line: a message, nothing (a blank line), or the error to answer it.
fn decode(text: &[u8]) -> Result<Option<RxJsonRpcMessage<RoleServer>>, JsonRpcError> {
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    match serde_json::from_slice(text) {
        Ok(message) => Ok(Some(message)),
        Err(e) if e.is_syntax() || e.is_eof() => Err(JsonRpcError::new(
            None,
            ErrorData::parse_error(format!("the line is not JSON: {e}"), None),
        )),
        Err(e) => {
            let id = serde_json::from_slice::<Value>(text)
                .ok()
                .and_then(|value| value.get("id").cloned())
                .and_then(|id| serde_json::from_value::<RequestId>(id).ok());
            Err(JsonRpcError::new(
                id,
                ErrorData::invalid_request(
                    format!("the line is not a JSON-RPC 2.0 message MCP knows: {e}"),
                    None,
                ),
            ))
        }
    }
}

/// What [`read_line`] read.
#[derive(Debug, PartialEq)]
enum Line {
    /// A line, without its newline.
    Text(Vec<u8>),
    /// A line over the bound, consumed up to its newline and dropped.
    TooLong,
    /// The end of the input.
    Eof,
}

/// Reads a line of at most `max` bytes; a longer one is consumed and
/// dropped as it arrives, so memory stays bounded by `max`.
async fn read_line<R: AsyncBufRead + Unpin>(input: &mut R, max: usize) -> io::Result<Line> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let available = input.fill_buf().await?;
        if available.is_empty() {
            return Ok(match (too_long, line.is_empty()) {
                (true, _) => Line::TooLong,
                (false, true) => Line::Eof,
                (false, false) => Line::Text(line),
            });
        }
        let (chunk, ends) = match available.iter().position(|&b| b == b'\n') {
            Some(end) => (&available[..end], Some(end + 1)),
            None => (available, None),
        };
        if !too_long {
            if line.len() + chunk.len() > max {
                too_long = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let consumed = ends.unwrap_or(available.len());
        input.consume(consumed);
        if ends.is_some() {
            return Ok(if too_long {
                Line::TooLong
            } else {
                Line::Text(line)
            });
        }
    }
}
