//! How the invitations list finds "part of an email" without scanning every row: each address
//! is cut into overlapping three-character pieces (grams), stored one row per distinct gram
//! with the invitation's id and date. A search term's own grams say which rows can contain it.
//!
//! Unlike PostgreSQL's `pg_trgm`, every character counts, punctuation included, so `y.g` or
//! `@acme.io` are as selective as letters. A gram is packed into one integer (three Unicode
//! scalar values of 21 bits each), so the index is the same compact integer B-tree on every
//! backend and compares byte-exactly whatever the collation.
//!
//! The address is padded with two "end" markers (value 0, never part of an address), so every
//! one- and two-character substring is also the *start* of some gram: a short term becomes one
//! range of gram values (`ab` is every gram from `ab\0` to `ab\u{10ffff}`).

/// Bits per character in a packed gram.
const BITS: u32 = 21;
/// The largest value a character slot can hold.
const MAX_CHAR: i64 = (1 << BITS) - 1;
/// The "end of address" marker.
const END: u32 = 0;
/// A gram with at least this many index rows is common: its rows are walked (newest first,
/// until a page is full) rather than read whole as a term's candidates, and the index's
/// statistics count it.
pub const COMMON_GRAM_ROWS: u64 = 1_000;
/// Longer terms are probed on this many of their grams (spread over the term): enough to find
/// a rare one, few enough for one small query.
pub const MAX_PROBED_GRAMS: usize = 12;

fn pack(a: u32, b: u32, c: u32) -> i64 {
    (i64::from(a) << (2 * BITS)) | (i64::from(b) << BITS) | i64::from(c)
}

/// The distinct grams of a normalized (lower-case) address, in ascending order.
pub fn email_grams(email_normalized: &str) -> Vec<i64> {
    let chars: Vec<u32> = email_normalized
        .chars()
        .map(u32::from)
        .chain([END, END])
        .collect();
    let mut grams: Vec<i64> = chars.windows(3).map(|w| pack(w[0], w[1], w[2])).collect();
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// Which grams a row must have to contain a search term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermGrams {
    /// Three characters or more: a row containing the term has every one of these grams
    /// (a sample of at most [`MAX_PROBED_GRAMS`] of them, each a candidate list to walk).
    All(Vec<i64>),
    /// One or two characters: a row containing the term has at least one gram in
    /// `low..=high`.
    Range { low: i64, high: i64 },
}

impl TermGrams {
    /// The grams for a lower-case term; `None` for an empty term (no filter).
    pub fn of(term: &str) -> Option<Self> {
        let chars: Vec<u32> = term.chars().map(u32::from).collect();
        match chars[..] {
            [] => None,
            [a] => Some(Self::Range {
                low: pack(a, 0, 0),
                high: pack(a, MAX_CHAR as u32, MAX_CHAR as u32),
            }),
            [a, b] => Some(Self::Range {
                low: pack(a, b, 0),
                high: pack(a, b, MAX_CHAR as u32),
            }),
            _ => {
                let mut grams: Vec<i64> =
                    chars.windows(3).map(|w| pack(w[0], w[1], w[2])).collect();
                grams.sort_unstable();
                grams.dedup();
                Some(Self::All(spread(grams, MAX_PROBED_GRAMS)))
            }
        }
    }

    /// Whether a row with exactly these grams is certain to contain the term, so no check of
    /// the address itself is needed: a three-character term is its own gram, and the
    /// one-or-two-character ranges hold only grams starting with the term.
    pub fn is_exact(&self, term: &str) -> bool {
        match self {
            Self::Range { .. } => true,
            Self::All(_) => term.chars().count() == 3,
        }
    }
}

/// Bits of a signature (see [`signature`]): 61, a prime, so each of a packed gram's three
/// characters moves its bit, and the sign bit stays clear.
pub const SIGNATURE_BITS: i64 = 61;

/// The signature of an index row whose address's signature is not known: every bit set, so
/// it passes every check (and its row is looked at as before signatures existed).
pub const UNKNOWN_SIGNATURE: i64 = -1;

/// The bit a gram sets in a signature. The migration that filled the signatures of stored
/// rows computes it in SQL as `1 << (gram % 61)`, so this stays a plain remainder.
pub fn gram_bit(gram: i64) -> i64 {
    1 << (gram.rem_euclid(SIGNATURE_BITS))
}

/// An address's signature: one bit for each of its grams, kept on each of its index rows. A
/// walk of one gram's rows reads it from the index itself and passes over every row whose
/// address lacks a bit of the term's other grams (a row is checked further only when its
/// grams may all be there), instead of looking up the other grams for each row.
pub fn signature<'a>(grams: impl IntoIterator<Item = &'a i64>) -> i64 {
    grams
        .into_iter()
        .fold(0, |bits, gram| bits | gram_bit(*gram))
}

