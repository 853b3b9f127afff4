//! `search_operations`: the operations that answer a question as people
//! ask it. Each word of the question is stemmed and widened with the words
//! the API uses for it (people *declare* an incident, the API *creates*
//! one; people *page* someone, the API *escalates*), then scored where it
//! appears in an operation (its name, summary, description), weighted by
//! how rare the word is across operations, so that "monitoring" counts
//! for more than "incident". A relevance test holds the ranking to
//! questions written as an on-call engineer would write them
//! (`cli/tests/it/search_relevance.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use incidentio::catalog::{self, OperationInfo};
use serde_json::{Value, json};

/// Words people use, and the words of the API they stand for, with how
/// much each stands for it.
const SYNONYMS: &[(&str, &[(&str, f64)])] = &[
    // Verbs.
    ("declare", &[("create", 1.0), ("incident", 0.5)]),
    ("raise", &[("create", 0.8)]),
    ("open", &[("create", 0.8)]),
    ("start", &[("create", 0.8)]),
    ("new", &[("create", 0.8)]),
    ("add", &[("create", 0.8)]),
    ("set", &[("create", 0.5), ("update", 0.5)]),
    ("make", &[("create", 0.8)]),
    ("send", &[("create", 0.6), ("event", 0.6), ("ping", 0.6)]),
    ("post", &[("create", 0.6), ("update", 0.4)]),
    ("write", &[("create", 0.5), ("content", 0.5)]),
    ("get", &[("show", 0.8), ("list", 0.6)]),
    ("fetch", &[("show", 0.8), ("list", 0.6)]),
    ("find", &[("list", 0.8), ("show", 0.6)]),
    ("look", &[("list", 0.6), ("show", 0.8)]),
    ("read", &[("show", 0.8), ("list", 0.6)]),
    ("detail", &[("show", 1.0)]),
    ("which", &[("list", 0.5)]),
    ("what", &[("list", 0.5)]),
    ("all", &[("list", 0.6)]),
    ("active", &[("list", 0.6), ("live", 0.5)]),
    ("happening", &[("list", 0.6), ("live", 0.5)]),
    ("ongoing", &[("list", 0.6), ("live", 0.5)]),
    ("current", &[("list", 0.5)]),
    ("remove", &[("delete", 1.0), ("destroy", 1.0)]),
    ("delete", &[("destroy", 1.0)]),
    ("change", &[("update", 1.0), ("edit", 1.0)]),
    ("update", &[("edit", 0.8)]),
    ("when", &[("timestamp", 0.8)]),
    ("responded", &[("participant", 1.0)]),
    ("responder", &[("participant", 1.0)]),
    ("modify", &[("update", 1.0), ("edit", 1.0)]),
    ("rename", &[("edit", 1.0), ("update", 0.8), ("name", 0.5)]),
    ("close", &[("resolve", 1.0), ("update", 0.5), ("edit", 0.5)]),
    ("acknowledge", &[("resolve", 0.6), ("alert", 0.3)]),
    ("assign", &[("membership", 0.8), ("role", 0.8)]),
    ("page", &[("escalation", 1.0)]),
    ("wake", &[("escalation", 1.0), ("create", 0.5)]),
    ("notify", &[("notification", 1.0), ("escalation", 0.5)]),
    ("notified", &[("notification", 1.0)]),
    ("swap", &[("override", 1.0), ("create", 0.5)]),
    ("cover", &[("override", 1.0), ("create", 0.5)]),
    (
        "link",
        &[("connect", 0.8), ("attachment", 0.8), ("external", 0.6)],
    ),
    ("route", &[("route", 1.0)]),
    ("routed", &[("route", 1.0)]),
    ("run", &[("workflow", 0.5)]),
    ("automatically", &[("workflow", 0.8)]),
    ("automation", &[("workflow", 1.0)]),
    // Nouns.
    ("oncall", &[("schedule", 1.0), ("entry", 0.5)]),
    ("on-call", &[("schedule", 1.0), ("entry", 0.5)]),
    ("call", &[("schedule", 0.4), ("call", 1.0)]),
    ("rota", &[("schedule", 1.0)]),
    (
        "shift",
        &[("schedule", 0.8), ("override", 0.5), ("entry", 0.5)],
    ),
    ("tonight", &[("entry", 0.5)]),
    ("policy", &[("path", 1.0), ("escalation", 0.5)]),
    ("me", &[("identity", 1.0)]),
    ("am", &[("identity", 1.0)]),
    ("whoami", &[("identity", 1.0)]),
    ("account", &[("identity", 1.0)]),
    ("belong", &[("identity", 1.0)]),
    ("monitoring", &[("http", 1.0), ("event", 1.0)]),
    ("cron", &[("heartbeat", 1.0), ("ping", 0.8)]),
    ("ticket", &[("external", 0.8), ("issue", 0.8)]),
    ("jira", &[("external", 0.8), ("issue", 0.8)]),
    ("task", &[("follow", 0.6), ("action", 0.6)]),
    ("service", &[("catalog", 0.6), ("entry", 0.6)]),
    ("customer", &[("status", 0.6), ("page", 0.4)]),
    ("outage", &[("incident", 0.5)]),
    ("postmortem", &[("postmortem", 1.0), ("document", 0.5)]),
    ("timeline", &[("update", 0.6)]),
    ("lead", &[("role", 0.8)]),
    ("involved", &[("participant", 1.0)]),
    ("transcript", &[("transcript", 1.0)]),
    ("maintenance", &[("maintenance", 1.0), ("window", 0.6)]),
    ("firing", &[("alert", 0.5)]),
];

