//! Fiscal calendars: the one place a period label (`2Q06`, `1H06`, `FY2006`) becomes dates. A
//! company's calendar is its fiscal-year start month and whether `FY2006` names the year the
//! fiscal year starts in or ends in (companies.toml); the loader derives the `periods` table with
//! it, and `release new` names the release's period with it.

use chrono::{Datelike, Months, NaiveDate};

/// A company's fiscal calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// Month (1-12) the fiscal year starts in.
    pub start_month: u32,
    /// `FY2006` starts in 2006 (true: IIJ's April 2006 - March 2007) or ends in 2006.
    pub named_by_start: bool,
}

/// One fiscal period of a calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub label: String,
    pub kind: &'static str,
    pub fiscal_year: i32,
    pub seq: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// Forms a period label takes, for messages.
pub const FORMS: &str = "2Q06 (quarter), 1H06 (half), FY2006 or FY06 (year)";

/// Kind, number within the year and fiscal year of a label: `2Q06`, `1H06`, `FY2006`, `FY06`.
/// Two-digit years are 1950-2049.
pub fn parse_label(label: &str) -> Option<(&'static str, u32, i32)> {
    let year = |digits: &str| -> Option<i32> {
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: i32 = digits.parse().ok()?;
        match digits.len() {
            2 if n < 50 => Some(2000 + n),
            2 => Some(1900 + n),
            4 => Some(n),
            _ => None,
        }
    };
    if let Some(digits) = label.strip_prefix("FY") {
        return Some(("year", 1, year(digits)?));
    }
    let bytes = label.as_bytes();
    if bytes.len() != 4 || !bytes[0].is_ascii_digit() {
        return None;
    }
    let seq = u32::from(bytes[0] - b'0');
    let fy = year(label.get(2..)?)?;
    match bytes[1] {
        b'Q' if (1..=4).contains(&seq) => Some(("quarter", seq, fy)),
        b'H' if (1..=2).contains(&seq) => Some(("half", seq, fy)),
        _ => None,
    }
}

impl Calendar {
    /// First day of fiscal year `fy`.
    pub fn year_start(&self, fy: i32) -> Option<NaiveDate> {
        let year = if self.named_by_start || self.start_month == 1 {
            fy
        } else {
            fy - 1
        };
        NaiveDate::from_ymd_opt(year, self.start_month, 1)
    }

    /// The period a label names in this calendar, or why it names none.
    pub fn period(&self, label: &str) -> Result<Period, String> {
        let Some((kind, seq, fiscal_year)) = parse_label(label) else {
            return Err(format!(
                "`{label}` is not a period label; write one of {FORMS}"
            ));
        };
        let months = match kind {
            "quarter" => 3,
            "half" => 6,
            _ => 12,
        };
        let dates = (|| {
            let start = self
                .year_start(fiscal_year)?
                .checked_add_months(Months::new(months * (seq - 1)))?;
            let end = start.checked_add_months(Months::new(months))?.pred_opt()?;
            Some((start, end))
        })();
        let Some((start, end)) = dates else {
            return Err(format!("`{label}` has no dates"));
        };
        Ok(Period {
            label: label.to_string(),
            kind,
            fiscal_year,
            seq,
            start,
            end,
        })
    }

    /// The quarter holding a day, as a label (`2Q06`): what `release new` names a release's
    /// period by when the quarter it reports ended on `day`.
    pub fn quarter_of(&self, day: NaiveDate) -> String {
        let months_in = (day.month() + 12 - self.start_month) % 12;
        let start_year = if day.month() >= self.start_month {
            day.year()
        } else {
            day.year() - 1
        };
        let fy = if self.named_by_start || self.start_month == 1 {
            start_year
        } else {
            start_year + 1
        };
        format!("{}Q{:02}", months_in / 3 + 1, fy.rem_euclid(100))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn one_label_names_each_company_own_dates() {
        let iij = Calendar {
            start_month: 4,
            named_by_start: true,
        };
        let calendar_year = Calendar {
            start_month: 1,
            named_by_start: false,
        };
        let march_end_by_end = Calendar {
            start_month: 4,
            named_by_start: false,
        };
        let q = iij.period("2Q06").unwrap();
        assert_eq!((q.start, q.end), (day("2006-07-01"), day("2006-09-30")));
        let q = calendar_year.period("2Q06").unwrap();
        assert_eq!((q.start, q.end), (day("2006-04-01"), day("2006-06-30")));
        let fy = iij.period("FY2006").unwrap();
        assert_eq!((fy.start, fy.end), (day("2006-04-01"), day("2007-03-31")));
        let fy = march_end_by_end.period("FY06").unwrap();
        assert_eq!((fy.start, fy.end), (day("2005-04-01"), day("2006-03-31")));
        let h = iij.period("2H05").unwrap();
        assert_eq!((h.start, h.end), (day("2005-10-01"), day("2006-03-31")));
        assert_eq!(
            (h.kind, h.seq, h.fiscal_year),
            ("half", 2, 2005),
            "the second half of FY2005"
        );
        let q4 = iij.period("4Q06").unwrap();
        assert_eq!((q4.start, q4.end), (day("2007-01-01"), day("2007-03-31")));
        for bad in ["5Q06", "3H06", "Q206", "FY", "FY123", "2Q6", "", "2Q0x"] {
            assert!(iij.period(bad).is_err(), "{bad:?}");
        }
        assert_eq!(iij.quarter_of(day("2006-09-30")), "2Q06");
        assert_eq!(iij.quarter_of(day("2007-03-31")), "4Q06");
        assert_eq!(calendar_year.quarter_of(day("2006-06-30")), "2Q06");
        assert_eq!(march_end_by_end.quarter_of(day("2006-09-30")), "2Q07");
    }
}
