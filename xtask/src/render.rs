//! Writing a report (a [`SpecDiff`] and its [`Verdict`]) as text for a
//! terminal, Markdown for a pull request, or JSON for tools. Text and
//! Markdown share one outline ([`sections`]); empty sections are left out.

use std::fmt::Write as _;

use serde::Serialize;

use crate::diff::{OpRef, ServiceChange, SpecDiff};
use crate::verdict::Verdict;

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Plain text (the default).
    #[default]
    Text,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// One JSON object.
    Json,
}

impl Format {
    /// Parses `text`, `markdown` (or `md`) or `json`.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "text" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// A complete report: what was compared, what changed, the verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The old spec (path or description).
    pub old_source: String,
    /// The new spec (path or URL).
    pub new_source: String,
    /// What changed.
    #[serde(flatten)]
    pub diff: SpecDiff,
    /// The judgement.
    pub verdict: Verdict,
}

impl Report {
    /// The report in `format`, ending with a newline.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => {
                let mut out = serde_json::to_string_pretty(self)
                    .expect("serialising a report to memory cannot fail");
                out.push('\n');
                out
            }
            Format::Text => self.text(),
            Format::Markdown => self.markdown(),
        }
    }

    fn headline(&self) -> String {
        let (o, n) = (&self.diff.old, &self.diff.new);
        format!(
            "operations {} -> {}, schemas {} -> {}, service versions (tags) {} -> {}",
            o.operations, n.operations, o.schemas, n.schemas, o.tags, n.tags
        )
    }

    fn bump_line(&self) -> String {
        let bump = &self.verdict.bump;
        match (&bump.from, &bump.to) {
            (Some(from), Some(to)) => format!("{} bump, {from} -> {to}: {}", bump.kind, bump.why),
            _ => format!("{} bump: {}", bump.kind, bump.why),
        }
    }

    fn remark(&self) -> Option<&'static str> {
        if self.diff.identical {
            Some("The two specs are identical.")
        } else if self.diff.no_tracked_changes() {
            Some(
                "The documents differ only in what this report does not track \
                 (descriptions, examples, property types).",
            )
        } else {
            None
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Spec changes: {} -> {}",
            self.old_source, self.new_source
        );
        let _ = writeln!(out, "  {}", self.headline());
        if let Some(remark) = self.remark() {
            let _ = writeln!(out, "  {remark}");
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "Verdict: {}", self.verdict.level.as_str());
        let _ = writeln!(out, "  version: {}", self.bump_line());
        for (label, list) in [
            ("breaking", &self.verdict.breaking),
            ("additive", &self.verdict.additive),
        ] {
            if !list.is_empty() {
                let _ = writeln!(out, "  {label}:");
                for reason in list {
                    let _ = writeln!(out, "    - {reason}");
                }
            }
        }
        for section in sections(&self.diff) {
            let _ = writeln!(out);
            let _ = writeln!(out, "{} ({}):", section.title, section.count);
            if let Some(note) = &section.note {
                let _ = writeln!(out, "  {note}");
            }
            for item in &section.items {
                let _ = writeln!(out, "  {}", item.line);
                for sub in &item.details {
                    let _ = writeln!(out, "    {sub}");
                }
            }
        }
        out
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## Spec changes");
        let _ = writeln!(out);
        let _ = writeln!(out, "`{}` → `{}`", self.old_source, self.new_source);
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", self.headline());
        if let Some(remark) = self.remark() {
            let _ = writeln!(out);
            let _ = writeln!(out, "{remark}");
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "**Verdict: {}**", self.verdict.level.as_str());
        let _ = writeln!(out);
        let _ = writeln!(out, "Version: {}", self.bump_line());
        for (label, list) in [
            ("Breaking", &self.verdict.breaking),
            ("Additive", &self.verdict.additive),
        ] {
            if !list.is_empty() {
                let _ = writeln!(out);
                let _ = writeln!(out, "{label}:");
                for reason in list {
                    let _ = writeln!(out, "- {reason}");
                }
            }
        }
        for section in sections(&self.diff) {
            let _ = writeln!(out);
            let _ = writeln!(out, "### {} ({})", section.title, section.count);
            let _ = writeln!(out);
            if let Some(note) = &section.note {
                let _ = writeln!(out, "{note}");
                let _ = writeln!(out);
            }
            for item in &section.items {
                let _ = writeln!(out, "- {}", item.markdown_line());
                for sub in &item.details {
                    let _ = writeln!(out, "  - {}", markdown_code(sub));
                }
            }
        }
        out
    }
}

