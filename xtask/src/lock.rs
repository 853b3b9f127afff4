//! The provenance file `openapi/incident-io.lock.json`: where the pinned spec
//! came from, the sha256 of its bytes as written, the date of the refresh,
//! and its counts, so a reviewer sees at a glance what a refresh changed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Error;

/// The provenance of the pinned spec. Field order is the file's key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// URL (or path) the spec was fetched from.
    pub source: String,
    /// sha256 (hex) of `openapi/incident-io.json` as written.
    pub sha256: String,
    /// `YYYY-MM-DD` of the refresh.
    pub date: String,
    /// Number of operations.
    pub operations: usize,
    /// Number of component schemas.
    pub schemas: usize,
    /// Number of distinct tags used by operations (service versions).
    pub tags: usize,
    /// Keys a later version of xtask may add; kept, after the known ones.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl Provenance {
    /// Reads the provenance file; `Ok(None)` when there is none yet.
    pub fn read(path: &Path) -> Result<Option<Provenance>, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(Error::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| Error::Lock {
                path: path.to_path_buf(),
                what: e.to_string(),
            })
    }

    /// The file's contents: pretty JSON, keys in field order, trailing newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out =
            serde_json::to_vec_pretty(self).expect("serialising the provenance cannot fail");
        out.push(b'\n');
        out
    }

    /// Whether `self` and `other` describe the same spec (the date aside).
    pub fn same_spec(&self, other: &Provenance) -> bool {
        Provenance {
            date: String::new(),
            ..self.clone()
        } == Provenance {
            date: String::new(),
            ..other.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMITTED: &str = "{\n  \"source\": \"https://api.incident.io/v1/openapiV3.json\",\n  \"sha256\": \"322cf815dc69c4c3e0593db8259a64a9c2f334f011601b4ac4a1e1444ad79ed4\",\n  \"date\": \"2026-08-21\",\n  \"operations\": 218,\n  \"schemas\": 902,\n  \"tags\": 48\n}\n";

    #[test]
    fn round_trips_the_committed_format_byte_for_byte() {
        let lock: Provenance = serde_json::from_str(COMMITTED).unwrap();
        assert_eq!(lock.operations, 218);
        assert_eq!(String::from_utf8(lock.to_bytes()).unwrap(), COMMITTED);
    }

    #[test]
    fn keeps_unknown_keys() {
        let text = COMMITTED.replace("\"tags\": 48", "\"tags\": 48,\n  \"features\": 3");
        let lock: Provenance = serde_json::from_str(&text).unwrap();
        assert_eq!(String::from_utf8(lock.to_bytes()).unwrap(), text);
    }
}
