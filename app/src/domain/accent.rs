//! The accent color: buttons (with white text on it) and links (on the white page) are drawn in
//! it, so it must keep WCAG AA contrast (4.5:1) with white. Checked wherever it is set; the
//! settings page shows the ratio as the admin picks.

use super::color::{contrast_ratio, HexColor, LIGHT_TEXT};

/// Portico's own accent.
pub const DEFAULT_ACCENT: &str = "#3346d3";
/// WCAG 2 AA for normal text.
pub const MIN_CONTRAST: f64 = 4.5;

/// Portico's own accent color.
pub fn default_accent() -> HexColor {
    HexColor::parse(DEFAULT_ACCENT).expect("the default accent is a color")
}

/// The contrast ratio of `accent` with white text.
pub fn contrast_with_white(accent: &HexColor) -> f64 {
    let white = HexColor::parse(LIGHT_TEXT)
        .map(|c| c.relative_luminance())
        .unwrap_or(1.0);
    contrast_ratio(accent.relative_luminance(), white)
}

/// Why `accent` cannot be used, if it cannot.
pub fn accent_problem(accent: &HexColor) -> Option<String> {
    let ratio = contrast_with_white(accent);
    (ratio < MIN_CONTRAST).then(|| {
        format!(
            "{accent} has a contrast of {:.1}:1 with white text; choose a darker color \
             (at least {MIN_CONTRAST}:1, WCAG AA), like {DEFAULT_ACCENT}",
            floor_tenth(ratio)
        )
    })
}

/// Rounded down, so a ratio shown as 4.5 is never one that was refused.
pub fn floor_tenth(ratio: f64) -> f64 {
    (ratio * 10.0).floor() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn color(text: &str) -> HexColor {
        HexColor::parse(text).unwrap()
    }

    #[test]
    fn dark_enough_accents_pass_and_light_ones_are_refused_with_their_ratio() {
        assert_eq!(accent_problem(&default_accent()), None);
        assert_eq!(accent_problem(&color("#000000")), None);
        assert!((contrast_with_white(&color("#000000")) - 21.0).abs() < 0.01);
        let refused = accent_problem(&color("#ffcc00")).unwrap();
        assert!(
            refused.contains("#ffcc00 has a contrast of 1.5:1"),
            "{refused}"
        );
        assert!(refused.contains("4.5:1"));
        // #767676 is the lightest grey that passes (4.54:1); #777777 is 4.48:1.
        assert_eq!(accent_problem(&color("#767676")), None);
        assert!(accent_problem(&color("#777777")).is_some());
    }
}
