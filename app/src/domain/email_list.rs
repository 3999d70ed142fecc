//! The admin's invite box: one or many addresses separated by `;` (docs/lifecycle.md, "invite").
//! Pasted lists are common, so commas and line breaks separate entries too, and spaces, empty
//! entries and a trailing `;` are tolerated. Valid addresses are never blocked by invalid ones:
//! the result keeps both, each problem tied to the entry that caused it.

use super::email::Email;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// The most addresses one submission may hold; more is refused as a whole.
pub const MAX_EMAILS_PER_SUBMISSION: usize = 1_000;

/// Characters that end an entry.
const SEPARATORS: [char; 4] = [';', ',', '\n', '\r'];

/// Parses the invite box; see [`EmailList::parse`].
pub struct EmailList;

/// What the invite box held: the addresses to invite, in the order typed and without
/// repeats, and one problem per entry that cannot be invited.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ParsedEmailList {
    pub emails: Vec<Email>,
    pub problems: Vec<EntryProblem>,
}

/// One entry that cannot be invited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryProblem {
    /// 1-based position among the non-empty entries, as the admin would count them.
    pub position: usize,
    /// The entry as typed, trimmed.
    pub entry: String,
    pub reason: EntryProblemReason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryProblemReason {
    /// Not an email address; the text says why.
    Invalid(String),
    /// The same address (ignoring case) appeared earlier, at `first_position`.
    Repeated { first_position: usize },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailListError {
    #[error("enter at least one email address")]
    Empty,
    #[error("at most 1,000 addresses per submission: this one has {count}; split it into smaller batches")]
    TooMany { count: usize },
}

impl EmailList {
    /// Splits and checks the invite box. Fails as a whole only when there is nothing to
    /// read or more than [`MAX_EMAILS_PER_SUBMISSION`] entries; otherwise every entry ends up
    /// either in `emails` or in `problems`.
    pub fn parse(input: &str) -> Result<ParsedEmailList, EmailListError> {
        let count = entries(input).count();
        if count == 0 {
            return Err(EmailListError::Empty);
        }
        if count > MAX_EMAILS_PER_SUBMISSION {
            return Err(EmailListError::TooMany { count });
        }
        let mut parsed = ParsedEmailList::default();
        let mut first_seen: HashMap<String, usize> = HashMap::new();
        for (index, entry) in entries(input).enumerate() {
            let position = index + 1;
            let reason = match Email::parse(entry) {
                Err(error) => EntryProblemReason::Invalid(error.to_string()),
                Ok(email) => match first_seen.get(&email.normalized()) {
                    Some(&first_position) => EntryProblemReason::Repeated { first_position },
                    None => {
                        first_seen.insert(email.normalized(), position);
                        parsed.emails.push(email);
                        continue;
                    }
                },
            };
            parsed.problems.push(EntryProblem {
                position,
                entry: entry.to_owned(),
                reason,
            });
        }
        Ok(parsed)
    }
}

/// The non-empty entries, trimmed.
fn entries(input: &str) -> impl Iterator<Item = &str> {
    input
        .split(SEPARATORS)
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
}

impl ParsedEmailList {
    /// The number of non-empty entries the admin typed.
    pub fn entry_count(&self) -> usize {
        self.emails.len() + self.problems.len()
    }
}

impl fmt::Display for EntryProblemReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryProblemReason::Invalid(reason) => f.write_str(reason),
            EntryProblemReason::Repeated { first_position } => {
                write!(f, "already listed as entry {first_position}")
            }
        }
    }
}

impl fmt::Display for EntryProblem {
    /// For example: `entry 3, "dev@": an email address needs exactly one @ …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "entry {}, {:?}: {}",
            self.position, self.entry, self.reason
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::email::EmailError;
    use proptest::prelude::*;

    fn addresses(list: &ParsedEmailList) -> Vec<&str> {
        list.emails.iter().map(Email::as_str).collect()
    }

    #[test]
    fn reads_the_documented_form_and_tolerates_spaces_and_a_trailing_separator() {
        let list = EmailList::parse("a@x.io;b@y.io").unwrap();
        assert_eq!(addresses(&list), ["a@x.io", "b@y.io"]);
        assert!(list.problems.is_empty());

        let list = EmailList::parse("  a@x.io ; ;b@y.io;  ").unwrap();
        assert_eq!(addresses(&list), ["a@x.io", "b@y.io"]);
        assert!(list.problems.is_empty());
    }

    #[test]
    fn accepts_pasted_lists_with_commas_and_line_breaks() {
        let list = EmailList::parse("a@x.io, b@y.io\r\nc@z.io\n\nd@w.io;").unwrap();
        assert_eq!(addresses(&list), ["a@x.io", "b@y.io", "c@z.io", "d@w.io"]);
    }

    #[test]
    fn reports_each_problem_at_its_position_without_blocking_valid_entries() {
        let list = EmailList::parse("a@x.io;; not-an-email ;A@X.IO;b@y.io;a@x.io").unwrap();
        assert_eq!(addresses(&list), ["a@x.io", "b@y.io"]);
        assert_eq!(
            list.problems,
            vec![
                EntryProblem {
                    position: 2,
                    entry: "not-an-email".into(),
                    reason: EntryProblemReason::Invalid(EmailError::MissingAt.to_string()),
                },
                EntryProblem {
                    position: 3,
                    entry: "A@X.IO".into(),
                    reason: EntryProblemReason::Repeated { first_position: 1 },
                },
                EntryProblem {
                    position: 5,
                    entry: "a@x.io".into(),
                    reason: EntryProblemReason::Repeated { first_position: 1 },
                },
            ]
        );
        assert_eq!(list.entry_count(), 5);
        assert_eq!(
            list.problems[1].to_string(),
            "entry 3, \"A@X.IO\": already listed as entry 1"
        );
    }

