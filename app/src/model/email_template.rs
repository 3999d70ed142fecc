//! The editable emails as Settings › Emails shows them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::email_template::EmailKind;

/// One editable email in the list: whether its words are the admins' and who changed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailTemplateSummary {
    pub kind: EmailKind,
    pub customized: bool,
    pub updated_at: Option<DateTime<Utc>>,
    /// The admin who last changed it, while their account exists.
    pub updated_by: Option<String>,
}

/// One email's words now, beside its defaults (for the editor and "Return to the default").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailTemplateView {
    pub kind: EmailKind,
    pub subject: String,
    pub body: String,
    pub default_subject: String,
    pub default_body: String,
    pub customized: bool,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
}

/// An email as it would be sent, filled with example values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPreview {
    pub subject: String,
    /// The whole HTML document, shown in a sandboxed frame.
    pub html: String,
    pub text: String,
}

/// The live preview's answer: the email, or what to fix first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PreviewAnswer {
    Email(EmailPreview),
    Problems(Vec<String>),
}
