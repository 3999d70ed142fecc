//! Keeps `invitation_grams` (the address search index, see `domain::search`) in step with
//! `invitations`: rows are added in the transaction that inserts the invitation, take its new
//! status in the one that changes it, and are removed in the one that deletes it, so a search
//! never sees one without the other.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DbBackend, DbErr, EntityTrait, QueryFilter, Set, Statement,
};

use crate::{
    domain::{
        search::{email_grams, signature, COMMON_GRAM_ROWS},
        StoredStatus,
    },
    ssr::{
        db::{begin_write, is_unique_violation},
        entities::{
            invitation, invitation_gram,
            invitation_gram_stat::{self, COUNTED_AT},
        },
    },
};

/// How often the common grams are counted again: their order changes slowly, and counting
/// reads the whole index (seconds at 1,000,000 invitations).
const COUNT_GRAMS_EVERY: chrono::Duration = chrono::Duration::days(1);

/// Index rows per INSERT: 7 parameters each, well under every backend's limit (SQLite's is
/// 32,766).
const ROWS_PER_INSERT: usize = 4_000;

/// What the index needs to know of an invitation.
pub struct Entry<'a> {
    pub invitation_id: i32,
    pub email_normalized: &'a str,
    pub invited_at: DateTime<Utc>,
    /// The stored status (`StoredStatus::as_str`).
    pub status: &'a str,
    pub valid_until: DateTime<Utc>,
}

impl<'a> From<&'a invitation::Model> for Entry<'a> {
    fn from(model: &'a invitation::Model) -> Self {
        Self {
            invitation_id: model.id,
            email_normalized: &model.email_normalized,
            invited_at: model.invited_at,
            status: model.status.trim_end(),
            valid_until: model.valid_until,
        }
    }
}

/// One index row: gram, date, invitation, status, valid-until, signature, address.
type Row<'a> = (i64, i64, i32, &'a str, i64, i64, &'a str);

