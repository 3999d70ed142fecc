use sea_orm::entity::prelude::*;

/// The portal's logo: at most one row (id 1).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "portal_logo")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// `image/png` or `image/jpeg`, from the bytes.
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Hex SHA-256 of the bytes: the ETag, and the version in the logo's URL.
    pub sha256: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
