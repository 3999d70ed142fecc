use super::*;
use chrono::{TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use InvitationAction::*;
use InvitationStatus::*;

/// The expected outcome of one (status, action) pair, written out from docs/lifecycle.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Refused,
    Resent,
    Removed,
    Approves,
    Rejects,
    Completes,
}

const RULES: [(InvitationStatus, InvitationAction, Expect); 30] = [
    (Pending, Resend, Expect::Resent),
    (Pending, Delete, Expect::Removed),
    (Pending, Accept, Expect::Refused),
    (Pending, Deny, Expect::Refused),
    (Pending, Complete, Expect::Completes),
    (Expired, Resend, Expect::Resent),
    (Expired, Delete, Expect::Removed),
    (Expired, Accept, Expect::Refused),
    (Expired, Deny, Expect::Refused),
    (Expired, Complete, Expect::Refused),
    (Waiting, Resend, Expect::Refused),
    (Waiting, Delete, Expect::Refused),
    (Waiting, Accept, Expect::Approves),
    (Waiting, Deny, Expect::Rejects),
    (Waiting, Complete, Expect::Refused),
    (Approved, Resend, Expect::Refused),
    (Approved, Delete, Expect::Refused),
    (Approved, Accept, Expect::Refused),
    (Approved, Deny, Expect::Refused),
    (Approved, Complete, Expect::Refused),
    (Rejected, Resend, Expect::Resent),
    (Rejected, Delete, Expect::Refused),
    (Rejected, Accept, Expect::Refused),
    (Rejected, Deny, Expect::Refused),
    (Rejected, Complete, Expect::Refused),
    (Inactivated, Resend, Expect::Refused),
    (Inactivated, Delete, Expect::Refused),
    (Inactivated, Accept, Expect::Refused),
    (Inactivated, Deny, Expect::Refused),
    (Inactivated, Complete, Expect::Refused),
];

fn expected_transition(expect: Expect, pre_approved: bool) -> Option<Transition> {
    let row = |status| RowChange::Becomes(status);
    let transition = |row, creates_superseding_invitation, account| Transition {
        row,
        creates_superseding_invitation,
        account,
    };
    match expect {
        Expect::Refused => None,
        Expect::Resent => Some(transition(
            row(StoredStatus::Inactivated),
            true,
            AccountChange::Untouched,
        )),
        Expect::Removed => Some(transition(
            RowChange::Removed,
            false,
            AccountChange::Untouched,
        )),
        Expect::Approves => Some(transition(
            row(StoredStatus::Approved),
            false,
            AccountChange::Activate,
        )),
        Expect::Rejects => Some(transition(
            row(StoredStatus::Rejected),
            false,
            AccountChange::StaysInactive,
        )),
        Expect::Completes if pre_approved => Some(transition(
            row(StoredStatus::Approved),
            false,
            AccountChange::Register { active: true },
        )),
        Expect::Completes => Some(transition(
            row(StoredStatus::Waiting),
            false,
            AccountChange::Register { active: false },
        )),
    }
}

#[test]
fn every_status_and_action_pair_follows_the_rules_table() {
    for status in InvitationStatus::ALL {
        for action in InvitationAction::ALL {
            let matching: Vec<_> = RULES
                .iter()
                .filter(|(s, a, _)| (*s, *a) == (status, action))
                .collect();
            assert_eq!(matching.len(), 1, "table row for {status:?} x {action:?}");
            let expect = matching[0].2;
            for pre_approved in [true, false] {
                let decided = decide(status, action, pre_approved);
                match expected_transition(expect, pre_approved) {
                    Some(transition) => assert_eq!(decided, Ok(transition)),
                    None => assert_eq!(decided, Err(Refusal { status, action })),
                }
            }
            assert_eq!(check(status, action).is_ok(), expect != Expect::Refused);
        }
    }
}

#[test]
fn lists_the_admin_actions_of_each_status() {
    let expected = [
        (Pending, vec![Delete, Resend]),
        (Expired, vec![Delete, Resend]),
        (Waiting, vec![Accept, Deny]),
        (Approved, vec![]),
        (Rejected, vec![Resend]),
        (Inactivated, vec![]),
    ];
    for (status, actions) in expected {
        assert_eq!(allowed_actions(status), actions, "{status:?}");
    }
}

#[test]
fn refusals_explain_themselves() {
    let reason = |status, action| check(status, action).unwrap_err().to_string();
    assert_eq!(
        reason(Waiting, Delete),
        "Waiting invitations cannot be deleted: deny the registration instead"
    );
    assert_eq!(
        reason(Approved, Resend),
        "An Approved invitation has been used; there is nothing to resend"
    );
    assert!(reason(Pending, Accept).starts_with("Only Waiting registrations can be reviewed"));
    assert_eq!(reason(Expired, Complete), "This invitation has expired");
    for status in InvitationStatus::ALL {
        for action in InvitationAction::ALL {
            if let Err(refusal) = check(status, action) {
                let text = refusal.reason();
                assert!(!text.is_empty() && !text.ends_with('.'), "{text}");
                assert_ne!(text, "This action is not available for this invitation");
            }
        }
    }
}

