//! The example on each `Client` method's documentation.

use serde_json::Value;

use super::client_methods;
use crate::codegen::CodegenError;
use crate::codegen::context::{Context, Outputs};
use crate::codegen::spec::examples::{raw_string, request_example, required_param_literals};

/// **Why:** progenitor documents every `Client` method with an example marked
/// `ignore` that calls every setter with a variable nobody defined
/// (`.after(after).created_at(created_at)…`): it cannot compile, teaches
/// nothing about which parameters matter, and `cargo test --doc` reports
/// each one as ignored. This pass replaces each with a `no_run` example that
/// compiles: the required parameters set from the spec's examples and the
/// body decoded from the spec's request example, as the conformance suite
/// derives them (`crate::codegen::spec::examples`), so every example is type-checked
/// against the generated API on each `cargo test --doc`. Deprecated methods
/// get a hidden `#[allow(deprecated)]`.
///
/// Fallbacks, with a comment in the example saying so: a body example that
/// is invalid against its own schema (today those of `Escalations V2`
/// `CreatePath` and `UpdatePath`, whose recursive `then_path`/`else_path`
/// nodes are `[{}]`, without their required `id` and `type`; decoding them
/// would panic) or missing is left out, so the
/// example shows the call with its required parameters only; it still
/// compiles, but would not decode the example at run time. A method whose
/// required parameter has no example keeps progenitor's block (none today).
/// Returns the number of examples replaced.
pub fn compiling_doc_examples(
    file: &mut syn::File,
    ctx: &Context<'_>,
    _: &mut Outputs,
) -> Result<usize, CodegenError> {
    let mut replaced = 0;
    for method in client_methods(file) {
        let name = method.sig.ident.to_string();
        let Some(op) = ctx.operation(&name) else {
            continue;
        };
        let deprecated = method.attrs.iter().any(|a| a.path().is_ident("deprecated"));
        let Ok(params) = required_param_literals(&op.parameters) else {
            continue;
        };
        let body = request_example(ctx.spec, op.op.op);
        let example = example(&name, &params, body, deprecated);
        for attr in &mut method.attrs {
            let Some(doc) = doc_text(attr) else {
                continue;
            };
            let Some(start) = doc.find("```ignore\n") else {
                continue;
            };
            let Some(len) = doc[start + 10..].find("```") else {
                continue;
            };
            let end = start + 10 + len + 3;
            let new = format!("{}{example}{}", &doc[..start], &doc[end..]);
            set_doc(attr, &new);
            replaced += 1;
            break;
        }
    }
    // No loud failure on zero: a small spec whose required parameters have
    // no examples legitimately keeps every progenitor block (the count is
    // in the codegen report, and the doctests show any that stay ignored).
    Ok(replaced)
}

/// The `no_run` example of one method.
fn example(
    name: &str,
    params: &[(String, String)],
    body: Result<Option<(String, &Value)>, String>,
    deprecated: bool,
) -> String {
    let mut out = String::from("```no_run\n");
    if deprecated {
        out.push_str("# #[allow(deprecated)]\n");
    }
    out.push_str("# async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {\n");
    out.push_str(&format!("let response = client\n    .{name}()\n"));
    for (setter, literal) in params {
        out.push_str(&format!("    .{setter}({literal})\n"));
    }
    match body {
        Ok(None) => {}
        Ok(Some((type_name, example))) if !has_empty_path_node(example) => {
            let json = serde_json::to_string_pretty(example).expect("JSON value");
            let json = json.replace('\n', "\n        ");
            out.push_str(&format!(
                "    .body(\n        serde_json::from_str::<incidentio::types::{type_name}>({})\n            .expect(\"the spec's example\"),\n    )\n",
                raw_string(&json)
            ));
        }
        Ok(Some(_)) => out.push_str(
            "    // The spec's example body is invalid against its own schema: set one with `.body(…)`.\n",
        ),
        Err(reason) => out.push_str(&format!("    // No body example in the spec ({reason}).\n")),
    }
    out.push_str("    .send()\n    .await?;\n# Ok(())\n# }\n```");
    out
}

