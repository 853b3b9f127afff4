//! The typed handles (`mock.severities_v1_show()`): the example as the
//! operation's own type, typed overrides, errors and sequences, and request
//! bodies decoded into the operation's body type, against the client.
//! That another operation's type is refused is a `compile_fail` doctest on
//! `incidentio::mock::TypedRoute`.

use http::StatusCode;
use incidentio::mock::{ErrorBody, MockApi, MockReply, MockResponse};
use incidentio::types;

/// Generated types do not all implement `PartialEq`; their JSON does.
fn json(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

#[tokio::test]
async fn a_show_serves_its_example_then_a_typed_override() {
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();
    let show = mock.severities_v1_show();
    assert_eq!(show.operation().id, "Severities V1#Show");

    let example: types::SeveritiesShowResultV1 = show.example().unwrap();
    let served = client
        .severities_v1_show()
        .id("01FCNDV6P870EA6S7TK1DSYDG0")
        .send()
        .await
        .unwrap();
    assert_eq!(
        json(&served.into_inner()),
        json(&example),
        "the example is what the mock serves by default"
    );

    let mut changed = example.clone();
    changed.severity.name = "Overridden".parse().unwrap();
    changed.severity.rank = 7;
    show.respond_ok(&changed).unwrap();
    let got = client.severities_v1_show().id("x").send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(json(&got.into_inner()), json(&changed));

    assert_eq!(show.calls(), 2);
    assert_eq!(
        mock.on("severities_v1_show").unwrap().calls(),
        2,
        "the typed and the untyped handle share the route"
    );
    assert_eq!(show.requests()[1].path, "/v1/severities/x");
    assert_eq!(show.last_body().unwrap(), (), "a GET has no body");

    show.reset();
    assert_eq!(show.calls(), 0);
    let again = client.severities_v1_show().id("x").send().await.unwrap();
    assert_eq!(json(&again.into_inner()), json(&example));
}

#[tokio::test]
async fn a_create_decodes_the_bodies_it_was_sent() {
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();
    let create = mock.severities_v1_create();
    let error = create.last_body().unwrap_err();
    assert!(error.to_string().contains("no request"), "{error}");

    for (name, rank) in [("Minor", 1), ("Critical", 3)] {
        client
            .severities_v1_create()
            .body(types::SeveritiesCreatePayloadV1 {
                name: name.parse().unwrap(),
                description: format!("{name} issues"),
                rank: Some(rank),
            })
            .send()
            .await
            .unwrap();
    }

    let last: types::SeveritiesCreatePayloadV1 = create.last_body().unwrap();
    assert_eq!(last.name.as_str(), "Critical");
    assert_eq!(last.description, "Critical issues");
    assert_eq!(last.rank, Some(3));
    let bodies = create.bodies().unwrap();
    assert_eq!(
        bodies
            .iter()
            .map(|b| (b.name.as_str(), b.rank))
            .collect::<Vec<_>>(),
        [("Minor", Some(1)), ("Critical", Some(3))]
    );
    assert_eq!(create.calls(), 2);
}

#[tokio::test]
async fn a_body_of_another_shape_is_a_decode_error_naming_the_field() {
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();
    client
        .request(incidentio::Method::POST, "/v1/severities")
        .json(&serde_json::json!({"name": "Minor", "description": 5}))
        .send()
        .await
        .unwrap();
    let error = mock.severities_v1_create().last_body().unwrap_err();
    assert!(error.to_string().contains("description"), "{error}");
}

#[tokio::test]
async fn an_error_reaches_the_client_as_its_error() {
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();
    mock.severities_v1_show().respond_error(
        StatusCode::NOT_FOUND,
        ErrorBody::not_found().request_id("req-404"),
    );
    let error = client
        .severities_v1_show()
        .id("gone")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error}");
    assert_eq!(error.request_id(), Some("req-404"));
}

#[tokio::test]
async fn a_sequence_is_served_in_order_then_repeats_its_last() {
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();
    let list = mock.severities_v1_list();
    let mut first = list.example().unwrap();
    first.severities[0].name = "First".parse().unwrap();
    let mut second = first.clone();
    second.severities[0].name = "Second".parse().unwrap();
    list.respond_sequence([
        MockReply::Error(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorBody::new("service_unavailable"),
        ),
        MockReply::Ok(first.clone()),
        MockResponse::json(StatusCode::OK, &second).unwrap().into(),
    ])
    .unwrap();

    // The 503 is retried (a GET), so the first call gets the first page.
    let got = client.severities_v1_list().send().await.unwrap();
    assert_eq!(json(&got.into_inner()), json(&first));
    assert_eq!(list.calls(), 2);
    for _ in 0..2 {
        let got = client.severities_v1_list().send().await.unwrap();
        assert_eq!(json(&got.into_inner()), json(&second));
    }
    assert_eq!(list.calls(), 4);
}

#[tokio::test]
async fn an_operation_without_a_body_answers_unit() {
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();
    let delete = mock.severities_v1_delete();
    let () = delete.example().unwrap();
    delete.respond_ok(&()).unwrap();
    client
        .severities_v1_delete()
        .id("sev-1")
        .send()
        .await
        .unwrap();
    let request = delete.requests().pop().unwrap();
    assert_eq!(request.method, "DELETE");
    assert_eq!(delete.last_body().unwrap(), ());

    // Without a JSON example of a body it declares, `example` says so.
    let error = mock.utilities_v1_open_apiv3().example().unwrap_err();
    assert!(error.to_string().contains("no example"), "{error}");
}
