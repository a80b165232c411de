//! Column heads to the company's periods, on its own calendar: a duration ending on a date is
//! the quarter, half or year of the calendar that ends that day and lasts that long ("Three
//! Months Ended April 28, 2024" is NVIDIA's 1Q25); a date alone is a balance-sheet date, which
//! must be a period end; a fiscal label (`Q3 FY25`) names its quarter. A head that fits no
//! period says which is nearest, for review: never a silent guess.

use super::table::Head;
use crate::release::calendar::{quarter_label, Calendar};
use chrono::NaiveDate;

/// When a column's figures are.
#[derive(Debug, Clone, PartialEq)]
pub enum When {
    /// A period of the calendar (`1Q25`, `1H25`, `FY2025`).
    Period(String),
    /// A balance-sheet date that is a period end.
    Date(NaiveDate),
}

/// The period or date of a column head, or why there is none.
pub fn when(calendar: &Calendar, head: &Head) -> Result<When, String> {
    if let Some((q, fy)) = head.fiscal {
        // Quarter 0 is the fiscal year itself (a `TOTAL` column under its year).
        let label = if q == 0 {
            format!("FY{fy}")
        } else {
            quarter_label(fy, q)
        };
        return calendar
            .period(&label)
            .map(|p| When::Period(p.label))
            .map_err(|e| format!("head {}: {e}", head.printed));
    }
    let Some(end) = head.end else {
        return Err(format!("the head \"{}\" prints no date", head.printed));
    };
    match head.months {
        None => {
            let nearest = calendar.nearest_quarter_end(end);
            match nearest {
                Some(p) if p.end == end => Ok(When::Date(end)),
                Some(p) => Err(format!(
                    "{end} is no period end of the company's calendar ({}); the nearest is {} \
                     ending {}",
                    calendar.describe(),
                    p.label,
                    p.end
                )),
                None => Err(format!("{end} is outside the company's calendar")),
            }
        }
        Some(months) => {
            let labels = |fy: i32| -> Vec<String> {
                let yy = fy.rem_euclid(100);
                match months {
                    3 => (1..=4).map(|q| quarter_label(fy, q)).collect(),
                    6 => (1..=2).map(|h| format!("{h}H{yy:02}")).collect(),
                    9 => vec![format!("9M{yy:02}")],
                    12 => vec![format!("FY{fy}")],
                    _ => Vec::new(),
                }
            };
            let mut nearest: Option<(i64, String, NaiveDate)> = None;
            for fy in end.year() - 1..=end.year() + 1 {
                for label in labels(fy) {
                    let Ok(p) = calendar.period(&label) else {
                        continue;
                    };
                    if p.end == end {
                        return Ok(When::Period(p.label));
                    }
                    let gap = (p.end - end).num_days().abs();
                    if nearest.as_ref().is_none_or(|n| gap < n.0) {
                        nearest = Some((gap, p.label, p.end));
                    }
                }
            }
            Err(match nearest {
                Some((_, label, day)) => format!(
                    "{months} months ending {end} fit no period of the company's calendar ({}); \
                     the nearest is {label} ending {day}",
                    calendar.describe()
                ),
                None => format!("{months} months ending {end} fit no period"),
            })
        }
    }
}

use chrono::Datelike;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::calendar::Weeks;

    fn nvidia() -> Calendar {
        let mut c = Calendar::months(2, false);
        c.weeks = Some(Weeks {
            weekday: chrono::Weekday::Sun,
            nearest: false,
            week_53_quarter: 4,
        });
        c
    }

    fn head(months: Option<u32>, y: i32, m: u32, d: u32) -> Head {
        Head {
            months,
            end: NaiveDate::from_ymd_opt(y, m, d),
            ..Head::default()
        }
    }

    #[test]
    fn durations_and_dates_become_periods_of_the_calendar() {
        let c = nvidia();
        assert_eq!(
            when(&c, &head(Some(3), 2024, 4, 28)),
            Ok(When::Period("1Q25".into()))
        );
        assert_eq!(
            when(&c, &head(Some(6), 2024, 7, 28)),
            Ok(When::Period("1H25".into()))
        );
        assert_eq!(
            when(&c, &head(Some(12), 2024, 1, 28)),
            Ok(When::Period("FY2024".into()))
        );
        assert_eq!(
            when(&c, &head(None, 2024, 1, 28)),
            Ok(When::Date(NaiveDate::from_ymd_opt(2024, 1, 28).unwrap()))
        );
        // A date a day off is no period: said, with the nearest.
        let e = when(&c, &head(Some(3), 2024, 4, 30)).unwrap_err();
        assert!(e.contains("nearest is 1Q25"), "{e}");
        let iij = Calendar::months(4, true);
        assert_eq!(
            when(&iij, &head(Some(3), 2006, 9, 30)),
            Ok(When::Period("2Q06".into()))
        );
        let fiscal = Head {
            fiscal: Some((3, 2025)),
            ..Head::default()
        };
        assert_eq!(when(&c, &fiscal), Ok(When::Period("3Q25".into())));
    }
}
