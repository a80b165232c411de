use super::*;

fn read(text: &str) -> Reading {
    read_company(text, &NewCompany::default(), None)
}

fn value<'a>(r: &'a Reading, field: &str) -> Option<&'a str> {
    r.get(field).map(|p| p.value.as_str())
}

#[test]
fn a_quarter_end_off_the_month_end_and_a_printed_fiscal_year_give_a_52_53_week_calendar() {
    // Q3 of fiscal 2024 ended on Saturday, November 2, 2024; a year earlier on October 28,
    // 2023: only "Saturday nearest the end of January" ends both there.
    let text = "Acme, Inc. (NYSE: ACME) announced net income for the fiscal quarter ended November 2, 2024.\n\
                Net sales for the prior year 13-week fiscal quarter ended October 28, 2023 were higher.\n\
                Net income for the third quarter of fiscal 2024 was $44.2 million.\n\
                (Amounts in Thousands Except Per Share Amounts)\n";
    let r = read(text);
    assert_eq!(
        value(&r, "fiscal_year_end"),
        Some("Saturday nearest the end of January"),
        "{r:?}"
    );
    assert_eq!(
        value(&r, "fiscal_year_named_by"),
        Some("start_year"),
        "{r:?}"
    );
    assert_eq!(value(&r, "ticker"), Some("ACME"));
    assert_eq!(value(&r, "exchange"), Some("NYSE"));
    assert_eq!(value(&r, "name"), Some("Acme, Inc."));
    assert_eq!(value(&r, "currency"), Some("USD"));
    assert_eq!(value(&r, "unit"), Some("USD thousand"));
    assert!(
        r.get("fiscal_year_end")
            .unwrap()
            .why
            .contains("does not fit"),
        "{r:?}"
    );
    let calendar = crate::release::calendar::Calendar {
        start_month: 2,
        named_by_start: true,
        weeks: Some(Weeks {
            weekday: Weekday::Sat,
            nearest: true,
            week_53_quarter: 4,
        }),
    };
    assert_eq!(read_period(&r.facts, &calendar).unwrap().value, "3Q24");
}

#[test]
fn dates_two_rules_share_leave_the_rule_open() {
    // May 1, 2022 ends Q1 of fiscal 2023 under the last Sunday of January and under the Sunday
    // nearest its end alike: the text cannot decide.
    let text = "Acme Announces Financial Results for First Quarter Fiscal 2023\n\
                Acme (NASDAQ: ACME) today reported revenue for the first quarter ended May 1, 2022.\n";
    let r = read(text);
    assert!(r.get("fiscal_year_end").is_none(), "{r:?}");
    let why = &r.open["fiscal_year_start"];
    assert!(
        why.contains("\"last Sunday of January\"")
            && why.contains("\"Sunday nearest the end of January\"")
            && why.contains("2025-01-26"),
        "{why}"
    );
}

#[test]
fn month_ends_give_whole_months_and_a_year_release_needs_its_year_named() {
    let text = "Summary of Consolidated Financial Results for the Fiscal Year Ended\nMarch 31, 2026 (Under Japanese GAAP)\n\
                Company name: Example Chemical Co., Ltd.\nSecurities code: 9999\n\
                Fiscal year ended Millions of yen % Millions of yen %\n\
                For the year ended March 31, 2025 1,000\n";
    let r = read(text);
    assert_eq!(value(&r, "fiscal_year_start_month"), Some("4"), "{r:?}");
    assert!(r.open.contains_key("fiscal_year_named_by"), "{r:?}");
    assert_eq!(value(&r, "name"), Some("Example Chemical Co., Ltd."));
    assert_eq!(value(&r, "local_code"), Some("TSE:9999"));
    assert_eq!(value(&r, "currency"), Some("JPY"));
    assert_eq!(value(&r, "unit"), Some("JPY million"));
    // With the release's period named, the naming follows: FY2025 ends March 31, 2026.
    let r = read_company(text, &NewCompany::default(), Some("FY2025"));
    assert_eq!(
        value(&r, "fiscal_year_named_by"),
        Some("start_year"),
        "{r:?}"
    );
}