fn at(hour: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 1, hour, 0, 0).unwrap()
}

#[test]
fn a_pending_invitation_expires_exactly_at_valid_until() {
    let valid_until = at(12);
    let just_before = valid_until - TimeDelta::nanoseconds(1);
    let stored = StoredStatus::Pending;
    assert_eq!(effective_status(stored, valid_until, just_before), Pending);
    assert_eq!(effective_status(stored, valid_until, valid_until), Expired);
    assert_eq!(effective_status(stored, valid_until, at(13)), Expired);
    assert!(decide(
        effective_status(stored, valid_until, just_before),
        Complete,
        true
    )
    .is_ok());
    assert!(decide(
        effective_status(stored, valid_until, valid_until),
        Complete,
        true
    )
    .is_err());
}

#[test]
fn only_pending_invitations_expire() {
    for stored in StoredStatus::ALL {
        let late = effective_status(stored, at(1), at(23));
        let early = effective_status(stored, at(23), at(1));
        if stored == StoredStatus::Pending {
            assert_eq!((early, late), (Pending, Expired));
        } else {
            assert_eq!(early, late, "{stored:?}");
            assert_eq!(early.as_str(), stored.as_str());
        }
    }
}

/// The database conditions must pick exactly the rows the in-memory rules allow, or a race
/// between two admins could get past one of them.
#[test]
fn stored_conditions_agree_with_the_rules_at_every_instant() {
    let valid_until = at(12);
    let instants = [
        at(11),
        valid_until - TimeDelta::nanoseconds(1),
        valid_until,
        at(13),
    ];
    for stored in StoredStatus::ALL {
        for now in instants {
            let status = effective_status(stored, valid_until, now);
            for action in InvitationAction::ALL {
                let condition = stored_condition_for_action(action);
                assert_eq!(
                    condition.matches(stored, valid_until, now),
                    check(status, action).is_ok(),
                    "{stored:?} at {now} for {action:?}"
                );
                assert_eq!(condition.statuses, stored_statuses_for_action(action));
                assert_eq!(condition.expiry, expiry_condition_for_action(action));
            }
            for filter in InvitationStatus::ALL {
                assert_eq!(
                    filter.stored_condition().matches(stored, valid_until, now),
                    filter == status,
                    "filter {filter:?} on {stored:?} at {now}"
                );
            }
        }
    }
}

#[test]
fn statuses_and_actions_have_names_and_words() {
    for status in InvitationStatus::ALL {
        assert_eq!(InvitationStatus::parse(status.as_str()), Some(status));
        assert_eq!(status.label().to_lowercase(), status.as_str());
        assert!(status.description().ends_with('.'));
    }
    for stored in StoredStatus::ALL {
        assert_eq!(StoredStatus::parse(stored.as_str()), Some(stored));
    }
    assert_eq!(StoredStatus::parse("expired"), None);
    assert_eq!(InvitationStatus::parse("Pending"), None);
    for action in InvitationAction::ALL {
        assert!(!action.label().is_empty());
        assert_eq!(
            InvitationAction::ADMIN.contains(&action),
            action.is_admin_action()
        );
    }
}

#[test]
fn every_link_state_tells_the_developer_what_to_do() {
    let expected = [
        (Pending, LinkState::Usable),
        (Expired, LinkState::Expired),
        (Waiting, LinkState::WaitingForApproval),
        (Approved, LinkState::AlreadyUsed),
        (Rejected, LinkState::Rejected),
        (Inactivated, LinkState::Superseded),
    ];
    for (status, state) in expected {
        assert_eq!(LinkState::from_status(status), state);
        assert_eq!(LinkState::from_lookup(Some(status)), state);
    }
    assert_eq!(LinkState::from_lookup(None), LinkState::Unknown);
    for state in LinkState::ALL {
        assert_eq!(state.is_usable(), state == LinkState::Usable);
        let message = state.message();
        assert!(message.ends_with('.') && !state.title().is_empty());
        assert!(!message.contains("another account") && !message.contains("  "));
    }
    assert!(LinkState::AlreadyUsed.message().contains("Log in"));
    assert!(LinkState::Expired.message().contains("new invitation"));
}

