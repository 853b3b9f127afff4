//! The `webhook_events!` macro, which build.rs calls with every webhook event
//! type of the spec's `x-webhooks`, and so the shape of [`WebhookEvent`].
//!
//! The call is appended to the generated client, so the enum lives in
//! `crate::generated` beside the body types it names; `crate::webhooks`
//! re-exports it.
//!
//! [`WebhookEvent`]: crate::webhooks::WebhookEvent

/// Defines `WebhookEvent` from `"<event_type>" => Variant(types::Body),` lines.
///
/// A `match` on the event type picks the variant, so decoding costs one
/// string comparison chain and one typed deserialisation; anything not
/// listed becomes `Unknown`, so an event type added after the build never
/// fails to decode.
macro_rules! webhook_events {
    ($($event_type:literal => $variant:ident($payload:ty),)*) => {
        /// A webhook delivery from incident.io, decoded by its `event_type`.
        ///
        /// Every delivery body is `{"event_type": "<type>", "<type>": {…}}`.
        /// Each event type of the spec this crate was built from has a
        /// variant carrying the generated type of its payload (the body's
        /// field named after the event type). Event types
        /// added later arrive as [`WebhookEvent::Unknown`] with the raw JSON,
        /// so a new event never makes a handler fail: log or ignore it.
        ///
        /// Decode a body already verified with
        /// [`Verifier::verify`](crate::webhooks::Verifier::verify) with
        /// [`WebhookEvent::from_slice`], or verify and decode in one call
        /// with [`Verifier::verify_event`](crate::webhooks::Verifier::verify_event).
        /// Serialising writes the body back.
        ///
        /// ```
        /// use incidentio::webhooks::WebhookEvent;
        ///
        /// let body = br#"{"event_type": "public_incident.new_thing_v9", "public_incident.new_thing_v9": {}}"#;
        /// let event = WebhookEvent::from_slice(body)?;
        /// assert!(event.is_unknown());
        /// assert_eq!(event.event_type(), "public_incident.new_thing_v9");
        /// # Ok::<(), incidentio::webhooks::WebhookError>(())
        /// ```
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            $(
                #[doc = concat!("`", $event_type, "`, with its payload (the body's `", $event_type, "` field).")]
                $variant($payload),
            )*
            /// An event type the spec this crate was built from does not
            /// list (or an entry it lists under another name).
            Unknown {
                /// The delivery's `event_type`.
                event_type: ::std::string::String,
                /// The whole body, as received.
                body: ::serde_json::Value,
            },
        }

        impl WebhookEvent {
            /// Every event type this crate decodes into its own variant, in
            /// the spec's order.
            pub const EVENT_TYPES: &'static [&'static str] = &[$($event_type),*];

            /// The event type, such as `public_incident.incident_created_v2`:
            /// the variant's for a known event, the body's otherwise.
            pub fn event_type(&self) -> &str {
                match self {
                    $(Self::$variant(_) => $event_type,)*
                    Self::Unknown { event_type, .. } => event_type,
                }
            }

            /// Whether the event type is one this crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown { .. })
            }

            /// Decodes a delivery body (already verified: this checks no
            /// signature). Fails when the body is not JSON, has no string
            /// `event_type`, or does not match its known event type's schema.
            pub fn from_slice(
                body: &[u8],
            ) -> ::std::result::Result<Self, $crate::webhooks::WebhookError> {
                Self::from_value($crate::webhooks::decode_slice(body)?)
            }

            /// Decodes a delivery body already parsed as JSON.
            pub fn from_value(
                body: ::serde_json::Value,
            ) -> ::std::result::Result<Self, $crate::webhooks::WebhookError> {
                let event_type = $crate::webhooks::string_field(&body, "event_type")?;
                match event_type.as_str() {
                    $($event_type => $crate::webhooks::decode_field(body, $event_type).map(Self::$variant),)*
                    _ => Ok(Self::Unknown { event_type, body }),
                }
            }
        }

        impl ::serde::Serialize for WebhookEvent {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(payload) => {
                        use ::serde::ser::SerializeMap;
                        let mut body = serializer.serialize_map(Some(2))?;
                        body.serialize_entry("event_type", $event_type)?;
                        body.serialize_entry($event_type, payload)?;
                        body.end()
                    })*
                    Self::Unknown { body, .. } => ::serde::Serialize::serialize(body, serializer),
                }
            }
        }

        /// Dispatches on `event_type` like [`WebhookEvent::from_value`], so
        /// the enum can sit inside your own types.
        impl<'de> ::serde::Deserialize<'de> for WebhookEvent {
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

pub(crate) use webhook_events;
