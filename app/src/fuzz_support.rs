//! What the `fuzz_*` targets share: a runner that drives one property over proptest's case
//! count and reports it, and adversarial input generators.
//!
//! The case count is proptest's default: 256 in the normal test suite, `PROPTEST_CASES` for
//! the long runs of `scripts/fuzz.sh`. When `PORTICO_FUZZ_RESULTS` names a directory, each
//! target writes one line there (`parser<TAB>cases<TAB>panics<TAB>violations<TAB>seconds`).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::time::Instant;

/// Runs `property` over generated inputs; fails the test with the smallest failing input when
/// the property is violated or the code under test panics.
pub fn run<S: Strategy>(
    parser: &str,
    source_file: &'static str,
    strategy: S,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let config = Config {
        source_file: Some(source_file),
        ..Config::default()
    };
    let cases = Cell::new(0u64);
    let panicked = Cell::new(false);
    let started = Instant::now();
    let mut runner = TestRunner::new(config);
    let outcome = runner.run(&strategy, |value| {
        cases.set(cases.get() + 1);
        match panic::catch_unwind(AssertUnwindSafe(|| property(value))) {
            Ok(result) => result,
            Err(payload) => {
                panicked.set(true);
                let message = payload
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| payload.downcast_ref::<&str>().copied())
                    .unwrap_or("(no message)");
                Err(TestCaseError::fail(format!("panicked: {message}")))
            }
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    let failed = outcome.is_err();
    let (panics, violations) = match (failed, panicked.get()) {
        (false, _) => (0, 0),
        (true, true) => (1, 0),
        (true, false) => (0, 1),
    };
    if let Some(dir) = std::env::var_os("PORTICO_FUZZ_RESULTS") {
        let line = format!(
            "{parser}\t{}\t{panics}\t{violations}\t{seconds:.1}\n",
            cases.get()
        );
        let path = std::path::Path::new(&dir).join(format!("{parser}.tsv"));
        std::fs::write(&path, line).expect("writing the fuzz result");
    }
    match outcome {
        Ok(()) => {}
        Err(TestError::Fail(reason, input)) => {
            panic!("{parser}: {reason}; minimal failing input: {input:?}")
        }
        Err(TestError::Abort(reason)) => panic!("{parser}: aborted: {reason}"),
    }
}

/// Characters that break parsers: separators, quotes, controls, odd whitespace, invisible and
/// direction-changing characters, non-ASCII letters and digits, surrogates' neighbours.
pub const NASTY: &[char] = &[
    '\0',
    '\t',
    '\n',
    '\r',
    '\u{b}',
    '\u{c}',
    '\u{1b}',
    '\u{7f}',
    '\u{85}',
    '\u{9f}',
    ' ',
    '\u{a0}',
    '\u{2028}',
    '\u{2029}',
    '\u{3000}',
    '\u{200b}',
    '\u{200d}',
    '\u{feff}',
    '\u{202e}',
    '\u{301}',
    '"',
    '\'',
    '`',
    '\\',
    '<',
    '>',
    '&',
    ';',
    ',',
    ':',
    '@',
    '.',
    '#',
    '%',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    '-',
    '_',
    '+',
    '=',
    '/',
    '?',
    '!',
    'é',
    'ß',
    'Σ',
    'İ',
    'ﬁ',
    'Ａ',
    '１',
    '٣',
    '。',
    '．',
    '例',
    'я',
    '😀',
    '\u{10ffff}',
    '\u{fffd}',
];

/// One character from [`NASTY`].
pub fn nasty_char() -> impl Strategy<Value = char> {
    proptest::sample::select(NASTY)
}

/// Any character, mostly nasty ones.
pub fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![3 => nasty_char(), 2 => any::<char>(), 2 => proptest::char::range('a', 'z')]
}

/// A short run of arbitrary (mostly nasty) characters.
pub fn junk(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any_char(), 0..=max).prop_map(|chars| chars.into_iter().collect())
}

/// Whitespace (or nothing) that a form field may carry around its value.
pub fn padding() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec![
        "", "", "", " ", "  ", "\t", "\r\n", "\n", "\u{3000}", "\u{a0}",
    ])
}

/// Where and how [`mutate`] changes a string.
#[derive(Debug, Clone)]
pub enum Mutation {
    None,
    Insert(usize, char),
    Replace(usize, char),
    Delete(usize),
    Duplicate(usize, usize),
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => Just(Mutation::None),
        1 => (any::<usize>(), any_char()).prop_map(|(at, c)| Mutation::Insert(at, c)),
        1 => (any::<usize>(), any_char()).prop_map(|(at, c)| Mutation::Replace(at, c)),
        1 => any::<usize>().prop_map(Mutation::Delete),
        1 => (any::<usize>(), 1..200usize).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
    ]
}

/// Applies one mutation at a character position (taken modulo the length).
pub fn mutate(text: &str, mutation: &Mutation) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let at = |position: usize, len: usize| if len == 0 { 0 } else { position % len };
    match *mutation {
        Mutation::None => {}
        Mutation::Insert(position, c) => {
            let i = at(position, chars.len() + 1);
            chars.insert(i, c);
        }
        Mutation::Replace(position, c) if !chars.is_empty() => {
            let i = at(position, chars.len());
            chars[i] = c;
        }
        Mutation::Delete(position) if !chars.is_empty() => {
            let i = at(position, chars.len());
            chars.remove(i);
        }
        Mutation::Duplicate(position, times) if !chars.is_empty() => {
            let i = at(position, chars.len());
            let c = chars[i];
            chars.splice(i..i, std::iter::repeat_n(c, times));
        }
        _ => {}
    }
    chars.into_iter().collect()
}

