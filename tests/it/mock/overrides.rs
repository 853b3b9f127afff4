//! A test can override any operation's response (a typed value, an error
//! envelope, a sequence) and count its calls; added routes take their place
//! by specificity; what was sent is recorded.

use http::StatusCode;
use incidentio::RetryPolicy;
use incidentio::mock::{ErrorBody, MockApi, MockResponse};
use incidentio::types;

/// Generated types do not all implement `PartialEq`; their JSON does.
fn json(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

#[tokio::test]
async fn a_typed_override_replaces_the_example_and_calls_are_counted() {
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();
    let list = mock.on("severities_v1_list").unwrap();
    assert_eq!(list.calls(), 0);

    let example = client
        .severities_v1_list()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(
        !example.severities.is_empty(),
        "the spec example has severities"
    );

    let mut changed = example.clone();
    changed.severities.truncate(1);
    changed.severities[0].name = "Overridden".parse().unwrap();
    list.respond_json(&changed).unwrap();
    let got = client.severities_v1_list().send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(json(&got.into_inner()), json(&changed));
    assert_eq!(list.calls(), 2);

    // Other operations are untouched and counted apart.
    client.incidents_v2_list().send().await.unwrap();
    assert_eq!(list.calls(), 2);
    assert_eq!(mock.on("Incidents V2#List").unwrap().calls(), 1);

    list.reset();
    assert_eq!(list.calls(), 0);
    let again = client
        .severities_v1_list()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(json(&again), json(&example));
}

#[tokio::test]
async fn an_error_override_decodes_into_the_clients_error() {
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();
    let show = mock.on("incidents_v2_show").unwrap();
    show.respond_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorBody::validation("severity_id", "is_required", "A severity is required")
            .request_id("req-123"),
    );
    let error = client
        .incidents_v2_show()
        .id("01H0000000000000000000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
    assert!(error.is_validation());
    assert_eq!(error.request_id(), Some("req-123"));
    assert_eq!(
        error.field_errors()["severity_id"],
        vec!["A severity is required".to_owned()]
    );
    assert_eq!(error.method_name(), Some("incidents_v2_show"));
    assert_eq!(show.calls(), 1, "a 422 is not retried");

    show.respond_error(StatusCode::NOT_FOUND, ErrorBody::not_found());
    let error = client.incidents_v2_show().id("x").send().await.unwrap_err();
    assert!(error.is_not_found());
    assert!(
        error.request_id().is_some_and(|id| id.len() == 36),
        "{error}"
    );
}

#[tokio::test]
async fn a_sequence_proves_a_retry_happened() {
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();
    let list = mock.on("incidents_v2_list").unwrap();
    let limited = MockResponse::error(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorBody::too_many_requests(1200, "2025-04-17T11:17:18Z"),
    )
    .header("retry-after", "0")
    .unwrap();
    let empty = types::IncidentsListResultV2 {
        incidents: vec![],
        pagination_meta: None,
    };
    list.respond_sequence([
        limited.clone(),
        MockResponse::json(StatusCode::OK, &empty).unwrap(),
    ]);
    let page = client.incidents_v2_list().send().await.unwrap();
    assert!(page.incidents.is_empty());
    assert_eq!(list.calls(), 2, "one 429, one retry");

    // Without retries the 429 reaches the caller, with the envelope.
    let no_retry = mock
        .client_builder()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    list.respond(limited);
    let error = no_retry.incidents_v2_list().send().await.unwrap_err();
    assert!(error.is_rate_limited());
    let envelope = error.api_error().unwrap().envelope.as_ref().unwrap();
    assert_eq!(envelope.rate_limit.as_ref().unwrap().limit, Some(1200));
    assert_eq!(list.calls(), 3);
}

#[tokio::test]
async fn what_was_sent_is_recorded_without_the_key() {
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();
    client
        .incidents_v2_create()
        .body_map(|b| {
            b.idempotency_key("deploy-4711")
                .name(Some("Checkout is down".to_owned()))
                .visibility(types::IncidentsCreatePayloadV2Visibility::Public)
        })
        .send()
        .await
        .unwrap();
    client
        .incidents_v2_list()
        .page_size(5)
        .status_category(incidentio::filter::Filter::one_of(["active"]))
        .send()
        .await
        .unwrap();

    let create = mock
        .on("incidents_v2_create")
        .unwrap()
        .last_request()
        .unwrap();
    assert_eq!(create.method, "POST");
    assert_eq!(create.path, "/v2/incidents");
    let body = create.json().unwrap();
    assert_eq!(body["idempotency_key"], "deploy-4711");
    assert_eq!(body["name"], "Checkout is down");
    assert_eq!(create.header("authorization"), None, "the key is not kept");
    assert!(!format!("{create:?}").contains("mock-api-key"));

    let list = mock
        .on("incidents_v2_list")
        .unwrap()
        .last_request()
        .unwrap();
    assert_eq!(list.query_param("page_size").as_deref(), Some("5"));
    assert_eq!(
        list.query_param("status_category[one_of]").as_deref(),
        Some("active")
    );
}

#[tokio::test]
async fn literal_routes_win_over_templates_whatever_the_order_added() {
    let mock = MockApi::start().await;
    let http = incidentio::http_client_builder().unwrap().build().unwrap();
    let get = |path: &str| {
        let url = format!("{}{path}", mock.base_url());
        let request = http.get(url).bearer_auth("k");
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };

    // Added after the spec's `/v2/incidents/{id}`, yet more specific.
    let special = mock.route("GET", "/v2/incidents/special").unwrap();
    special.respond(MockResponse::raw(StatusCode::OK, "special"));
    // A template more general than the spec's literal `/v2/incidents`
    // next to it must not shadow anything.
    let general = mock.route("get", "/v2/{anything}/{id}").unwrap();
    general.respond(MockResponse::raw(StatusCode::OK, "general"));

    assert_eq!(get("/v2/incidents/special").await, (200, "special".into()));
    let (status, body) = get("/v2/incidents/01H").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("\"incident\""),
        "the operation answered: {body}"
    );
    assert_eq!(get("/v2/nothing_here/01H").await, (200, "general".into()));
    assert_eq!(special.calls(), 1);
    assert_eq!(general.calls(), 1);
    assert_eq!(mock.on("incidents_v2_show").unwrap().calls(), 1);
    assert!(special.operation().is_none());
    assert_eq!(special.describe(), "GET /v2/incidents/special");

    // Asking again for an existing route gives the same route.
    let show = mock.route("GET", "/v2/incidents/{id}").unwrap();
    assert_eq!(show.operation().unwrap().method_name, "incidents_v2_show");
}

#[tokio::test]
async fn bad_names_and_templates_are_errors_not_panics() {
    let mock = MockApi::start().await;
    for name in ["", "incidents_v2_lists", "Incidents V2#Nope"] {
        let error = mock.on(name).unwrap_err();
        assert!(
            matches!(error, incidentio::Error::InvalidArgument(_)),
            "{name}"
        );
    }
    assert!(mock.route("GET", "no-slash").is_err());
    assert!(mock.route("GET", "/a?b=c").is_err());
    assert!(mock.route("BAD METHOD", "/a").is_err());
    assert!(
        MockResponse::raw(StatusCode::OK, "")
            .header("bad name", "v")
            .is_err()
    );
    assert!(
        MockResponse::raw(StatusCode::OK, "")
            .header("x", "bad\nvalue")
            .is_err()
    );
}

#[test]
fn the_blocking_start_serves_too() {
    let mock = MockApi::start_blocking();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = mock.client().unwrap();
    let severities = runtime
        .block_on(client.severities_v1_list().send())
        .unwrap();
    assert!(!severities.severities.is_empty());
    assert!(mock.base_url().starts_with("http://127.0.0.1:"));
}
