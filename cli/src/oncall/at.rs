//! `--at TIME` (and the tool's `at`): the moment to answer for. RFC 3339
//! with its offset, `now`, or an offset from now (`+2h`, `-30m`,
//! `+1d12h`). Forms that need a time zone to mean anything (`tomorrow
//! 09:00`, a time without an offset) are refused rather than guessed: a
//! rota read in the wrong zone names the wrong person.

use chrono::{DateTime, TimeDelta, Utc};

/// What `--at` accepts, for help texts and error messages alike.
pub(crate) const FORMS: &str = "RFC 3339 with an offset (2026-12-07T09:00:00Z, 2026-12-07T10:00:00+01:00), `now`, or an offset from now: +2h, -30m, +1d12h (units s, m, h, d, w)";

/// Now, to the whole second: the moment an answer is for, printed without
/// a fraction nobody asked for (and `+2h` counted from it).
pub(crate) fn now() -> DateTime<Utc> {
    chrono::SubsecRound::trunc_subsecs(Utc::now(), 0)
}

/// The moment `text` names, relative forms counted from `now`; the error
/// says what was expected.
pub(crate) fn parse(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Some(rest) = trimmed.strip_prefix('+') {
        return offset(rest)
            .and_then(|d| now.checked_add_signed(d))
            .ok_or_else(|| refusal(text));
    }
    if let Some(rest) = trimmed.strip_prefix('-') {
        return offset(rest)
            .and_then(|d| now.checked_sub_signed(d))
            .ok_or_else(|| refusal(text));
    }
    match DateTime::parse_from_rfc3339(trimmed) {
        Ok(time) => Ok(time.with_timezone(&Utc)),
        // A date and time without an offset would be read in some zone
        // the caller did not choose.
        Err(_)
            if chrono::NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S").is_ok()
                || chrono::NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M").is_ok() =>
        {
            Err(format!(
                "{text:?} has no offset: add `Z` for UTC or the zone's offset (+01:00), so that it names one moment"
            ))
        }
        Err(_) => Err(refusal(text)),
    }
}

fn refusal(text: &str) -> String {
    format!("{text:?} is not a time: give {FORMS}")
}

/// `2h`, `30m`, `1d12h`: numbers each followed by a unit, at least one.
fn offset(text: &str) -> Option<TimeDelta> {
    let mut total = TimeDelta::zero();
    let mut number = String::new();
    let mut parts = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().ok()?;
        number.clear();
        let part = match c {
            's' => TimeDelta::try_seconds(n),
            'm' => TimeDelta::try_minutes(n),
            'h' => TimeDelta::try_hours(n),
            'd' => TimeDelta::try_days(n),
            'w' => TimeDelta::try_weeks(n),
            _ => None,
        }?;
        total = total.checked_add(&part)?;
        parts += 1;
    }
    (number.is_empty() && parts > 0).then_some(total)
}
