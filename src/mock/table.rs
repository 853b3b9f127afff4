//! The operation table build.rs derives from the spec, and the path
//! templates the mock routes requests by.

/// One operation as the mock serves it by default: where it lives and the
/// spec's example of its success response.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MockOperation {
    /// The generated method's name, such as `incidents_v2_list`.
    pub(crate) method_name: &'static str,
    /// The HTTP method in upper case.
    pub(crate) method: &'static str,
    /// The path template, such as `/v2/incidents/{id}`.
    pub(crate) path: &'static str,
    /// The first success status the spec declares.
    pub(crate) status: u16,
    /// The spec's JSON example of the success body, when it gives one.
    pub(crate) example: Option<&'static str>,
}

/// Turns the `mock_operations! {…}` call build.rs appends to the generated
/// client into `MOCK_OPERATIONS`, so the table is data the compiler checks
/// rather than a second parse of the spec at run time.
macro_rules! mock_operations {
    ($($name:ident => ($method:literal, $path:literal, $status:literal, $example:expr)),* $(,)?) => {
        /// Every operation of the spec with its example response (from
        /// build.rs), served by [`crate::mock::MockApi`].
        pub(crate) const MOCK_OPERATIONS: &[crate::mock::table::MockOperation] = &[$(
            crate::mock::table::MockOperation {
                method_name: stringify!($name),
                method: $method,
                path: $path,
                status: $status,
                example: $example,
            },
        )*];
    };
}
pub(crate) use mock_operations;

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
