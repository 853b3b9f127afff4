//! The JSON path of a decode failure (`incidents[0].severity.name`), found
//! from where in the text `serde_json` stopped.
//!
//! A typed decode that fails says what was wrong and at which line and
//! column; users also need to know which field. Tracking the path while
//! decoding (`serde_path_to_error`) compiles a second copy of every
//! response type's `Deserialize` for its wrapping reader: about a quarter
//! of the code of a program that calls every operation. Instead, the text
//! is scanned again, once and only after a failure, by the one non-generic
//! function here: the path is that of the innermost value that had begun
//! before the failing position and had not ended before it, which is the
//! value the decoder was reading when it stopped.
//!
//! The notation is `serde_path_to_error`'s: object keys joined with `.`,
//! array indices as `[i]`, and `.` for the whole body. The integration
//! test `fuzz::decode_error_paths` checks the two agree on mutated
//! examples of the main response types.

use std::fmt::Write as _;

/// One step from a value to a value inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// The value of an object member.
    Key(String),
    /// An array element.
    Index(usize),
}

/// The path of the value `error` failed in, from its position in `text`.
/// An error raised outside the text (line 0) gives `.`.
///
/// One kind of error is about a container rather than the value at its
/// position: a struct read from an array that has more elements than the
/// struct has fields fails with "trailing characters" at the first extra
/// element, and the value at fault is the array, so its path is the
/// array's (as `serde_path_to_error` says), not the extra element's.
/// serde_json places that error one byte past the extra element's first
/// byte, which for an array or object is inside it: the walk goes to the
/// first byte instead.
pub(crate) fn path_of(text: &str, error: &serde_json::Error) -> String {
    let trailing = error.to_string().starts_with("trailing characters");
    let Some(offset) = offset_of(text, error.line(), error.column()) else {
        return ".".into();
    };
    let target = if trailing {
        offset.saturating_sub(1)
    } else {
        offset
    };
    let mut segments = Scanner::new(text.as_bytes(), target).run();
    if trailing && matches!(segments.last(), Some(Segment::Index(_))) {
        segments.pop();
    }
    render(&segments)
}

/// The byte offset of a `serde_json` position: `column` bytes after the
/// start of line `line`.
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let start = if line == 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    Some((start + column).min(text.len()))
}

/// `a.b[0].c`, or `.` for no segments.
fn render(segments: &[Segment]) -> String {
    if segments.is_empty() {
        return ".".into();
    }
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Index(index) => {
                let _ = write!(out, "[{index}]");
            }
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
        }
    }
    out
}

/// Walks the JSON text up to `target`, keeping the segments of the values
/// that are open there.
struct Scanner<'a> {
    text: &'a [u8],
    at: usize,
    target: usize,
    path: Vec<Segment>,
}

/// Why the walk stopped early: the answer is the path as it stands.
struct Stop;

impl<'a> Scanner<'a> {
    fn new(text: &'a [u8], target: usize) -> Self {
        Self {
            text,
            at: 0,
            target,
            path: Vec::new(),
        }
    }

    /// The segments of the innermost value containing the target.
    fn run(mut self) -> Vec<Segment> {
        let _ = self.value();
        self.path
    }

    fn skip_whitespace(&mut self) {
        while self
            .text
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    /// Reads one value starting at the cursor. `Err(Stop)` when the value
    /// contains the target (its path is then in `self.path`) or the text
    /// ends or is not JSON there.
    fn value(&mut self) -> Result<(), Stop> {
        self.skip_whitespace();
        if self.at >= self.target {
            return Err(Stop);
        }
        match self.text.get(self.at) {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => self.string()?,
            Some(_) => self.scalar(),
            None => return Err(Stop),
        }
        // A value ending at or after the target is the one being read.
        if self.at >= self.target {
            Err(Stop)
        } else {
            Ok(())
        }
    }

    fn object(&mut self) -> Result<(), Stop> {
        self.at += 1;
        self.skip_whitespace();
        if self.text.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Ok(());
        }
        loop {
            self.skip_whitespace();
            if self.text.get(self.at) != Some(&b'"') {
                return Err(Stop);
            }
            let start = self.at;
            self.string()?;
            if self.at >= self.target {
                // Inside or right after a key: the object is being read.
                return Err(Stop);
            }
            let key = key_text(&self.text[start..self.at]);
            self.skip_whitespace();
            if self.text.get(self.at) != Some(&b':') {
                return Err(Stop);
            }
            self.at += 1;
            self.path.push(Segment::Key(key));
            self.value()?;
            self.path.pop();
            self.skip_whitespace();
            match self.text.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(Stop),
            }
        }
    }

    fn array(&mut self) -> Result<(), Stop> {
        self.at += 1;
        self.skip_whitespace();
        if self.text.get(self.at) == Some(&b']') {
            self.at += 1;
            return Ok(());
        }
        for index in 0.. {
            self.path.push(Segment::Index(index));
            self.value()?;
            self.path.pop();
            self.skip_whitespace();
            match self.text.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(Stop),
            }
        }
        Ok(())
    }

    /// A string, cursor on its opening quote; ends after the closing one.
    fn string(&mut self) -> Result<(), Stop> {
        self.at += 1;
        loop {
            match self.text.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(b'\\') => self.at += 2,
                Some(_) => self.at += 1,
                None => return Err(Stop),
            }
        }
    }

    /// A number, `true`, `false` or `null` (or anything else up to the next
    /// delimiter: the decoder has already said what is wrong with it).
    fn scalar(&mut self) {
        while self
            .text
            .get(self.at)
            .is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }
}

/// An object key as decoded text: the JSON string unescaped, or as written
/// if it does not decode.
fn key_text(quoted: &[u8]) -> String {
    serde_json::from_slice::<String>(quoted).unwrap_or_else(|_| {
        String::from_utf8_lossy(
            quoted
                .get(1..quoted.len().saturating_sub(1))
                .unwrap_or_default(),
        )
        .into_owned()
    })
}