/// Whether `value` holds a `…_path` array with an empty node (`[{}]`), the
/// defect of the spec's `Escalations V2` path examples.
fn has_empty_path_node(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, v)| {
            (key.ends_with("_path")
                && v.as_array().is_some_and(|a| {
                    a.iter()
                        .any(|n| n.as_object().is_some_and(|o| o.is_empty()))
                }))
                || has_empty_path_node(v)
        }),
        Value::Array(items) => items.iter().any(has_empty_path_node),
        _ => false,
    }
}

/// The text of a `#[doc = "…"]` attribute.
pub fn doc_text(attr: &syn::Attribute) -> Option<String> {
    if !attr.path().is_ident("doc") {
        return None;
    }
    let syn::Meta::NameValue(meta) = &attr.meta else {
        return None;
    };
    match &meta.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(doc),
            ..
        }) => Some(doc.value()),
        _ => None,
    }
}

/// Replaces the text of a `#[doc = "…"]` attribute.
pub fn set_doc(attr: &mut syn::Attribute, text: &str) {
    if let syn::Meta::NameValue(meta) = &mut attr.meta {
        meta.value = syn::parse_quote!(#text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::testing::{docs, run, spec};
    use serde_json::json;

    #[test]
    fn ignored_examples_become_compiling_ones_from_the_spec() {
        let spec = spec(
            json!({
                "/v1/things/{id}": {"put": {
                    "operationId": "Things V1#Update",
                    "deprecated": true,
                    "parameters": [{"name": "id", "in": "path", "example": "01X",
                                    "schema": {"type": "string"}}],
                    "requestBody": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/update_payload"},
                        "example": {"name": "A"}}}},
                }},
                "/v1/paths/{id}": {"put": {
                    "operationId": "Paths V1#Update",
                    "parameters": [{"name": "id", "in": "path", "example": "01P",
                                    "schema": {"type": "string"}}],
                    "requestBody": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/path_payload"},
                        "example": {"then_path": [{}]}}}},
                }},
                "/v1/others/{id}": {"get": {
                    "operationId": "Others V1#Show",
                    "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
                }},
            }),
            json!({}),
        );
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                #[doc = "Update a thing.\n\n```ignore\nlet response = client.things_v1_update().id(id).body(body).send().await;\n```"]
                #[deprecated(note = "gone")]
                pub fn things_v1_update(&self) {}
                #[doc = "Update a path.\n\n```ignore\nclient.paths_v1_update()\n```"]
                pub fn paths_v1_update(&self) {}
                #[doc = "Show another.\n\n```ignore\nclient.others_v1_show().id(id)\n```"]
                pub fn others_v1_show(&self) {}
            }
        };
        let (replaced, _) = run(compiling_doc_examples, &mut file, &spec);
        assert_eq!(
            replaced.unwrap(),
            2,
            "Others V1#Show has no example for `id`"
        );
        let docs = docs(&file);
        let update = &docs[0];
        assert!(
            update.starts_with("Update a thing.\n\n```no_run\n# #[allow(deprecated)]\n"),
            "{update}"
        );
        assert!(
            update.contains("    .things_v1_update()\n    .id(\"01X\")\n"),
            "{update}"
        );
        assert!(
            update.contains("serde_json::from_str::<incidentio::types::UpdatePayload>("),
            "{update}"
        );
        assert!(update.contains("\"name\": \"A\""), "{update}");
        assert!(!update.contains("```ignore"), "{update}");
        let path = &docs[1];
        assert!(path.contains("invalid against its own schema"), "{path}");
        assert!(!path.contains("serde_json::from_str"), "{path}");
        assert!(docs[2].contains("```ignore"), "{}", docs[2]);
    }
}
