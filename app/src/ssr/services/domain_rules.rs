//! Domain rules on the database: listed, added and removed by admins (Settings › Domain rules),
//! and read whole by every decision that asks them (invites, imports, sign-ups, registrations).
//! What a rule means is `domain::domain_rule`'s.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use crate::{
    domain::domain_rule::{DomainRule, DomainRules, MailDomain, RuleKind, MAX_DOMAIN_RULES},
    model::{audit::AuditAction, domain_rule::DomainRuleRow},
    ssr::{
        db::{begin_write, is_unique_violation},
        entities::{account, domain_rule},
        services::{audit, operator::Operator},
    },
};

#[derive(Debug, thiserror::Error)]
pub enum DomainRuleError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such rule")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Every rule, for a decision (read in the decision's own transaction).
pub async fn load(db: &impl ConnectionTrait) -> Result<DomainRules, DbErr> {
    let rows = domain_rule::Entity::find().all(db).await?;
    Ok(DomainRules::new(
        rows.into_iter().filter_map(rule).collect(),
    ))
}

/// Every rule with its author, by domain.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<DomainRuleRow>, DbErr> {
    let rows = domain_rule::Entity::find()
        .find_also_related(account::Entity)
        .order_by_asc(domain_rule::Column::Domain)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(model, author)| row(model, author.map(|a| a.email)))
        .collect())
}

pub async fn add(
    db: &DatabaseConnection,
    operator: Operator<'_>,
    domain: &str,
    kind: &str,
    include_subdomains: bool,
    now: DateTime<Utc>,
) -> Result<DomainRuleRow, DomainRuleError> {
    let domain =
        MailDomain::parse(domain).map_err(|e| DomainRuleError::InvalidInput(sentence(&e)))?;
    let kind = RuleKind::parse(kind).map_err(|e| DomainRuleError::InvalidInput(sentence(&e)))?;
    let txn = begin_write(db).await?;
    if domain_rule::Entity::find().count(&txn).await? as usize >= MAX_DOMAIN_RULES {
        return Err(DomainRuleError::Conflict(format!(
            "A portal keeps at most {MAX_DOMAIN_RULES} domain rules: remove one first, or cover several domains with one rule on their parent domain and its subdomains."
        )));
    }
    let taken = || {
        DomainRuleError::Conflict(format!(
            "{} has a rule already: remove it first to change what it does.",
            domain.as_str()
        ))
    };
    if domain_rule::Entity::find()
        .filter(domain_rule::Column::Domain.eq(domain.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(taken());
    }
    let model = domain_rule::ActiveModel {
        domain: Set(domain.as_str().to_owned()),
        kind: Set(kind.as_str().to_owned()),
        include_subdomains: Set(include_subdomains),
        created_by: Set(operator.account().map(|a| a.id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            taken()
        } else {
            e.into()
        }
    })?;
    let added = rule(model.clone()).ok_or(DomainRuleError::NotFound)?;
    audit::record(
        &txn,
        operator.actor(),
        AuditAction::DomainRuleAdded,
        Some(domain.as_str()),
        true,
        Some(&added.to_string()),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(DomainRuleRow {
        id: model.id,
        rule: added,
        created_by: operator.account().map(|a| a.email.clone()),
        created_at: model.created_at,
    })
}

pub async fn remove(
    db: &DatabaseConnection,
    operator: Operator<'_>,
    id: i32,
    now: DateTime<Utc>,
) -> Result<(), DomainRuleError> {
    let txn = begin_write(db).await?;
    let model = domain_rule::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(DomainRuleError::NotFound)?;
    let deleted = domain_rule::Entity::delete_by_id(id).exec(&txn).await?;
    if deleted.rows_affected == 0 {
        return Err(DomainRuleError::NotFound);
    }
    let detail = rule(model.clone()).map(|r| r.to_string());
    audit::record(
        &txn,
        operator.actor(),
        AuditAction::DomainRuleRemoved,
        Some(&model.domain),
        true,
        detail.as_deref(),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A stored rule, or `None` for a row this code did not write (skipped, never guessed at).
fn rule(model: domain_rule::Model) -> Option<DomainRule> {
    Some(DomainRule {
        domain: MailDomain::parse(&model.domain).ok()?,
        kind: RuleKind::parse(&model.kind).ok()?,
        include_subdomains: model.include_subdomains,
    })
}

fn row(model: domain_rule::Model, created_by: Option<String>) -> Option<DomainRuleRow> {
    Some(DomainRuleRow {
        id: model.id,
        created_at: model.created_at,
        rule: rule(model)?,
        created_by,
    })
}

fn sentence(text: &str) -> String {
    crate::ssr::services::invitations::sentence(text)
}
