//! A page walk over the mock ends after the example page: for a list that
//! takes `after`, and for schedule entries, which take their cursor back
//! in `entry_window_start`. A filter that happens to carry the cursor's
//! value is not mistaken for it.

use incidentio::mock::MockApi;

#[tokio::test]
async fn schedule_entries_end_when_their_cursor_comes_back() {
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();
    let first = client
        .schedules_v2_list_schedule_entries()
        .schedule_id("01G0J1EXE7AXZ2C93K61WBPYEH")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(!first.schedule_entries.final_.is_empty());
    let cursor = first.pagination_meta.expect("the example's cursor").after;

    let last = client
        .schedules_v2_list_schedule_entries()
        .schedule_id("01G0J1EXE7AXZ2C93K61WBPYEH")
        .entry_window_start(cursor.as_str())
        .send()
        .await
        .unwrap()
        .into_inner();
    let entries = &last.schedule_entries;
    assert!(
        entries.final_.is_empty() && entries.overrides.is_empty() && entries.scheduled.is_empty()
    );
    assert!(last.pagination_meta.is_none(), "no cursor: the walk ends");
}

#[tokio::test]
async fn a_filter_carrying_the_cursors_value_still_gets_the_first_page() {
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();
    let example = client
        .alert_notes_v1_list()
        .alert_id("01FCNDV6P870EA6S7TK1DSYDG0")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(!example.alert_notes.is_empty());
    let cursor = example
        .pagination_meta
        .after
        .clone()
        .expect("the example's cursor");
    // The same value as an ID filter (the spec's examples share it).
    let filtered = client
        .alert_notes_v1_list()
        .alert_id(cursor.as_str())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(filtered.alert_notes.len(), example.alert_notes.len());
    // As `after`, the last page.
    let later = client
        .alert_notes_v1_list()
        .alert_id(cursor.as_str())
        .after(cursor.as_str())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(later.alert_notes.is_empty());
}
