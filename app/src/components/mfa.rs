//! The pieces of two-step sign-in both the code step and the profile show: the authenticator
//! to set up, the code field, and recovery codes to save.

use leptos::prelude::*;

use crate::model::mfa::Enrollment;

/// "Scan this QR code, or type this key": the first half of setting up an authenticator.
#[component]
pub fn EnrollmentInstructions(enrollment: Enrollment) -> impl IntoView {
    let grouped = crate::domain::mfa::in_groups_of_four(&enrollment.secret, " ");
    view! {
        <ol class="enroll-steps">
            <li>
                "Open an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, Authy…) and scan this QR code:"
                // Drawn on the server from the key below; nothing else goes into it.
                <div class="qr-code" data-testid="mfa-qr" inner_html=enrollment.qr_svg.clone()></div>
                <p class="muted small">
                    "Cannot scan? Add the account by hand with this key (time-based, 6 digits): "
                    <code class="mfa-key" data-testid="mfa-secret" data-secret=enrollment.secret.clone()>{grouped}</code>
                </p>
            </li>
            <li>"Type the 6-digit code the app now shows for this portal."</li>
        </ol>
    }
}

/// The code input: digits from the app (or, where `recovery` allows, a recovery code).
#[component]
pub fn CodeField(
    id: &'static str,
    /// A recovery code is accepted too.
    #[prop(default = false)]
    recovery: bool,
) -> impl IntoView {
    view! {
        <label for=id>{if recovery { "Code" } else { "6-digit code" }}</label>
        <input
            id=id
            name="code"
            required
            autocomplete="one-time-code"
            inputmode=if recovery { "text" } else { "numeric" }
            maxlength=if recovery { "24" } else { "8" }
            spellcheck="false"
            autocapitalize="off"
            data-testid="code-input"
        />
    }
}

/// New recovery codes, shown once: each signs in once when the authenticator is not at hand.
/// They can be saved as a text file (a `data:` link made here in the page: they never go to
/// the server again).
#[component]
pub fn RecoveryCodesList(codes: Vec<String>) -> impl IntoView {
    let count = codes.len();
    let file = format!(
        "Recovery codes for two-step sign-in. Each one works once.\r\n\r\n{}\r\n",
        codes.join("\r\n")
    );
    let href = format!(
        "data:text/plain;charset=utf-8,{}",
        percent_encoding::utf8_percent_encode(&file, percent_encoding::NON_ALPHANUMERIC)
    );
    view! {
        <div class="recovery-codes" role="status">
            <p>
                <strong>"Save these " {count} " recovery codes now"</strong>
                ": they are shown only this once. Each one signs you in once if you lose your authenticator. "
                "Keep them in a password manager or printed somewhere safe."
            </p>
            <ul class="recovery-code-list" data-testid="recovery-codes">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ul>
            <a class="button secondary small" href=href download="recovery-codes.txt" data-testid="download-recovery-codes">
                "Download as a text file"
            </a>
        </div>
    }
}
