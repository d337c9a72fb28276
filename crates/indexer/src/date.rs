//! Dates as sources write them: front matter and export values, and the
//! `YYYY-MM-DD-` file-name prefix.
//!
//! Every parser here returns the *wall-clock* date and time as written, with
//! the UTC offset written beside it, if any ([`Written`]); [`Written::in_site`]
//! then places it in a zone. See [`crate::format::jekyll`] for how Jekyll's
//! file name and front matter dates combine (the day rule).

use chrono::{
    DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike,
};

use crate::format::Site;

/// A date and time as written: the wall clock, and the offset if one was
/// written (`Z` and `UTC` are +00:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Written {
    pub local: NaiveDateTime,
    pub offset: Option<FixedOffset>,
}

impl Written {
    /// The date placed in a zone: its written offset, or else the site's
    /// zone. The wall clock is never moved to another zone: it is what the
    /// blogger wrote, and what the site showed.
    pub(crate) fn in_site(self, site: &Site) -> DateTime<FixedOffset> {
        match self.offset {
            Some(offset) => offset.from_utc_datetime(&(self.local - offset)),
            None => in_zone(self.local, site),
        }
    }
}

/// A wall-clock time in the site's zone. A time skipped by a daylight-saving
/// change is read with the offset before it.
pub(crate) fn in_zone(local: NaiveDateTime, site: &Site) -> DateTime<FixedOffset> {
    let zone = site.timezone;
    match zone.from_local_datetime(&local).earliest() {
        Some(date) => date.fixed_offset(),
        None => {
            let offset = zone.offset_from_utc_datetime(&local).fix();
            offset.from_utc_datetime(&(local - offset))
        }
    }
}

/// The `date` forms [`parse_front_matter_date`] accepts, for error messages.
pub(crate) const ACCEPTED_FORMS: &str = "RFC 2822 (`Sat, 11 Jul 2009 15:00:00 +0000`), \
     `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM[:SS[.fff]]` / `YYYY-MM-DDTHH:MM[:SS[.fff]]` \
     optionally followed by an offset (`+0900`, `+09:00`, `Z`, `UTC`)";

/// Parses a front matter `date` value into its wall-clock date and time as
/// written (a date without a time is midnight). `None` if it has none of the
/// [`ACCEPTED_FORMS`] or names an impossible date or time.
pub(crate) fn parse_front_matter_date(value: &str) -> Option<Written> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    parse_iso_like(value).or_else(|| parse_rfc2822_like(value))
}

/// Splits a file stem into its `YYYY-MM-DD-` date prefix (month and day may
/// also have one digit, as Jekyll allows) and the rest, the slug. A stem
/// without such a prefix, or whose prefix is not a real calendar day
/// (`2013-02-30-`), has no date and is all slug.
pub(crate) fn split_file_name_date(stem: &str) -> (Option<NaiveDate>, &str) {
    let mut cur = Cursor::new(stem);
    let parsed = (|| {
        let year = cur.number(4, 4)?;
        cur.expect(b'-')?;
        let month = cur.number(1, 2)?;
        cur.expect(b'-')?;
        let day = cur.number(1, 2)?;
        cur.expect(b'-')?;
        let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
        Some((date, cur.pos))
    })();
    match parsed {
        Some((date, slug_start)) => (Some(date), &stem[slug_start..]),
        None => (None, stem),
    }
}

