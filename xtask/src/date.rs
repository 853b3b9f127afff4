//! Today's date for the provenance file, without a date crate: the civil
//! calendar conversion is a dozen lines. `SOURCE_DATE_EPOCH` (the
//! reproducible-builds convention) overrides the clock, which tests use.

use std::time::{SystemTime, UNIX_EPOCH};

/// `YYYY-MM-DD` (UTC) of `SOURCE_DATE_EPOCH` when set and valid, else now.
pub fn today() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        });
    ymd(seconds.div_euclid(86_400))
}

/// Formats days since 1970-01-01 as `YYYY-MM-DD` (Howard Hinnant's
/// `civil_from_days`, valid for the proleptic Gregorian calendar).
pub fn ymd(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::ymd;

    #[test]
    fn known_days() {
        assert_eq!(ymd(0), "1970-01-01");
        assert_eq!(ymd(11_016), "2000-02-29");
        assert_eq!(ymd(20_686), "2026-08-21");
        assert_eq!(ymd(-1), "1969-12-31");
    }
}