/// At most `n` items of `items`, evenly spread over them.
fn spread(items: Vec<i64>, n: usize) -> Vec<i64> {
    if items.len() <= n {
        return items;
    }
    (0..n).map(|i| items[i * items.len() / n]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The grams of `term` as the index would see them: does the index's rule say the address
    /// may contain the term?
    fn index_admits(email: &str, term: &str) -> bool {
        let grams = email_grams(email);
        match TermGrams::of(term).unwrap() {
            TermGrams::All(needed) => needed.iter().all(|g| grams.binary_search(g).is_ok()),
            TermGrams::Range { low, high } => grams.iter().any(|g| (low..=high).contains(g)),
        }
    }

    #[test]
    fn every_substring_of_an_address_is_admitted() {
        for email in [
            "a@b.io",
            "y.g@q.co",
            "ada.lovelace12345@acme.io",
            "zoë@été.fr",
        ] {
            let chars: Vec<char> = email.chars().collect();
            for start in 0..chars.len() {
                for end in start + 1..=chars.len() {
                    let term: String = chars[start..end].iter().collect();
                    assert!(index_admits(email, &term), "{term:?} in {email:?}");
                }
            }
        }
    }

    #[test]
    fn punctuation_makes_terms_selective() {
        assert!(!index_admits("ada.lovelace@acme.io", "y.g"));
        assert!(index_admits("grey.g@acme.io", "y.g"));
        assert!(!index_admits("ada@acme.io", "@acme.com"));
        assert!(!index_admits("ada@acme.io", "q"));
        assert!(index_admits("ada@acme.io", "da@a"));
    }

    #[test]
    fn short_terms_are_ranges_and_exact() {
        let one = TermGrams::of("a").unwrap();
        let two = TermGrams::of("ab").unwrap();
        assert!(matches!(one, TermGrams::Range { .. }) && one.is_exact("a"));
        assert!(matches!(two, TermGrams::Range { .. }) && two.is_exact("ab"));
        // "ab" at the very end of an address is still found, through the end markers.
        assert!(index_admits("x@y.ab", "ab"));
        assert!(index_admits("x@y.ab", "b"));
        assert!(TermGrams::of("").is_none());
        let three = TermGrams::of("abc").unwrap();
        assert_eq!(three, TermGrams::All(vec![pack(97, 98, 99)]));
        assert!(three.is_exact("abc") && !TermGrams::of("abcd").unwrap().is_exact("abcd"));
    }

    #[test]
    fn long_terms_probe_a_bounded_spread_of_grams() {
        let term = "a-very-long-search-term-that-has-many-grams@example.com";
        let TermGrams::All(grams) = TermGrams::of(term).unwrap() else {
            panic!("a long term has grams")
        };
        assert_eq!(grams.len(), MAX_PROBED_GRAMS);
        let all = email_grams(term);
        assert!(grams.iter().all(|g| all.binary_search(g).is_ok()));
    }

    #[test]
    fn an_address_signature_has_every_bit_of_each_term_it_contains() {
        for email in ["ada.lovelace12345@acme.io", "y.g@q.co", "zoë@été.fr"] {
            let bits = signature(&email_grams(email));
            let chars: Vec<char> = email.chars().collect();
            for start in 0..chars.len() {
                for end in start + 3..=chars.len() {
                    let term: String = chars[start..end].iter().collect();
                    let TermGrams::All(grams) = TermGrams::of(&term).unwrap() else {
                        panic!("{term:?} has whole grams")
                    };
                    let mask = signature(&grams);
                    assert_eq!(bits & mask, mask, "{term:?} in {email:?}");
                    assert_eq!(UNKNOWN_SIGNATURE & mask, mask);
                }
            }
        }
        // A term with grams the address lacks is told apart by the signature alone.
        let ada = signature(&email_grams("ada.lovelace@acme.io"));
        let TermGrams::All(grams) = TermGrams::of("hopper.grace").unwrap() else {
            unreachable!()
        };
        assert_ne!(ada & signature(&grams), signature(&grams));
        assert!(ada > 0 && ada < 1 << SIGNATURE_BITS);
    }

    #[test]
    fn grams_are_distinct_sorted_and_fit_a_positive_i64() {
        let grams = email_grams("aaaa@aaaa.aa");
        assert!(grams.windows(2).all(|w| w[0] < w[1]));
        let highest = email_grams("\u{10ffff}\u{10ffff}\u{10ffff}");
        assert!(highest.iter().all(|g| *g >= 0));
    }
}
