//! Markdown rewriting for the spec's descriptions (text in, text out; no
//! syntax tree): the doc passes in `passes/doc_markdown.rs` apply it.

/// Marks every code block of a Markdown text as `text` (see
/// `fence_doc_code_blocks`).
pub fn fence_markdown_code(doc: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut in_indented = false;
    let mut previous_blank = true;
    for line in doc.lines() {
        let trimmed = line.trim_start();
        let blank = trimmed.is_empty();
        if in_fence {
            out.push(line.to_owned());
            in_fence = !trimmed.starts_with("```");
            previous_blank = blank;
            continue;
        }
        let indented = line.starts_with('\t') || line.starts_with("    ");
        if in_indented {
            if blank || indented {
                out.push(line.to_owned());
                continue;
            }
            close_indented_block(&mut out);
            in_indented = false;
        }
        if let Some(info) = trimmed.strip_prefix("```") {
            let info = info.trim();
            let indent = &line[..line.len() - trimmed.len()];
            if info.is_empty() || info == "rust" {
                out.push(format!("{indent}```text"));
            } else {
                out.push(line.to_owned());
            }
            in_fence = true;
        } else if indented && previous_blank && !blank {
            out.push("```text".to_owned());
            out.push(line.to_owned());
            in_indented = true;
        } else {
            out.push(line.to_owned());
        }
        previous_blank = blank;
    }
    if in_indented {
        close_indented_block(&mut out);
    }
    let mut text = out.join("\n");
    if doc.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Ends an indented block turned fenced, before its trailing blank lines.
fn close_indented_block(out: &mut Vec<String>) {
    let trailing = out.iter().rev().take_while(|l| l.trim().is_empty()).count();
    let at = out.len() - trailing;
    out.insert(at, "```".to_owned());
}

/// Wraps bare URLs and escapes non-link brackets of a Markdown text, outside
/// fenced code blocks and code spans (see `escape_doc_links_and_urls`).
pub fn escape_markdown_links(doc: &str) -> String {
    // Only brackets and URLs change: most descriptions have neither, and
    // are every doc attribute of the generated code.
    if !doc.contains('[') && !doc.contains("http") {
        return doc.to_owned();
    }
    let mut out = String::with_capacity(doc.len());
    let mut in_fence = false;
    for (i, line) in doc.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            out.push_str(line);
        } else if in_fence {
            out.push_str(line);
        } else {
            escape_line(line, &mut out);
        }
    }
    out
}

fn escape_line(line: &str, out: &mut String) {
    let chars: Vec<char> = line.chars().collect();
    let mut close_to_escape: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let previous = i.checked_sub(1).map(|p| chars[p]);
        if c == '`' {
            // A code span: copied up to the closing run of as many backticks.
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            let after = i + run;
            let close = (after..chars.len()).find(|&j| {
                chars[j..].iter().take_while(|&&c| c == '`').count() == run
                    && chars.get(j.wrapping_sub(1)) != Some(&'`')
            });
            let end = close.map_or(chars.len(), |j| j + run);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if c == '\\' && i + 1 < chars.len() {
            out.push(c);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == ']' && close_to_escape.last() == Some(&i) {
            close_to_escape.pop();
            out.push_str("\\]");
            i += 1;
            continue;
        }
        if c == '['
            && let Some(close) = (i + 1..chars.len()).find(|&j| chars[j] == ']')
        {
            let content: String = chars[i + 1..close].iter().collect();
            let target: Option<String> = (chars.get(close + 1) == Some(&'(')).then(|| {
                chars[close + 2..]
                    .iter()
                    .take_while(|&&c| c != ')')
                    .collect()
            });
            let is_link = content.starts_with('`')
                || target.is_some_and(|t| {
                    t.contains("://") || t.starts_with('#') || t.starts_with("mailto:")
                });
            if !is_link && !content.is_empty() {
                out.push_str("\\[");
                close_to_escape.push(close);
                i += 1;
                continue;
            }
        }
        let url_at = |scheme: &str| {
            c == 'h'
                && chars[i..]
                    .iter()
                    .take(scheme.len())
                    .copied()
                    .eq(scheme.chars())
        };
        if (url_at("https://") || url_at("http://"))
            && !matches!(previous, Some('<' | '(' | '"' | '\'' | '='))
        {
            let mut end = (i..chars.len())
                .find(|&j| chars[j].is_whitespace() || matches!(chars[j], '<' | '>' | '"'))
                .unwrap_or(chars.len());
            while end > i
                && matches!(
                    chars[end - 1],
                    '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']'
                )
            {
                end -= 1;
            }
            out.push('<');
            out.extend(&chars[i..end]);
            out.push('>');
            i = end;
            continue;
        }
        out.push(c);
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indented_and_bare_fences_become_text() {
        let doc = "Call it:\n\n    curl https://api.incident.io\n\nDone.";
        assert_eq!(
            fence_markdown_code(doc),
            "Call it:\n\n```text\n    curl https://api.incident.io\n```\n\nDone."
        );
        assert_eq!(fence_markdown_code("```\n{}\n```"), "```text\n{}\n```");
        assert_eq!(fence_markdown_code("```rust\nx\n```"), "```text\nx\n```");
        assert_eq!(fence_markdown_code("```json\n{}\n```"), "```json\n{}\n```");
    }

    #[test]
    fn bare_urls_and_stray_brackets_are_escaped() {
        assert_eq!(
            escape_markdown_links("See https://incident.io/docs."),
            "See <https://incident.io/docs>."
        );
        assert_eq!(escape_markdown_links("a [secret] b"), "a \\[secret\\] b");
        assert_eq!(
            escape_markdown_links("[Links](https://x.io) and [`Item`]"),
            "[Links](https://x.io) and [`Item`]"
        );
        assert_eq!(
            escape_markdown_links("`[kept]` in code"),
            "`[kept]` in code"
        );
        assert_eq!(escape_markdown_links("```\n[a]\n```"), "```\n[a]\n```");
    }
}
