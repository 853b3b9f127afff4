//! The `typed_send_errors` pass: `send()` decodes into the crate's own
//! errors and types.

use std::collections::BTreeMap;

use quote::quote;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;

use super::{OperationInfoFinder, walk_impl_blocks};
use crate::codegen::CodegenError;
use crate::codegen::context::{Context, Outputs};

/// **Why:** progenitor's `send()` returns `progenitor_client::Error<()>`,
/// where a refused request is an unread `reqwest::Response` and a body that
/// does not decode says nothing of where; it decodes with
/// `serde_json::from_slice` (UTF-8 checked inside every string) and reads
/// the body after the hooks' retry loop, so a body broken mid-read is never
/// retried and a huge one is never bounded. This pass renames each
/// builder's generated `send` to a private `send_raw` that stops at the
/// success response (`Ok(response)` in place of its decode), and adds:
///
/// - `send()`, which decodes into the operation's type through
///   `crate::body::finish` (the crate's own `crate::Error`: the API's error
///   envelope, the body limit, a decode error with the JSON path and body);
/// - `send_json()`, the same call with the body untyped, for a caller whose
///   typed decode fails because the API sent what the spec does not declare.
///
/// Each operation's success type goes to `outputs.success_types` (for the
/// catalog and the tests). Fails if a `send` does not have the
/// `Result<ResponseValue<T>, Error<_>>` shape it rewrites, or decodes its
/// success in a way it does not know.
pub fn typed_send_errors(
    file: &mut syn::File,
    _: &Context<'_>,
    outputs: &mut Outputs,
) -> Result<usize, CodegenError> {
    let success_types: &mut BTreeMap<String, String> = &mut outputs.success_types;
    let mut rewritten = 0;
    let mut failure = None;
    for item in &mut file.items {
        walk_impl_blocks(item, &mut |block| {
            let Some(index) = block.items.iter().position(
                |i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "send" && f.sig.asyncness.is_some()),
            ) else {
                return;
            };
            let syn::ImplItem::Fn(raw) = &mut block.items[index] else {
                unreachable!("position() matched a fn");
            };
            let Some(success) = response_value_type(&raw.sig.output) else {
                failure = Some(format!(
                    "a generated send() returns `{}`, not Result<ResponseValue<T>, Error<_>>",
                    {
                        let output = &raw.sig.output;
                        quote!(#output)
                    }
                ));
                return;
            };
            let mut operation = OperationInfoFinder(None);
            operation.visit_impl_item_fn(raw);
            let operation = operation.0.unwrap_or_default();
            let mut stop = StopAtSuccessResponse(0);
            stop.visit_block_mut(&mut raw.block);
            if stop.0 == 0 {
                failure = Some(format!(
                    "the generated send() of {operation} decodes its success in an unknown way"
                ));
                return;
            }
            success_types.insert(operation.clone(), quote!(#success).to_string());
            let docs: Vec<syn::Attribute> = raw.attrs.clone();
            raw.sig.ident = syn::parse_quote!(send_raw);
            raw.sig.output = syn::parse_quote!(-> Result<reqwest::Response, Error<()>>);
            raw.vis = syn::Visibility::Inherited;
            raw.attrs.retain(|a| !a.path().is_ident("doc"));
            block.items.push(syn::parse_quote! {
                #(#docs)*
                /// Sends the request. Errors are [`crate::Error`]: the API's
                /// error envelope, a transport failure, a timeout, a body over
                /// the size limit, or a body that does not match its type
                /// (with the JSON path, and the body).
                pub async fn send(self) -> ::std::result::Result<ResponseValue<#success>, crate::Error> {
                    crate::body::finish(#operation, self.send_raw().await).await
                }
            });
            block.items.push(syn::parse_quote! {
                /// Sends the request like `send()` (the same retries, pacing
                /// and errors) and returns the body as untyped JSON, every
                /// field kept: for data the spec does not (yet) declare, or
                /// when the typed decode fails.
                pub async fn send_json(
                    self,
                ) -> ::std::result::Result<ResponseValue<::serde_json::Value>, crate::Error> {
                    crate::body::finish(#operation, self.send_raw().await).await
                }
            });
            rewritten += 1;
        });
    }
    if let Some(what) = failure {
        return Err(CodegenError::PostProcess { what });
    }
    if rewritten == 0 {
        return Err(CodegenError::PostProcess {
            what: "no generated send() methods found".into(),
        });
    }
    Ok(rewritten)
}

/// Replaces a generated `send`'s success decode,
/// `ResponseValue::from_response(response).await` or
/// `Ok(ResponseValue::empty(response))`, with `Ok(response)`, counting
/// replacements.
struct StopAtSuccessResponse(usize);

impl StopAtSuccessResponse {
    fn is_response_value_call(expr: &syn::Expr, function: &str) -> bool {
        let syn::Expr::Call(call) = expr else {
            return false;
        };
        let syn::Expr::Path(path) = &*call.func else {
            return false;
        };
        let names: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        names.ends_with(&["ResponseValue".to_owned(), function.to_owned()])
    }
}

impl VisitMut for StopAtSuccessResponse {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        let replace = match &*expr {
            syn::Expr::Await(awaited) => {
                Self::is_response_value_call(&awaited.base, "from_response")
            }
            syn::Expr::Call(call) => {
                matches!(&*call.func, syn::Expr::Path(p) if p.path.is_ident("Ok"))
                    && call.args.len() == 1
                    && Self::is_response_value_call(&call.args[0], "empty")
            }
            _ => false,
        };
        if replace {
            *expr = syn::parse_quote!(Ok(response));
            self.0 += 1;
        } else {
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
}

/// `T` in `-> Result<ResponseValue<T>, …>`.
fn response_value_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let generic_args = |ty: &syn::Type, name: &str| -> Option<Vec<syn::Type>> {
        let syn::Type::Path(path) = ty else {
            return None;
        };
        let last = path.path.segments.last()?;
        if last.ident != name {
            return None;
        }
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        Some(
            args.args
                .iter()
                .filter_map(|a| match a {
                    syn::GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                })
                .collect(),
        )
    };
    let result_args = generic_args(ty, "Result")?;
    let value_args = generic_args(result_args.first()?, "ResponseValue")?;
    value_args.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::testing::{run, source, spec};
    use serde_json::json;

    #[test]
    fn send_stops_at_the_response_and_a_typed_send_decodes_it() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> ThingsV1Show<'a> {
                    ///Sends a `GET` request to `/v1/things/{id}`
                    pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<()>> {
                        let info = OperationInfo { operation_id: "things_v1_show" };
                        let response = result?;
                        match response.status().as_u16() {
                            200u16 => ResponseValue::from_response(response).await,
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
                impl<'a> ThingsV1Delete<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let info = OperationInfo { operation_id: "things_v1_delete" };
                        match response.status().as_u16() {
                            204u16 => Ok(ResponseValue::empty(response)),
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
        };
        let (rewritten, outputs) = run(typed_send_errors, &mut file, &spec(json!({}), json!({})));
        assert_eq!(rewritten.unwrap(), 2);
        let types: Vec<(&str, &str)> = outputs
            .success_types
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            types,
            [
                ("things_v1_delete", "()"),
                ("things_v1_show", "types :: Thing")
            ]
        );
        let text = source(&file);
        assert!(
            text.contains("async fn send_raw(self) -> Result<reqwest::Response, Error<()>> {"),
            "{text}"
        );
        assert!(text.contains("200u16 => Ok(response),"), "{text}");
        assert!(text.contains("204u16 => Ok(response),"), "{text}");
        assert!(
            text.contains("crate::body::finish(\"things_v1_show\", self.send_raw().await).await"),
            "{text}"
        );
        assert!(
            text.contains(
                ") -> ::std::result::Result<ResponseValue<types::Thing>, crate::Error> {"
            ),
            "{text}"
        );
        assert!(text.contains("pub async fn send_json("), "{text}");
        assert_eq!(
            text.matches("Sends a `GET` request to `/v1/things/{id}`")
                .count(),
            1,
            "{text}"
        );
    }

    #[test]
    fn an_unknown_send_shape_fails_the_build() {
        let spec = spec(json!({}), json!({}));
        let mut file: syn::File = syn::parse_quote! {
            impl<'a> ThingsV1Show<'a> {
                pub async fn send(self) -> Result<types::Thing, Error<()>> { todo!() }
            }
        };
        let error = run(typed_send_errors, &mut file, &spec)
            .0
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("not Result<ResponseValue<T>, Error<_>>"),
            "{error}"
        );
        let mut file: syn::File = syn::parse_quote! {
            impl<'a> ThingsV1Show<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<()>> {
                    let info = OperationInfo { operation_id: "things_v1_show" };
                    serde_json::from_slice(&body)
                }
            }
        };
        let error = run(typed_send_errors, &mut file, &spec)
            .0
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("things_v1_show decodes its success in an unknown way"),
            "{error}"
        );
        let mut file: syn::File = syn::parse_quote! { pub mod builder {} };
        let error = run(typed_send_errors, &mut file, &spec)
            .0
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("no generated send() methods found"),
            "{error}"
        );
    }
}
