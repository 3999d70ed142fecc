//! How far a moment is from now, in words ("in 3 days", "5 hours ago"): one rule for the pages
//! and the emails. Rounded to the nearest unit, so a fresh 3-day invitation (71 h 59 min left)
//! reads "in 3 days", not "in 2 days".

use chrono::{DateTime, Utc};

/// "in 3 days", "5 hours ago", "in less than a minute", "just now".
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (at - now).num_seconds();
    let magnitude = seconds.unsigned_abs();
    if magnitude < 60 {
        return if seconds > 0 {
            "in less than a minute".into()
        } else {
            "just now".into()
        };
    }
    let minutes = (magnitude + 30) / 60;
    let hours = (minutes + 30) / 60;
    let days = (hours + 12) / 24;
    let (amount, unit) = if minutes < 60 {
        (minutes, "minute")
    } else if hours < 36 {
        (hours, "hour")
    } else if days < 45 {
        (days, "day")
    } else if days < 365 {
        ((days + 15) / 30, "month")
    } else {
        ((days + 182) / 365, "year")
    };
    let plural = if amount == 1 { "" } else { "s" };
    if seconds > 0 {
        format!("in {amount} {unit}{plural}")
    } else {
        format!("{amount} {unit}{plural} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::relative;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn moments_read_rounded_to_the_nearest_unit_both_ways() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 10, 0, 0).unwrap();
        let at = |d: Duration| relative(now + d, now);
        assert_eq!(at(Duration::hours(72) - Duration::seconds(5)), "in 3 days");
        assert_eq!(at(Duration::hours(48)), "in 2 days");
        assert_eq!(at(Duration::hours(24)), "in 24 hours");
        assert_eq!(at(Duration::minutes(61)), "in 1 hour");
        assert_eq!(
            at(Duration::minutes(59) + Duration::seconds(40)),
            "in 1 hour"
        );
        assert_eq!(at(Duration::minutes(45)), "in 45 minutes");
        assert_eq!(at(Duration::seconds(20)), "in less than a minute");
        assert_eq!(at(Duration::seconds(-20)), "just now");
        assert_eq!(at(-Duration::hours(3)), "3 hours ago");
        assert_eq!(at(-Duration::minutes(1)), "1 minute ago");
        assert_eq!(at(Duration::days(60)), "in 2 months");
        assert_eq!(at(-Duration::days(800)), "2 years ago");
    }
}