    #[test]
    fn an_internationalized_domain_and_its_punycode_are_the_same_address() {
        let list = EmailList::parse("dev@bücher.example; dev@xn--bcher-kva.example").unwrap();
        assert_eq!(addresses(&list), ["dev@xn--bcher-kva.example"]);
        assert_eq!(
            list.problems[0].reason,
            EntryProblemReason::Repeated { first_position: 1 }
        );
    }

    #[test]
    fn refuses_an_empty_box_and_more_than_the_limit() {
        assert_eq!(
            EmailList::parse(" ; ,\n ").unwrap_err(),
            EmailListError::Empty
        );

        let at_limit: Vec<String> = (0..MAX_EMAILS_PER_SUBMISSION)
            .map(|i| format!("dev{i}@x.io"))
            .collect();
        assert_eq!(
            EmailList::parse(&at_limit.join(";")).unwrap().emails.len(),
            MAX_EMAILS_PER_SUBMISSION
        );

        let over = format!("{};one-more@x.io", at_limit.join(";"));
        let error = EmailList::parse(&over).unwrap_err();
        assert_eq!(error, EmailListError::TooMany { count: 1_001 });
        assert!(error
            .to_string()
            .starts_with("at most 1,000 addresses per submission"));
    }

    fn entry() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => crate::fuzz_support::email_like(),
            // Few distinct addresses, so repeats (in any case) are common.
            3 => "[a-cA-C]{1,2}@[a-c]{1,2}\\.(io|com)",
            1 => "[a-c]{1,2}@(bü|BÜ|xn--b-eha)\\.example",
            1 => "\\PC{0,12}",
            1 => " *",
        ]
    }

    fn separator() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            ";",
            ";",
            ",",
            "\n",
            "\r\n",
            "\r",
            " ; ",
            "\t;",
            ";;",
            " ",
            "",
            "\u{2028}",
            "\u{3000},",
            "\u{85}",
        ])
    }

    /// Mostly short pasted lists; now and then one around the limit or far past it.
    fn list() -> impl Strategy<Value = String> {
        let short = prop::collection::vec((entry(), separator()), 0..30).prop_map(|parts| {
            parts
                .iter()
                .map(|(e, sep)| format!("{e}{sep}"))
                .collect::<String>()
        });
        let long = (
            prop_oneof![990..1010usize, 0..3000usize],
            1..2000usize,
            separator(),
        )
            .prop_map(|(n, distinct, sep)| {
                let sep = if sep.trim().is_empty() { ";" } else { sep };
                (0..n)
                    .map(|i| format!("Dev{}@x{}.io", i % distinct, i % 3))
                    .collect::<Vec<_>>()
                    .join(sep)
            });
        prop_oneof![400 => short, 1 => long]
    }

    /// The documented reading of the box, spelled out independently of the parser.
    fn expected(input: &str) -> Result<ParsedEmailList, EmailListError> {
        let entries: Vec<&str> = input
            .split([';', ',', '\n', '\r'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        match entries.len() {
            0 => return Err(EmailListError::Empty),
            count if count > MAX_EMAILS_PER_SUBMISSION => {
                return Err(EmailListError::TooMany { count })
            }
            _ => {}
        }
        let mut list = ParsedEmailList::default();
        let mut first: HashMap<String, usize> = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            let position = index + 1;
            let reason = match Email::parse(entry) {
                Err(error) => EntryProblemReason::Invalid(error.to_string()),
                Ok(email) => match first.get(&email.as_str().to_lowercase()) {
                    Some(&first_position) => EntryProblemReason::Repeated { first_position },
                    None => {
                        first.insert(email.as_str().to_lowercase(), position);
                        list.emails.push(email);
                        continue;
                    }
                },
            };
            list.problems.push(EntryProblem {
                position,
                entry: (*entry).to_owned(),
                reason,
            });
        }
        Ok(list)
    }

    /// Property test: no panic over adversarial lists, every entry accounted for as the
    /// documented reading says, and no address accepted that `Email::parse` would refuse.
    #[test]
    fn fuzz_email_list() {
        crate::fuzz_support::run("email_list", file!(), list(), |input| {
            let parsed = EmailList::parse(&input);
            prop_assert_eq!(&parsed, &expected(&input));
            if let Ok(list) = parsed {
                prop_assert!(list.emails.len() <= MAX_EMAILS_PER_SUBMISSION);
                for email in &list.emails {
                    prop_assert_eq!(&Email::parse(email.as_str()).unwrap(), email);
                    prop_assert!(!email.as_str().contains([';', ',', '\n', '\r']));
                }
                let mut positions: Vec<usize> = list.problems.iter().map(|p| p.position).collect();
                positions.dedup();
                prop_assert_eq!(positions.len(), list.problems.len());
                prop_assert!(positions
                    .iter()
                    .all(|p| (1..=list.entry_count()).contains(p)));
            }
            Ok(())
        });
    }
}
