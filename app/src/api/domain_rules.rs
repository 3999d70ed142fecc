//! Settings › Domain rules: allow and deny rules on mail domains.

use leptos::prelude::*;

use super::ApiError;
use crate::model::domain_rule::DomainRuleRow;

/// Every rule, by domain.
#[server(endpoint = "list_domain_rules")]
pub async fn list_domain_rules() -> Result<Vec<DomainRuleRow>, ApiError> {
    use crate::ssr::{services::domain_rules, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    Ok(domain_rules::list(&state.db).await?)
}

/// Adds a rule: `kind` is `allow` (registrations from the domain are approved automatically)
/// or `deny` (invitations and sign-ups for it are refused); `include_subdomains` extends it to
/// every domain below (absent means no, as an unticked checkbox sends nothing).
#[server(endpoint = "add_domain_rule")]
pub async fn add_domain_rule(
    domain: String,
    kind: String,
    include_subdomains: Option<bool>,
) -> Result<DomainRuleRow, ApiError> {
    use crate::ssr::{
        services::{domain_rules, operator::Operator},
        AppState,
    };
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    let operator = Operator::Admin(&admin);
    let now = chrono::Utc::now();
    let subdomains = include_subdomains.unwrap_or(false);
    Ok(domain_rules::add(&state.db, operator, &domain, &kind, subdomains, now).await?)
}

/// Removes a rule; what it decided before stays decided.
#[server(endpoint = "remove_domain_rule")]
pub async fn remove_domain_rule(id: i32) -> Result<(), ApiError> {
    use crate::ssr::{
        services::{domain_rules, operator::Operator},
        AppState,
    };
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    let operator = Operator::Admin(&admin);
    Ok(domain_rules::remove(&state.db, operator, id, chrono::Utc::now()).await?)
}
