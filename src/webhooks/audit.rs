//! The `audit_log_entries!` macro, which build.rs calls with every audit-log
//! entry type of the spec's `x-webhooks`, and so the shape of
//! [`AuditLogEntry`].
//!
//! Like `webhook_events!`, the call is appended to the generated client and
//! `crate::webhooks` re-exports the enum.
//!
//! [`AuditLogEntry`]: crate::webhooks::AuditLogEntry

/// Defines `AuditLogEntry` from `("<action>", <version>) => Variant(types::Body),`
/// lines. An entry is identified by its action *and* its version: a new
/// version of an action is a new shape, so it decodes as `Unknown` until the
/// crate is rebuilt from a spec that has it, rather than failing.
macro_rules! audit_log_entries {
    ($(($action:literal, $version:literal) => $variant:ident($body:ty),)*) => {
        /// An incident.io audit-log entry, decoded by its `action` and
        /// `version`.
        ///
        /// Entries look like `{"action": "alert_route.created", "version":
        /// 1, "actor": …, "context": …, "occurred_at": …, "targets": […]}`.
        /// Each `(action, version)` the spec this crate was built from lists
        /// has a variant carrying its generated type; anything else arrives
        /// as [`AuditLogEntry::Unknown`] with the raw JSON, so an action
        /// added later never makes a consumer fail.
        ///
        /// Decode with [`AuditLogEntry::from_slice`], or verify and decode a
        /// delivery in one call with
        /// [`Verifier::verify_audit_log_entry`](crate::webhooks::Verifier::verify_audit_log_entry).
        /// Serialising writes the entry back.
        ///
        /// ```
        /// use incidentio::webhooks::AuditLogEntry;
        ///
        /// let entry = AuditLogEntry::from_slice(br#"{"action": "thing.invented", "version": 3}"#)?;
        /// assert!(entry.is_unknown());
        /// assert_eq!((entry.action(), entry.version()), ("thing.invented", 3));
        /// # Ok::<(), incidentio::webhooks::WebhookError>(())
        /// ```
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum AuditLogEntry {
            $(
                #[doc = concat!("`", $action, "`, version ", stringify!($version), ".")]
                $variant($body),
            )*
            /// An action, or a version of one, that the spec this crate was
            /// built from does not list.
            Unknown {
                /// The entry's `action`, such as `alert_route.created`.
                action: ::std::string::String,
                /// The entry's `version`.
                version: i64,
                /// The whole entry, as received.
                body: ::serde_json::Value,
            },
        }

        impl AuditLogEntry {
            /// Every `(action, version)` this crate decodes into its own
            /// variant, in the spec's order.
            pub const ACTIONS: &'static [(&'static str, i64)] = &[$(($action, $version)),*];

            /// The action, such as `alert_route.created`.
            pub fn action(&self) -> &str {
                match self {
                    $(Self::$variant(_) => $action,)*
                    Self::Unknown { action, .. } => action,
                }
            }

            /// The version of the action's shape.
            pub fn version(&self) -> i64 {
                match self {
                    $(Self::$variant(_) => $version,)*
                    Self::Unknown { version, .. } => *version,
                }
            }

            /// Whether the `(action, version)` is one this crate does not
            /// know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown { .. })
            }

            /// Decodes an entry (already verified: this checks no
            /// signature). Fails when the body is not JSON, lacks a string
            /// `action` or an integer `version`, or does not match its known
            /// type's schema.
            pub fn from_slice(
                body: &[u8],
            ) -> ::std::result::Result<Self, $crate::webhooks::WebhookError> {
                Self::from_value($crate::webhooks::decode_slice(body)?)
            }

            /// Decodes an entry already parsed as JSON.
            pub fn from_value(
                body: ::serde_json::Value,
            ) -> ::std::result::Result<Self, $crate::webhooks::WebhookError> {
                let action = $crate::webhooks::string_field(&body, "action")?;
                let version = $crate::webhooks::integer_field(&body, "version")?;
                match (action.as_str(), version) {
                    $(($action, $version) => $crate::webhooks::decode_value(body).map(Self::$variant),)*
                    _ => Ok(Self::Unknown { action, version, body }),
                }
            }
        }

        impl ::serde::Serialize for AuditLogEntry {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(body) => ::serde::Serialize::serialize(body, serializer),)*
                    Self::Unknown { body, .. } => ::serde::Serialize::serialize(body, serializer),
                }
            }
        }

        /// Dispatches on `action` and `version` like
        /// [`AuditLogEntry::from_value`], so the enum can sit inside your
        /// own types.
        impl<'de> ::serde::Deserialize<'de> for AuditLogEntry {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let body = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::from_value(body)
                    .map_err(|e| ::serde::de::Error::custom($crate::webhooks::nested_message(e)))
            }
        }
    };
}

pub(crate) use audit_log_entries;
