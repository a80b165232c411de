//! Fiscal calendars: the one place a period label (`2Q06`, `1H06`, `FY2006`) becomes dates, and a
//! date a period. A company's calendar is its fiscal-year start month and whether `FY2006` names
//! the year the fiscal year starts in or ends in (companies.toml); a 52/53-week calendar also
//! names the weekday each year ends on (`fiscal_year_end = "last Sunday of January"`), which
//! moves the nominal year's end to that day. The loader derives the `periods` table with it and
//! checks balance sheet dates against it; `release new` names and checks the release's period
//! with it.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// A company's fiscal calendar. Cheap to copy: it is passed by value wherever a label is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// Month (1-12) the (nominal) fiscal year starts in.
    pub start_month: u32,
    /// `FY2006` starts in 2006 (true: IIJ's April 2006 - March 2007) or ends in 2006.
    pub named_by_start: bool,
    /// A 52/53-week year's end rule; none for a year of whole months.
    pub weeks: Option<Weeks>,
}

/// The year end of a 52/53-week calendar: the fiscal year ends on `weekday` at the end of the
/// month before the start month, so each year is 52 or 53 whole weeks and starts the day after
/// the previous one ends. Quarters are 13 weeks; a 53-week year's extra week is in
/// `week_53_quarter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weeks {
    pub weekday: Weekday,
    /// The weekday nearest the month's last day (Buckle: "Saturday nearest the end of January")
    /// rather than the last such weekday of the month (NVIDIA: "last Sunday of January").
    pub nearest: bool,
    /// Quarter (1-4) holding the 14th week of a 53-week year (Apple: 1; most: 4).
    pub week_53_quarter: u32,
}

/// What `fiscal_year_end` reads: the rule and the month it is at the end of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearEnd {
    pub weekday: Weekday,
    pub nearest: bool,
    pub month: u32,
}

/// Forms `fiscal_year_end` takes, for messages.
pub const YEAR_END_FORMS: &str =
    "\"last Sunday of January\" or \"Saturday nearest the end of January\"";

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A month by its name as printed, whole or shortened to three letters or more ("April",
/// "Apr.", "Sept"): 1-12.
pub fn month_of(name: &str) -> Option<u32> {
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    if n.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&n))
        .map(|i| i as u32 + 1)
}

fn capitalized(word: &str) -> String {
    word[..1].to_ascii_uppercase() + &word[1..]
}

/// A month's name (1: January; 13: January again).
pub fn month_name(month: u32) -> String {
    capitalized(MONTHS[(month as usize + 11) % 12])
}

/// `last Sunday of January`, `Saturday nearest the end of January` (also `... nearest January 31`,
/// the month's last day, as filings print it); case does not matter.
pub fn parse_year_end(text: &str) -> Result<YearEnd, String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let month = |w: &str| MONTHS.iter().position(|m| *m == w).map(|i| i as u32 + 1);
    let weekday = |w: &str| {
        let i = WEEKDAYS.iter().position(|d| *d == w)?;
        Weekday::try_from(i as u8).ok()
    };
    let rule = match words.as_slice() {
        ["last", day, "of", m] => Some((weekday(day), false, month(m))),
        [day, "nearest", "the", "end", "of", m] => Some((weekday(day), true, month(m))),
        [day, "nearest", m, last] => {
            let m = month(m);
            // The month's last day in any year (February: 28 or 29).
            let last_day = m.map(|m| match m {
                2 => [28, 29],
                4 | 6 | 9 | 11 => [30, 30],
                _ => [31, 31],
            });
            let ok = last_day.is_some_and(|days| days.iter().any(|d| d.to_string() == *last));
            Some((weekday(day), true, m.filter(|_| ok)))
        }
        _ => None,
    };
    match rule {
        Some((Some(weekday), nearest, Some(month))) => Ok(YearEnd {
            weekday,
            nearest,
            month,
        }),
        _ => Err(format!(
            "fiscal_year_end {text:?} is not a 52/53-week year end; write {YEAR_END_FORMS}"
        )),
    }
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
pub const FORMS: &str = "2Q06 (quarter), 1H06 (half), 9M06 (nine months), FY2006 or FY06 (year)";

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
        // The first three quarters, as US releases print a third quarter's year to date.
        b'M' if seq == 9 => Some(("nine_months", 1, fy)),
        _ => None,
    }
}

