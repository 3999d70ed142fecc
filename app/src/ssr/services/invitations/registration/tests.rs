use super::well_formed;
use crate::fuzz_support::{junk, mutate, mutation, Mutation};
use crate::ssr::{
    auth::session::{cookie_name, token_from_cookies},
    random::{secret_token, token_hash},
    rate_limit::{Limit, RateLimits},
    ServerSettings,
};
use proptest::prelude::*;
use std::time::Duration;

fn settings(secure: bool) -> ServerSettings {
    let limit = Limit {
        max: 1,
        window: Duration::from_secs(1),
    };
    ServerSettings {
        public_url: if secure {
            "https://p.example"
        } else {
            "http://p.example"
        }
        .into(),
        session_idle_timeout: Duration::from_secs(60),
        session_absolute_timeout: Duration::from_secs(600),
        rate_limits: RateLimits {
            login_failures_per_account: limit,
            login_failures_per_ip: limit,
            bad_links_per_ip: limit,
            sign_ups_per_ip: limit,
            invites_per_admin: limit,
            mails_per_recipient: limit,
            password_resets_per_ip: limit,
            api_requests_per_token: limit,
            trusted_proxies: vec![],
        },
        portal_name: "Portico".into(),
        invitation_subject: "You're invited to {portal}".into(),
        webhooks: Default::default(),
    }
}

fn is_token(value: &str) -> bool {
    value.len() == 64 && value.chars().all(|c| c.is_ascii_hexdigit())
}

/// Token-shaped strings: real ones, in other cases, one character off, quoted, padded.
fn token_like() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[0-9a-f]{64}",
        1 => "[0-9a-fA-F]{64}",
        1 => "[0-9a-f]{63}|[0-9a-f]{65}|[0-9a-f]{128}",
        1 => "[0-9a-f]{60}[0-9a-gG\\-_=.%+/ é０]{4}",
        1 => "\"[0-9a-f]{64}\"|%20[0-9a-f]{64}|[0-9a-f]{64}%00",
        1 => junk(70),
        1 => Just(String::new()),
    ]
}

/// Cookie names that are, or nearly are, the session cookie's.
fn cookie_name_like() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(vec![
                "portico_session", "__Host-portico_session", " portico_session",
                "portico_session ", "PORTICO_SESSION", "portico_session2", "xportico_session",
                "__host-portico_session", "__Host-portico_session\u{0}", "", "theme",
            ])
        .prop_map(String::from),
        1 => "[a-z_-]{1,10}",
    ]
}

/// A `Cookie` header as pairs, with `;` separators, then maybe mutated (the only case in
/// which the expected answer is not worked out from the pairs).
fn cookie_header() -> impl Strategy<Value = (Vec<(String, String)>, Vec<&'static str>, Mutation)> {
    let separators = proptest::sample::select(vec!["; ", ";", " ; ", ";;", ";\t"]);
    (
        prop::collection::vec((cookie_name_like(), token_like()), 0..6),
        prop::collection::vec(separators, 6),
        mutation(),
    )
}

/// Property test: the two places a secret token comes in from outside (the session
/// cookie and the invitation link) never panic, accept only 64 hex characters, read exactly
/// the cookie with Portico's name, and look links up case-insensitively.
#[test]
fn fuzz_tokens() {
    crate::fuzz_support::run(
        "tokens",
        file!(),
        (cookie_header(), any::<bool>(), token_like(), mutation()),
        |((pairs, separators, m), secure, link, link_mutation)| {
            let settings = settings(secure);
            let name = cookie_name(&settings);
            let joined: String = pairs
                .iter()
                .zip(&separators)
                .map(|((key, value), sep)| format!("{key}={value}{sep}"))
                .collect();
            let header = mutate(&joined, &m);
            let found = token_from_cookies(&settings, &header);
            if let Some(token) = &found {
                prop_assert!(is_token(token), "{token:?}");
                prop_assert!(well_formed(token));
                let pair = format!("{name}={token}");
                prop_assert!(header.contains(&pair), "{pair:?} not in {header:?}");
            }
            let clean = matches!(m, Mutation::None)
                && pairs
                    .iter()
                    .all(|(key, value)| !format!("{key}{value}").contains([';', '=']));
            if clean {
                // The first cookie whose name is exactly Portico's, if its value is a token.
                let expected = pairs
                    .iter()
                    .find(|(key, _)| key.trim_start() == name)
                    .map(|(_, value)| value.trim_end().to_owned())
                    .filter(|value| is_token(value));
                prop_assert_eq!(found, expected, "header {:?}", header);
            }

            let link = mutate(&link, &link_mutation);
            prop_assert_eq!(well_formed(&link), is_token(&link));
            let hash = token_hash(&link);
            prop_assert!(
                hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            );
            if well_formed(&link) {
                // Looked up lower-cased: an ASCII token keeps its length and meaning.
                prop_assert!(link.is_ascii());
                prop_assert_eq!(link.to_ascii_lowercase().len(), 64);
            }
            // Every token Portico issues is one it accepts back.
            let issued = secret_token();
            prop_assert!(well_formed(&issued));
            prop_assert_eq!(
                token_from_cookies(&settings, &format!("theme=dark; {name}={issued}")),
                Some(issued)
            );
            Ok(())
        },
    );
}
