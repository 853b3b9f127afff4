//! `--all` and `--limit`: a list command's pages, walked by the library.

use futures_util::StreamExt;

use crate::error::CliError;
use crate::output::Printer;
use crate::send::{Request, Sender};

/// `--all`: every page, items streamed as they arrive; `--limit` stops
/// early and asks for no further page.
pub(crate) async fn walk_pages(
    sender: &Sender,
    request: Request,
    items: Option<String>,
    limit: Option<u64>,
    printer: &mut Printer,
) -> Result<(), CliError> {
    let walked = walk(sender, request, items, limit, printer).await;
    // The output stays valid JSON (a closed array) even when a page failed.
    printer.finish_items()?;
    walked
}

async fn walk(
    sender: &Sender,
    request: Request,
    items: Option<String>,
    limit: Option<u64>,
    printer: &mut Printer,
) -> Result<(), CliError> {
    if limit == Some(0) {
        return Ok(());
    }
    // The library's walk: its repeated-cursor guard, retries and pacing per
    // page, the end at an empty page; one page in memory at a time. With a
    // limit, no page is asked for once it is reached.
    let mut pages = sender.pages(&request, items, limit.is_none())?;
    let mut count = 0u64;
    while let Some(page) = pages.next().await {
        for item in &page?.items {
            printer.item(item)?;
            count += 1;
            if limit.is_some_and(|l| count >= l) {
                return printer.flush();
            }
        }
        printer.flush()?;
    }
    Ok(())
}
