//! Writing responses: JSON (pretty on a terminal, compact when piped),
//! NDJSON, or a table.

use std::io::{IsTerminal, Write};

use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::CliError;
use crate::jq::Jq;

/// The `--output` modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The JSON the API sent.
    Json,
    /// One JSON value per line (list items one per line).
    Ndjson,
    /// Aligned columns for people.
    Table,
    /// No `--output` and stdout a terminal: a list as a table (see
    /// [`identifying_columns`]), anything else as pretty JSON. Piped output
    /// is never `Auto`: scripts get the JSON.
    Auto,
}

/// Writes output in one mode, to stdout.
pub struct Printer {
    /// The mode.
    pub mode: Mode,
    /// Table columns (`--fields a,b.c`).
    pub fields: Option<Vec<String>>,
    pretty: bool,
    out: std::io::BufWriter<std::io::Stdout>,
    /// Items written so far by [`Printer::item`].
    count: usize,
    rows: Vec<Value>,
    /// `--jq`: runs on each value printed, in place of the mode.
    jq: Option<Jq>,
}

impl Printer {
    /// A printer for stdout; `jq` filters every JSON value it prints.
    pub fn new(mode: Mode, fields: Option<Vec<String>>, jq: Option<Jq>) -> Self {
        let stdout = std::io::stdout();
        let pretty = stdout.is_terminal();
        Printer {
            mode,
            fields,
            pretty,
            out: std::io::BufWriter::new(stdout),
            count: 0,
            rows: Vec::new(),
            jq,
        }
    }

    /// One whole response body; `items` names its list property, if any.
    pub fn body(&mut self, raw: &[u8], items: Option<&str>) -> Result<(), CliError> {
        if raw.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        if let Some(jq) = &self.jq {
            jq.run(raw, &mut self.out, self.pretty)?;
            self.out.flush()?;
            return Ok(());
        }
        let value: Value = serde_json::from_slice(raw)
            .map_err(|e| CliError::Decode(format!("the body is not JSON: {e}")))?;
        match self.mode {
            Mode::Json if !self.pretty => {
                self.out.write_all(trim(raw))?;
                self.out.write_all(b"\n")?;
            }
            Mode::Json => {
                serde_json::to_writer_pretty(&mut self.out, &value)
                    .map_err(std::io::Error::from)?;
                self.out.write_all(b"\n")?;
            }
            Mode::Ndjson => match items.and_then(|k| value.get(k)).and_then(Value::as_array) {
                Some(list) => {
                    for item in list {
                        self.line(item)?;
                    }
                }
                None => self.line(&value)?,
            },
            Mode::Table => {
                let rows = table_rows(&value, items);
                self.table(&rows)?;
            }
            Mode::Auto => match list_rows(&value, items) {
                Some(rows) => self.table(&rows)?,
                None => {
                    serde_json::to_writer_pretty(&mut self.out, &value)
                        .map_err(std::io::Error::from)?;
                    self.out.write_all(b"\n")?;
                }
            },
        }
        self.out.flush()?;
        Ok(())
    }

