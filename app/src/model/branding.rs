//! What every page's frame shows of the portal.

use serde::{Deserialize, Serialize};

use crate::domain::HexColor;

/// What a page's frame shows of the portal: its name (Settings › Portal name, else `PORTICO_PORTAL_NAME`) on the login cards,
/// in the top bar and the title, and the color the admin chose for the login screen and the
/// portal body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    pub portal_name: String,
    pub background: HexColor,
    /// The logo's URL (versioned by its hash), when an admin uploaded one.
    pub logo: Option<String>,
}

impl Default for Branding {
    /// What a page shows if the branding cannot be read: the product's own name and color.
    fn default() -> Self {
        Self {
            portal_name: "Portico".into(),
            background: HexColor::default(),
            logo: None,
        }
    }
}
