//! The reason an admin may give when denying a registration: quoted in the "not approved"
//! email to the developer, kept in the audit log and shown in the invitation's details.

/// How long a reason may be, in characters (a line break counts as one). The column that
/// keeps it (`invitations.decision_reason`, migration m0010) is VARCHAR(500).
pub const MAX_DECISION_REASON_CHARS: usize = 500;

/// A denial's reason: trimmed, 1 to 500 characters, several lines allowed (line breaks are
/// stored as `\n` whatever the browser sent), no other control characters and no invisible
/// text-direction marks. A blank reason is no reason ([`DecisionReason::parse`] gives `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionReason(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionReasonError {
    #[error(
        "The reason can be at most {MAX_DECISION_REASON_CHARS} characters long and this one has \
         {chars}: shorten it by {}.",
        chars - MAX_DECISION_REASON_CHARS
    )]
    TooLong { chars: usize },
    #[error(
        "The reason cannot contain tabs or other control characters (line breaks are fine): \
         remove them."
    )]
    ControlCharacter,
    #[error(
        "The reason cannot contain invisible text-direction marks (they can make text display \
         in another order): remove them."
    )]
    DirectionMark,
}

impl DecisionReason {
    /// The reason typed, or `None` when nothing but whitespace was typed.
    pub fn parse(input: &str) -> Result<Option<Self>, DecisionReasonError> {
        let value = normalized(input);
        if value.is_empty() {
            return Ok(None);
        }
        let chars = value.chars().count();
        if chars > MAX_DECISION_REASON_CHARS {
            return Err(DecisionReasonError::TooLong { chars });
        }
        if value.chars().any(|c| c.is_control() && c != '\n') {
            return Err(DecisionReasonError::ControlCharacter);
        }
        if value.chars().any(super::account::is_direction_mark) {
            return Err(DecisionReasonError::DirectionMark);
        }
        Ok(Some(Self(value)))
    }

    /// How many characters of `input` count towards the limit (what the review dialog's
    /// counter shows): those [`DecisionReason::parse`] would keep.
    pub fn counted_chars(input: &str) -> usize {
        normalized(input).chars().count()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<DecisionReason> for String {
    fn from(value: DecisionReason) -> Self {
        value.0
    }
}

/// Line breaks as `\n` (a form sends a textarea's as `\r\n`), then trimmed.
fn normalized(input: &str) -> String {
    input
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(input: &str) -> Option<String> {
        DecisionReason::parse(input)
            .unwrap()
            .map(|reason| reason.as_str().to_owned())
    }

    #[test]
    fn a_blank_reason_is_no_reason() {
        for blank in ["", "   ", "\r\n\n ", "\u{3000}"] {
            assert_eq!(parsed(blank), None, "{blank:?}");
        }
    }

    #[test]
    fn a_reason_is_trimmed_and_keeps_its_lines_as_newlines() {
        assert_eq!(
            parsed("  Please use your company address.\r\n\r\nThanks!\r\n"),
            Some("Please use your company address.\n\nThanks!".into())
        );
        assert_eq!(parsed("one\rtwo"), Some("one\ntwo".into()));
    }

    #[test]
    fn a_reason_may_be_500_characters_and_not_one_more() {
        assert!(parsed(&"é".repeat(500)).is_some());
        // A line break sent as \r\n counts once, as the textarea counted it.
        assert!(parsed(&format!("{}\r\n{}", "a".repeat(250), "b".repeat(249))).is_some());
        let error = DecisionReason::parse(&"é".repeat(523)).unwrap_err();
        assert_eq!(error, DecisionReasonError::TooLong { chars: 523 });
        assert_eq!(
            error.to_string(),
            "The reason can be at most 500 characters long and this one has 523: shorten it by 23."
        );
    }

    #[test]
    fn control_characters_and_direction_marks_are_refused_with_what_to_fix() {
        for input in ["a\tb", "a\u{0}b", "bell\u{7}", "a\u{85}b"] {
            assert_eq!(
                DecisionReason::parse(input).unwrap_err(),
                DecisionReasonError::ControlCharacter,
                "{input:?}"
            );
        }
        assert_eq!(
            DecisionReason::parse("denied \u{202E}devorppa").unwrap_err(),
            DecisionReasonError::DirectionMark
        );
        assert!(DecisionReasonError::ControlCharacter
            .to_string()
            .contains("line breaks are fine"));
    }

    #[test]
    fn the_counter_counts_what_the_limit_counts() {
        assert_eq!(DecisionReason::counted_chars("  ab\r\ncd  "), 5);
        assert_eq!(DecisionReason::counted_chars(""), 0);
    }

    fn reason_like() -> impl Strategy<Value = String> {
        use crate::fuzz_support::{assembled, junk, nasty_char, padding};
        let piece = prop_oneof![
            6 => "[A-Za-z]{1,10}",
            3 => Just(" ".to_owned()),
            2 => prop_oneof![Just("\n"), Just("\r\n"), Just("\r")].prop_map(str::to_owned),
            2 => "[éßяΣ例😀'\"<>&\u{301}\u{200d}\u{202e}]{1,4}",
            2 => nasty_char().prop_map(String::from),
            1 => junk(4),
            1 => "[a-z]{490,510}",
        ];
        (padding(), assembled(piece, 10), padding())
            .prop_map(|(before, reason, after)| format!("{before}{reason}{after}"))
    }

    /// Property test: no panic, and exactly the documented rule; an accepted reason parses to
    /// itself again.
    #[test]
    fn fuzz_decision_reason() {
        crate::fuzz_support::run("decision_reason", file!(), reason_like(), |input| {
            let lines = input.replace("\r\n", "\n").replace('\r', "\n");
            let value = lines.trim();
            let expected = if value.is_empty() {
                Ok(None)
            } else if value.chars().count() > MAX_DECISION_REASON_CHARS {
                Err(DecisionReasonError::TooLong {
                    chars: value.chars().count(),
                })
            } else if value.chars().any(|c| c.is_control() && c != '\n') {
                Err(DecisionReasonError::ControlCharacter)
            } else if value.chars().any(crate::domain::account::is_direction_mark) {
                Err(DecisionReasonError::DirectionMark)
            } else {
                Ok(Some(value))
            };
            let parsed = DecisionReason::parse(&input);
            prop_assert_eq!(
                parsed
                    .as_ref()
                    .map(|r| r.as_ref().map(DecisionReason::as_str)),
                expected.as_ref().copied()
            );
            prop_assert_eq!(DecisionReason::counted_chars(&input), value.chars().count());
            if let Ok(Some(reason)) = parsed {
                prop_assert!(!reason.as_str().contains('\r'));
                prop_assert_eq!(DecisionReason::parse(reason.as_str()), Ok(Some(reason)));
            }
            Ok(())
        });
    }
}
