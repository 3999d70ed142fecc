//! The reminder email: when a Pending invitation is reminded of, before it expires.
//!
//! One reminder per invitation, never for a resent one (its holder was just sent a fresh
//! link). The time comes from Settings ("Remind … hours before expiry", 0 for none) and is
//! fixed when the invitation is made, so every replica agrees on it and a sweep finds the due
//! ones by an index. A reminder must not arrive on the heels of its invitation: when the
//! validity is shorter than twice the lead, the reminder goes at half the validity instead;
//! an invitation valid for less than [`MIN_VALIDITY_FOR_REMINDER_HOURS`] gets none.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub const DEFAULT_REMINDER_HOURS: u32 = 24;
/// At most 30 days before expiry.
pub const MAX_REMINDER_HOURS: u32 = 720;
/// Invitations valid for less than this get no reminder (it would come with the invitation).
pub const MIN_VALIDITY_FOR_REMINDER_HOURS: i64 = 4;

/// How many hours before expiry a Pending invitation is reminded of; 0 turns reminders off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderLead(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReminderLeadError {
    #[error("enter a whole number of hours, like {DEFAULT_REMINDER_HOURS}, or 0 for no reminders")]
    NotWholeNumber,
    #[error("remind at most {MAX_REMINDER_HOURS} hours (30 days) before expiry")]
    TooLong,
}

impl Default for ReminderLead {
    fn default() -> Self {
        Self(DEFAULT_REMINDER_HOURS)
    }
}

impl ReminderLead {
    pub const OFF: ReminderLead = ReminderLead(0);

    pub fn from_hours(hours: u32) -> Result<Self, ReminderLeadError> {
        if hours > MAX_REMINDER_HOURS {
            return Err(ReminderLeadError::TooLong);
        }
        Ok(Self(hours))
    }

    /// Reads what the admin typed: digits, surrounding spaces allowed.
    pub fn parse(input: &str) -> Result<Self, ReminderLeadError> {
        let text = input.trim();
        if text.is_empty() || text.len() > 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ReminderLeadError::NotWholeNumber);
        }
        Self::from_hours(
            text.parse()
                .map_err(|_| ReminderLeadError::NotWholeNumber)?,
        )
    }

    pub fn hours(self) -> u32 {
        self.0
    }

    pub fn is_off(self) -> bool {
        self.0 == 0
    }

    /// When an invitation made at `invited_at` and valid until `valid_until` is reminded of,
    /// or `None` for no reminder.
    pub fn remind_at(
        self,
        invited_at: DateTime<Utc>,
        valid_until: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let validity = valid_until - invited_at;
        if self.is_off() || validity < Duration::hours(MIN_VALIDITY_FOR_REMINDER_HOURS) {
            return None;
        }
        let before_expiry = valid_until - Duration::hours(i64::from(self.0));
        let halfway = invited_at + validity / 2;
        Some(before_expiry.max(halfway))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hours: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap() + Duration::hours(hours)
    }

    #[test]
    fn a_reminder_comes_the_lead_before_expiry() {
        assert_eq!(
            ReminderLead::default().remind_at(at(0), at(72)),
            Some(at(48))
        );
        assert_eq!(
            ReminderLead::from_hours(6)
                .unwrap()
                .remind_at(at(0), at(72)),
            Some(at(66))
        );
    }

    #[test]
    fn a_short_validity_is_reminded_of_halfway_and_a_very_short_one_not_at_all() {
        assert_eq!(
            ReminderLead::default().remind_at(at(0), at(24)),
            Some(at(12))
        );
        assert_eq!(ReminderLead::default().remind_at(at(0), at(3)), None);
    }

    #[test]
    fn zero_hours_turns_reminders_off() {
        let off = ReminderLead::parse(" 0 ").unwrap();
        assert!(off.is_off());
        assert_eq!(off.remind_at(at(0), at(72)), None);
    }

    #[test]
    fn the_lead_is_read_as_whole_hours_up_to_thirty_days() {
        assert_eq!(ReminderLead::parse("48").unwrap().hours(), 48);
        for bad in ["", "-1", "1.5", "24h", "ten", "99999999999"] {
            assert_eq!(
                ReminderLead::parse(bad),
                Err(ReminderLeadError::NotWholeNumber),
                "{bad:?}"
            );
        }
        assert_eq!(ReminderLead::parse("721"), Err(ReminderLeadError::TooLong));
        assert!(ReminderLead::parse("720").is_ok());
    }
}