    fn line(&mut self, value: &Value) -> Result<(), CliError> {
        serde_json::to_writer(&mut self.out, value).map_err(std::io::Error::from)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    /// One NDJSON record (a result of `--each`), compact on its own line
    /// whatever the mode, and flushed: `--jq` runs on it.
    pub fn record(&mut self, value: &Value) -> Result<(), CliError> {
        if let Some(jq) = &self.jq {
            let raw = serde_json::to_vec(value).map_err(std::io::Error::from)?;
            jq.run(&raw, &mut self.out, false)?;
        } else {
            self.line(value)?;
        }
        self.out.flush()?;
        Ok(())
    }

    /// One item of an `--all` walk, as the API wrote it, written as it
    /// arrives: compact output copies its text (as a whole response's is
    /// copied), anything else reads it first.
    pub fn item(&mut self, item: &RawValue) -> Result<(), CliError> {
        if let Some(jq) = &self.jq {
            return jq.run(item.get().as_bytes(), &mut self.out, self.pretty);
        }
        match self.mode {
            Mode::Ndjson => {
                self.compact(item)?;
                self.out.write_all(b"\n")?;
            }
            Mode::Json => {
                self.out
                    .write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
                if self.pretty {
                    serde_json::to_writer_pretty(&mut self.out, &parse(item)?)
                        .map_err(std::io::Error::from)?;
                } else {
                    self.compact(item)?;
                }
            }
            Mode::Table | Mode::Auto => self.rows.push(parse(item)?),
        }
        self.count += 1;
        Ok(())
    }

    /// An item on one line (no newline after it): its text when the API
    /// wrote it on one line (as it does), else the value re-written compact.
    fn compact(&mut self, item: &RawValue) -> Result<(), CliError> {
        let text = item.get();
        if text.contains('\n') {
            // Only whitespace between tokens can hold a newline in JSON.
            serde_json::to_writer(&mut self.out, &parse(item)?).map_err(std::io::Error::from)?;
        } else {
            self.out.write_all(text.as_bytes())?;
        }
        Ok(())
    }

    /// Flushes after a page of items.
    pub fn flush(&mut self) -> Result<(), CliError> {
        self.out.flush()?;
        Ok(())
    }

    /// Ends an `--all` walk.
    pub fn finish_items(&mut self) -> Result<(), CliError> {
        if self.jq.is_some() {
            self.out.flush()?;
            return Ok(());
        }
        match self.mode {
            Mode::Json if self.count == 0 => self.out.write_all(b"[]\n")?,
            Mode::Json => self.out.write_all(b"\n]\n")?,
            Mode::Table | Mode::Auto => {
                let rows = std::mem::take(&mut self.rows);
                self.table(&rows)?;
            }
            Mode::Ndjson => {}
        }
        self.out.flush()?;
        Ok(())
    }

    /// Writes any text line (dry runs, describe).
    pub fn text(&mut self, text: &str) -> Result<(), CliError> {
        self.out.write_all(text.as_bytes())?;
        self.out.flush()?;
        Ok(())
    }

    /// A JSON value in the current style.
    pub fn value(&mut self, value: &Value) -> Result<(), CliError> {
        if let Some(jq) = &self.jq {
            let raw = serde_json::to_vec(value).map_err(std::io::Error::from)?;
            jq.run(&raw, &mut self.out, self.pretty)?;
            self.out.flush()?;
            return Ok(());
        }
        if self.pretty {
            serde_json::to_writer_pretty(&mut self.out, value).map_err(std::io::Error::from)?;
        } else {
            serde_json::to_writer(&mut self.out, value).map_err(std::io::Error::from)?;
        }
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        Ok(())
    }

    /// An answer the CLI computes itself rather than a response body
    /// (`oncall`'s): on a terminal or with `--output table`, `rows` as a
    /// table of `columns` (or `--fields`); with `ndjson`, `records` one a
    /// line; else `whole` as JSON. `--jq` runs on what would be printed
    /// as JSON (each record with `ndjson`, else `whole`).
    pub fn answer(
        &mut self,
        whole: &Value,
        records: &[Value],
        rows: &[Value],
        columns: &[&str],
    ) -> Result<(), CliError> {
        match self.mode {
            Mode::Ndjson => records.iter().try_for_each(|r| self.record(r)),
            Mode::Table | Mode::Auto if self.jq.is_none() => {
                let columns = match &self.fields {
                    Some(f) => f.clone(),
                    None => columns.iter().map(|c| (*c).to_owned()).collect(),
                };
                self.write_table(&columns, rows)?;
                self.out.flush()?;
                Ok(())
            }
            _ => self.value(whole),
        }
    }

    fn table(&mut self, rows: &[Value]) -> Result<(), CliError> {
        let columns = match &self.fields {
            Some(f) => f.clone(),
            None if self.mode == Mode::Auto => identifying_columns(rows),
            None => default_columns(rows),
        };
        self.write_table(&columns, rows)
    }

    fn write_table(&mut self, columns: &[String], rows: &[Value]) -> Result<(), CliError> {
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|row| columns.iter().map(|c| cell(lookup(row, c))).collect())
            .collect();
        let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let header: Vec<String> = columns.iter().map(|c| c.to_uppercase()).collect();
        for row in std::iter::once(&header).chain(&cells) {
            let line: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            writeln!(self.out, "{}", line.join("  ").trim_end())?;
        }
        Ok(())
    }
}

