//! Fixtures shared by the benches: the spec's example incident with
//! distinct ids, pages of it, and a loopback HTTP/1.1 server.
//!
//! The server is a few dozen lines over `std::net` rather than httpmock:
//! httpmock matches every request against its mock list and records it in a
//! history, which costs more than the client path being measured and grows
//! with every request (`round_trip` measures both servers side by side). This
//! one answers from a closure on a thread per connection, with keep-alive
//! and `TCP_NODELAY`, and allocates nothing per request but the header line.

// Each bench binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;

/// The incident object of `IncidentsListResultV2`'s example in the spec.
pub fn example_incident() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/incident-io.json");
    let bytes = std::fs::read(path).expect("read openapi/incident-io.json (the spec)");
    let mut spec: serde_json::Value =
        serde_json::from_slice(&bytes).expect("openapi/incident-io.json is JSON");
    spec.pointer_mut("/components/schemas/IncidentsListResultV2/example/incidents/0")
        .map(serde_json::Value::take)
        .expect("the spec has an example for IncidentsListResultV2 with one incident")
}

/// Width of every generated id: the API's ids are 26-character ULIDs.
const ID_WIDTH: usize = 26;

/// The id of the `n`th incident: `01INC` and 21 digits, so every id has
/// the ULID width and a page's byte length does not depend on where it
/// starts.
pub fn incident_id(n: u64) -> String {
    format!("01INC{n:021}")
}

/// The number in an id made by [`incident_id`].
pub fn parse_incident_id(id: &str) -> Option<u64> {
    id.strip_prefix("01INC")?.parse().ok()
}

/// The example incident serialised compactly, split around its `id` so a
/// page of distinct incidents can be written without building any `Value`.
#[derive(Clone)]
pub struct Template {
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl Template {
    /// From the spec's example incident.
    pub fn from_spec() -> Self {
        const MARK: &str = "@@@@@@@@@@@@@@@@@@@@@@@@@@";
        let mut incident = example_incident();
        incident["id"] = serde_json::Value::from(MARK);
        let text = serde_json::to_string(&incident).expect("serialise the example incident");
        let mut parts = text.split(MARK);
        let (Some(head), Some(tail), None) = (parts.next(), parts.next(), parts.next()) else {
            panic!("the id placeholder must occur exactly once in the example incident");
        };
        Template {
            head: head.as_bytes().to_vec(),
            tail: tail.as_bytes().to_vec(),
        }
    }

    /// Bytes of one incident.
    pub fn item_len(&self) -> usize {
        self.head.len() + ID_WIDTH + self.tail.len()
    }

    /// Writes incidents `start..start + count` as an `IncidentsListResultV2`
    /// body; `after` is the next page's cursor (absent on the last page).
    pub fn write_page<W: Write + ?Sized>(
        &self,
        out: &mut W,
        start: u64,
        count: u64,
        after: Option<&str>,
        total: u64,
    ) -> io::Result<()> {
        out.write_all(b"{\"incidents\":[")?;
        for n in start..start + count {
            if n != start {
                out.write_all(b",")?;
            }
            out.write_all(&self.head)?;
            write!(out, "01INC{n:021}")?;
            out.write_all(&self.tail)?;
        }
        out.write_all(b"],\"pagination_meta\":{")?;
        if let Some(after) = after {
            write!(out, "\"after\":\"{after}\",")?;
        }
        write!(
            out,
            "\"page_size\":{count},\"total_record_count\":{total}}}}}"
        )
    }

    /// The page [`Template::write_page`] writes, in memory.
    pub fn page(&self, start: u64, count: u64, after: Option<&str>, total: u64) -> Vec<u8> {
        let mut body = Vec::with_capacity(self.item_len() * count as usize + 128);
        self.write_page(&mut body, start, count, after, total)
            .expect("writing to a Vec cannot fail");
        body
    }
}

/// Answers one request: gets the request target (path and query) and writes
/// a whole HTTP/1.1 response.
pub type Handler = dyn Fn(&str, &mut dyn Write) -> io::Result<()> + Send + Sync;

/// A loopback HTTP/1.1 server; runs until the process exits.
pub struct Server {
    addr: SocketAddr,
}

impl Server {
    /// Binds 127.0.0.1 on a free port and serves every connection on a
    /// thread of its own.
    pub fn start(handler: Arc<Handler>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener
            .local_addr()
            .expect("local address of the listener");
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let handler = Arc::clone(&handler);
                std::thread::spawn(move || {
                    // A client closing its connection ends the thread; there
                    // is no one to tell about it.
                    let _ = serve(stream, &*handler);
                });
            }
        });
        Server { addr }
    }

    /// `http://127.0.0.1:<port>`, the base URL for the client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Serves the requests of one keep-alive connection. Only bodiless requests