/// One titled part of the report.
struct Section {
    title: &'static str,
    count: usize,
    note: Option<String>,
    items: Vec<Item>,
}

/// One line of a section, with indented detail lines.
struct Item {
    line: String,
    details: Vec<String>,
}

impl Item {
    fn plain(line: String) -> Item {
        Item {
            line,
            details: Vec::new(),
        }
    }

    fn markdown_line(&self) -> String {
        markdown_code(&self.line)
    }
}

/// Puts an operation line's method and path in a code span.
fn markdown_code(line: &str) -> String {
    const METHODS: [&str; 8] = [
        "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE",
    ];
    let mut words = line.split_whitespace();
    match (words.next(), words.next()) {
        (Some(method), Some(path)) if METHODS.contains(&method) => {
            let rest: Vec<&str> = words.collect();
            format!("`{method} {path}` {}", rest.join(" "))
                .trim_end()
                .to_owned()
        }
        _ => line.to_owned(),
    }
}

fn op_line(op: &OpRef) -> String {
    let mut line = format!("{:<6} {}  {}", op.method, op.path, op.operation_id);
    if op.deprecated {
        line.push_str(" (deprecated)");
    }
    line
}

fn service_item(change: &ServiceChange, added: bool) -> Item {
    let n = change.operations.len();
    let ops = if n == 1 { "operation" } else { "operations" };
    let mut line = match (added, change.other_versions.is_empty()) {
        _ if change.renamed.is_some() => {
            let other = change.renamed.as_deref().unwrap_or_default();
            let how = if added { "renamed from" } else { "renamed to" };
            format!("{}: {how} {other}, {n} {ops}", change.tag)
        }
        (true, false) => format!(
            "{}: new version of {} (beside {}), {n} {ops}",
            change.tag,
            change.service,
            change.other_versions.join(", ")
        ),
        (true, true) if change.version.is_some_and(|v| v > 1) => format!(
            "{}: new service (no earlier version of {} in the old spec), {n} {ops}",
            change.tag, change.service
        ),
        (true, true) => format!("{}: new service, {n} {ops}", change.tag),
        (false, false) => format!(
            "{}: removed ({} remains), {n} {ops}",
            change.tag,
            change.other_versions.join(", ")
        ),
        (false, true) => format!("{}: removed, {n} {ops}", change.tag),
    };
    if change.renamed.is_none() && !change.same_operations_as.is_empty() {
        let verb = if added {
            "previously under"
        } else {
            "now under"
        };
        line.push_str(&format!(
            "; some of the same operations {verb} {}",
            change.same_operations_as.join(", ")
        ));
    }
    Item {
        line,
        details: change.operations.iter().map(op_line).collect(),
    }
}

fn list_section(title: &'static str, items: Vec<Item>) -> Section {
    Section {
        title,
        count: items.len(),
        note: None,
        items,
    }
}

