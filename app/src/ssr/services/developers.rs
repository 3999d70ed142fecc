//! Consumers > Developers: every account with its standing; deactivation and reactivation.
//! The rules come from `domain::standing`; each change is conditional on the state it starts
//! from, and deactivation ends the account's sessions in the same transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    prelude::Expr,
    sea_query::{ExprTrait, Func, LikeExpr},
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::{
    domain::{
        decide_account, keep_an_admin, webhook::EventType, AccountAction, AccountRefusal, Role,
        Standing,
    },
    model::{
        account::{AccountStateFilter, DeveloperList, DeveloperRow, DEVELOPERS_PAGE_SIZE},
        audit::AuditAction,
    },
    ssr::{
        auth::session,
        db::{begin_write, like_pattern},
        entities::account,
        services::{accounts, audit, operator::Operator},
        webhooks,
    },
};

#[derive(Debug, thiserror::Error)]
pub enum DeveloperError {
    #[error("account not found")]
    NotFound,
    #[error("{0}")]
    Refused(AccountRefusal),
    #[error("{0}")]
    NotDemoted(crate::domain::role_change::DemotionRefusal),
    #[error("the account changed meanwhile")]
    ChangedMeanwhile,
    #[error("{0}")]
    InvalidInput(String),
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("{0}")]
    Internal(String),
}

/// A checked request for the Developers page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeveloperQuery {
    /// Lower-cased part of a name or email, or none.
    pub search: Option<String>,
    pub state: AccountStateFilter,
    /// 1-based.
    pub page: u64,
}

impl DeveloperQuery {
    pub fn parse(
        search: Option<String>,
        state: Option<String>,
        page: Option<u64>,
    ) -> Result<Self, DeveloperError> {
        let search = search
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        if search.as_ref().is_some_and(|s| s.chars().count() > 254) {
            return Err(DeveloperError::InvalidInput(
                "Search for at most 254 characters of a name or email address.".into(),
            ));
        }
        let state = match state.as_deref().map(str::trim) {
            None | Some("") => AccountStateFilter::All,
            Some(value) => AccountStateFilter::parse(value).ok_or_else(|| {
                DeveloperError::InvalidInput(format!(
                    "Unknown filter {value:?}: choose all, active or inactive."
                ))
            })?,
        };
        let page = page.unwrap_or(1);
        if page == 0 || page > 1_000_000 {
            return Err(DeveloperError::InvalidInput(
                "Pages are numbered from 1.".into(),
            ));
        }
        Ok(Self {
            search,
            state,
            page,
        })
    }
}

pub async fn list(
    db: &DatabaseConnection,
    operator: Operator<'_>,
    query: &DeveloperQuery,
) -> Result<DeveloperList, DeveloperError> {
    let mut select = account::Entity::find();
    if let Some(term) = &query.search {
        let pattern = || LikeExpr::new(like_pattern(term)).escape('\\');
        select = select.filter(
            Condition::any()
                .add(account::Column::EmailNormalized.like(pattern()))
                .add(
                    Expr::expr(Func::lower(Expr::col((
                        account::Entity,
                        account::Column::FullName,
                    ))))
                    .like(pattern()),
                ),
        );
    }
    match query.state {
        AccountStateFilter::All => {}
        AccountStateFilter::Active => select = select.filter(account::Column::Active.eq(true)),
        AccountStateFilter::Inactive => select = select.filter(account::Column::Active.eq(false)),
    }
    let total = select.clone().count(db).await?;
    let models = select
        .order_by(account::Column::CreatedAt, Order::Desc)
        .order_by(account::Column::Id, Order::Desc)
        .offset((query.page - 1) * DEVELOPERS_PAGE_SIZE)
        .limit(DEVELOPERS_PAGE_SIZE)
        .all(db)
        .await?;
    let rows = rows_for(db, operator.account_id(), &models).await?;
    Ok(DeveloperList {
        rows,
        total,
        page: query.page,
        page_size: DEVELOPERS_PAGE_SIZE,
    })
}