/// `YYYY-M(M)-D(D)`, optionally followed by `T`/`t`/spaces and
/// `H(H):MM[:SS[.frac]]`, optionally followed by spaces and an offset.
fn parse_iso_like(s: &str) -> Option<Written> {
    let mut cur = Cursor::new(s);
    let year = cur.number(4, 4)?;
    cur.expect(b'-')?;
    let month = cur.number(1, 2)?;
    cur.expect(b'-')?;
    let day = cur.number(1, 2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    if cur.at_end() {
        return Some(Written {
            local: date.and_time(NaiveTime::MIN),
            offset: None,
        });
    }
    // Date/time separator.
    if matches!(cur.peek(), Some(b'T' | b't')) {
        cur.pos += 1;
    } else if cur.skip_spaces() == 0 {
        return None;
    }
    let time = parse_time(&mut cur)?;
    cur.skip_spaces();
    let mut offset = None;
    if !cur.at_end() {
        offset = Some(parse_offset(&mut cur)?);
        if !cur.at_end() {
            return None;
        }
    }
    Some(Written {
        local: date.and_time(time),
        offset,
    })
}

/// `H(H):MM[:SS[.frac]]`.
fn parse_time(cur: &mut Cursor<'_>) -> Option<NaiveTime> {
    let hour = cur.number(1, 2)?;
    cur.expect(b':')?;
    let minute = cur.number(2, 2)?;
    let mut second = 0;
    let mut nano = 0;
    if cur.peek() == Some(b':') {
        cur.pos += 1;
        second = cur.number(2, 2)?;
        if matches!(cur.peek(), Some(b'.' | b',')) {
            cur.pos += 1;
            let start = cur.pos;
            let mut digits = 0;
            while let Some(d) = cur.peek().filter(u8::is_ascii_digit) {
                if digits < 9 {
                    nano = nano * 10 + u32::from(d - b'0');
                    digits += 1;
                }
                cur.pos += 1;
            }
            if cur.pos == start {
                return None;
            }
            nano *= 10u32.pow(9 - digits);
        }
    }
    // Leap seconds (`:60`) are not accepted: chrono would need them as nanos.
    NaiveTime::from_hms_nano_opt(hour, minute, second, nano)
}

/// `Z`, `UTC`, `GMT`, `+HH:MM`, `+HHMM` or `+HH` (also `-`).
fn parse_offset(cur: &mut Cursor<'_>) -> Option<FixedOffset> {
    let rest = cur.rest();
    for name in ["Z", "UTC", "GMT"] {
        if rest.eq_ignore_ascii_case(name.as_bytes()) {
            cur.pos += name.len();
            return FixedOffset::east_opt(0);
        }
    }
    let sign = match cur.peek()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    cur.pos += 1;
    let hours = cur.fixed_digits(2)?;
    let minutes = if cur.at_end() {
        0
    } else {
        if cur.peek() == Some(b':') {
            cur.pos += 1;
        }
        cur.fixed_digits(2)?
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * i32::try_from(hours * 3600 + minutes * 60).ok()?)
}

/// RFC 2822 as exported by WordPress, with the weekday ignored (chrono would
/// reject a date whose weekday is wrong, and the weekday adds nothing), plus
/// the same without a zone.
fn parse_rfc2822_like(s: &str) -> Option<Written> {
    let without_weekday = match s.split_once(',') {
        Some((weekday, rest)) if weekday.trim().bytes().all(|b| b.is_ascii_alphabetic()) => {
            rest.trim_start()
        }
        _ => s,
    };
    if let Ok(dt) = DateTime::parse_from_rfc2822(without_weekday) {
        return Some(Written {
            local: dt.naive_local(),
            offset: Some(*dt.offset()),
        })
        .filter(|written| !is_leap_second(written.local));
    }
    ["%d %b %Y %H:%M:%S", "%d %b %Y %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(without_weekday, format).ok())
        .filter(|local| !is_leap_second(*local))
        .map(|local| Written {
            local,
            offset: None,
        })
}

/// Whether chrono read a `:60` second. The other forms refuse it (see
/// [`parse_time`]), so this one does too: a date is accepted or refused
/// whichever way it is spelled.
fn is_leap_second(local: NaiveDateTime) -> bool {
    local.nanosecond() >= 1_000_000_000
}

/// A byte cursor over ASCII syntax.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor {
            bytes: s.as_bytes(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// Skips ASCII spaces and tabs; returns how many.
    fn skip_spaces(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Reads exactly `n` ASCII digits (more may follow) as a number.
    fn fixed_digits(&mut self, n: usize) -> Option<u32> {
        let digits = self.bytes.get(self.pos..self.pos + n)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.pos += n;
        Some(
            digits
                .iter()
                .fold(0, |acc, d| acc * 10 + u32::from(d - b'0')),
        )
    }

    /// Reads `min..=max` ASCII digits (no more follow) as a number.
    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.pos;
        let mut value = 0u32;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            if self.pos - start == max {
                return None;
            }
            value = value * 10 + u32::from(d - b'0');
            self.pos += 1;
        }
        (self.pos - start >= min).then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(value: &str) -> Option<NaiveDateTime> {
        parse_front_matter_date(value).map(|written| written.local)
    }

    #[test]
    fn offsets_are_kept_beside_the_wall_clock() {
        let offset = |value: &str| parse_front_matter_date(value).and_then(|w| w.offset);
        assert_eq!(
            offset("2021-03-04T10:00:00+09:00"),
            FixedOffset::east_opt(9 * 3600)
        );
        assert_eq!(
            offset("2021-03-04T10:00:00-0530"),
            FixedOffset::east_opt(-(5 * 3600 + 1800))
        );
        assert_eq!(
            offset("Sat, 11 Jul 2009 15:00:00 +0000"),
            FixedOffset::east_opt(0)
        );
        assert_eq!(offset("2021-03-04 23:30:00 UTC"), FixedOffset::east_opt(0));
        assert_eq!(offset("2021-03-04 23:30"), None);
    }

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<NaiveDateTime> {
        NaiveDate::from_ymd_opt(y, mo, d).and_then(|date| date.and_hms_opt(h, mi, s))
    }

    #[test]
    fn rfc2822_keeps_wall_clock_of_its_own_offset() {
        assert_eq!(
            local("Sat, 11 Jul 2009 15:00:00 +0000"),
            dt(2009, 7, 11, 15, 0, 0)
        );
        assert_eq!(
            local("Tue, 1 Jul 2003 10:52:37 +0900"),
            dt(2003, 7, 1, 10, 52, 37)
        );
        // Weekday optional, and a wrong weekday is ignored rather than fatal.
        assert_eq!(local("11 Jul 2009 15:00:00 GMT"), dt(2009, 7, 11, 15, 0, 0));
        assert_eq!(
            local("Mon, 11 Jul 2009 15:00:00 +0000"),
            dt(2009, 7, 11, 15, 0, 0)
        );
        // Without a zone.
        assert_eq!(local("Sat, 11 Jul 2009 15:00"), dt(2009, 7, 11, 15, 0, 0));
    }

    #[test]
    fn iso_like_forms() {
        let cases = [
            ("2013-08-21 10:00:05 +0900", dt(2013, 8, 21, 10, 0, 5)),
            ("2013-08-21 9:00:05 +0900", dt(2013, 8, 21, 9, 0, 5)),
            ("2019-01-05T11:27", dt(2019, 1, 5, 11, 27, 0)),
            ("2019-01-05T9:07", dt(2019, 1, 5, 9, 7, 0)),
            ("2021-03-04T10:00:00+09:00", dt(2021, 3, 4, 10, 0, 0)),
            ("2021-03-04T23:30:00Z", dt(2021, 3, 4, 23, 30, 0)),
            ("2021-03-04T23:30:00-0500", dt(2021, 3, 4, 23, 30, 0)),
            ("2021-03-04 23:30:00 UTC", dt(2021, 3, 4, 23, 30, 0)),
            ("2021-03-04 23:30", dt(2021, 3, 4, 23, 30, 0)),
            ("2021-03-04", dt(2021, 3, 4, 0, 0, 0)),
            ("  2021-3-4  ", dt(2021, 3, 4, 0, 0, 0)),
        ];
        for (input, expected) in cases {
            assert_eq!(local(input), expected, "{input}");
        }
        assert_eq!(
            local("2021-03-04T10:00:00.25+09:00"),
            NaiveDate::from_ymd_opt(2021, 3, 4).and_then(|d| d.and_hms_milli_opt(10, 0, 0, 250))
        );
    }

    #[test]
    fn rejects_garbage_and_impossible_dates() {
        for input in [
            "",
            "yesterday",
            "2013-02-30",
            "2013-13-01",
            "2013-08-21 25:00",
            "2013-08-21 10:61",
            "2013-08-21 10:00 +0900 extra",
            "2013-08-21 10:00 +99:00",
            "2013-08-2110:00",
            "20130821",
            "Sat, 32 Jul 2009 15:00:00 +0000",
        ] {
            assert_eq!(local(input), None, "{input}");
        }
    }

    #[test]
    fn a_leap_second_is_refused_however_the_date_is_spelled() {
        // Found by the `dates` fuzz target: chrono reads RFC 2822 `:60`
        // as a leap second, which the ISO form refuses.
        for input in [
            "2016-12-31 23:59:60",
            "Sat, 31 Dec 2016 23:59:60 +0000",
            "31 Dec 2016 23:59:60",
            "1 Jul 6 1:00:60",
        ] {
            assert_eq!(local(input), None, "{input}");
        }
        assert!(local("Sat, 31 Dec 2016 23:59:59 +0000").is_some());
    }

    #[test]
    fn file_name_date_prefix() {
        assert_eq!(
            split_file_name_date("2009-07-11-hbstudy-1"),
            (NaiveDate::from_ymd_opt(2009, 7, 11), "hbstudy-1")
        );
        assert_eq!(
            split_file_name_date("2005-8-3-2-8"),
            (NaiveDate::from_ymd_opt(2005, 8, 3), "2-8")
        );
        assert_eq!(split_file_name_date("about"), (None, "about"));
        assert_eq!(split_file_name_date("2013-02-30-x"), (None, "2013-02-30-x"));
        assert_eq!(split_file_name_date("2013-08-21"), (None, "2013-08-21"));
        assert_eq!(
            split_file_name_date("20130-08-21-x"),
            (None, "20130-08-21-x")
        );
    }
}
