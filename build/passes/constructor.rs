//! The `remove_unconfigured_constructor` pass.

use super::is_client_impl;
use crate::codegen::CodegenError;
use crate::codegen::context::{Context, Outputs};

/// **Why:** progenitor generates `Client::new(baseurl, inner)`, which builds
/// a `reqwest::Client` with `.unwrap()` (a panic where TLS cannot be set up)
/// and bypasses the crate's configuration (auth, timeouts, user agent). The
/// hand-written `Client::new(api_key)` and `Client::builder()` replace it;
/// this pass removes the generated one so the names do not clash.
pub fn remove_unconfigured_constructor(
    file: &mut syn::File,
    _: &Context<'_>,
    _: &mut Outputs,
) -> Result<usize, CodegenError> {
    let mut removed = 0;
    for item in &mut file.items {
        if let syn::Item::Impl(block) = item
            && is_client_impl(block)
        {
            let before = block.items.len();
            block
                .items
                .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
            removed += before - block.items.len();
        }
    }
    if removed != 1 {
        return Err(CodegenError::PostProcess {
            what: format!("expected one generated Client::new, found {removed}"),
        });
    }
    Ok(removed)
}