#[test]
fn valid_until_adds_the_validity() {
    let sent = at(9);
    assert_eq!(
        valid_until(sent, Validity::DEFAULT),
        sent + TimeDelta::hours(72)
    );
    assert_eq!(valid_until(sent, Validity::from_hours(1).unwrap()), at(10));
    assert_eq!(
        valid_until(chrono::DateTime::<Utc>::MAX_UTC, Validity::DEFAULT),
        chrono::DateTime::<Utc>::MAX_UTC
    );
}

#[test]
fn validity_parses_whole_hours_in_range() {
    let ok = [("72", 72), (" 1 ", 1), ("8760", 8760), ("0048", 48)];
    for (input, hours) in ok {
        assert_eq!(Validity::parse(input).unwrap().hours(), hours, "{input:?}");
    }
    let refused = [
        ("", ValidityError::NotWholeNumber),
        ("72h", ValidityError::NotWholeNumber),
        ("1.5", ValidityError::NotWholeNumber),
        ("three", ValidityError::NotWholeNumber),
        ("-", ValidityError::NotWholeNumber),
        ("0", ValidityError::TooShort),
        ("-5", ValidityError::TooShort),
        ("8761", ValidityError::TooLong),
        ("99999999999999999999999", ValidityError::TooLong),
    ];
    for (input, error) in refused {
        assert_eq!(Validity::parse(input).unwrap_err(), error, "{input:?}");
    }
    assert_eq!(
        ValidityError::TooLong.to_string(),
        "an invitation can stay valid for at most 8,760 hours (one year)"
    );
    assert_eq!(Validity::default().to_string(), "72 hours");
    assert_eq!(Validity::from_hours(1).unwrap().to_string(), "1 hour");
}

/// The documented reading of the validity field, with arbitrarily large numbers.
fn expected_validity(input: &str) -> Result<u32, ValidityError> {
    let text = input.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(ValidityError::NotWholeNumber);
    }
    let significant = digits.trim_start_matches('0');
    if negative || significant.is_empty() {
        return Err(ValidityError::TooShort);
    }
    if significant.len() > 30 {
        return Err(ValidityError::TooLong);
    }
    match significant.parse::<u128>().unwrap() {
        hours if hours > u128::from(MAX_VALIDITY_HOURS) => Err(ValidityError::TooLong),
        hours => Ok(u32::try_from(hours).unwrap()),
    }
}

/// Property test: no panic, exactly the documented rule (and reason) for what an admin
/// types, and an accepted validity round-trips through its hours.
#[test]
fn fuzz_validity() {
    crate::fuzz_support::run(
        "validity",
        file!(),
        crate::fuzz_support::validity_like(),
        |input| {
            let parsed = Validity::parse(&input);
            prop_assert_eq!(
                parsed.clone().map(Validity::hours),
                expected_validity(&input)
            );
            if let Ok(validity) = parsed {
                prop_assert_eq!(Validity::from_hours(validity.hours()), Ok(validity));
                prop_assert_eq!(Validity::parse(&validity.hours().to_string()), Ok(validity));
                prop_assert!(validity
                    .to_string()
                    .starts_with(&validity.hours().to_string()));
            }
            Ok(())
        },
    );
}

proptest! {
    #[test]
    fn validity_accepts_exactly_the_range(hours: u32) {
        let in_range = (MIN_VALIDITY_HOURS..=MAX_VALIDITY_HOURS).contains(&hours);
        prop_assert_eq!(Validity::parse(&hours.to_string()).is_ok(), in_range);
        prop_assert_eq!(Validity::from_hours(hours).is_ok(), in_range);
    }
}

proptest! {
    /// The search's bound for Pending: an invitation made valid for no longer than the longest
    /// validity, and unexpired now, was sent at or after the earliest such time; one sent just
    /// before it has expired.
    #[test]
    fn an_unexpired_invitation_was_sent_after_now_less_the_longest_validity(
        hours in MIN_VALIDITY_HOURS..=MAX_VALIDITY_HOURS,
        longer in 0..=MAX_VALIDITY_HOURS,
        sent_micros in 0i64..(2 * i64::from(MAX_VALIDITY_HOURS) * 3_600_000_000),
        now_micros in 0i64..(2 * i64::from(MAX_VALIDITY_HOURS) * 3_600_000_000),
    ) {
        let validity = Validity::from_hours(hours).unwrap();
        let longest = Validity::from_hours(hours.saturating_add(longer).min(MAX_VALIDITY_HOURS)).unwrap();
        let (sent, now) = (at(0) + TimeDelta::microseconds(sent_micros), at(0) + TimeDelta::microseconds(now_micros));
        let earliest = earliest_unexpired_invitation(now, longest);
        if !is_expired(valid_until(sent, validity), now) {
            prop_assert!(sent >= earliest, "sent {sent}, earliest {earliest}");
        }
        let just_before = earliest - TimeDelta::microseconds(1);
        prop_assert!(is_expired(valid_until(just_before, longest), now));
    }
}
