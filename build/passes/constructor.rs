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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::testing::{run, source, spec};
    use serde_json::json;

    #[test]
    fn the_generated_client_new_goes_and_other_news_stay() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct Client;
            impl Client {
                pub fn new(baseurl: &str) -> Self { todo!() }
                pub fn new_with_client(baseurl: &str) -> Self { todo!() }
            }
            impl Other {
                pub fn new() -> Self { todo!() }
            }
        };
        let spec = spec(json!({}), json!({}));
        let (removed, _) = run(remove_unconfigured_constructor, &mut file, &spec);
        assert_eq!(removed.unwrap(), 1);
        let text = source(&file);
        assert!(!text.contains("pub fn new(baseurl"), "{text}");
        assert!(text.contains("pub fn new_with_client("), "{text}");
        assert!(text.contains("impl Other {\n    pub fn new()"), "{text}");
        // Nothing left to remove: the generator changed, the build says so.
        let (again, _) = run(remove_unconfigured_constructor, &mut file, &spec);
        let error = again.unwrap_err().to_string();
        assert!(
            error.contains("expected one generated Client::new, found 0"),
            "{error}"
        );
    }
}
