//! The passes that make the spec's Markdown descriptions valid rustdoc:
//! code blocks fenced as `text`, bare URLs and stray brackets escaped. The
//! text rewriting itself is `crate::codegen::markdown`; these apply it to
//! every doc attribute of the generated file.

use syn::visit_mut::VisitMut;

use super::doc_examples::{doc_text, set_doc};
use crate::codegen::CodegenError;
use crate::codegen::context::{Context, Outputs};
use crate::codegen::markdown::{escape_markdown_links, fence_markdown_code};

/// **Why:** the spec's descriptions are Markdown written for a website: code
/// blocks indented by a tab or four spaces, or fenced without a language, hold
/// `curl` commands and JSON. progenitor copies them into doc comments, where
/// rustdoc takes every such block for a Rust doctest that fails to compile.
/// This pass marks them as `text` (fenced blocks without a language, or
/// marked `rust`, become `text`; indented blocks are fenced as `text`), so
/// they render as what they are and `cargo test` runs only real doctests.
/// Returns the number of doc attributes changed.
pub fn fence_doc_code_blocks(
    file: &mut syn::File,
    _: &Context<'_>,
    _: &mut Outputs,
) -> Result<usize, CodegenError> {
    struct Fencer(usize);
    impl VisitMut for Fencer {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            if !attr.path().is_ident("doc") {
                return;
            }
            let syn::Meta::NameValue(meta) = &mut attr.meta else {
                return;
            };
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(doc),
                ..
            }) = &meta.value
            else {
                return;
            };
            let original = doc.value();
            let fenced = fence_markdown_code(&original);
            if fenced != original {
                meta.value = syn::parse_quote!(#fenced);
                self.0 += 1;
            }
        }
    }
    let mut fencer = Fencer(0);
    fencer.visit_file_mut(file);
    Ok(fencer.0)
}

/// **Why:** the spec's descriptions are Markdown for a website, where a bare
/// URL is linked by the renderer and `[secret]` or `[Links](url)` are plain
/// text; rustdoc leaves the first unlinked (`rustdoc::bare_urls`) and takes
/// the others for intra-doc links to items that do not exist
/// (`rustdoc::broken_intra_doc_links`), so `cargo doc` warns and a
/// `-D warnings` docs build fails. This pass, over every doc attribute of the
/// generated file and outside code, wraps each bare URL in `<…>` and escapes
/// the brackets of each `[text]` that is neither an intra-doc link to a
/// code item (`` [`Item`] ``) nor a link to a URL or anchor
/// (`[text](https://…)`, `[text](#…)`), as `\[text\]`. Returns the number of
/// doc attributes changed.
pub fn escape_doc_links_and_urls(
    file: &mut syn::File,
    _: &Context<'_>,
    _: &mut Outputs,
) -> Result<usize, CodegenError> {
    struct Escaper(usize);
    impl VisitMut for Escaper {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            let Some(original) = doc_text(attr) else {
                return;
            };
            let escaped = escape_markdown_links(&original);
            if escaped != original {
                set_doc(attr, &escaped);
                self.0 += 1;
            }
        }
    }
    let mut escaper = Escaper(0);
    escaper.visit_file_mut(file);
    Ok(escaper.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::testing::{docs, run, spec};
    use serde_json::json;

    fn file() -> syn::File {
        syn::parse_quote! {
            /// Plain text.
            pub mod types {
                #[doc = "Run:\n\n    curl https://api.incident.io/v2/incidents\n\nDone."]
                pub struct Thing {
                    #[doc = "See https://incident.io/docs and [secret]."]
                    pub field: u64,
                }
            }
        }
    }

    #[test]
    fn indented_code_in_any_doc_is_fenced_as_text() {
        let mut file = file();
        let spec = spec(json!({}), json!({}));
        let (changed, _) = run(fence_doc_code_blocks, &mut file, &spec);
        assert_eq!(changed.unwrap(), 1);
        let docs = docs(&file);
        assert_eq!(
            docs[1],
            "Run:\n\n```text\n    curl https://api.incident.io/v2/incidents\n```\n\nDone."
        );
        let (again, _) = run(fence_doc_code_blocks, &mut file, &spec);
        assert_eq!(again.unwrap(), 0, "already fenced");
    }

    #[test]
    fn bare_urls_and_stray_brackets_in_any_doc_are_escaped() {
        let mut file = file();
        let (changed, _) = run(
            escape_doc_links_and_urls,
            &mut file,
            &spec(json!({}), json!({})),
        );
        assert_eq!(changed.unwrap(), 2);
        let docs = docs(&file);
        assert_eq!(docs[0], " Plain text.");
        assert_eq!(docs[2], r"See <https://incident.io/docs> and \[secret\].");
    }
}
