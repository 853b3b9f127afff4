//! The client's request spans exported through OpenTelemetry: a
//! `tracing-opentelemetry` layer hands every `incidentio.request` span to an
//! OpenTelemetry tracer, whose stdout exporter prints it. Each attempt is a
//! client span in OpenTelemetry's HTTP names (`GET /v1/severities`,
//! `http.request.method`, `url.template`, `server.address`,
//! `http.response.status_code`, `http.request.resend_count`, `error.type`),
//! what trace backends group and chart by. For a real backend, swap the
//! stdout exporter for an OTLP one (`opentelemetry-otlp`).
//!
//! ```sh
//! cargo run --example otel_traces                            # the built-in mock
//! INCIDENT_IO_API_KEY=... cargo run --example otel_traces    # your account
//! ```
//!
//! Against the built-in mock it shows a success, a 503 retried into a
//! success (two spans, the second with `http.request.resend_count` 1) and a
//! 404; against your account, a success and a 404.

use incidentio::mock::{ErrorBody, MockApi, MockReply, StatusCode};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::{Instrument, Level};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Layer as _, SubscriberExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A span is printed as it ends (the simple processor); a service would
    // batch them to a collector instead.
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(opentelemetry_stdout::SpanExporter::default())
        .build();
    // This crate's spans and events and the program's own: without the
    // filter, every debug line of hyper's connection pool would become a
    // span event.
    let subscriber = tracing_subscriber::registry().with(
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("incidentio-example"))
            .with_filter(
                Targets::new()
                    .with_target("incidentio", Level::DEBUG)
                    .with_target("otel_traces", Level::INFO),
            ),
    );
    tracing::subscriber::set_global_default(subscriber)?;

    // The real API with INCIDENT_IO_API_KEY set, else the built-in mock.
    let (client, mock) = MockApi::real_or_mock().await?;
    if let Some(mock) = &mock {
        // The mock's first answer to the list is a 503, then its example:
        // the client retries, and each attempt is a span of its own.
        let list = mock.severities_v1_list();
        list.respond_sequence([
            MockReply::Error(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorBody::new("service_unavailable"),
            ),
            MockReply::Ok(list.example()?),
        ])?;
        mock.severities_v1_show()
            .respond_error(StatusCode::NOT_FOUND, ErrorBody::not_found());
    }

    // The calls inside a span of the program's own, as a service's handler
    // would run them: every attempt is its child, in one trace.
    async {
        let severities = client.severities_v1_list().send().await?;
        println!("{} severities", severities.severities.len());
        match client
            .severities_v1_show()
            .id("no-such-severity")
            .send()
            .await
        {
            Ok(_) => println!("found it"),
            Err(error) => println!("show failed: {error}"),
        }
        Ok::<_, incidentio::Error>(())
    }
    .instrument(tracing::info_span!("sync_severities"))
    .await?;

    // Flushes and stops the exporter: every span is printed before exit.
    provider.shutdown()?;
    Ok(())
}
