//! The onboarding dashboard's arithmetic: which weeks it shows, and the median time from an
//! invitation to its account. Pure, so the page and the server agree and tests pin it.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};

/// Weeks the funnel shows, the current one last.
pub const DASHBOARD_WEEKS: usize = 12;

/// Monday 00:00 UTC of the week holding `at`.
pub fn week_start(at: DateTime<Utc>) -> DateTime<Utc> {
    let day = at.date_naive() - Duration::days(i64::from(at.weekday().num_days_from_monday()));
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

/// The starts of the last `weeks` weeks, oldest first; the last is the current (partial) week.
pub fn last_weeks(now: DateTime<Utc>, weeks: usize) -> Vec<DateTime<Utc>> {
    let current = week_start(now);
    (0..weeks)
        .rev()
        .map(|ago| current - Duration::weeks(ago as i64))
        .collect()
}

/// The median of some durations in seconds (the mean of the middle two for an even count).
pub fn median_seconds(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2
    })
}

/// A duration as people say it: "45 min", "3 h 20 min", "2 days 4 h".
pub fn duration_words(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{minutes} min"),
        (0, h) if minutes == 0 => format!("{h} h"),
        (0, h) => format!("{h} h {minutes} min"),
        (1, 0) => "1 day".into(),
        (1, h) => format!("1 day {h} h"),
        (d, 0) => format!("{d} days"),
        (d, h) => format!("{d} days {h} h"),
    }
}

/// `part` of `whole` as a whole percentage ("–" of nothing).
pub fn percent(part: u64, whole: u64) -> String {
    match (part * 100 + whole / 2).checked_div(whole) {
        Some(share) => format!("{share}%"),
        None => "–".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_at_midnight_utc_and_the_current_one_is_last() {
        // Thursday 3 December 2026, 15:00 UTC.
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 15, 0, 0).unwrap();
        let weeks = last_weeks(now, DASHBOARD_WEEKS);
        assert_eq!(weeks.len(), 12);
        assert_eq!(
            weeks[11],
            Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap()
        );
        assert_eq!(
            weeks[0],
            Utc.with_ymd_and_hms(2026, 9, 14, 0, 0, 0).unwrap()
        );
        assert_eq!(
            week_start(weeks[3]),
            weeks[3],
            "a Monday midnight starts its own week"
        );
    }

    #[test]
    fn the_median_is_the_middle_value_or_the_mean_of_the_middle_two() {
        assert_eq!(median_seconds(vec![]), None);
        assert_eq!(median_seconds(vec![50, 10, 30]), Some(30));
        assert_eq!(median_seconds(vec![40, 10, 20, 30]), Some(25));
    }

    #[test]
    fn durations_and_shares_read_as_people_say_them() {
        assert_eq!(duration_words(45 * 60), "45 min");
        assert_eq!(duration_words(3 * 3600), "3 h");
        assert_eq!(duration_words(3 * 3600 + 20 * 60), "3 h 20 min");
        assert_eq!(duration_words(86_400 + 4 * 3600), "1 day 4 h");
        assert_eq!(duration_words(2 * 86_400), "2 days");
        assert_eq!(percent(1, 3), "33%");
        assert_eq!(percent(2, 3), "67%");
        assert_eq!(percent(0, 0), "–");
    }
}