/// (GET) are understood, which is all the benches send.
fn serve(stream: TcpStream, handler: &Handler) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = BufWriter::with_capacity(64 * 1024, stream);
    let mut line = String::new();
    let mut target = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        // "GET /v2/incidents?page_size=250 HTTP/1.1"
        target.clear();
        target.push_str(line.split(' ').nth(1).unwrap_or("/"));
        // Skip the headers up to the blank line.
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            if line == "\r\n" || line == "\n" {
                break;
            }
        }
        handler(&target, &mut writer)?;
        writer.flush()?;
    }
}

/// Writes a `200 OK` JSON response header for a body of `len` bytes.
pub fn write_ok_header(out: &mut dyn Write, len: usize) -> io::Result<()> {
    write!(
        out,
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len}\r\n\r\n"
    )
}

/// A server that answers every request with the same body.
pub fn fixed_body_server(body: Vec<u8>) -> Server {
    let mut response = Vec::new();
    write_ok_header(&mut response, body.len()).expect("writing to a Vec cannot fail");
    response.extend_from_slice(&body);
    Server::start(Arc::new(move |_: &str, out: &mut dyn Write| {
        out.write_all(&response)
    }))
}

/// A server for `GET /v2/incidents` that serves `total` incidents with ids
/// `0..total` in pages, honouring `page_size` and the `after` cursor (the
/// last id of the previous page). Pages are written straight to the socket
/// from the template, so the server holds no page in memory whatever
/// `total` is.
pub fn incidents_server(template: Template, total: u64) -> Server {
    Server::start(Arc::new(move |target: &str, out: &mut dyn Write| {
        let query = target.split_once('?').map_or("", |(_, q)| q);
        let mut page_size = 25;
        let mut start = 0;
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("page_size", n)) => page_size = n.parse().unwrap_or(page_size),
                Some(("after", id)) => start = parse_incident_id(id).map_or(total, |n| n + 1),
                _ => {}
            }
        }
        let start = start.min(total);
        let count = page_size.min(total - start);
        let last = start + count == total;
        let after = (!last && count > 0).then(|| incident_id(start + count - 1));
        let mut len = CountingWriter(0);
        template.write_page(&mut len, start, count, after.as_deref(), total)?;
        write_ok_header(out, len.0)?;
        template.write_page(out, start, count, after.as_deref(), total)
    }))
}

/// Counts the bytes written to it (to compute a page's `content-length`
/// without building the page).
struct CountingWriter(usize);

impl Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The client in its default configuration except pacing: the default
/// bucket (1200 requests, 20 per second) would make a bench that sends
/// thousands of requests wait for the bucket instead of measuring the
/// client. A bucket too large ever to empty keeps pacing's bookkeeping on
/// the path (lock, refill, header observation) without its waits. Retries,
/// timeouts, auth and tracing spans are as by default.
pub fn default_client(base_url: &str) -> incidentio::Client {
    incidentio::Client::builder()
        .api_key("bench-key")
        .base_url(base_url)
        .pacing(incidentio::Pacing::new(u32::MAX, 1e12))
        .build()
        .expect("build the client")
}

/// A reqwest client built as the crate builds its own (same TLS setup and
/// connect timeout), for the bare baselines.
pub fn bare_http_client() -> reqwest::Client {
    incidentio::http_client_builder()
        .expect("http client builder")
        .build()
        .expect("build the reqwest client")
}

/// A single-threaded tokio runtime: client and bench on one thread, the
/// loopback server on its own threads.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build the tokio runtime")
}