/// An item's text read as a value (it was read once already: it is JSON).
fn parse(item: &RawValue) -> Result<Value, CliError> {
    serde_json::from_str(item.get())
        .map_err(|e| CliError::Decode(format!("an item is not JSON: {e}")))
}

fn trim(raw: &[u8]) -> &[u8] {
    let start = raw
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(raw.len());
    let end = raw
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &raw[start..end]
}

/// The rows of a body that is a list: the page's items property, else
/// its one array besides `pagination_meta`, else a bare array; `None` for
/// anything else (a single resource).
fn list_rows(value: &Value, items: Option<&str>) -> Option<Vec<Value>> {
    if let Some(list) = items.and_then(|k| value.get(k)).and_then(Value::as_array) {
        return Some(list.clone());
    }
    match value {
        Value::Array(list) => Some(list.clone()),
        Value::Object(map) => {
            let mut others = map.iter().filter(|(k, _)| *k != "pagination_meta");
            match (others.next(), others.next()) {
                (Some((_, Value::Array(list))), None) => Some(list.clone()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The slots of the table a terminal gets, in order: each is filled by
/// the first of its field names the items have.
const IDENTIFYING: &[&[&str]] = &[
    &["id"],
    &["reference"],
    &["name", "title"],
    &["status", "incident_status", "state"],
    &["severity", "priority"],
    &["created_at"],
];

/// The columns of a list on a terminal, by one rule for every operation:
/// for each slot of [`IDENTIFYING`] (id, reference, name or title, status,
/// severity, created at), the first of its names that some item has;
/// a field holding an object shows the object's `name` (`severity.name`).
/// Fewer than two found (items of another shape): the first six scalar
/// fields, as `--output table` shows them.
pub(crate) fn identifying_columns(rows: &[Value]) -> Vec<String> {
    let mut columns = Vec::new();
    for slot in IDENTIFYING {
        let found = slot.iter().find_map(|name| {
            rows.iter().find_map(|row| match row.get(*name)? {
                Value::Null => None,
                Value::Object(inner) if inner.contains_key("name") => Some(format!("{name}.name")),
                Value::Object(_) | Value::Array(_) => None,
                _ => Some((*name).to_owned()),
            })
        });
        columns.extend(found);
    }
    if columns.len() < 2 {
        return default_columns(rows);
    }
    columns
}

/// The rows of a body: its list (see [`list_rows`]), else its single
/// object (`{"incident": {…}}` is one row of the incident), else itself.
fn table_rows(value: &Value, items: Option<&str>) -> Vec<Value> {
    if let Some(rows) = list_rows(value, items) {
        return rows;
    }
    if let Value::Object(map) = value {
        let mut others = map.iter().filter(|(k, _)| *k != "pagination_meta");
        if let (Some((_, only)), None) = (others.next(), others.next()) {
            return vec![only.clone()];
        }
    }
    vec![value.clone()]
}

/// Up to six scalar columns of the first row, `id` and `name` first.
fn default_columns(rows: &[Value]) -> Vec<String> {
    let Some(Value::Object(first)) = rows.first() else {
        return vec![];
    };
    let mut columns: Vec<String> = first
        .iter()
        .filter(|(_, v)| !v.is_object() && !v.is_array())
        .map(|(k, _)| k.clone())
        .collect();
    columns.sort_by_key(|k| match k.as_str() {
        "id" => 0,
        "reference" => 1,
        "name" => 2,
        _ => 3,
    });
    columns.truncate(6);
    columns
}

/// `a.b.c` in `value`.
fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| match v {
        Value::Array(list) => key.parse::<usize>().ok().and_then(|i| list.get(i)),
        other => other.get(key),
    })
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.replace('\n', " "),
        Some(other) => other.to_string(),
    }
}
