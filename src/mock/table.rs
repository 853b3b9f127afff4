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
    /// Whether it takes an `after` query parameter (the usual cursor).
    pub(crate) takes_after: bool,
}

/// Turns the `mock_operations! {…}` call build.rs appends to the generated
/// client into `MOCK_OPERATIONS`, so the table is data the compiler checks
/// rather than a second parse of the spec at run time.
macro_rules! mock_operations {
    ($($name:ident => ($method:literal, $path:literal, $status:literal, $example:expr, $takes_after:literal)),* $(,)?) => {
        /// Every operation of the spec with its example response (from
        /// build.rs), served by [`crate::mock::MockApi`].
        pub(crate) const MOCK_OPERATIONS: &[crate::mock::table::MockOperation] = &[$(
            crate::mock::table::MockOperation {
                method_name: stringify!($name),
                method: $method,
                path: $path,
                status: $status,
                example: $example,
                takes_after: $takes_after,
            },
        )*];
    };
}
pub(crate) use mock_operations;
