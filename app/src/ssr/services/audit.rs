//! The audit log: written in the same transaction as the change it records (so a change and
//! its entry exist together or not at all), read by Settings > Activity.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::LikeExpr, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{
    model::{
        account::SessionUser,
        audit::{AuditAction, AuditEntry, AuditLog, AUDIT_LOG_PAGE_SIZE},
    },
    ssr::{db::like_pattern, entities::audit_event, mail::templates::single_line},
};

/// Who acted: a signed-in account, the server's command line, or nobody known (an anonymous
/// visitor).
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub id: Option<i32>,
    pub email: Option<&'a str>,
}

impl<'a> Actor<'a> {
    pub fn account(user: &'a SessionUser) -> Self {
        Self {
            id: Some(user.id),
            email: Some(&user.email),
        }
    }

    pub fn of(id: i32, email: &'a str) -> Self {
        Self {
            id: Some(id),
            email: Some(email),
        }
    }

    pub const ANONYMOUS: Actor<'static> = Actor {
        id: None,
        email: None,
    };

    /// The operator at the server's command line (`server invite`): no account, so the
    /// Activity page names the command line where it names an admin's email otherwise.
    pub const COMMAND_LINE: Actor<'static> = Actor {
        id: None,
        email: Some("server command line"),
    };

    /// The portal acting on its own by a rule the admins set (reminders, requests granted
    /// automatically).
    pub const PORTAL: Actor<'static> = Actor {
        id: None,
        email: Some("the portal, automatically"),
    };
}

/// Records one event. `target` and `detail` are cut to their columns and kept on one line.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: Actor<'_>,
    action: AuditAction,
    target: Option<&str>,
    succeeded: bool,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let clip = |text: &str, max: usize| single_line(text).chars().take(max).collect::<String>();
    audit_event::ActiveModel {
        at: Set(now),
        actor_id: Set(actor.id),
        actor_email: Set(actor.email.map(|e| clip(e, 254))),
        action: Set(action.as_str().to_owned()),
        target: Set(target.map(|t| clip(t, 254))),
        outcome: Set(if succeeded { "success" } else { "failure" }.to_owned()),
        detail: Set(detail.map(|d| clip(d, 500))),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A checked request for the Activity page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityQuery {
    pub action: Option<AuditAction>,
    /// Lower-cased part of the actor's or target's email.
    pub search: Option<String>,
    pub page: u64,
}

impl ActivityQuery {
    pub fn parse(
        action: Option<String>,
        search: Option<String>,
        page: Option<u64>,
    ) -> Result<Self, String> {
        let action = match action.as_deref().map(str::trim) {
            None | Some("") | Some("all") => None,
            Some(name) => Some(AuditAction::parse(name).ok_or_else(|| {
                format!("Unknown activity {name:?}: choose one from the list, or all.")
            })?),
        };
        let search = search
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        if search.as_ref().is_some_and(|s| s.chars().count() > 254) {
            return Err("Search for at most 254 characters of an email address.".into());
        }
        let page = page.unwrap_or(1);
        if page == 0 || page > 1_000_000 {
            return Err("Pages are numbered from 1.".into());
        }
        Ok(Self {
            action,
            search,
            page,
        })
    }
}

pub async fn list(db: &impl ConnectionTrait, query: &ActivityQuery) -> Result<AuditLog, DbErr> {
    let mut select = audit_event::Entity::find();
    if let Some(action) = query.action {
        select = select.filter(audit_event::Column::Action.eq(action.as_str()));
    }
    if let Some(term) = &query.search {
        let pattern = || LikeExpr::new(like_pattern(term)).escape('\\');
        select = select.filter(
            Condition::any()
                .add(audit_event::Column::ActorEmail.like(pattern()))
                .add(audit_event::Column::Target.like(pattern())),
        );
    }
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by(audit_event::Column::Id, Order::Desc)
        .offset((query.page - 1) * AUDIT_LOG_PAGE_SIZE)
        .limit(AUDIT_LOG_PAGE_SIZE)
        .all(db)
        .await?;
    Ok(AuditLog {
        entries: rows
            .into_iter()
            .filter_map(|row| {
                Some(AuditEntry {
                    id: row.id,
                    at: row.at,
                    actor: row.actor_email,
                    action: AuditAction::parse(&row.action)?,
                    target: row.target,
                    succeeded: row.outcome == "success",
                    detail: row.detail,
                })
            })
            .collect(),
        total,
        page: query.page,
        page_size: AUDIT_LOG_PAGE_SIZE,
    })
}