/// Words that say nothing about which operation is meant.
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "of", "for", "to", "in", "on", "my", "and", "with", "do", "does", "we", "is",
    "are", "this", "that", "our", "about", "from", "by", "it", "i", "be", "can", "have", "has",
    "how", "where", "who", "someone", "there", "right", "now", "up", "after", "us",
];

/// One operation's words, read once.
struct Indexed {
    op: &'static OperationInfo,
    name: BTreeSet<String>,
    summary: BTreeSet<String>,
    description: BTreeSet<String>,
}

struct Index {
    operations: Vec<Indexed>,
    /// How many operations each word appears in (name, summary or
    /// description).
    frequency: BTreeMap<String, usize>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let operations: Vec<Indexed> = catalog::operations()
            .iter()
            .map(|op| Indexed {
                op,
                name: op.operation.method_name.split('_').map(stem).collect(),
                summary: tokens(op.summary),
                description: tokens(op.description),
            })
            .collect();
        let mut frequency = BTreeMap::new();
        for op in &operations {
            let words: BTreeSet<&String> = op
                .name
                .iter()
                .chain(&op.summary)
                .chain(&op.description)
                .collect();
            for word in words {
                *frequency.entry(word.clone()).or_insert(0) += 1;
            }
        }
        Index {
            operations,
            frequency,
        }
    })
}

/// The words of a question, each with the API words it stands for and
/// their weights. `INC-123` stands for showing an incident.
fn question_words(query: &str) -> Vec<Vec<(String, f64)>> {
    let mut out = Vec::new();
    for raw in query.split(|c: char| !c.is_alphanumeric() && c != '-') {
        let word = raw.to_lowercase();
        if word.is_empty() || STOP_WORDS.contains(&word.as_str()) {
            continue;
        }
        if let Some(("inc", number)) = word.split_once('-')
            && !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit())
        {
            out.push(vec![("incident".to_owned(), 1.0), ("show".to_owned(), 1.0)]);
            continue;
        }
        let mut forms = vec![(stem(&word), 1.0)];
        // `follow-up` is also `follow` and `up`.
        if word.contains('-') {
            forms.extend(
                word.split('-')
                    .filter(|p| !p.is_empty() && !STOP_WORDS.contains(p))
                    .map(|p| (stem(p), 1.0)),
            );
        }
        for form in [word.as_str(), stem(&word).as_str()] {
            if let Some((_, also)) = SYNONYMS.iter().find(|(w, _)| *w == form) {
                forms.extend(also.iter().map(|(s, weight)| (stem(s), *weight)));
                break;
            }
        }
        out.push(forms);
    }
    out
}

