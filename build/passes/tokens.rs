//! Items of progenitor's token stream, before it is parsed into a syntax
//! tree: just enough structure (where an item ends, its keyword, name and
//! header) for a pass to drop whole items that need never be parsed.
//! Parsing the generated code is the largest single cost of the build
//! script, and every item dropped here is never parsed at all.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

/// One item: its tokens, outer attributes included.
#[derive(Debug, Clone)]
pub struct Item(pub Vec<TokenTree>);

impl Item {
    /// The tokens before the item's `{ … }` body (all of them when it has
    /// none).
    fn header(&self) -> &[TokenTree] {
        match self.body_index() {
            Some(i) => &self.0[..i],
            None => &self.0,
        }
    }

    fn body_index(&self) -> Option<usize> {
        self.0
            .iter()
            .position(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace))
    }

    /// The `{ … }` body.
    pub fn body(&self) -> Option<&Group> {
        match &self.0[self.body_index()?] {
            TokenTree::Group(group) => Some(group),
            _ => None,
        }
    }

    /// The identifiers of the header, outside attributes and visibility
    /// (`impl`, `From`, `super`, `X`, `for`, `X` of `impl From<super::X>
    /// for X`).
    pub fn header_idents(&self) -> Vec<String> {
        self.header()
            .iter()
            .filter_map(|t| match t {
                TokenTree::Ident(ident) => Some(ident.to_string()),
                _ => None,
            })
            .collect()
    }

    /// The item's keyword (`struct`, `impl`, `mod`, …), after `pub`.
    pub fn keyword(&self) -> Option<String> {
        self.header_idents().into_iter().find(|i| i != "pub")
    }

    /// The name of a `struct`, `enum` or `mod`.
    pub fn name(&self) -> Option<String> {
        let idents = self.header_idents();
        let at = idents
            .iter()
            .position(|i| matches!(i.as_str(), "struct" | "enum" | "mod"))?;
        idents.get(at + 1).cloned()
    }
}

/// Splits a token stream into items: an item ends with its `{ … }` body
/// (and a `;` right after it, as in `const _: () = { … };`) or with a `;`.
pub fn items(stream: TokenStream) -> Vec<Item> {
    let mut items = Vec::new();
    let mut current = Vec::new();
    let mut tokens = stream.into_iter().peekable();
    while let Some(token) = tokens.next() {
        let ends = match &token {
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
            TokenTree::Punct(p) => p.as_char() == ';',
            _ => false,
        };
        current.push(token);
        if ends {
            if let Some(TokenTree::Punct(p)) = tokens.peek()
                && p.as_char() == ';'
            {
                current.extend(tokens.next());
            }
            items.push(Item(std::mem::take(&mut current)));
        }
    }
    if !current.is_empty() {
        items.push(Item(current));
    }
    items
}

/// The items joined back into a stream.
pub fn join(items: Vec<Item>) -> TokenStream {
    items.into_iter().flat_map(|item| item.0).collect()
}

/// Rewrites the body of the module `name` among `items` with `f`, which
/// gets the module's items to change. `None` when there is no such module
/// (`f` is not called).
pub fn rewrite_module<T>(
    items: &mut [Item],
    name: &str,
    f: impl FnOnce(&mut Vec<Item>) -> T,
) -> Option<T> {
    let item = items.iter_mut().find(|item| {
        item.keyword().as_deref() == Some("mod") && item.name().as_deref() == Some(name)
    })?;
    let index = item.body_index()?;
    let TokenTree::Group(group) = &item.0[index] else {
        return None;
    };
    let mut inner = self::items(group.stream());
    let result = f(&mut inner);
    let mut rewritten = Group::new(group.delimiter(), join(inner));
    rewritten.set_span(group.span());
    item.0[index] = TokenTree::Group(rewritten);
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn items_end_at_their_body_or_semicolon() {
        let stream = quote! {
            pub use a::b;
            #[derive(Debug)]
            pub struct Named { a: u8 }
            pub struct Tuple(u8);
            impl ::std::convert::From<super::Named> for Named { fn from(v: super::Named) -> Self { todo!() } }
            const _: () = { let _ = 1; };
            pub mod inner { pub struct Deep {} }
        };
        let items = items(stream);
        let summary: Vec<(Option<String>, Option<String>)> =
            items.iter().map(|i| (i.keyword(), i.name())).collect();
        assert_eq!(
            summary,
            [
                (Some("use".into()), None),
                (Some("struct".into()), Some("Named".into())),
                (Some("struct".into()), Some("Tuple".into())),
                (Some("impl".into()), None),
                (Some("const".into()), None),
                (Some("mod".into()), Some("inner".into())),
            ]
        );
        assert_eq!(
            items[3].header_idents(),
            [
                "impl", "std", "convert", "From", "super", "Named", "for", "Named"
            ]
        );
        assert!(items[4].0.last().is_some_and(|t| t.to_string() == ";"));
    }

    #[test]
    fn a_module_is_rewritten_in_place() {
        let mut items = items(quote! {
            pub mod types { pub struct A {} pub struct B {} }
            pub struct Client {}
        });
        let removed = rewrite_module(&mut items, "types", |inner| {
            let before = inner.len();
            inner.retain(|i| i.name().as_deref() != Some("B"));
            before - inner.len()
        });
        assert_eq!(removed, Some(1));
        assert_eq!(
            join(items).to_string(),
            quote! { pub mod types { pub struct A {} } pub struct Client {} }.to_string()
        );
        assert_eq!(rewrite_module(&mut [], "types", |_| ()), None);
    }
}
