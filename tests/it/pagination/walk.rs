//! Pagination streams against a loopback server: order, cursors, the end
//! conditions, errors, filters on every page, prefetch and page size.

use crate::common::spec;

use futures_util::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use incidentio::filter::Filter;
use serde_json::{Value, json};

fn client(server: &MockServer) -> incidentio::Client {
    incidentio::Client::builder()
        .api_key("test-key")
        .base_url(server.base_url())
        .build()
        .expect("client")
}

/// The spec's example incident with the given id.
fn incident(id: &str) -> Value {
    let spec = spec::load();
    let mut incident =
        spec["components"]["schemas"]["IncidentsListResultV2"]["example"]["incidents"][0].clone();
    incident["id"] = json!(id);
    incident
}

fn page(ids: &[&str], after: Option<&str>) -> Value {
    let mut meta = json!({ "page_size": 500 });
    if let Some(after) = after {
        meta["after"] = json!(after);
    }
    json!({
        "incidents": ids.iter().map(|id| incident(id)).collect::<Vec<_>>(),
        "pagination_meta": meta,
    })
}

/// Answers `GET /v2/incidents` with `after=<cursor>` (or without `after` for
/// `None`) with `status` and `body`.
async fn serve<'s>(
    server: &'s MockServer,
    cursor: Option<&str>,
    status: u16,
    body: Value,
) -> httpmock::Mock<'s> {
    server
        .mock_async(|when, then| {
            let when = when.method(GET).path("/v2/incidents");
            match cursor {
                None => when.query_param_missing("after"),
                Some(cursor) => when.query_param("after", cursor),
            };
            then.status(status).json_body(body);
        })
        .await
}

/// Serves `pages` in order: page 0 to a request without `after`, page n to
/// `after=c{n}`; each page but the last points at the next.
async fn serve_pages<'s>(server: &'s MockServer, pages: &[&[&str]]) -> Vec<httpmock::Mock<'s>> {
    let mut mocks = Vec::new();
    for (n, ids) in pages.iter().enumerate() {
        let after = (n + 1 < pages.len()).then(|| format!("c{}", n + 1));
        let cursor = (n > 0).then(|| format!("c{n}"));
        mocks.push(serve(server, cursor.as_deref(), 200, page(ids, after.as_deref())).await);
    }
    mocks
}

/// Every incident of an unfiltered walk with `stream()`, failing the test on
/// an error.
async fn every_incident(client: &incidentio::Client) -> Vec<incidentio::types::IncidentV2> {
    client
        .incidents_v2_list()
        .stream()
        .try_collect()
        .await
        .expect("walk")
}

fn ids(incidents: &[incidentio::types::IncidentV2]) -> Vec<&str> {
    incidents.iter().map(|i| i.id.as_str()).collect()
}

#[tokio::test]
async fn a_three_page_walk_yields_every_item_once_in_order() {
    let server = MockServer::start_async().await;
    let mocks = serve_pages(&server, &[&["a", "b"], &["c", "d"], &["e"]]).await;
    let client = client(&server);
    let items = every_incident(&client).await;
    assert_eq!(ids(&items), ["a", "b", "c", "d", "e"]);
    for mock in mocks {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn pages_carry_their_cursor() {
    let server = MockServer::start_async().await;
    serve_pages(&server, &[&["a"], &["b"]]).await;
    let client = client(&server);
    let pages: Vec<_> = client
        .incidents_v2_list()
        .pages()
        .try_collect()
        .await
        .expect("walk");
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].after.as_deref(), Some("c1"));
    assert_eq!(pages[1].after, None);
    assert_eq!(ids(&pages[1].items), ["b"]);
}

