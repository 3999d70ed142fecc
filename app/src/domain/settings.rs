//! The portal's settings (docs/lifecycle.md, "Settings"), as both sides see them.

use serde::{Deserialize, Serialize};

use super::{
    accent::{accent_problem, default_accent},
    color::HexColor,
    invitation::{ReminderLead, Validity},
    password::PasswordPolicy,
};

/// The longest portal home content accepted (Markdown source).
pub const MAX_PORTAL_CONTENT_CHARS: usize = 100_000;

/// Whether developers can create an account without an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelfRegistration {
    Off,
    WithApproval,
    Automatic,
}

impl SelfRegistration {
    pub const ALL: [SelfRegistration; 3] = [
        SelfRegistration::Off,
        SelfRegistration::WithApproval,
        SelfRegistration::Automatic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SelfRegistration::Off => "off",
            SelfRegistration::WithApproval => "with_approval",
            SelfRegistration::Automatic => "automatic",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            SelfRegistration::Off => "Off: accounts only by invitation",
            SelfRegistration::WithApproval => "On, with approval by an administrator",
            SelfRegistration::Automatic => "On, approved automatically",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSettings {
    /// New invitations are pre-approved (the developer's account is active on completion).
    pub auto_approve: bool,
    pub validity: Validity,
    pub self_registration: SelfRegistration,
    /// The rules new passwords must meet (existing passwords keep working).
    pub password_policy: PasswordPolicy,
    /// The portal body / login screen background.
    pub login_background: HexColor,
    /// The portal home page, in Markdown.
    pub portal_content: String,
    /// Administrators must sign in with a code from an authenticator app (those who have not
    /// set one up do so at their next login).
    pub require_admin_mfa: bool,
    /// Buttons and links (checked: AA contrast with white).
    pub accent_color: HexColor,
    /// The portal's name; `None` until an admin sets one (the configured name is used).
    pub portal_name: Option<super::portal_name::PortalName>,
    /// How long before expiry a Pending invitation is reminded of (once; never a resent one).
    pub reminder: ReminderLead,
    /// A developer whose replaced link asks for a new invitation while their newest one still
    /// works is sent a fresh link at once, without waiting for an admin.
    pub auto_resend_requests: bool,
}

impl PortalSettings {
    /// The name to show: the admin's, else the server's configured one.
    pub fn portal_name_or<'a>(&'a self, configured: &'a str) -> &'a str {
        self.portal_name.as_ref().map_or(configured, |n| n.as_str())
    }
}

impl Default for PortalSettings {
    fn default() -> Self {
        Self {
            auto_approve: true,
            validity: Validity::DEFAULT,
            self_registration: SelfRegistration::Off,
            password_policy: PasswordPolicy::default(),
            login_background: HexColor::default_login_background(),
            portal_content:
                "# Welcome\n\nYour account is active. The API documentation lives here.".into(),
            require_admin_mfa: false,
            accent_color: default_accent(),
            portal_name: None,
            reminder: ReminderLead::default(),
            auto_resend_requests: false,
        }
    }
}

/// The settings form as submitted: text fields, parsed into [`PortalSettings`] with one message
/// per invalid field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SettingsForm {
    /// A checkbox: posted (as `true`) only when checked, so a missing one is false.
    #[serde(default)]
    pub auto_approve: bool,
    pub validity_hours: String,
    pub self_registration: String,
    pub password_policy: String,
    pub login_background: String,
    pub portal_content: String,
    /// A checkbox, like `auto_approve`.
    #[serde(default)]
    pub require_admin_mfa: bool,
    /// Portico's own accent when absent (a client from before the setting existed).
    #[serde(default = "default_accent_text")]
    pub accent_color: String,
    /// Empty (or absent) for the server's configured name.
    #[serde(default)]
    pub portal_name: String,
    /// Hours before expiry; the default when absent (a client from before the setting).
    #[serde(default = "default_reminder_text")]
    pub reminder_hours: String,
    /// A checkbox, like `auto_approve`.
    #[serde(default)]
    pub auto_resend_requests: bool,
}

fn default_accent_text() -> String {
    super::accent::DEFAULT_ACCENT.to_owned()
}

fn default_reminder_text() -> String {
    super::invitation::reminder::DEFAULT_REMINDER_HOURS.to_string()
}

impl SettingsForm {
    pub fn parse(&self) -> Result<PortalSettings, Vec<String>> {
        let mut problems = Vec::new();
        let validity = Validity::parse(&self.validity_hours)
            .map_err(|e| problems.push(format!("Invitation validity: {e}")))
            .ok();
        let self_registration = SelfRegistration::parse(&self.self_registration).or_else(|| {
            problems.push("Self-registration: choose off, with_approval or automatic".into());
            None
        });
        let password_policy = PasswordPolicy::parse(&self.password_policy).or_else(|| {
            problems.push("Password policy: choose the Portico default or NIST SP 800-63B".into());
            None
        });
        let login_background = HexColor::parse(&self.login_background)
            .map_err(|e| problems.push(format!("Background color: {e}")))
            .ok();
        let accent_color = match HexColor::parse(&self.accent_color) {
            Ok(color) => match accent_problem(&color) {
                None => Some(color),
                Some(problem) => {
                    problems.push(format!("Accent color: {problem}"));
                    None
                }
            },
            Err(e) => {
                problems.push(format!("Accent color: {e}"));
                None
            }
        };
        let portal_name = super::portal_name::PortalName::parse_optional(&self.portal_name)
            .map_err(|e| problems.push(format!("Portal name: {e}")))
            .ok()
            .flatten();
        let reminder = ReminderLead::parse(&self.reminder_hours)
            .map_err(|e| problems.push(format!("Reminder: {e}")))
            .ok();
        if self.portal_content.chars().count() > MAX_PORTAL_CONTENT_CHARS {
            problems.push(format!(
                "Portal content: at most {MAX_PORTAL_CONTENT_CHARS} characters"
            ));
        }
        match (
            validity,
            self_registration,
            password_policy,
            login_background,
            accent_color,
            reminder,
        ) {
            (
                Some(validity),
                Some(self_registration),
                Some(password_policy),
                Some(login_background),
                Some(accent_color),
                Some(reminder),
            ) if problems.is_empty() => Ok(PortalSettings {
                auto_approve: self.auto_approve,
                validity,
                self_registration,
                password_policy,
                login_background,
                portal_content: self.portal_content.clone(),
                require_admin_mfa: self.require_admin_mfa,
                accent_color,
                portal_name,
                reminder,
                auto_resend_requests: self.auto_resend_requests,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form() -> SettingsForm {
        SettingsForm {
            auto_approve: false,
            validity_hours: "48".into(),
            self_registration: "with_approval".into(),
            password_policy: "nist".into(),
            login_background: "#112233".into(),
            portal_content: "# Hi".into(),
            require_admin_mfa: true,
            accent_color: "#1d3fb8".into(),
            portal_name: " Acme APIs ".into(),
            reminder_hours: "12".into(),
            auto_resend_requests: true,
        }
    }

    #[test]
    fn a_valid_form_becomes_settings() {
        let settings = form().parse().unwrap();
        assert_eq!(settings.validity.hours(), 48);
        assert_eq!(settings.self_registration, SelfRegistration::WithApproval);
        assert_eq!(settings.password_policy, PasswordPolicy::Nist);
        assert_eq!(settings.login_background.as_str(), "#112233");
        assert!(!settings.auto_approve);
        assert!(settings.require_admin_mfa);
        assert_eq!(settings.portal_name_or("Portico"), "Acme APIs");
        assert_eq!(settings.reminder.hours(), 12);
        assert!(settings.auto_resend_requests);
    }

    #[test]
    fn every_invalid_field_is_reported() {
        let bad = SettingsForm {
            validity_hours: "0".into(),
            self_registration: "sometimes".into(),
            password_policy: "lenient".into(),
            login_background: "red".into(),
            portal_content: "x".repeat(MAX_PORTAL_CONTENT_CHARS + 1),
            reminder_hours: "soon".into(),
            ..form()
        };
        let problems = bad.parse().unwrap_err();
        assert_eq!(problems.len(), 6, "{problems:?}");
        assert!(problems[0].starts_with("Invitation validity"));
        assert!(problems[1].starts_with("Self-registration"));
        assert!(problems[2].starts_with("Password policy"));
        assert!(problems[3].starts_with("Background color"));
        assert!(problems[4].starts_with("Reminder"));
        assert!(problems[5].starts_with("Portal content"));
    }

    #[test]
    fn modes_round_trip() {
        for mode in SelfRegistration::ALL {
            assert_eq!(SelfRegistration::parse(mode.as_str()), Some(mode));
        }
    }

    const DEFAULT_ACCENT_FOR_TESTS: &str = crate::domain::accent::DEFAULT_ACCENT;

    #[test]
    fn an_accent_without_enough_contrast_is_refused_with_its_ratio() {
        let bad = SettingsForm {
            accent_color: "#ffcc00".into(),
            ..form()
        };
        let problems = bad.parse().unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("Accent color: #ffcc00 has a contrast of"));
        assert_eq!(form().parse().unwrap().accent_color.as_str(), "#1d3fb8");
    }

    fn form_like() -> impl Strategy<Value = SettingsForm> {
        use crate::fuzz_support::{color_like, junk, validity_like};
        let mode = prop_oneof![
            4 => proptest::sample::select(vec!["off", "with_approval", "automatic"])
                .prop_map(String::from),
            2 => proptest::sample::select(vec!["Off", " off", "with-approval", "", "automatic\n", "AUTOMATIC", "on", "off\0"])
            .prop_map(String::from),
            1 => junk(8),
        ];
        let policy = prop_oneof![
            4 => proptest::sample::select(vec!["portico", "nist"]).prop_map(String::from),
            1 => proptest::sample::select(vec!["NIST", "", " nist", "portico\n", "lenient"])
                .prop_map(String::from),
            1 => junk(8),
        ];
        let content = prop_oneof![
            8 => junk(40),
            1 => (MAX_PORTAL_CONTENT_CHARS - 2..=MAX_PORTAL_CONTENT_CHARS + 2, "[xé\n<]")
                .prop_map(|(n, c)| c.repeat(n)),
        ];
        (
            any::<bool>(),
            validity_like(),
            mode,
            policy,
            color_like(),
            content,
        )
            .prop_map(
                |(
                    auto_approve,
                    validity_hours,
                    self_registration,
                    password_policy,
                    login_background,
                    portal_content,
                )| {
                    SettingsForm {
                        auto_approve,
                        validity_hours,
                        self_registration,
                        password_policy,
                        login_background,
                        portal_content,
                        require_admin_mfa: auto_approve,
                        accent_color: DEFAULT_ACCENT_FOR_TESTS.into(),
                        portal_name: String::new(),
                        reminder_hours: "24".into(),
                        auto_resend_requests: false,
                    }
                },
            )
    }

    /// Property test: no panic, one problem per invalid field (in form order), and a form
    /// with none becomes exactly the settings its fields parse to.
    #[test]
    fn fuzz_settings_form() {
        crate::fuzz_support::run("settings_form", file!(), form_like(), |form| {
            let validity = Validity::parse(&form.validity_hours);
            let mode = SelfRegistration::parse(&form.self_registration);
            let policy = PasswordPolicy::parse(&form.password_policy);
            let color = HexColor::parse(&form.login_background);
            let content_ok = form.portal_content.chars().count() <= MAX_PORTAL_CONTENT_CHARS;
            let mut expected_problems = Vec::new();
            for (ok, field) in [
                (validity.is_ok(), "Invitation validity"),
                (mode.is_some(), "Self-registration"),
                (policy.is_some(), "Password policy"),
                (color.is_ok(), "Background color"),
                (content_ok, "Portal content"),
            ] {
                if !ok {
                    expected_problems.push(field);
                }
            }
            match form.parse() {
                Ok(settings) => {
                    prop_assert!(expected_problems.is_empty());
                    prop_assert_eq!(settings.auto_approve, form.auto_approve);
                    prop_assert_eq!(settings.require_admin_mfa, form.require_admin_mfa);
                    prop_assert_eq!(Ok(settings.validity), validity);
                    prop_assert_eq!(Some(settings.self_registration), mode);
                    prop_assert_eq!(Some(settings.password_policy), policy);
                    prop_assert_eq!(Ok(settings.login_background), color);
                    prop_assert_eq!(settings.portal_content, form.portal_content);
                }
                Err(problems) => {
                    prop_assert_eq!(problems.len(), expected_problems.len(), "{:?}", problems);
                    for (problem, field) in problems.iter().zip(&expected_problems) {
                        prop_assert!(problem.starts_with(field), "{problem:?}");
                    }
                }
            }
            Ok(())
        });
    }
}