/// Indexes invitations, in the caller's transaction.
pub async fn add(db: &impl ConnectionTrait, entries: &[Entry<'_>]) -> Result<(), DbErr> {
    let mut rows: Vec<Row> = entries
        .iter()
        .flat_map(|entry| {
            let invited_at = entry.invited_at.timestamp_micros();
            let valid_until = entry.valid_until.timestamp_micros();
            let grams = email_grams(entry.email_normalized);
            let bits = signature(&grams);
            grams.into_iter().map(move |gram| {
                (
                    gram,
                    invited_at,
                    entry.invitation_id,
                    entry.status,
                    valid_until,
                    bits,
                    entry.email_normalized,
                )
            })
        })
        .collect();
    // In primary-key order, each B-tree page the rows land on is visited once.
    rows.sort_unstable();
    if db.get_database_backend() == DbBackend::Postgres {
        return add_unnested(db, &rows).await;
    }
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let models = chunk.iter().map(
            |&(gram, invited_at, invitation_id, status, valid_until, signature, email)| {
                invitation_gram::ActiveModel {
                    gram: Set(gram),
                    invited_at: Set(invited_at),
                    invitation_id: Set(invitation_id),
                    status: Set(status.to_owned()),
                    valid_until: Set(valid_until),
                    signature: Set(signature),
                    email_normalized: Set(email.to_owned()),
                }
            },
        );
        invitation_gram::Entity::insert_many(models)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// PostgreSQL: all rows in one statement of seven array parameters, instead of multi-row
/// VALUES lists of 28,000 parameters each.
async fn add_unnested(db: &impl ConnectionTrait, rows: &[Row<'_>]) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let grams: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let dates: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let ids: Vec<i32> = rows.iter().map(|r| r.2).collect();
    let statuses: Vec<String> = rows.iter().map(|r| r.3.to_owned()).collect();
    let valid_until: Vec<i64> = rows.iter().map(|r| r.4).collect();
    let signatures: Vec<i64> = rows.iter().map(|r| r.5).collect();
    let emails: Vec<String> = rows.iter().map(|r| r.6.to_owned()).collect();
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO invitation_grams \
         (gram, invited_at, invitation_id, status, valid_until, signature, email_normalized) \
         SELECT * FROM UNNEST($1::int8[], $2::int8[], $3::int4[], $4::varchar[], $5::int8[], \
         $6::int8[], $7::varchar[])",
        [
            grams.into(),
            dates.into(),
            ids.into(),
            statuses.into(),
            valid_until.into(),
            signatures.into(),
            emails.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// The invitation's index rows take its new stored status, in the transaction that changes
/// it. Each row is found by its whole primary key.
pub async fn restatus(
    db: &impl ConnectionTrait,
    entry: &Entry<'_>,
    to: StoredStatus,
) -> Result<(), DbErr> {
    invitation_gram::Entity::update_many()
        .col_expr(invitation_gram::Column::Status, Expr::value(to.as_str()))
        .filter(rows_of(entry))
        .exec(db)
        .await?;
    Ok(())
}

/// Removes an invitation from the index, in the caller's transaction. Each row is found by its
/// whole primary key, so this touches only the invitation's own rows.
pub async fn remove(db: &impl ConnectionTrait, entry: &Entry<'_>) -> Result<(), DbErr> {
    invitation_gram::Entity::delete_many()
        .filter(rows_of(entry))
        .exec(db)
        .await?;
    Ok(())
}

/// The invitation's own index rows, each by its whole primary key.
fn rows_of(entry: &Entry<'_>) -> Condition {
    Condition::all()
        .add(invitation_gram::Column::Gram.is_in(email_grams(entry.email_normalized)))
        .add(invitation_gram::Column::InvitedAt.eq(entry.invited_at.timestamp_micros()))
        .add(invitation_gram::Column::InvitationId.eq(entry.invitation_id))
}

/// Counts how many invitations have each common gram (`invitation_gram_stats`), replacing
/// the last counts, and records when. The planner reads them to walk the rarest of a term's
/// common grams; only speed depends on them, never which rows a search finds.
pub async fn count_grams(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), DbErr> {
    invitation_gram_stat::Entity::delete_many().exec(db).await?;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!(
            "INSERT INTO invitation_gram_stats (gram, invitations) \
             SELECT gram, COUNT(*) FROM invitation_grams GROUP BY gram \
             HAVING COUNT(*) >= {COMMON_GRAM_ROWS}"
        ),
    ))
    .await?;
    invitation_gram_stat::ActiveModel {
        gram: Set(COUNTED_AT),
        invitations: Set(now.timestamp_micros()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Counts the common grams again when the last count is a day old (the housekeeping sweep
/// asks). The replica whose conditional update moves the recorded time does it, so replicas
/// sweeping together count once. Returns whether it counted.
pub async fn count_grams_if_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let claimed = invitation_gram_stat::Entity::update_many()
        .col_expr(
            invitation_gram_stat::Column::Invitations,
            Expr::value(now.timestamp_micros()),
        )
        .filter(invitation_gram_stat::Column::Gram.eq(COUNTED_AT))
        .filter(
            invitation_gram_stat::Column::Invitations
                .lte((now - COUNT_GRAMS_EVERY).timestamp_micros()),
        )
        .exec(db)
        .await?;
    if claimed.rows_affected == 0 {
        // Counted within the day; or never (a count that did not finish): then now.
        let counted = invitation_gram_stat::Entity::find_by_id(COUNTED_AT)
            .one(db)
            .await?;
        if counted.is_some() {
            return Ok(false);
        }
    }
    match count_in_one_transaction(db, now).await {
        // Never counted, and another replica's sweep counted at this very moment: its count
        // stands (see `recount_grams`).
        Err(e) if is_unique_violation(&e) => Ok(false),
        counted => counted.map(|()| true),
    }
}

/// Counts the common grams again now (`count_grams`), in one transaction, whether or not the
/// last count is a day old: for the generator, and for tests that want the planner to see
/// what they wrote. A count running at the same moment elsewhere (a server's sweep on the
/// same database) can make this one fail on a row the other inserted first, on PostgreSQL
/// and MariaDB; then it counts again, after the other committed, so what was committed
/// before the call is counted.
pub async fn recount_grams(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), DbErr> {
    let mut attempt = 1;
    loop {
        match count_in_one_transaction(db, now).await {
            Err(e) if is_unique_violation(&e) && attempt < 3 => attempt += 1,
            counted => return counted,
        }
    }
}

/// `count_grams` in a transaction of its own, begun IMMEDIATE on SQLite: two counts never
/// interleave their statements there (one deletes the counts while the other inserts them).
async fn count_in_one_transaction(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    count_grams(&txn, now).await?;
    txn.commit().await
}