impl Weeks {
    /// The year end this rule moves a nominal year end (a month's last day) to.
    fn moved(&self, month_end: NaiveDate) -> Option<NaiveDate> {
        let ahead = self.weekday.days_since(month_end.weekday());
        if self.nearest && ahead <= 3 {
            month_end.checked_add_days(Days::new(u64::from(ahead)))
        } else {
            month_end.checked_sub_days(Days::new(u64::from((7 - ahead) % 7)))
        }
    }
}

/// A quarter's label: `1Q25`.
pub fn quarter_label(fiscal_year: i32, quarter: u32) -> String {
    format!("{quarter}Q{:02}", fiscal_year.rem_euclid(100))
}

impl Calendar {
    /// A calendar of whole months (IIJ's).
    pub fn months(start_month: u32, named_by_start: bool) -> Calendar {
        Calendar {
            start_month,
            named_by_start,
            weeks: None,
        }
    }

    /// First day of the nominal fiscal year `fy`: whole months from the start month.
    fn nominal_start(&self, fy: i32) -> Option<NaiveDate> {
        let year = if self.named_by_start || self.start_month == 1 {
            fy
        } else {
            fy - 1
        };
        NaiveDate::from_ymd_opt(year, self.start_month, 1)
    }

    /// Last day of fiscal year `fy`: the nominal year's last day, moved by the week rule.
    pub fn year_end(&self, fy: i32) -> Option<NaiveDate> {
        let nominal = self
            .nominal_start(fy)?
            .checked_add_months(Months::new(12))?
            .pred_opt()?;
        match self.weeks {
            None => Some(nominal),
            Some(weeks) => weeks.moved(nominal),
        }
    }

    /// First day of fiscal year `fy`: a 52/53-week year starts the day after the previous ends.
    pub fn year_start(&self, fy: i32) -> Option<NaiveDate> {
        match self.weeks {
            None => self.nominal_start(fy),
            Some(_) => self.year_end(fy - 1)?.succ_opt(),
        }
    }

    /// First and last day of quarter `q` (1-4) of fiscal year `fy`: three months, or 13 weeks
    /// (14 in the week_53_quarter of a 53-week year).
    fn quarter(&self, fy: i32, q: u32) -> Option<(NaiveDate, NaiveDate)> {
        let start = self.year_start(fy)?;
        let long = match self.weeks {
            Some(_) => (self.year_end(fy)? - start).num_days() + 1 == 53 * 7,
            None => false,
        };
        // Last day of the year's n-th quarter (n = 0: the day before the year).
        let end_of = |n: u32| -> Option<NaiveDate> {
            match self.weeks {
                None => start.checked_add_months(Months::new(3 * n))?.pred_opt(),
                Some(w) => {
                    let weeks = 13 * n + u32::from(long && n >= w.week_53_quarter);
                    start
                        .checked_add_days(Days::new(7 * u64::from(weeks)))?
                        .pred_opt()
                }
            }
        };
        Some((end_of(q - 1)?.succ_opt()?, end_of(q)?))
    }