#[test]
fn flags_win_and_nothing_printed_is_proposed() {
    let text = "Acme Corp. results\nTotal revenues 1,000\n";
    let r = read(text);
    assert!(r.proposals.is_empty() && r.open.is_empty(), "{r:?}");
    let text = "Acme (NASDAQ: ACME) results for the fiscal 2004 third quarter ended June 26, 2004: $5 million.\n";
    let flags = NewCompany {
        ticker: Some("ACM".into()),
        currency: Some("EUR".into()),
        ..NewCompany::default()
    };
    let r = read_company(text, &flags, None);
    assert!(
        r.get("ticker").is_none() && r.get("currency").is_none(),
        "{r:?}"
    );
    assert_eq!(value(&r, "fiscal_year_end"), None, "{r:?}");
}

#[test]
fn the_issuer_is_the_capitalized_words_before_its_ticker() {
    assert_eq!(
        issuer_before("REDWOOD SHORES, Calif., June 19, 2014 — Oracle Corporation "),
        Some("Oracle Corporation".into())
    );
    assert_eq!(
        issuer_before("capacity, Atlanta-based Southern Company "),
        Some("Southern Company".into())
    );
    assert_eq!(issuer_before("NVIDIA’s "), Some("NVIDIA".into()));
    assert_eq!(issuer_before("today "), None);
}

#[test]
fn a_quarter_printed_without_its_year_takes_none_from_a_comparative() {
    // "fourth quarter earnings" names no year; "the fourth quarter of 2003" is the comparative.
    let text = "Acme Corp. (NYSE: ACM) today reported fourth quarter earnings of $204.5 million,\n\
                compared with $125.0 million in the fourth quarter of 2003.\n\
                See its Form 10-K for the year ended Dec. 31, 2003.\n";
    let r = read(text);
    // One dated year end, a Wednesday: whole months and the Wednesday rules fit it alike.
    assert!(
        r.open["fiscal_year_start"].contains("years from January"),
        "{r:?}"
    );
    let err = read_period(&r.facts, &Calendar::months(1, false)).unwrap_err();
    assert!(err.contains("prints no year"), "{err}");
}

#[test]
fn a_headline_names_the_issuer_when_no_ticker_does() {
    let r =
        read("Exhibit 99.1\nAcme® Reports Third Quarter Results\nRevenue Increases 30 Percent\n");
    assert_eq!(value(&r, "name"), Some("Acme"), "{r:?}");
    let r = read("Results announced today\n");
    assert_eq!(value(&r, "name"), None, "{r:?}");
}

#[test]
fn flags_the_text_contradicts_are_kept_and_warned_of() {
    let text =
        "Acme (NASDAQ: ACME) results for the fiscal 2004 third quarter ended June 26, 2004.\n";
    let flags = NewCompany {
        fiscal_year_start: Some(1),
        ..NewCompany::default()
    };
    let r = read_company(text, &flags, None);
    assert!(r.get("fiscal_year_end").is_none(), "{r:?}");
    assert!(
        r.warnings.len() == 1 && r.warnings[0].contains("line 1"),
        "{r:?}"
    );
}

#[test]
fn a_quarter_its_fiscal_year_and_its_end_in_one_sentence() {
    // The NVIDIA layout: Q1 of fiscal 2025 ended April 28, 2024, a Sunday; the year before,
    // fiscal 2024's Q1 ended April 30, 2023, and its fourth quarter January 26, 2025 only under
    // the last Sunday of January (the Sunday nearest the end of January is February 2).
    let text = "Acme (NASDAQ: ACME) reported revenue for the first quarter of fiscal 2025 ended April 28, 2024.\n\
                Its fourth quarter ended January 26, 2025 and its first quarter ended April 30, 2023.\n\
                CIK: 1045810\n";
    let r = read(text);
    assert_eq!(
        value(&r, "fiscal_year_end"),
        Some("last Sunday of January"),
        "{r:?}"
    );
    assert_eq!(value(&r, "fiscal_year_named_by"), Some("end_year"), "{r:?}");
    assert_eq!(value(&r, "sec_cik"), Some("0001045810"), "{r:?}");
}
