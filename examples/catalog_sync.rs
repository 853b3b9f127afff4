//! Upserts catalog entries from a list: creates the missing ones, updates
//! those whose name or aliases changed, leaves the rest alone.
//!
//! ```sh
//! cargo run --example catalog_sync      # the built-in mock
//! INCIDENT_IO_API_KEY=... INCIDENT_IO_CATALOG_TYPE_ID=01H... cargo run --example catalog_sync
//! ```
//!
//! Entries are matched by `external_id`, the identifier from the system
//! the list comes from, so renaming something there renames it in the
//! catalog instead of creating a second entry. Run it as often as you like:
//! a second run with the same list changes nothing. The list owns the
//! entries it names, as incident.io's catalog importer does: an update
//! writes the whole entry, so attribute values must come from the list too
//! (this one has none).

use std::collections::HashMap;

use futures_util::TryStreamExt;
use incidentio::Client;
use incidentio::mock::MockApi;

/// One entry as the source system knows it.
struct Desired {
    external_id: &'static str,
    name: &'static str,
    aliases: &'static [&'static str],
}

/// The list to sync, as it might come from a cloud provider's API.
const CLUSTERS: &[Desired] = &[
    Desired {
        external_id: "gke-prod-europe-west1",
        name: "Production (Europe)",
        aliases: &["prod-eu"],
    },
    Desired {
        external_id: "gke-prod-us-central1",
        name: "Production (US)",
        aliases: &["prod-us"],
    },
    Desired {
        external_id: "gke-staging",
        name: "Staging",
        aliases: &[],
    },
];

#[tokio::main]
async fn main() -> Result<(), incidentio::Error> {
    let mock;
    let (client, type_id) = if std::env::var_os(incidentio::API_KEY_ENV).is_some() {
        // Writing to a real catalog: only into the type you name.
        let Ok(type_id) = std::env::var("INCIDENT_IO_CATALOG_TYPE_ID") else {
            eprintln!("set INCIDENT_IO_CATALOG_TYPE_ID to the catalog type to sync into");
            std::process::exit(2);
        };
        (Client::from_env()?, type_id)
    } else {
        println!(
            "{} is not set: running against the built-in mock of the API",
            incidentio::API_KEY_ENV
        );
        mock = MockApi::start().await;
        let client = mock.client()?;
        let types = client.catalog_v3_list_types().send().await?.into_inner();
        let Some(first) = types.catalog_types.into_iter().next() else {
            println!("no catalog types");
            return Ok(());
        };
        (client, first.id)
    };

    // Everything already in the type, by external id.
    let mut existing = HashMap::new();
    let mut entries = client
        .catalog_v3_list_entries()
        .catalog_type_id(&type_id)
        .stream();
    while let Some(entry) = entries.try_next().await? {
        if let Some(external_id) = entry.external_id.clone() {
            existing.insert(external_id, entry);
        }
    }

    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for want in CLUSTERS {
        let aliases: Vec<String> = want.aliases.iter().map(|a| a.to_string()).collect();
        match existing.remove(want.external_id) {
            Some(entry) if entry.name == want.name && entry.aliases == aliases => unchanged += 1,
            Some(entry) => {
                client
                    .catalog_v3_update_entry()
                    .id(&entry.id)
                    .body_map(|body| {
                        body.name(want.name)
                            .external_id(Some(want.external_id.to_owned()))
                            .aliases(aliases)
                            .attribute_values(HashMap::new())
                    })
                    .send()
                    .await?;
                println!("updated  {} ({})", want.name, want.external_id);
                updated += 1;
            }
            None => {
                let entry = client
                    .catalog_v3_create_entry()
                    .body_map(|body| {
                        body.catalog_type_id(&type_id)
                            .name(want.name)
                            .external_id(Some(want.external_id.to_owned()))
                            .aliases(aliases)
                            .attribute_values(HashMap::new())
                    })
                    .send()
                    .await?;
                println!("created  {} as {}", want.name, entry.catalog_entry.id);
                created += 1;
            }
        }
    }
    for entry in existing.values() {
        println!(
            "kept     {} (not in the list; delete it if it is gone)",
            entry.name
        );
    }
    println!("{created} created, {updated} updated, {unchanged} unchanged");
    Ok(())
}
