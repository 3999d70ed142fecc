//! `HexColor`: the portal body / login background color the admin picks (docs/lifecycle.md,
//! Settings). Only the `#rrggbb` form gets through, so the value is safe to put in a style.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The login background until an admin picks another: a neutral light blue-grey.
pub const DEFAULT_LOGIN_BACKGROUND: &str = "#eef1f8";
/// Text color used on light backgrounds (the app's ink color).
pub const DARK_TEXT: &str = "#1c2230";
/// Text color used on dark backgrounds.
pub const LIGHT_TEXT: &str = "#ffffff";

/// A color in the `#rrggbb` form, stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HexColor(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexColorError {
    #[error("enter a color in the form #rrggbb, like {DEFAULT_LOGIN_BACKGROUND}")]
    Empty,
    #[error("a color starts with #: write #{0}")]
    MissingHash(String),
    #[error("use the six-digit form #rrggbb (short colors like #abc are not accepted), like {DEFAULT_LOGIN_BACKGROUND}")]
    ShortForm,
    #[error("a color is # followed by six digits 0-9 or letters a-f, like {DEFAULT_LOGIN_BACKGROUND}; color names are not accepted")]
    Malformed,
}

impl HexColor {
    pub fn parse(input: &str) -> Result<Self, HexColorError> {
        let value = input.trim();
        if value.is_empty() {
            return Err(HexColorError::Empty);
        }
        let is_hex = |digits: &str| digits.bytes().all(|b| b.is_ascii_hexdigit());
        let Some(digits) = value.strip_prefix('#') else {
            return Err(if value.len() == 6 && is_hex(value) {
                HexColorError::MissingHash(value.to_ascii_lowercase())
            } else {
                HexColorError::Malformed
            });
        };
        if !is_hex(digits) {
            return Err(HexColorError::Malformed);
        }
        match digits.len() {
            6 => Ok(Self(format!("#{}", digits.to_ascii_lowercase()))),
            3 => Err(HexColorError::ShortForm),
            _ => Err(HexColorError::Malformed),
        }
    }

    /// The default login background.
    pub fn default_login_background() -> Self {
        Self(DEFAULT_LOGIN_BACKGROUND.to_owned())
    }

    /// `#rrggbb`, lower case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The red, green and blue channels.
    pub fn rgb(&self) -> (u8, u8, u8) {
        let channel = |at: usize| u8::from_str_radix(&self.0[at..at + 2], 16).unwrap_or(0);
        (channel(1), channel(3), channel(5))
    }

    /// WCAG relative luminance, from 0 (black) to 1 (white).
    pub fn relative_luminance(&self) -> f64 {
        let (r, g, b) = self.rgb();
        relative_luminance(r, g, b)
    }

    /// The text color ([`DARK_TEXT`] or [`LIGHT_TEXT`]) with the higher contrast on this
    /// background, so whatever the admin picks, the login form stays readable. The worst
    /// case (a mid grey) still gets a contrast ratio of about 4:1.
    pub fn readable_text_color(&self) -> &'static str {
        let background = self.relative_luminance();
        let dark = contrast_ratio(background, luminance_of(DARK_TEXT));
        let light = contrast_ratio(background, luminance_of(LIGHT_TEXT));
        if dark >= light {
            DARK_TEXT
        } else {
            LIGHT_TEXT
        }
    }
}

impl Default for HexColor {
    fn default() -> Self {
        Self::default_login_background()
    }
}

fn luminance_of(color: &str) -> f64 {
    HexColor::parse(color)
        .map(|c| c.relative_luminance())
        .unwrap_or(0.0)
}