fn sections(diff: &SpecDiff) -> Vec<Section> {
    let mut out = Vec::new();
    out.push(list_section(
        "Service versions added",
        diff.services_added
            .iter()
            .map(|s| service_item(s, true))
            .collect(),
    ));
    out.push(list_section(
        "Service versions removed",
        diff.services_removed
            .iter()
            .map(|s| service_item(s, false))
            .collect(),
    ));

    // Operations of new service versions are listed with them above.
    let new_tags: Vec<&str> = diff.services_added.iter().map(|s| s.tag.as_str()).collect();
    let in_new_service = |op: &&OpRef| op.tags.iter().any(|t| new_tags.contains(&t.as_str()));
    let listed_above = diff.operations_added.iter().filter(in_new_service).count();
    let others: Vec<Item> = diff
        .operations_added
        .iter()
        .filter(|op| !in_new_service(op))
        .map(|op| Item::plain(format!("{}  [{}]", op_line(op), op.tags.join(", "))))
        .collect();
    out.push(Section {
        title: "Operations added",
        count: diff.operations_added.len(),
        note: match (listed_above, others.len()) {
            (0, _) => None,
            (_, 0) => Some("all in the new service versions above".to_owned()),
            (above, more) => Some(format!(
                "{above} in the new service versions above; {more} more:"
            )),
        },
        items: others,
    });
    for (title, ops) in [
        ("Operations removed", &diff.operations_removed),
        ("Operations newly deprecated", &diff.newly_deprecated),
        (
            "Operations no longer deprecated",
            &diff.no_longer_deprecated,
        ),
    ] {
        out.push(list_section(
            title,
            ops.iter().map(|op| Item::plain(op_line(op))).collect(),
        ));
    }

    out.push(list_section(
        "Operations changed",
        diff.operations_changed
            .iter()
            .map(|c| {
                let mut details = Vec::new();
                if let Some(old) = &c.renamed_from {
                    details.push(if c.method_renamed {
                        format!("operationId was {old}; the generated method is renamed")
                    } else {
                        format!("operationId was {old}; the generated method keeps its name")
                    });
                }
                let req = |r: bool| if r { "required" } else { "optional" };
                details.extend(c.parameters_added.iter().map(|p| {
                    format!(
                        "+ {} parameter {} ({})",
                        p.location,
                        p.name,
                        req(p.required)
                    )
                }));
                details.extend(
                    c.parameters_removed
                        .iter()
                        .map(|p| format!("- {} parameter {}", p.location, p.name)),
                );
                details.extend(c.now_required.iter().map(|p| {
                    format!(
                        "! {} parameter {}: optional -> required",
                        p.location, p.name
                    )
                }));
                details.extend(c.now_optional.iter().map(|p| {
                    format!(
                        "~ {} parameter {}: required -> optional",
                        p.location, p.name
                    )
                }));
                Item {
                    line: op_line(&c.operation),
                    details,
                }
            })
            .collect(),
    ));

    out.push(list_section(
        "Enum values changed",
        diff.enums
            .iter()
            .map(|e| {
                let mut parts = Vec::new();
                if !e.added.is_empty() {
                    parts.push(format!("+ {}", e.added.join(", ")));
                }
                if !e.removed.is_empty() {
                    parts.push(format!("- {}", e.removed.join(", ")));
                }
                Item::plain(format!("{}: {}", e.location, parts.join("; ")))
            })
            .collect(),
    ));
    for (title, names) in [
        ("Schemas added", &diff.schemas_added),
        ("Schemas removed", &diff.schemas_removed),
    ] {
        out.push(list_section(
            title,
            names.iter().cloned().map(Item::plain).collect(),
        ));
    }
    out.push(list_section(
        "Properties changed",
        diff.properties
            .iter()
            .map(|p| {
                let mut parts = Vec::new();
                if !p.added.is_empty() {
                    parts.push(format!("+ {}", p.added.join(", ")));
                }
                if !p.removed.is_empty() {
                    parts.push(format!("- {}", p.removed.join(", ")));
                }
                Item::plain(format!("{}: {}", p.schema, parts.join("; ")))
            })
            .collect(),
    ));
    out.push(list_section(
        "Properties newly required in request bodies",
        diff.newly_required_in_requests
            .iter()
            .map(|r| Item::plain(format!("{}.{}", r.schema, r.property)))
            .collect(),
    ));
    out.retain(|s| s.count > 0);
    out
}
