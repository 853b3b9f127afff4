//! The body-size limit: a body over it fails typed without being read
//! whole, and a declared length over it fails before reading.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::*;
use httpmock::prelude::*;
use incidentio::{Client, Error, Method, Pacing};
use tokio::io::AsyncWriteExt;

/// A loopback server that answers one request with a chunked body of
/// `total` bytes, written in 64 KiB chunks as fast as the client reads, and
/// reports how many body bytes it managed to write before the client
/// stopped reading.
async fn endless_body_server(total: usize) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let written = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&written);
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 4096];
        let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = vec![b' '; 64 * 1024];
        let framed = [
            format!("{:x}\r\n", chunk.len()).into_bytes(),
            chunk,
            b"\r\n".to_vec(),
        ]
        .concat();
        let mut sent = 0;
        while sent < total {
            if stream.write_all(&framed).await.is_err() {
                return;
            }
            sent += 64 * 1024;
            counter.store(sent, Ordering::SeqCst);
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
    });
    (url, written)
}

#[tokio::test]
async fn a_body_over_the_limit_fails_typed_without_being_read_whole() {
    const LIMIT: usize = 1024 * 1024;
    const TOTAL: usize = 512 * 1024 * 1024;
    let (url, written) = endless_body_server(TOTAL).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(url)
        .pacing(Pacing::disabled())
        .max_body_size(LIMIT)
        .build()
        .unwrap();
    let error = client.severities_v1_list().send().await.unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: LIMIT, .. }),
        "{error}"
    );
    assert!(!error.to_string().contains(KEY));
    // How we know memory stayed bounded: the client stopped reading after
    // the limit, so the server could write no more than the limit plus
    // the socket buffers, far from the 512 MiB body.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = written.load(Ordering::SeqCst);
    assert!(
        sent < 32 * 1024 * 1024,
        "the server wrote {sent} bytes: the client kept reading"
    );
}

#[tokio::test]
async fn a_declared_length_over_the_limit_fails_before_reading() {
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.status(200).body(vec![b' '; 4096]);
        })
        .await;
    let client = builder(&server).max_body_size(1024).build().unwrap();
    let error = client.severities_v1_list().send().await.unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 1024, .. }),
        "{error}"
    );
    let raw = client
        .request(Method::GET, "/v1/severities")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(raw, Error::BodyTooLarge { .. }), "{raw}");
}