/// Deactivates or reactivates an account; deactivation ends its sessions at once.
pub async fn set_account_state(
    db: &DatabaseConnection,
    operator: Operator<'_>,
    id: i32,
    action: AccountAction,
    now: DateTime<Utc>,
) -> Result<DeveloperRow, DeveloperError> {
    let txn = begin_write(db).await?;
    let model = account::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(DeveloperError::NotFound)?;
    let standing = standing_of(&txn, &model).await?;
    decide_account(standing, action, operator.account_id() == Some(model.id))
        .map_err(DeveloperError::Refused)?;
    if let Some(role) = Role::parse(&model.role).filter(|r| *r == Role::Admin) {
        let active_admins = lock_active_admins(&txn).await?;
        let others = active_admins.iter().filter(|a| a.id != id).count();
        keep_an_admin(role, action, others).map_err(DeveloperError::Refused)?;
    }
    let update = account::Entity::update_many().filter(account::Column::Id.eq(id));
    let update = match action {
        AccountAction::Deactivate => update
            .col_expr(account::Column::Active, Expr::value(false))
            .col_expr(account::Column::DeactivatedAt, Expr::value(now))
            .filter(account::Column::Active.eq(true)),
        AccountAction::Reactivate => update
            .col_expr(account::Column::Active, Expr::value(true))
            .col_expr(
                account::Column::DeactivatedAt,
                Expr::value(None::<DateTime<Utc>>),
            )
            .filter(account::Column::Active.eq(false))
            .filter(account::Column::DeactivatedAt.is_not_null()),
    };
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(DeveloperError::ChangedMeanwhile);
    }
    if action == AccountAction::Deactivate {
        session::end_all_for_account_in(&txn, id).await?;
    }
    let audited = match action {
        AccountAction::Deactivate => AuditAction::Deactivated,
        AccountAction::Reactivate => AuditAction::Reactivated,
    };
    let actor = operator.actor();
    audit::record(&txn, actor, audited, Some(&model.email), true, None, now).await?;
    let event = match action {
        AccountAction::Deactivate => EventType::DeveloperDeactivated,
        AccountAction::Reactivate => EventType::DeveloperReactivated,
    };
    let data = webhooks::developer_data(&model);
    webhooks::emit(&txn, event, &model.email, data, now).await?;
    let row = row_of(&txn, operator.account_id(), id).await?;
    txn.commit().await?;
    Ok(row)
}

/// Every active admin's row, locked (in id order, so two callers cannot deadlock) until the
/// transaction ends: a concurrent change of another admin waits here and then counts what
/// that one left. SQLite has no row locks; its write transaction is exclusive.
pub(super) async fn lock_active_admins(
    txn: &impl ConnectionTrait,
) -> Result<Vec<account::Model>, DbErr> {
    account::Entity::find()
        .filter(account::Column::Role.eq(Role::Admin.as_str()))
        .filter(account::Column::Active.eq(true))
        .order_by_asc(account::Column::Id)
        .lock_exclusive()
        .all(txn)
        .await
}

/// One account's row as it is now, for `viewer` (whose own row says so) (inside the caller's transaction, after its change).
pub(super) async fn row_of(
    txn: &impl ConnectionTrait,
    viewer: Option<i32>,
    id: i32,
) -> Result<DeveloperRow, DeveloperError> {
    let updated = account::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(DeveloperError::NotFound)?;
    rows_for(txn, viewer, std::slice::from_ref(&updated))
        .await?
        .pop()
        .ok_or_else(|| DeveloperError::Internal("no row for an account".into()))
}

pub(super) async fn rows_for(
    db: &impl ConnectionTrait,
    viewer: Option<i32>,
    models: &[account::Model],
) -> Result<Vec<DeveloperRow>, DeveloperError> {
    let standings = accounts::standings(db, models).await?;
    models
        .iter()
        .map(|m| {
            Ok(DeveloperRow {
                id: m.id,
                email: m.email.clone(),
                full_name: m.full_name.clone(),
                role: Role::parse(&m.role).ok_or_else(|| {
                    DeveloperError::Internal(format!("account {} has role {:?}", m.id, m.role))
                })?,
                standing: standings[&m.id],
                joined_at: m.created_at,
                last_login_at: m.last_login_at,
                own_account: viewer == Some(m.id),
                mfa_enabled: m.mfa_secret.is_some(),
            })
        })
        .collect()
}

async fn standing_of(
    db: &impl ConnectionTrait,
    model: &account::Model,
) -> Result<Standing, DeveloperError> {
    let standings = accounts::standings(db, std::slice::from_ref(model)).await?;
    Ok(standings[&model.id])
}

/// The role of an account, if it exists.
pub async fn role_of(db: &DatabaseConnection, id: i32) -> Result<Option<Role>, DeveloperError> {
    Ok(account::Entity::find_by_id(id)
        .one(db)
        .await?
        .and_then(|a| Role::parse(&a.role)))
}
