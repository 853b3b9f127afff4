//! The effective schedule entries of one schedule in a time window
//! (`Schedules V2#ListScheduleEntries`, its `final` list: the rotations
//! with overrides merged in), walked page by page by the library.
//!
//! The build gives a list operation `stream()` when it takes its cursor in
//! `after`; this one takes it back in `entry_window_start` instead (the
//! API's documented way to ask for the next page), so the build does not
//! recognise it. Implementing the library's `ListRequest` for it here gets
//! the library's own walk all the same: retries and pacing per page, the
//! end at a page without a cursor or without entries, and an error rather
//! than a loop when the API repeats a cursor.

use chrono::{DateTime, Utc};
use incidentio::pagination::{ListRequest, Page, Paginator};
use incidentio::types::{ScheduleEntryV2, SchedulesListScheduleEntriesResultV2};
use incidentio::{Client, ResponseValue};

/// One schedule's entries from `start` to `end`.
#[derive(Debug, Clone)]
pub(crate) struct Entries {
    client: Client,
    schedule_id: String,
    /// The window's start, then the cursor of the page to fetch.
    start: String,
    end: DateTime<Utc>,
}

impl Entries {
    /// The effective entries of `schedule_id` overlapping `start`..`end`.
    pub(crate) fn new(
        client: &Client,
        schedule_id: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Self {
        Entries {
            client: client.clone(),
            schedule_id: schedule_id.to_owned(),
            start: start.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            end,
        }
    }

    /// Every entry of every page.
    pub(crate) async fn collect(self) -> Result<Vec<ScheduleEntryV2>, incidentio::Error> {
        use futures_util::StreamExt;
        let mut pages = Paginator::new(self).pages();
        let mut entries = Vec::new();
        while let Some(page) = pages.next().await {
            entries.extend(page?.items);
        }
        Ok(entries)
    }
}

impl<'a> ListRequest<'a> for Entries {
    type Page = SchedulesListScheduleEntriesResultV2;
    type Item = ScheduleEntryV2;
    const OPERATION: &'static str = "schedules_v2_list_schedule_entries";
    /// The operation has no page size to set.
    const MAX_PAGE_SIZE: Option<u64> = None;

    fn page_size_is_set(&self) -> bool {
        true
    }

    fn with_after(mut self, after: String) -> Self {
        self.start = after;
        self
    }

    fn with_page_size(self, _page_size: u64) -> Self {
        self
    }

    type Owned = Entries;

    fn into_owned(self) -> Entries {
        self
    }

    async fn send_page(self) -> Result<ResponseValue<Self::Page>, incidentio::Error> {
        self.client
            .schedules_v2_list_schedule_entries()
            .schedule_id(self.schedule_id)
            .entry_window_start(self.start)
            .entry_window_end(self.end)
            .send()
            .await
    }

    fn into_page(page: Self::Page) -> Page<Self::Item> {
        Page::new(
            page.schedule_entries.final_,
            page.pagination_meta.map(|meta| meta.after),
            None,
        )
    }
}
