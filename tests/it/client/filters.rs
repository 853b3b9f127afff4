//! Operator filters reach the API encoded deepObject-style, exactly.

use httpmock::prelude::*;
use incidentio::filter::Filter;

fn client(server: &MockServer) -> incidentio::Client {
    incidentio::Client::builder()
        .api_key("test-key")
        .base_url(server.base_url())
        .build()
        .expect("client")
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

fn empty_incident_list() -> serde_json::Value {
    serde_json::json!({ "incidents": [], "pagination_meta": { "page_size": 25 } })
}

/// `status` and `custom_field` filters send repeated `name[op]` and
/// `name[id][op]` pairs, and nothing else.
#[tokio::test]
async fn status_and_custom_field_filters_are_sent_as_deep_objects() {
    let server = MockServer::start_async().await;
    let expected: Vec<(String, String)> = [
        ("page_size", "25"),
        ("status[one_of]", "01GBSQF3FHF7FWZQNWGHAVQ804"),
        ("status[one_of]", "01GBSQF3FHF7FWZQNWGHAVQ805"),
        ("custom_field[01GBSQF3FHF7FWZQNWGHAVQ806][one_of]", "X"),
        ("custom_field[01GBSQF3FHF7FWZQNWGHAVQ806][not_in]", "Y"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // Parameters come in the generator's order; compare as multisets.
    let expected = sorted(expected);
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/incidents")
                .is_true(move |req| sorted(req.query_params()) == expected);
            then.status(200).json_body(empty_incident_list());
        })
        .await;

    let field = "01GBSQF3FHF7FWZQNWGHAVQ806";
    client(&server)
        .incidents_v2_list()
        .page_size(25)
        .status(Filter::one_of([
            "01GBSQF3FHF7FWZQNWGHAVQ804",
            "01GBSQF3FHF7FWZQNWGHAVQ805",
        ]))
        .custom_field(
            Filter::keyed(field, Filter::one_of(["X"]))
                .and(Filter::keyed(field, Filter::not_in(["Y"]))),
        )
        .send()
        .await
        .expect("the filtered list call succeeds");
    mock.assert_calls_async(1).await;
}

/// An unset filter sends no parameter at all.
#[tokio::test]
async fn unset_filters_send_nothing() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/incidents")
                .is_true(|req| req.query_params().is_empty());
            then.status(200).json_body(empty_incident_list());
        })
        .await;
    client(&server)
        .incidents_v2_list()
        .send()
        .await
        .expect("the list call succeeds");
    mock.assert_calls_async(1).await;
}

/// Date operators encode as the API documents them.
#[test]
fn date_operators_encode_their_values() {
    let pairs: Vec<(String, String)> = Filter::gte("2024-01-01")
        .and(Filter::lte("2024-02-01"))
        .and(Filter::date_range("2024-01-01", "2024-02-01"))
        .query_pairs("created_at")
        .map(|(k, v)| (k, v.to_owned()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("created_at[gte]".to_owned(), "2024-01-01".to_owned()),
            ("created_at[lte]".to_owned(), "2024-02-01".to_owned()),
            (
                "created_at[date_range]".to_owned(),
                "2024-01-01~2024-02-01".to_owned()
            ),
        ]
    );
}

/// Each filter parameter's builder method is documented with the spec's
/// description, which lists the operators it accepts.
#[test]
fn filter_parameters_document_their_operators() {
    let source = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/incidentio.rs"))
        .expect("generated source");
    let text = std::fs::read_to_string(env!("INCIDENTIO_SPEC_PATH")).expect("spec");
    let spec: serde_json::Value = serde_json::from_str(&text).expect("spec JSON");
    let mut checked = 0;
    for item in spec["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("path item").values() {
            for param in op["parameters"].as_array().into_iter().flatten() {
                if param["in"] != "query" || param["schema"]["type"] != "object" {
                    continue;
                }
                let name = param["name"].as_str().expect("name");
                let description = param["description"].as_str().expect("description");
                let first_line = description.lines().next().expect("a line");
                let setter = format!(
                    "pub fn {name}<V>(mut self, value: V) -> Self\n        where\n            V: std::convert::TryInto<::incidentio::filter::Filter>,"
                );
                let documented = source.match_indices(&setter).any(|(at, _)| {
                    let start = at.saturating_sub(description.len() + 200);
                    source[start..at].contains(first_line)
                });
                assert!(
                    documented,
                    "{name}: setter not documented with {first_line:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no filter parameters in the spec");
}