/// A string built from `pieces` (valid shapes and traps), then maybe mutated.
pub fn assembled(
    pieces: impl Strategy<Value = String>,
    max_pieces: usize,
) -> impl Strategy<Value = String> {
    (prop::collection::vec(pieces, 0..=max_pieces), mutation())
        .prop_map(|(pieces, m)| mutate(&pieces.concat(), &m))
}

/// The local part (before the `@`) of an address: plausible shapes, quoted strings, specials,
/// dots in the wrong places, non-ASCII letters, lengths around the 64-byte limit.
pub fn local_part() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => "[a-zA-Z0-9]{1,12}",
        2 => "[!#$%&'*+/=?^_`{|}~-]{1,3}",
        2 => Just(".".to_owned()),
        1 => Just("..".to_owned()),
        1 => "\"[a-z @\\\\\"]{0,6}\"",
        1 => "[éßяΣ例İﬁ]{1,6}",
        1 => junk(3),
        1 => "a{60,70}",
        1 => "é{30,34}",
    ];
    assembled(piece, 6)
}

/// The domain (after the `@`): labels of every kind, separators of every script, IP forms,
/// `xn--` labels, labels around the 63-byte limit, many labels.
pub fn domain() -> impl Strategy<Value = String> {
    let label = prop_oneof![
        8 => "[a-zA-Z0-9]{1,12}",
        2 => "[a-z0-9][a-z0-9-]{0,10}[a-z0-9]",
        1 => "-[a-z]{1,4}|[a-z]{1,4}-",
        2 => "[a-zäöüéß例яｅＡ]{1,10}",
        1 => "xn--[a-z0-9-]{0,12}",
        1 => "[0-9]{1,3}",
        1 => "[a-z]{60,66}",
        1 => "[a-z_]{1,6}",
        1 => junk(3),
        1 => Just(String::new()),
    ];
    let separator = proptest::sample::select(vec![".", ".", ".", ".", "。", "．", "｡", "..", ""]);
    let tld = prop_oneof![
        4 => "(com|io|example|org|рф|テスト|COM)",
        1 => "[0-9]{1,3}",
        1 => "0x[0-9a-f]{1,4}",
        1 => Just(String::new()),
    ];
    let special = prop_oneof![
        Just("[127.0.0.1]".to_owned()),
        Just("[::1]".to_owned()),
        Just("127.0.0.1".to_owned()),
        Just("１２７．０．０．１".to_owned()),
        Just("localhost".to_owned()),
        Just("x.io.".to_owned()),
        Just(".x.io".to_owned()),
    ];
    let labels = (
        prop::collection::vec((label, separator), 0..5),
        tld,
        mutation(),
    )
        .prop_map(|(labels, tld, m)| {
            let mut domain: String = labels.into_iter().map(|(l, s)| format!("{l}{s}")).collect();
            domain.push_str(&tld);
            mutate(&domain, &m)
        });
    let many_labels = (2..140usize).prop_map(|n| vec!["ab"; n].join("."));
    prop_oneof![12 => labels, 1 => special, 1 => many_labels]
}

/// Something in the shape of an email address, valid or nearly so, with traps.
pub fn email_like() -> impl Strategy<Value = String> {
    let address = (
        padding(),
        local_part(),
        proptest::sample::select(vec!["@", "@", "@", "@", "", "@@", "＠", " @"]),
        domain(),
        padding(),
        mutation(),
    )
        .prop_map(|(before, local, at, domain, after, m)| {
            mutate(&format!("{before}{local}{at}{domain}{after}"), &m)
        });
    prop_oneof![
        12 => address,
        1 => junk(30),
        1 => "[a-z0-9.+_-]{1,20}@[a-z0-9-]{1,20}\\.(com|io)",
        1 => "[a-z]{1,10}@[a-z]{1,10}\\.[a-z]{2,4}\r\n(Bcc|To|Subject): [a-z@.]{1,20}",
    ]
}

/// What an admin might type as the invitation validity in hours.
pub fn validity_like() -> impl Strategy<Value = String> {
    let number = (
        padding(),
        proptest::sample::select(vec!["", "", "", "-", "+", "--", "−"]),
        "0{0,3}|0{20,40}",
        prop_oneof![6 => "[0-9]{0,5}", 1 => "[0-9]{6,45}", 1 => "87[56][0-9]"],
        proptest::sample::select(vec!["", "", "", "h", ".0", "e3", " hours", "１", "٣", "_0"]),
        padding(),
        mutation(),
    )
        .prop_map(|(before, sign, zeros, digits, suffix, after, m)| {
            mutate(&format!("{before}{sign}{zeros}{digits}{suffix}{after}"), &m)
        });
    prop_oneof![8 => number, 1 => junk(12)]
}

/// What might arrive as a `#rrggbb` color field.
pub fn color_like() -> impl Strategy<Value = String> {
    let body = prop_oneof![
        6 => "#?[0-9a-fA-F]{0,9}",
        2 => "#?[0-9a-fA-FgGxX ;}{)(Ａ１٣é]{0,8}",
        1 => "#?(red|rgb\\(1,2,3\\)|transparent|#fff|fff;}body\\{x:y)",
        1 => junk(10),
    ];
    (padding(), body, padding(), mutation())
        .prop_map(|(before, body, after, m)| mutate(&format!("{before}{body}{after}"), &m))
}
