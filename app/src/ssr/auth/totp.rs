//! TOTP (RFC 6238) codes for two-step sign-in, computed by `totp-rs`; recovery codes; and the
//! enrollment QR code, drawn as SVG here on the server.

use rand::{rngs::OsRng, Rng, RngCore};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::domain::mfa::{
    ALLOWED_DRIFT_STEPS, CODE_DIGITS, ISSUER, RECOVERY_ALPHABET, RECOVERY_CODE_CHARS, STEP_SECONDS,
};

/// A new authenticator secret: 160 random bits (RFC 4226's recommended length), base32 as
/// authenticator apps take it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(text) => text,
        Secret::Raw(_) => unreachable!("to_encoded returns the encoded form"),
    }
}

fn totp(secret: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, CODE_DIGITS, 0, STEP_SECONDS, bytes).ok()
}

/// The time step `unix_seconds` falls in.
pub fn step_of(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// The code for `secret` at time step `step` (for tests of this module and the benchmarks;
/// the integration tests compute codes with an independent implementation).
pub fn code_at_step(secret: &str, step: u64) -> Option<String> {
    Some(totp(secret)?.generate(step * STEP_SECONDS))
}

/// The time step whose code `code` is, among now and the allowed drift around it; `None` when
/// it is none of them. The caller makes sure a step is used once.
pub fn matching_step(secret: &str, code: &str, unix_seconds: u64) -> Option<u64> {
    let totp = totp(secret)?;
    let now = step_of(unix_seconds);
    let mut found = None;
    // Every candidate is compared (no early return), in constant time each.
    for step in now.saturating_sub(ALLOWED_DRIFT_STEPS)..=now + ALLOWED_DRIFT_STEPS {
        let expected = totp.generate(step * STEP_SECONDS);
        if constant_time_eq(expected.as_bytes(), code.as_bytes()) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn provisioning_uri(secret: &str, account: &str, portal_name: &str) -> String {
    let issuer = if portal_name.trim().is_empty() {
        ISSUER
    } else {
        portal_name.trim()
    };
    let enc = |text: &str| -> String {
        percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits={CODE_DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        enc(issuer),
    )
}

/// The QR code of `uri` as an inline SVG element (no XML prologue), labelled for screen
/// readers.
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"QR code to scan with your authenticator app\" ",
        1,
    ))
}

/// `n` new recovery codes, compact (without their dash).
pub fn new_recovery_codes(n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            (0..RECOVERY_CODE_CHARS)
                .map(|_| RECOVERY_ALPHABET[OsRng.gen_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mfa::LoginCode;

    /// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" at 59 s gives 94287082
    /// (8 digits); its last 6 digits are the 6-digit code.
    #[test]
    fn codes_match_the_rfc_test_vector() {
        let secret = match Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            Secret::Encoded(text) => text,
            Secret::Raw(_) => unreachable!(),
        };
        assert_eq!(code_at_step(&secret, step_of(59)).unwrap(), "287082");
        assert_eq!(
            code_at_step(&secret, step_of(1_111_111_109)).unwrap(),
            "081804"
        );
    }

    #[test]
    fn a_code_matches_its_own_step_and_its_neighbours_only() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let step = step_of(now);
        for (offset, accepted) in [(-1i64, true), (0, true), (1, true), (-2, false), (2, false)] {
            let candidate = (step as i64 + offset) as u64;
            let code = code_at_step(&secret, candidate).unwrap();
            let found = matching_step(&secret, &code, now);
            if accepted {
                assert_eq!(found, Some(candidate), "offset {offset}");
            } else {
                // Only a coincidence (two steps with one code, 1 in a million) matches.
                assert!(
                    found.is_none_or(|s| code_at_step(&secret, s).unwrap() == code),
                    "offset {offset}"
                );
            }
        }
        assert_eq!(matching_step("not base32!", "123456", now), None);
    }

    #[test]
    fn secrets_are_160_bits_of_base32_and_recovery_codes_parse_as_recovery_codes() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_ne!(secret, new_secret());
        let codes = new_recovery_codes(10);
        assert_eq!(codes.len(), 10);
        for code in &codes {
            assert_eq!(
                LoginCode::parse(code),
                Ok(LoginCode::Recovery(code.clone()))
            );
        }
    }

    #[test]
    fn the_qr_code_is_an_inline_svg_of_the_uri() {
        let uri = provisioning_uri(&new_secret(), "ada@example.com", "Acme APIs");
        assert!(uri.starts_with("otpauth://totp/Acme%20APIs:ada%40example%2Ecom?secret="));
        assert!(uri.contains("&issuer=Acme%20APIs"));
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.starts_with("<svg role=\"img\""));
        assert!(svg.ends_with("</svg>"));
    }
}
