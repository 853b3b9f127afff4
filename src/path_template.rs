//! Path templates of the spec (`/v2/incidents/{id}`) matched against
//! concrete request paths: the mock routes requests by them, and a raw
//! request finds the operation it calls by them.

/// A parsed path template: `{param}` segments match any one non-empty
/// segment, the others only themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param,
}

impl Template {
    /// Parses `/v2/incidents/{id}`; a segment holding a `{` anywhere is a
    /// parameter.
    pub(crate) fn parse(template: &str) -> Template {
        let segments = split(template)
            .map(|s| {
                if s.contains('{') {
                    Segment::Param
                } else {
                    Segment::Literal(s.to_owned())
                }
            })
            .collect();
        Template { segments }
    }

    /// Whether a request path (without its query) matches.
    pub(crate) fn matches(&self, path: &str) -> bool {
        let mut parts = split(path);
        for segment in &self.segments {
            match (segment, parts.next()) {
                (Segment::Literal(want), Some(got)) if want == got => {}
                (Segment::Param, Some(got)) if !got.is_empty() => {}
                _ => return false,
            }
        }
        parts.next().is_none()
    }

    /// The routing priority: at the first position where two templates of
    /// the same length differ in kind, the literal one sorts first, so
    /// `/v3/catalog_entries/actions` wins over `/v3/catalog_entries/{id}`
    /// whatever order they were added in. Smaller is tried first.
    pub(crate) fn priority(&self) -> Vec<bool> {
        self.segments
            .iter()
            .map(|s| matches!(s, Segment::Param))
            .collect()
    }
}

/// The segments of a path after its leading `/`; `/` alone has one empty
/// segment, which only an empty template segment would match.
fn split(path: &str) -> impl Iterator<Item = &str> {
    path.strip_prefix('/').unwrap_or(path).split('/')
}
