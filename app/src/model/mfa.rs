//! Two-step sign-in as the pages see it: the login's outcome, the code step, and the profile's
//! authenticator section.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::account::SessionUser;
use crate::domain::mfa::SecondStep;

/// What a correct password leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum LoginOutcome {
    /// Signed in (the server also sends the browser on to its next page).
    SignedIn { user: SessionUser },
    /// The password was right; a code is asked next, at `/login/code`.
    CodeNeeded { step: SecondStep },
}

/// An authenticator to set up: the QR code to scan, or the key to type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    /// An inline `<svg>` of the QR code, drawn on the server.
    pub qr_svg: String,
    /// The key in base32, for typing into the app by hand.
    pub secret: String,
    /// The `otpauth://` URI the QR code holds.
    pub uri: String,
}

/// What the code page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeStep {
    pub step: SecondStep,
    pub email: String,
    /// For [`SecondStep::Enroll`]: the authenticator to set up first.
    pub enrollment: Option<Enrollment>,
    pub expires_at: DateTime<Utc>,
}

/// A code that was accepted at the code step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeAccepted {
    /// Where the browser goes now.
    pub next: String,
    /// Recovery codes to save (shown once): when the step set up the authenticator.
    pub recovery_codes: Vec<String>,
    /// A recovery code signed in: how many are left.
    pub recovery_codes_left: Option<u64>,
}

/// The profile's two-step sign-in section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaStatus {
    /// The account may set up an authenticator (administrators).
    pub available: bool,
    pub enabled_at: Option<DateTime<Utc>>,
    /// Unused recovery codes.
    pub recovery_codes_left: u64,
    /// The portal requires it of administrators.
    pub required: bool,
}
