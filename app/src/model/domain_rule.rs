//! Domain rules as Settings › Domain rules shows them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::domain_rule::{DomainRule, RuleKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainRuleRow {
    pub id: i32,
    pub rule: DomainRule,
    /// The admin who added it, while their account exists.
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl DomainRuleRow {
    pub fn kind(&self) -> RuleKind {
        self.rule.kind
    }
}
