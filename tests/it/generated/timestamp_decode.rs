//! Timestamp fields (`DateTime<Utc>`, required or optional) are read by the
//! crate's own RFC 3339 reader for the API's one form, and by chrono for
//! anything else: the values and the errors must be chrono's, as they were
//! with the derive. The oracle is chrono's own `Deserialize` on the same
//! text.

use crate::common::fuzz::fuzz;

use chrono::{DateTime, Utc};
use incidentio::types::{IncidentTimestampValueV2, SeverityV2};
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::json;

/// chrono's `Deserialize`, as serde's derive calls it.
#[derive(Deserialize)]
struct Oracle {
    created_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct OptionalOracle {
    value: Option<DateTime<Utc>>,
}

/// A severity whose required `created_at` is `value`.
fn severity(value: &serde_json::Value) -> String {
    json!({
        "created_at": value,
        "description": "Issues with **low impact**.",
        "id": "01FCNDV6P870EA6S7TK1DSYDG0",
        "name": "Minor",
        "rank": 1,
        "updated_at": "2021-08-17T13:28:57.801578Z"
    })
    .to_string()
}

/// The crate's result and chrono's for `value` in a required and in an
/// optional timestamp field: each pair must be equal, errors included.
fn both(value: &serde_json::Value) -> [(Result<String, String>, Result<String, String>); 2] {
    let show = |t: DateTime<Utc>| format!("{t:?}");
    let text = severity(value);
    let required = (
        serde_json::from_str::<SeverityV2>(&text)
            .map(|s| show(s.created_at))
            .map_err(|e| e.to_string()),
        serde_json::from_str::<Oracle>(&text)
            .map(|s| show(s.created_at))
            .map_err(|e| e.to_string()),
    );
    let text = json!({ "value": value }).to_string();
    let optional = (
        serde_json::from_str::<IncidentTimestampValueV2>(&text)
            .map(|s| format!("{:?}", s.value.map(show)))
            .map_err(|e| e.to_string()),
        serde_json::from_str::<OptionalOracle>(&text)
            .map(|s| format!("{:?}", s.value.map(show)))
            .map_err(|e| e.to_string()),
    );
    [required, optional]
}

#[test]
fn the_api_form_and_its_neighbours_read_as_chrono_reads_them() {
    let cases = [
        // The API's form, and the variations RFC 3339 allows.
        "2021-08-17T13:28:57.801578Z",
        "2021-08-17T13:28:57Z",
        "2021-08-17T13:28:57.8Z",
        "2021-08-17T13:28:57.123456789Z",
        "2021-08-17T13:28:57.801578+05:30",
        "2021-08-17T01:28:57-08:00",
        "2021-08-17T13:28:57-00:00",
        "2024-02-29T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
        // What chrono takes that the crate's reader leaves to it.
        "2021-08-17t13:28:57z",
        "2021-08-17 13:28:57Z",
        "2016-12-31T23:59:60Z",
        "2021-08-17T13:28:57.1234567891Z",
        "2021-08-17T13:28:57+0530",
        "2021-08-17T13:28:57.801578+23:59",
        // Errors, in chrono's words.
        "2021-02-29T00:00:00Z",
        "2021-13-01T00:00:00Z",
        "2021-08-17T24:00:00Z",
        "2021-08-17T13:60:00Z",
        "2021-08-17T13:28:57",
        "2021-08-17T13:28:57.Z",
        "2021-08-17T13:28:57+24:00",
        "2021-08-17T13:28:57+05:60",
        "2021-08-17T13:28:57ZZ",
        "2021-08-17",
        "",
        "not a timestamp",
    ];
    for case in cases {
        for (ours, chrono) in both(&json!(case)) {
            assert_eq!(ours, chrono, "{case:?}");
        }
    }
    for wrong in [json!(5), json!(true), json!([]), json!({})] {
        for (ours, chrono) in both(&wrong) {
            assert!(ours.is_err(), "{wrong}");
            assert_eq!(ours, chrono, "{wrong}");
        }
    }
    // `null`: an error where required, `None` where optional.
    let [required, optional] = both(&json!(null));
    assert!(required.0.is_err());
    assert_eq!(required.0, required.1);
    assert_eq!(optional.0, Ok("None".to_owned()));
    assert_eq!(optional.0, optional.1);
}

/// Timestamps of the API's form, with a few bytes replaced, inserted or
/// removed.
fn mutated_timestamp() -> impl Strategy<Value = String> {
    let start = prop::sample::select(vec![
        "2021-08-17T13:28:57.801578Z",
        "2021-08-17T13:28:57.801578+05:30",
        "2020-02-29T23:59:59.123456789-08:00",
    ]);
    let byte = prop::sample::select(b"0123456789-:T.Z+ tz\x7f".to_vec());
    let edit = (any::<prop::sample::Index>(), 0..3u8, byte);
    (start, prop::collection::vec(edit, 0..4)).prop_map(|(start, edits)| {
        let mut text = start.as_bytes().to_vec();
        for (at, kind, byte) in edits {
            let i = at.index(text.len() + 1);
            match kind {
                0 if i < text.len() => text[i] = byte,
                1 if i < text.len() => {
                    text.remove(i);
                }
                _ => text.insert(i, byte),
            }
        }
        String::from_utf8(text).expect("ASCII edits of ASCII")
    })
}

#[test]
fn mutated_timestamps_read_as_chrono_reads_them() {
    fuzz("timestamps", 2000, mutated_timestamp(), |text| {
        for (ours, chrono) in both(&json!(text)) {
            prop_assert_eq!(ours, chrono, "{:?}", text);
        }
        Ok(())
    });
}