fn relative_luminance(r: u8, g: u8, b: u8) -> f64 {
    // sRGB to linear light, as WCAG 2 defines it.
    let linear = |channel: u8| {
        let c = f64::from(channel) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// WCAG contrast ratio between two luminances, from 1 (none) to 21 (black on white).
pub fn contrast_ratio(a: f64, b: f64) -> f64 {
    let (lighter, darker) = if a >= b { (a, b) } else { (b, a) };
    (lighter + 0.05) / (darker + 0.05)
}

impl fmt::Display for HexColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for HexColor {
    type Error = HexColorError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<HexColor> for String {
    fn from(value: HexColor) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_either_case_and_spaces_and_stores_lower_case() {
        assert_eq!(HexColor::parse(" #EEF1F8 ").unwrap().as_str(), "#eef1f8");
        assert_eq!(HexColor::parse("#a0B1c2").unwrap().as_str(), "#a0b1c2");
        assert_eq!(
            HexColor::parse("#A0B1C2").unwrap().rgb(),
            (0xa0, 0xb1, 0xc2)
        );
    }

    #[test]
    fn refuses_other_forms_with_their_reason() {
        let cases = [
            ("", HexColorError::Empty),
            ("  ", HexColorError::Empty),
            ("eef1f8", HexColorError::MissingHash("eef1f8".into())),
            ("#abc", HexColorError::ShortForm),
            ("red", HexColorError::Malformed),
            ("#red", HexColorError::Malformed),
            ("#eef1f", HexColorError::Malformed),
            ("#eef1f8aa", HexColorError::Malformed),
            ("#eef1g8", HexColorError::Malformed),
            ("# eef1f8", HexColorError::Malformed),
            ("#eef1f8;}", HexColorError::Malformed),
            ("rgb(1,2,3)", HexColorError::Malformed),
        ];
        for (input, expected) in cases {
            assert_eq!(HexColor::parse(input).unwrap_err(), expected, "{input:?}");
        }
        assert_eq!(
            HexColor::parse("EEF1F8").unwrap_err().to_string(),
            "a color starts with #: write #eef1f8"
        );
    }

    #[test]
    fn the_default_is_valid_and_takes_dark_text() {
        let color = HexColor::default();
        assert_eq!(HexColor::parse(DEFAULT_LOGIN_BACKGROUND).unwrap(), color);
        assert_eq!(color.readable_text_color(), DARK_TEXT);
    }

    #[test]
    fn picks_light_text_on_dark_backgrounds_and_dark_text_on_light_ones() {
        let text_on = |c: &str| HexColor::parse(c).unwrap().readable_text_color();
        assert_eq!(text_on("#ffffff"), DARK_TEXT);
        assert_eq!(text_on("#ffff00"), DARK_TEXT);
        assert_eq!(text_on("#000000"), LIGHT_TEXT);
        assert_eq!(text_on("#1c2230"), LIGHT_TEXT);
        assert_eq!(text_on("#0000ff"), LIGHT_TEXT);
    }

    #[test]
    fn serializes_as_a_string_and_refuses_bad_values() {
        let color: HexColor = deserialize_from_str("#AABBCC").unwrap();
        assert_eq!(color.as_str(), "#aabbcc");
        assert!(deserialize_from_str("blue").is_err());
    }

    /// Deserializes the way a JSON string would, without a JSON dependency.
    fn deserialize_from_str(value: &str) -> Result<HexColor, serde::de::value::Error> {
        use serde::de::{value::StrDeserializer, IntoDeserializer};
        let deserializer: StrDeserializer<'_, serde::de::value::Error> = value.into_deserializer();
        HexColor::deserialize(deserializer)
    }

    /// The documented rule, spelled out independently of the parser.
    fn expected(input: &str) -> Result<String, HexColorError> {
        let value = input.trim();
        let hex = |s: &str| s.chars().all(|c| c.is_ascii_hexdigit());
        match value.strip_prefix('#') {
            _ if value.is_empty() => Err(HexColorError::Empty),
            None if value.chars().count() == 6 && hex(value) => {
                Err(HexColorError::MissingHash(value.to_ascii_lowercase()))
            }
            None => Err(HexColorError::Malformed),
            Some(d) if hex(d) && d.len() == 6 => Ok(format!("#{}", d.to_ascii_lowercase())),
            Some(d) if hex(d) && d.len() == 3 => Err(HexColorError::ShortForm),
            Some(_) => Err(HexColorError::Malformed),
        }
    }

    /// Property test: no panic, exactly the `#rrggbb` rule (and the reason given for each
    /// refusal), and an accepted color is lower case and round-trips through its channels.
    #[test]
    fn fuzz_hex_color() {
        crate::fuzz_support::run(
            "hex_color",
            file!(),
            crate::fuzz_support::color_like(),
            |input| {
                let parsed = HexColor::parse(&input);
                prop_assert_eq!(
                    parsed.clone().map(|c| c.as_str().to_owned()),
                    expected(&input)
                );
                if let Ok(color) = parsed {
                    let (r, g, b) = color.rgb();
                    prop_assert_eq!(format!("#{r:02x}{g:02x}{b:02x}"), color.as_str());
                    prop_assert_eq!(HexColor::parse(&color.to_string()), Ok(color.clone()));
                    let l = color.relative_luminance();
                    prop_assert!((0.0..=1.0).contains(&l));
                }
                Ok(())
            },
        );
    }

    proptest! {
        #[test]
        fn the_chosen_text_color_always_has_the_better_contrast(r: u8, g: u8, b: u8) {
            let color = HexColor::parse(&format!("#{r:02X}{g:02x}{b:02X}")).unwrap();
            let background = color.relative_luminance();
            let chosen = contrast_ratio(background, luminance_of(color.readable_text_color()));
            let dark = contrast_ratio(background, luminance_of(DARK_TEXT));
            let light = contrast_ratio(background, luminance_of(LIGHT_TEXT));
            prop_assert!(chosen >= dark.max(light) - 1e-9);
            prop_assert!(chosen >= 3.9, "contrast {chosen} on {color}");
        }
    }
}