#[tokio::test]
async fn an_empty_first_page_yields_nothing() {
    let server = MockServer::start_async().await;
    // An empty page ends the walk even if it carries a cursor.
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/incidents");
            then.status(200).json_body(page(&[], Some("c1")));
        })
        .await;
    let client = client(&server);
    let items = every_incident(&client).await;
    assert!(items.is_empty());
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream_with_an_error() {
    let server = MockServer::start_async().await;
    serve(&server, None, 200, page(&["a"], Some("c1"))).await;
    let looping = serve(&server, Some("c1"), 200, page(&["b"], Some("c1"))).await;
    let client = client(&server);
    let results: Vec<_> = client.incidents_v2_list().stream().collect().await;
    assert_eq!(results.len(), 3, "two items, then the error, then the end");
    assert_eq!(results[0].as_ref().expect("first").id, "a");
    assert_eq!(results[1].as_ref().expect("second").id, "b");
    match &results[2] {
        Err(incidentio::Error::RepeatedCursor {
            cursor,
            method_name,
        }) => {
            assert_eq!(cursor, "c1");
            assert_eq!(*method_name, "incidents_v2_list");
        }
        other => panic!("expected a repeated-cursor error, got {other:?}"),
    }
    looping.assert_calls_async(1).await;
}

#[tokio::test]
async fn an_error_mid_walk_is_yielded_once_and_ends_the_stream() {
    let server = MockServer::start_async().await;
    serve(&server, None, 200, page(&["a"], Some("c1"))).await;
    let envelope = json!({
        "type": "validation_error",
        "status": 422,
        "request_id": "r-1",
        "errors": [{"code": "invalid", "message": "bad cursor"}]
    });
    let failing = serve(&server, Some("c1"), 422, envelope).await;
    let client = client(&server);
    let results: Vec<_> = client.incidents_v2_list().stream().collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    let error = results[1].as_ref().expect_err("second is the error");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    failing.assert_calls_async(1).await;
}

#[tokio::test]
async fn filters_and_sort_stay_on_every_page() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for (n, (ids, after)) in [(&["a"][..], Some("c1")), (&["b"][..], None)]
        .into_iter()
        .enumerate()
    {
        let body = page(ids, after);
        mocks.push(
            server
                .mock_async(|when, then| {
                    let when = when
                        .method(GET)
                        .path("/v2/incidents")
                        .query_param("status[one_of]", "01GBSQF3FHF7FWZQNWGHAVQ804")
                        .query_param("sort_by", "created_at_newest_first")
                        .query_param("page_size", "7");
                    if n == 0 {
                        when.query_param_missing("after");
                    } else {
                        when.query_param("after", "c1");
                    }
                    then.status(200).json_body(body);
                })
                .await,
        );
    }
    let client = client(&server);
    let items: Vec<_> = client
        .incidents_v2_list()
        .status(Filter::one_of(["01GBSQF3FHF7FWZQNWGHAVQ804"]))
        .sort_by(incidentio::types::IncidentsV2ListSortBy::CreatedAtNewestFirst)
        .page_size(7)
        .stream()
        .try_collect()
        .await
        .expect("walk");
    assert_eq!(ids(&items), ["a", "b"]);
    for mock in mocks {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn the_page_size_defaults_to_the_spec_maximum() {
    let spec = spec::load();
    let maximum = spec::operations(&spec)
        .iter()
        .find(|op| op.id == "Incidents V2#List")
        .and_then(|op| {
            op.op["parameters"]
                .as_array()?
                .iter()
                .find(|p| p["name"] == "page_size")?["schema"]["maximum"]
                .as_u64()
        })
        .expect("the spec gives page_size a maximum");
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/incidents")
                .query_param("page_size", maximum.to_string());
            then.status(200).json_body(page(&["a"], None));
        })
        .await;
    let client = client(&server);
    let items = every_incident(&client).await;
    assert_eq!(items.len(), 1);
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn prefetch_yields_the_same_items_in_the_same_order() {
    let server = MockServer::start_async().await;
    let pages: &[&[&str]] = &[&["a", "b", "c"], &["d", "e"], &["f"], &["g", "h"]];
    let mocks = serve_pages(&server, pages).await;
    let client = client(&server);
    let plain = every_incident(&client).await;
    let prefetched: Vec<_> = client
        .incidents_v2_list()
        .paginate()
        .prefetch(true)
        .items()
        .then(|item| async move {
            // Work per item, during which the next page is on its way.
            tokio::task::yield_now().await;
            item
        })
        .try_collect()
        .await
        .expect("walk");
    assert_eq!(ids(&plain), ["a", "b", "c", "d", "e", "f", "g", "h"]);
    assert_eq!(ids(&plain), ids(&prefetched));
    for mock in mocks {
        mock.assert_calls_async(2).await;
    }
}
