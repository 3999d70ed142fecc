//! The settings row (id 1). Missing means defaults; saving writes the whole row.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};

use super::{audit, longest_validity};
use crate::{
    domain::{HexColor, PasswordPolicy, PortalSettings, SelfRegistration, Validity},
    model::audit::AuditAction,
    ssr::{db::begin_write, entities::settings},
};

const ROW_ID: i32 = 1;

pub async fn load(db: &impl ConnectionTrait) -> Result<PortalSettings, DbErr> {
    let Some(row) = settings::Entity::find_by_id(ROW_ID).one(db).await? else {
        return Ok(PortalSettings::default());
    };
    let defaults = PortalSettings::default();
    // Values were validated when saved; a row edited by hand falls back field by field.
    Ok(PortalSettings {
        auto_approve: row.auto_approve,
        validity: u32::try_from(row.validity_hours)
            .ok()
            .and_then(|h| Validity::from_hours(h).ok())
            .unwrap_or(defaults.validity),
        self_registration: SelfRegistration::parse(&row.self_registration)
            .unwrap_or(defaults.self_registration),
        password_policy: PasswordPolicy::parse(&row.password_policy)
            .unwrap_or(defaults.password_policy),
        login_background: HexColor::parse(&row.login_background)
            .unwrap_or(defaults.login_background),
        portal_content: row.portal_content,
        require_admin_mfa: row.require_admin_mfa,
        accent_color: HexColor::parse(&row.accent_color)
            .ok()
            .filter(|c| crate::domain::accent::accent_problem(c).is_none())
            .unwrap_or(defaults.accent_color),
        portal_name: row
            .portal_name
            .and_then(|n| crate::domain::portal_name::PortalName::parse_optional(&n).ok())
            .flatten(),
        reminder: u32::try_from(row.reminder_hours)
            .ok()
            .and_then(|h| crate::domain::ReminderLead::from_hours(h).ok())
            .unwrap_or(defaults.reminder),
        auto_resend_requests: row.auto_resend_requests,
    })
}

/// Saves the settings and records who changed them, in one transaction.
pub async fn save(
    db: &sea_orm::DatabaseConnection,
    new: &PortalSettings,
    actor: audit::Actor<'_>,
) -> Result<PortalSettings, DbErr> {
    let txn = begin_write(db).await?;
    let row = settings::ActiveModel {
        id: Set(ROW_ID),
        auto_approve: Set(new.auto_approve),
        validity_hours: Set(new.validity.hours() as i32),
        self_registration: Set(new.self_registration.as_str().to_owned()),
        password_policy: Set(new.password_policy.as_str().to_owned()),
        login_background: Set(new.login_background.as_str().to_owned()),
        portal_content: Set(new.portal_content.clone()),
        require_admin_mfa: Set(new.require_admin_mfa),
        accent_color: Set(new.accent_color.as_str().to_owned()),
        portal_name: Set(new.portal_name.as_ref().map(|n| n.as_str().to_owned())),
        reminder_hours: Set(new.reminder.hours() as i32),
        auto_resend_requests: Set(new.auto_resend_requests),
        updated_at: Set(Utc::now()),
    };
    settings::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(settings::Column::Id)
                .update_columns([
                    settings::Column::AutoApprove,
                    settings::Column::ValidityHours,
                    settings::Column::SelfRegistration,
                    settings::Column::PasswordPolicy,
                    settings::Column::LoginBackground,
                    settings::Column::PortalContent,
                    settings::Column::RequireAdminMfa,
                    settings::Column::AccentColor,
                    settings::Column::PortalName,
                    settings::Column::ReminderHours,
                    settings::Column::AutoResendRequests,
                    settings::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&txn)
        .await?;
    // Invitations made from now on may be valid for this long: the list's Pending search
    // reads the index rows sent within the longest validity ever saved.
    longest_validity::raise(&txn, new.validity).await?;
    let detail = format!(
        "auto-approval {}, validity {} h, self-registration {}, password policy {}, \
         two-step sign-in for administrators {}, accent {}, portal name {}, reminder {}, \
         requests from addresses still invited {}",
        if new.auto_approve { "on" } else { "off" },
        new.validity.hours(),
        new.self_registration.as_str(),
        new.password_policy.as_str(),
        if new.require_admin_mfa {
            "required"
        } else {
            "optional"
        },
        new.accent_color,
        new.portal_name
            .as_ref()
            .map_or("the configured one".to_owned(), |n| format!(
                "{:?}",
                n.as_str()
            )),
        if new.reminder.is_off() {
            "off".to_owned()
        } else {
            format!("{} h before expiry", new.reminder.hours())
        },
        if new.auto_resend_requests {
            "resent automatically"
        } else {
            "reviewed"
        }
    );
    audit::record(
        &txn,
        actor,
        AuditAction::SettingsChanged,
        None,
        true,
        Some(&detail),
        Utc::now(),
    )
    .await?;
    txn.commit().await?;
    load(db).await
}