    /// The period a label names in this calendar, or why it names none.
    pub fn period(&self, label: &str) -> Result<Period, String> {
        let Some((kind, seq, fiscal_year)) = parse_label(label) else {
            return Err(format!(
                "`{label}` is not a period label; write one of {FORMS}"
            ));
        };
        // A half is two quarters and a year four, so their ends are quarter ends.
        let (first, last) = match kind {
            "quarter" => (seq, seq),
            "half" => (2 * seq - 1, 2 * seq),
            "nine_months" => (1, 3),
            _ => (1, 4),
        };
        let dates = (|| {
            let (start, _) = self.quarter(fiscal_year, first)?;
            let (_, end) = self.quarter(fiscal_year, last)?;
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

    /// The quarter holding a day: (fiscal year, quarter, first day, last day).
    fn quarter_holding(&self, day: NaiveDate) -> Option<(i32, u32, NaiveDate, NaiveDate)> {
        // The fiscal year holding a day is named by the year before, of or after the day's.
        let fy = (day.year() - 1..=day.year() + 1).find(|&fy| {
            self.year_start(fy).is_some_and(|s| s <= day)
                && self.year_end(fy).is_some_and(|e| day <= e)
        })?;
        (1..=4).find_map(|q| {
            let (start, end) = self.quarter(fy, q)?;
            (start <= day && day <= end).then_some((fy, q, start, end))
        })
    }

    /// The quarter holding a day, as a label (`2Q06`): what `release new` names a release's
    /// period by when the quarter it reports ended on `day`.
    pub fn quarter_of(&self, day: NaiveDate) -> String {
        self.quarter_holding(day)
            .map(|(fy, q, ..)| quarter_label(fy, q))
            .unwrap_or_default()
    }

    /// The quarter ending nearest a day (on it, when the day is a period end; the earlier of two
    /// as near): what a balance sheet date that is no period end was probably meant to be.
    pub fn nearest_quarter_end(&self, day: NaiveDate) -> Option<Period> {
        let (fy, q, start, end) = self.quarter_holding(day)?;
        let quarter = |fy: i32, q: u32, start: NaiveDate, end: NaiveDate| Period {
            label: quarter_label(fy, q),
            kind: "quarter",
            fiscal_year: fy,
            seq: q,
            start,
            end,
        };
        let before = start.pred_opt()?;
        if end == day || (end - day) < (day - before) {
            return Some(quarter(fy, q, start, end));
        }
        let (pfy, pq) = if q == 1 { (fy - 1, 4) } else { (fy, q - 1) };
        let (pstart, pend) = self.quarter(pfy, pq)?;
        Some(quarter(pfy, pq, pstart, pend))
    }

    /// The calendar in words, for messages: "years of whole months from April" or "52/53-week
    /// years ending on the last Sunday of January".
    pub fn describe(&self) -> String {
        let month = month_name;
        match self.weeks {
            None => format!("years of whole months from {}", month(self.start_month)),
            Some(w) => {
                let day = capitalized(WEEKDAYS[w.weekday.num_days_from_monday() as usize]);
                let end = month(self.start_month + 11);
                if w.nearest {
                    format!("52/53-week years ending on the {day} nearest the end of {end}")
                } else {
                    format!("52/53-week years ending on the last {day} of {end}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn dates(calendar: &Calendar, label: &str) -> (NaiveDate, NaiveDate) {
        let p = calendar.period(label).unwrap();
        (p.start, p.end)
    }

    /// A 52/53-week calendar as a company record states it.
    fn weeks(start_month: u32, named_by_start: bool, year_end: &str, q53: u32) -> Calendar {
        let end = parse_year_end(year_end).unwrap();
        assert_eq!(end.month % 12 + 1, start_month, "{year_end}");
        Calendar {
            start_month,
            named_by_start,
            weeks: Some(Weeks {
                weekday: end.weekday,
                nearest: end.nearest,
                week_53_quarter: q53,
            }),
        }
    }

    fn nvidia() -> Calendar {
        weeks(2, false, "last Sunday of January", 4)
    }

    #[test]
    fn one_label_names_each_company_own_dates() {
        let iij = Calendar::months(4, true);
        let calendar_year = Calendar::months(1, false);
        let march_end_by_end = Calendar::months(4, false);
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
        assert_eq!(iij.quarter_of(day("2006-04-01")), "1Q06");
        assert_eq!(calendar_year.quarter_of(day("2006-12-31")), "4Q06");
        // A month calendar's period ends are month ends, nothing nearer.
        let near = iij.nearest_quarter_end(day("2006-08-10")).unwrap();
        assert_eq!((near.label.as_str(), near.end), ("1Q06", day("2006-06-30")));
        let near = iij.nearest_quarter_end(day("2006-08-20")).unwrap();
        assert_eq!((near.label.as_str(), near.end), ("2Q06", day("2006-09-30")));
    }

    #[test]
    fn nvidia_years_end_on_the_last_sunday_of_january() {
        let nvidia = nvidia();
        assert_eq!(
            dates(&nvidia, "1Q25"),
            (day("2024-01-29"), day("2024-04-28"))
        );
        assert_eq!(
            dates(&nvidia, "FY2025"),
            (day("2024-01-29"), day("2025-01-26"))
        );
        assert_eq!(
            dates(&nvidia, "2Q25"),
            (day("2024-04-29"), day("2024-07-28"))
        );
        assert_eq!(
            dates(&nvidia, "2H25"),
            (day("2024-07-29"), day("2025-01-26"))
        );
        // The quarter ends NVIDIA's releases print (/work/shared/sources/real/nvidia-*).
        for (label, end) in [
            ("1Q23", "2022-05-01"),
            ("2Q23", "2022-07-31"),
            ("3Q23", "2022-10-30"),
            ("4Q23", "2023-01-29"),
            ("1Q24", "2023-04-30"),
            ("2Q24", "2023-07-30"),
            ("3Q24", "2023-10-29"),
            ("4Q24", "2024-01-28"),
            ("4Q25", "2025-01-26"),
        ] {
            assert_eq!(dates(&nvidia, label).1, day(end), "{label}");
        }
        // FY2021 (2020-01-27 .. 2021-01-31) had 53 weeks, the 14th in its fourth quarter.
        assert_eq!(
            dates(&nvidia, "4Q21"),
            (day("2020-10-26"), day("2021-01-31"))
        );
        assert_eq!(
            dates(&nvidia, "4Q23"),
            (day("2022-10-31"), day("2023-01-29")),
            "13 weeks"
        );
        assert_eq!(nvidia.quarter_of(day("2024-04-28")), "1Q25");
        assert_eq!(nvidia.quarter_of(day("2024-04-29")), "2Q25");
        assert_eq!(nvidia.quarter_of(day("2024-01-28")), "4Q24");
        assert_eq!(nvidia.quarter_of(day("2024-01-29")), "1Q25");
        // The month calendar's end (April 30) is two days after NVIDIA's quarter end.
        let near = nvidia.nearest_quarter_end(day("2024-04-30")).unwrap();
        assert_eq!((near.label.as_str(), near.end), ("1Q25", day("2024-04-28")));
        assert_eq!(
            nvidia.nearest_quarter_end(day("2024-04-28")).unwrap().end,
            day("2024-04-28")
        );
    }

    #[test]
    fn apple_gives_week_53_to_its_first_quarter() {
        let apple = weeks(10, false, "last Saturday of September", 1);
        assert_eq!(
            dates(&apple, "1Q23"),
            (day("2022-09-25"), day("2022-12-31")),
            "14 weeks"
        );
        assert_eq!(
            dates(&apple, "2Q23"),
            (day("2023-01-01"), day("2023-04-01"))
        );
        assert_eq!(
            dates(&apple, "FY2023"),
            (day("2022-09-25"), day("2023-09-30"))
        );
        // FY2024 has 52 weeks: its Q1 ended 2023-12-30 (13 weeks, /work/shared/sources/real/apple-FY2024Q1).
        assert_eq!(
            dates(&apple, "1Q24"),
            (day("2023-10-01"), day("2023-12-30"))
        );
        // Q3 FY2004 ended June 26, 2004 (apple-FY2004Q3).
        assert_eq!(dates(&apple, "3Q04").1, day("2004-06-26"));
        // The same year with the extra week in the fourth quarter, the default.
        let q4 = weeks(10, false, "last Saturday of September", 4);
        assert_eq!(dates(&q4, "1Q23").1, day("2022-12-24"));
        assert_eq!(dates(&q4, "4Q23"), (day("2023-06-25"), day("2023-09-30")));
    }

    #[test]
    fn buckle_years_end_on_the_saturday_nearest_january_31() {
        // Fiscal 2024 is the year ending 2025-02-01: named by its start year.
        let buckle = weeks(2, true, "Saturday nearest the end of January", 4);
        assert_eq!(dates(&buckle, "3Q24").1, day("2024-11-02"));
        assert_eq!(
            dates(&buckle, "FY2024"),
            (day("2024-02-04"), day("2025-02-01"))
        );
        assert_eq!(
            weeks(2, true, "saturday nearest January 31", 4),
            buckle,
            "as filings print it"
        );
        // Fiscal 2023 ended 2024-02-03: the Saturday nearest January 31 may fall in February.
        assert_eq!(dates(&buckle, "FY2023").1, day("2024-02-03"));
        assert_eq!(buckle.quarter_of(day("2024-02-03")), "4Q23");
        assert_eq!(buckle.quarter_of(day("2024-02-04")), "1Q24");
    }

    #[test]
    fn every_week_year_is_52_or_53_whole_weeks_of_13_week_quarters() {
        for end in [
            "last Sunday of January",
            "Saturday nearest the end of January",
            "last Friday of December",
            "Wednesday nearest the end of February",
        ] {
            let e = parse_year_end(end).unwrap();
            for q53 in 1..=4 {
                let cal = weeks(e.month % 12 + 1, false, end, q53);
                for fy in 1995..2040 {
                    let (start, end) = dates(&cal, &format!("FY{fy}"));
                    let days = (end - start).num_days() + 1;
                    assert!(days == 364 || days == 371, "{fy}: {days}");
                    assert_eq!(end.weekday(), e.weekday);
                    assert_eq!(cal.year_start(fy + 1), end.succ_opt());
                    let mut next = start;
                    for q in 1..=4 {
                        let (s, e) = dates(&cal, &quarter_label(fy, q));
                        assert_eq!(s, next);
                        let weeks = ((e - s).num_days() + 1) / 7;
                        let extra = days == 371 && q == q53;
                        assert_eq!(weeks, if extra { 14 } else { 13 }, "{fy} {q}");
                        assert_eq!(cal.quarter_of(e), quarter_label(fy, q));
                        next = e.succ_opt().unwrap();
                    }
                    assert_eq!(next, end.succ_opt().unwrap());
                    let h2 = dates(&cal, &format!("2H{:02}", fy % 100));
                    assert_eq!(h2.1, end);
                }
            }
        }
    }

    #[test]
    fn year_end_rules_read_as_written_or_not_at_all() {
        let e = parse_year_end("Last SUNDAY of january").unwrap();
        assert_eq!((e.weekday, e.nearest, e.month), (Weekday::Sun, false, 1));
        let e = parse_year_end("Saturday nearest February 29").unwrap();
        assert_eq!((e.weekday, e.nearest, e.month), (Weekday::Sat, true, 2));
        for bad in [
            "",
            "last Sun of January",
            "last Sunday in January",
            "first Sunday of January",
            "Saturday nearest January 30",
            "Saturday nearest the end of Janvier",
            "January 31",
        ] {
            assert!(parse_year_end(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            nvidia().describe(),
            "52/53-week years ending on the last Sunday of January"
        );
        assert_eq!(
            Calendar::months(4, true).describe(),
            "years of whole months from April"
        );
    }
}
