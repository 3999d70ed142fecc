//! How many invitations had each common gram when last counted (`search_index::count_grams`):
//! the planner's hint for which of a term's common grams to walk. Only grams with at least
//! `domain::search::COMMON_GRAM_ROWS` rows are kept; the row with gram [`COUNTED_AT`] holds when they were
//! counted, in microseconds since 1970.

use sea_orm::entity::prelude::*;

/// The gram of the row that records when the counts were made (grams are never negative).
pub const COUNTED_AT: i64 = -1;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitation_gram_stats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub gram: i64,
    pub invitations: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
