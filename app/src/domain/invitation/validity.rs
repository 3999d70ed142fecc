//! How long an invitation link stays usable: a setting in whole hours, 72 by default.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const DEFAULT_VALIDITY_HOURS: u32 = 72;
pub const MIN_VALIDITY_HOURS: u32 = 1;
/// One year: long enough for any real use, short enough that a forgotten link dies.
pub const MAX_VALIDITY_HOURS: u32 = 8_760;

/// The validity of new invitations, in hours (1 to 8,760).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Validity(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidityError {
    #[error("enter the validity as a whole number of hours, like {DEFAULT_VALIDITY_HOURS}")]
    NotWholeNumber,
    #[error("an invitation must stay valid for at least {MIN_VALIDITY_HOURS} hour")]
    TooShort,
    #[error("an invitation can stay valid for at most 8,760 hours (one year)")]
    TooLong,
}

impl Validity {
    pub const DEFAULT: Validity = Validity(DEFAULT_VALIDITY_HOURS);

    pub fn from_hours(hours: u32) -> Result<Self, ValidityError> {
        match hours {
            h if h < MIN_VALIDITY_HOURS => Err(ValidityError::TooShort),
            h if h > MAX_VALIDITY_HOURS => Err(ValidityError::TooLong),
            h => Ok(Self(h)),
        }
    }

    /// Reads what the admin typed in the settings form: digits, surrounding spaces allowed.
    pub fn parse(input: &str) -> Result<Self, ValidityError> {
        let text = input.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidityError::NotWholeNumber);
        }
        let significant = digits.trim_start_matches('0');
        if negative || significant.is_empty() {
            return Err(ValidityError::TooShort);
        }
        // More digits than the maximum has: too long, however many (no overflow to handle).
        if significant.len() > 4 {
            return Err(ValidityError::TooLong);
        }
        let hours = significant
            .parse()
            .map_err(|_| ValidityError::NotWholeNumber)?;
        Self::from_hours(hours)
    }

    pub fn hours(self) -> u32 {
        self.0
    }

    pub fn duration(self) -> TimeDelta {
        TimeDelta::hours(i64::from(self.0))
    }
}

impl Default for Validity {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for Validity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("1 hour"),
            hours => write!(f, "{hours} hours"),
        }
    }
}

impl TryFrom<u32> for Validity {
    type Error = ValidityError;
    fn try_from(hours: u32) -> Result<Self, Self::Error> {
        Self::from_hours(hours)
    }
}

impl From<Validity> for u32 {
    fn from(value: Validity) -> Self {
        value.0
    }
}

/// When an invitation sent at `invited_at` stops working.
pub fn valid_until(invited_at: DateTime<Utc>, validity: Validity) -> DateTime<Utc> {
    invited_at
        .checked_add_signed(validity.duration())
        .unwrap_or(DateTime::<Utc>::MAX_UTC) // only at the end of chrono's calendar
}

/// The earliest an invitation still unexpired at `now` can have been sent, when no invitation
/// was ever made valid for longer than `longest`: its validity is fixed when it is made
/// ([`valid_until`]), so `valid_until > now` means `invited_at > now - longest`. A search for
/// Pending invitations reads only the index rows since then, newest first, instead of passing
/// over the expired ones (docs/search.md, "Pending: the rows since the longest validity").
pub fn earliest_unexpired_invitation(now: DateTime<Utc>, longest: Validity) -> DateTime<Utc> {
    now.checked_sub_signed(longest.duration())
        .unwrap_or(DateTime::<Utc>::MIN_UTC) // only at the start of chrono's calendar
}
