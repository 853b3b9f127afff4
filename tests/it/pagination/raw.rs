//! Raw page walks (`Client::request(..).pages()`, `.items()`,
//! `.paginate_as::<T>()`) against a loopback server: items named or found,
//! decoded as `Value` or as the caller's type in one pass over the page,
//! and pages that are not pages refused by name.

use crate::common::{client, reply_json};

use futures_util::TryStreamExt;
use httpmock::prelude::*;
use incidentio::{Error, Method};
use serde_json::{Value, json};

/// Two pages of `/v2/things`: items `t1`, `t2`, then `t3`; besides the
/// items, fields a walk must skip (an object, a string, a number).
fn serve_two_pages(server: &MockServer) {
    for (cursor, ids, after) in [
        (None, ["t1", "t2"].as_slice(), Some("c1")),
        (Some("c1"), &["t3"], None),
    ] {
        server.mock(|when, then| {
            let when = when.method(GET).path("/v2/things");
            match cursor {
                None => when.query_param_missing("after"),
                Some(c) => when.query_param("after", c),
            };
            let mut meta = json!({ "page_size": 2, "total_record_count": 3 });
            if let Some(after) = after {
                meta["after"] = json!(after);
            }
            then.status(200).json_body(json!({
                "summary": { "nested": [1, 2, {"deep": [true, null]}] },
                "things": ids.iter().map(|id| json!({ "id": id, "n": 1.5 })).collect::<Vec<_>>(),
                "note": "not the items",
                "pagination_meta": meta,
                "version": 3,
            }));
        });
    }
}

#[derive(Debug, serde::Deserialize)]
struct Thing {
    id: String,
    n: f64,
}

#[tokio::test]
async fn items_named_found_or_typed_are_the_same_items_in_order() {
    let server = MockServer::start_async().await;
    serve_two_pages(&server);
    let client = client(&server);
    let ids = |items: Vec<Value>| -> Vec<String> {
        items
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };

    let named: Vec<Value> = client
        .request(Method::GET, "/v2/things")
        .items("things")
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(named), ["t1", "t2", "t3"]);

    // Not named: the page's one array besides `pagination_meta`.
    let pages: Vec<_> = client
        .request(Method::GET, "/v2/things")
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].after.as_deref(), Some("c1"));
    assert_eq!(pages[0].total_record_count, Some(3));
    assert_eq!(pages[1].after, None);
    assert_eq!(
        ids(pages.into_iter().flat_map(|p| p.items).collect()),
        ["t1", "t2", "t3"]
    );

    for field in [Some("things".to_owned()), None] {
        let typed: Vec<Thing> = client
            .request(Method::GET, "/v2/things")
            .paginate_as::<Thing>(field)
            .items()
            .try_collect()
            .await
            .unwrap();
        let got: Vec<(&str, f64)> = typed.iter().map(|t| (t.id.as_str(), t.n)).collect();
        assert_eq!(got, [("t1", 1.5), ("t2", 1.5), ("t3", 1.5)]);
    }
}

/// One page answering `/v2/odd` with `body`, as text.
fn serve_one(server: &MockServer, body: &str) {
    server.mock(|when, then| {
        when.method(GET).path("/v2/odd");
        reply_json(then, 200, body);
    });
}

async fn first_page(server: &MockServer, field: Option<&str>) -> Result<Vec<Value>, Error> {
    let client = client(server);
    let mut pages = client
        .request(Method::GET, "/v2/odd")
        .paginate(field.map(str::to_owned))
        .pages();
    Ok(pages.try_next().await?.map(|p| p.items).unwrap_or_default())
}

#[tokio::test]
async fn absent_or_null_items_are_an_empty_last_page() {
    for body in [
        r#"{"pagination_meta":{}}"#,
        r#"{"things":null,"pagination_meta":{}}"#,
    ] {
        let server = MockServer::start_async().await;
        serve_one(&server, body);
        assert_eq!(
            first_page(&server, Some("things")).await.unwrap(),
            Vec::<Value>::new(),
            "{body}"
        );
    }
}

#[tokio::test]
async fn pages_that_are_not_pages_are_decode_errors_that_say_why() {
    let cases: [(&str, Option<&str>, &str); 4] = [
        // Two arrays and no name: which one is meant cannot be guessed.
        (
            r#"{"a":[1],"b":[2],"pagination_meta":{}}"#,
            None,
            "name the items field",
        ),
        (r#"{"pagination_meta":{}}"#, None, "name the items field"),
        // The named field is not an array: its items would be lost.
        (
            r#"{"things":{"id":"t1"},"pagination_meta":{}}"#,
            Some("things"),
            "sequence",
        ),
        (r#"[{"id":"t1"}]"#, Some("things"), "a page"),
    ];
    for (body, field, says) in cases {
        let server = MockServer::start_async().await;
        serve_one(&server, body);
        match first_page(&server, field).await {
            Err(Error::Decode {
                message,
                body: failed,
                ..
            }) => {
                assert!(message.contains(says), "{body}: {message}");
                assert_eq!(failed.as_bytes(), body.as_bytes(), "the body is kept");
            }
            other => panic!("{body}: expected a decode error, got {other:?}"),
        }
    }
}
