//! `--jq EXPR`: a jq filter (jaq, a jq written in Rust) over the JSON a
//! command would print. Compiled before anything is sent, so that a bad
//! expression is a usage error with nothing sent; run on each value the
//! command prints (a whole response, or each item of `--all`).

use std::io::Write;

use jaq_core::load::{Arena, File, Loader, lex, parse};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;

use crate::error::CliError;

/// The data a filter runs on: JSON values, and only the filter's own
/// look-up table as global data (no `input`/`inputs`).
type Data = data::JustLut<Val>;

/// A compiled `--jq` expression.
pub struct Jq {
    filter: jaq_core::Filter<Data>,
}

impl std::fmt::Debug for Jq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Jq(..)")
    }
}

impl Jq {
    /// Compiles `code` with jq's standard library; an error names its
    /// position (a character offset from 1) and what was expected there.
    pub fn compile(code: &str) -> Result<Self, CliError> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let modules = loader
            .load(&arena, File { code, path: () })
            .map_err(|errors| {
                let messages: Vec<String> = errors
                    .into_iter()
                    .flat_map(|(_, error)| load_messages(code, error))
                    .collect();
                bad_expression(code, &messages)
            })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                let messages: Vec<String> = errors
                    .into_iter()
                    .flat_map(|(_, undefined)| undefined)
                    .map(|(name, kind)| {
                        format!(
                            "{}: undefined {} `{name}`",
                            position(code, name),
                            kind.as_str()
                        )
                    })
                    .collect();
                bad_expression(code, &messages)
            })?;
        Ok(Jq { filter })
    }

    /// Runs the filter on `input` (JSON text) and writes each result on
    /// its own line: strings raw (as `gh --jq` and `jq -r` print them),
    /// anything else as JSON, indented when `pretty`.
    pub fn run(&self, input: &[u8], out: &mut dyn Write, pretty: bool) -> Result<(), CliError> {
        let input = jaq_json::read::parse_single(input)
            .map_err(|e| CliError::Decode(format!("the body is not JSON: {e}")))?;
        let ctx = Ctx::<Data>::new(&self.filter.lut, Vars::new([]));
        let pp = jaq_json::write::Pp {
            indent: pretty.then(|| "  ".to_owned()),
            sep_space: pretty,
            ..Default::default()
        };
        for result in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            let value = result.map_err(|e| CliError::Jq(shorten(e.to_string())))?;
            match &value {
                Val::TStr(text) => out.write_all(text)?,
                other => jaq_json::write::write(out, &pp, 0, other)?,
            }
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

impl Jq {
    /// Runs the filter on `input` and returns its outputs as JSON values
    /// (for an MCP tool's answer, where every output is data).
    pub fn values(&self, input: &serde_json::Value) -> Result<Vec<serde_json::Value>, CliError> {
        let text = serde_json::to_vec(input)
            .map_err(|e| CliError::Decode(format!("the answer is not JSON: {e}")))?;
        let input = jaq_json::read::parse_single(&text)
            .map_err(|e| CliError::Decode(format!("the answer is not JSON: {e}")))?;
        let ctx = Ctx::<Data>::new(&self.filter.lut, Vars::new([]));
        let pp = jaq_json::write::Pp::default();
        let mut out = Vec::new();
        for result in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            let value = result.map_err(|e| CliError::Jq(shorten(e.to_string())))?;
            let mut bytes = Vec::new();
            jaq_json::write::write(&mut bytes, &pp, 0, &value)?;
            out.push(
                serde_json::from_slice(&bytes)
                    .map_err(|e| CliError::Jq(format!("an output is not JSON: {e}")))?,
            );
        }
        Ok(out)
    }
}

fn bad_expression(code: &str, messages: &[String]) -> CliError {
    CliError::usage(format!(
        "--jq {code:?}: {}",
        if messages.is_empty() {
            "cannot compile".to_owned()
        } else {
            messages.join("; ")
        }
    ))
}

/// The messages of one load error, each with its position.
fn load_messages(code: &str, error: jaq_core::load::Error<&str>) -> Vec<String> {
    use jaq_core::load::Error;
    match error {
        Error::Io(errors) => errors
            .into_iter()
            .map(|(path, message)| format!("{}: {message}", position(code, path)))
            .collect(),
        Error::Lex(errors) => errors
            .into_iter()
            .map(|(expected, found)| {
                let expected = match expected {
                    // `as_str` knows only these delimiters.
                    lex::Expect::Delim(open @ ("(" | "[" | "{" | "\"")) => {
                        lex::Expect::Delim(open).as_str().to_owned()
                    }
                    lex::Expect::Delim(open) => format!("the end of `{open}`"),
                    other => other.as_str().to_owned(),
                };
                format!("{}: expected {expected}", position(code, found))
            })
            .collect(),
        Error::Parse(errors) => errors
            .into_iter()
            .map(|(expected, found)| {
                let found_text = if found.is_empty() {
                    "the end".to_owned()
                } else {
                    format!("`{found}`")
                };
                format!(
                    "{}: expected {}, found {found_text}",
                    position(code, found),
                    parse_expected(&expected)
                )
            })
            .collect(),
    }
}

fn parse_expected(expected: &parse::Expect<&str>) -> String {
    match expected {
        parse::Expect::Just(token) => format!("`{token}`"),
        other => other.as_str().to_owned(),
    }
}

/// `at character N` for a slice of `code` (the errors point into it); the
/// end of the expression when the slice lies elsewhere.
fn position(code: &str, part: &str) -> String {
    let start = code.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    let offset = if (start..=start + code.len()).contains(&at) {
        at - start
    } else {
        code.len()
    };
    let chars = code
        .get(..offset)
        .map_or(code.chars().count(), |s| s.chars().count());
    format!("at character {}", chars + 1)
}

/// jaq's run-time errors quote the whole value; a page of incidents would
/// fill the terminal, so the quote is cut (as jq cuts its own).
fn shorten(message: String) -> String {
    const MAX: usize = 300;
    match message.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &message[..end]),
        None => message,
    }
}