/// The best matches of `query` among every operation (enabled or not,
/// callable through `call_operation`), best first.
pub fn search(query: &str, limit: usize) -> Vec<Value> {
    let index = index();
    let total = index.operations.len().max(1) as f64;
    let rarity = |word: &str| {
        let seen = index.frequency.get(word).copied().unwrap_or(0).max(1) as f64;
        (total / seen).ln() + 1.0
    };
    let words = question_words(query);
    let mut scored: Vec<(f64, &OperationInfo)> = index
        .operations
        .iter()
        .filter_map(|indexed| {
            let mut score = 0.0;
            let mut named = 0usize;
            for forms in &words {
                // A word counts once, by its best form and place.
                let mut best: f64 = 0.0;
                let mut in_name = false;
                for (form, weight) in forms {
                    let place = if indexed.name.contains(form) {
                        in_name = true;
                        3.0
                    } else if indexed.summary.contains(form) {
                        2.0
                    } else if indexed.description.contains(form) {
                        1.0
                    } else {
                        0.0
                    };
                    best = best.max(place * weight * rarity(form));
                }
                score += best;
                named += usize::from(in_name);
            }
            if score == 0.0 {
                return None;
            }
            // Of two names that match as well, the one with fewer other
            // words (`incidents_v2_create` before `incident_roles_v2_create`).
            let words_in_name = indexed
                .name
                .iter()
                .filter(|t| !(t.starts_with('v') && t[1..].bytes().all(|b| b.is_ascii_digit())))
                .count()
                .max(1);
            score += named as f64 / words_in_name as f64;
            if indexed.op.operation.deprecated {
                score *= 0.5;
            }
            // Of two versions of a service, the newer first.
            let version = indexed
                .op
                .feature
                .rsplit_once("-v")
                .and_then(|(_, v)| v.parse::<f64>().ok())
                .unwrap_or(0.0);
            Some((score + version * 0.01, indexed.op))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<Value> = answering_tools(query)
        .map(|(name, summary)| json!({"tool": name, "summary": summary}))
        .collect();
    let room = limit.saturating_sub(out.len());
    out.extend(scored.into_iter().take(room).map(|(_, op)| {
        json!({
            "operation": op.operation.method_name,
            "method": op.operation.method,
            "path": op.operation.path,
            "summary": op.summary,
            "deprecated": op.operation.deprecated,
        })
    }));
    out
}

/// Tools of the server's own that answer a question in one call, and the
/// phrases that ask it: they come first, named as tools (called directly,
/// not through `call_operation`).
const ANSWERING_TOOLS: &[(&str, &str, &[&str])] = &[(
    super::oncall::NAME,
    "Who is on call now (or at another moment), every schedule at once.",
    &[
        "on call",
        "on-call",
        "oncall",
        "rota",
        "shift",
        "who to page",
    ],
)];

fn answering_tools(query: &str) -> impl Iterator<Item = (&'static str, &'static str)> {
    let query = query.to_lowercase();
    ANSWERING_TOOLS
        .iter()
        .filter(move |(_, _, cues)| cues.iter().any(|c| query.contains(c)))
        .map(|(name, summary, _)| (*name, *summary))
}

fn tokens(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| stem(&w.to_lowercase()))
        .collect()
}

/// A crude stem: plurals to singular, so "incidents" meets "incident".
fn stem(word: &str) -> String {
    let word = word.to_lowercase();
    if let Some(base) = word.strip_suffix("ies")
        && base.len() > 2
    {
        return format!("{base}y");
    }
    if let Some(base) = word.strip_suffix('s')
        && base.len() > 2
        && !base.ends_with('s')
    {
        return base.to_owned();
    }
    word
}
