//! The settings row (id 1). Missing means defaults; saving writes the whole row.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};

use crate::{
    domain::{HexColor, PortalSettings, SelfRegistration, Validity},
    ssr::entities::settings,
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
        login_background: HexColor::parse(&row.login_background)
            .unwrap_or(defaults.login_background),
        portal_content: row.portal_content,
    })
}

pub async fn save(
    db: &sea_orm::DatabaseConnection,
    new: &PortalSettings,
) -> Result<PortalSettings, DbErr> {
    let row = settings::ActiveModel {
        id: Set(ROW_ID),
        auto_approve: Set(new.auto_approve),
        validity_hours: Set(new.validity.hours() as i32),
        self_registration: Set(new.self_registration.as_str().to_owned()),
        login_background: Set(new.login_background.as_str().to_owned()),
        portal_content: Set(new.portal_content.clone()),
        updated_at: Set(Utc::now()),
    };
    settings::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(settings::Column::Id)
                .update_columns([
                    settings::Column::AutoApprove,
                    settings::Column::ValidityHours,
                    settings::Column::SelfRegistration,
                    settings::Column::LoginBackground,
                    settings::Column::PortalContent,
                    settings::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    load(db).await
}
