//! How one list request is answered, chosen from the search index before any row is read
//! (see `domain::search`). The aim is a bounded amount of work for every kind of term:
//!
//! - no term: the invitations' own indexes, newest first (or by the chosen column);
//! - a term with a rare gram (fewer than [`CANDIDATE_LIMIT`] index rows): that gram's rows
//!   walked whole, each checked by the address it holds (a rare or absent term costs a few
//!   small index reads);
//! - a term whose grams are all common, newest or oldest first: one gram's index rows, which
//!   come in date order, checked until the page is full (a common term fills it quickly);
//! - otherwise (a common term sorted by email or expiry): the sort column's index, checked
//!   row by row, which the term's frequency keeps short.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{
        Alias, Asterisk, Expr, ExprTrait, Func, Query, SelectStatement, SubQueryStatement,
    },
    ColumnTrait, Condition, ConnectionTrait, DbErr, QueryResult,
};

use crate::{
    domain::{
        invitation::{earliest_unexpired_invitation, ExpiryCondition},
        search::{gram_bit, signature, TermGrams},
        InvitationStatus, Validity,
    },
    model::invitation::SortKey,
    ssr::entities::invitation_gram::{Column as Gram, Entity as Grams},
};

/// A gram with fewer index rows than this is walked whole as the candidate set.
pub const CANDIDATE_LIMIT: u64 = crate::domain::search::COMMON_GRAM_ROWS;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// No term: the invitations table alone.
    Scan,
    /// Some gram of the term is in no address: nothing matches.
    Nothing,
    /// The rows in this range of grams (`low..=high`, a one- or two-character term's, fewer
    /// than the limit) are the only candidates.
    Candidates { low: i64, high: i64 },
    /// The term's grams are all common; walk one's rows in date order.
    Posting(Walk),
    /// The term's grams are all common and the sort is not by date: walk the sort index
    /// (counting still walks one gram's rows).
    ScanWithTerm(Walk),
    /// A one- or two-character term with too many rows in its range of grams (`low..=high`)
    /// to check them as candidates: the page from the sort index, checked row by row; without
    /// a status, the total from the range, whose rows prove the match (`matches::range_total`).
    ShortScan { low: i64, high: i64 },
}

/// One gram's index rows walked in date order, keeping those whose address (held by each
/// index row, m0033) contains the term. Before that check, each walked row's address signature
/// (a bit per gram, also read from the index row) must hold every bit of the term's grams
/// (`mask`), which passes over most rows lacking another gram for a bit test.
///
/// Before the index rows held the address, a walked row's other grams were checked by key in
/// the index or in a set of a next gram's rows read once, and only then its address by the
/// invitation's id: each a B-tree lookup of 2-3 microseconds on PostgreSQL, where the row's own
/// address costs a comparison (BENCHMARKS.md, "The address in the index rows").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    pub gram: i64,
    /// The bits of the term's grams, when some are not the walked gram's own.
    pub mask: Option<i64>,
    /// The walked gram's rows, at most (as counted now, else by the statistics; `u64::MAX`
    /// when unknown).
    pub rows: u64,
}

/// What is known of a gram's index rows (in the filtered status where they were counted now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rows {
    at_least: u64,
    at_most: u64,
}

impl Walk {
    /// Walks the first of `grams` (rarest first, with their known rows), checking the bits of
    /// them all.
    fn rarest_first(grams: &[(i64, Rows)]) -> Self {
        let (gram, walked) = grams[0];
        let bits = signature(grams.iter().map(|(gram, _)| gram));
        let other_bits = (bits & !gram_bit(gram)).count_ones();
        Self {
            gram,
            mask: (other_bits >= 1).then_some(bits),
            rows: walked.at_most,
        }
    }
}

/// Which index rows a plan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GramFilter {
    Is(i64),
    Between(i64, i64),
}

impl GramFilter {
    /// Selects the filter's index rows; of a whole gram, only those in `status` (the index by
    /// status makes that one key range; a range of grams keeps every status, as walking it for
    /// one status could read every row of the range).
    pub fn apply(self, select: &mut SelectStatement, status: Option<&Condition>) {
        match self {
            GramFilter::Is(gram) => {
                select.and_where(Expr::col(Gram::Gram).eq(gram));
                if let Some(status) = status {
                    select.cond_where(status.clone());
                }
            }
            GramFilter::Between(low, high) => {
                select.and_where(Expr::col(Gram::Gram).between(low, high));
            }
        };
    }
}

/// The index rows of invitations in `status` at `now`: each row carries its invitation's
/// stored status and valid-until, so this is the status's own condition on the index. An
/// unexpired status's rows are also those sent within `longest` (the longest validity
/// invitations were made with, when known): with the date after the status in the index, they
/// are one key range, the newest, rather than every stored-pending row of the gram with the
/// expired ones passed over one by one.
pub fn status_rows(
    status: InvitationStatus,
    now: DateTime<Utc>,
    longest: Option<Validity>,
) -> Condition {
    let condition = status.stored_condition();
    let statuses = condition.statuses.iter().map(|s| s.as_str());
    let rows = Condition::all().add(Gram::Status.is_in(statuses));
    // Microseconds, as stored; `now` rounded down compares as `now` itself.
    let micros = now.timestamp_micros();
    match condition.expiry {
        ExpiryCondition::Unexpired => {
            let rows = rows.add(Gram::ValidUntil.gt(micros));
            match longest {
                Some(longest) => {
                    let earliest = earliest_unexpired_invitation(now, longest);
                    rows.add(Gram::InvitedAt.gte(earliest.timestamp_micros()))
                }
                None => rows,
            }
        }
        ExpiryCondition::Expired => rows.add(Gram::ValidUntil.lte(micros)),
        ExpiryCondition::Either => rows,
    }
}

/// Chooses the plan. The index's statistics say which of a term's grams were common when last
/// counted; one query counts the others' rows (up to the limit, in the filtered status), which
/// finds an absent or rare gram exactly. The grams are ranked by those rows, so the walk takes
/// the rarest.
pub async fn choose(
    db: &impl ConnectionTrait,
    grams: Option<&TermGrams>,
    sort: SortKey,
    status: Option<&Condition>,
) -> Result<Plan, DbErr> {
    let all = match grams {
        None => return Ok(Plan::Scan),
        Some(TermGrams::Range { low, high }) => {
            let range = GramFilter::Between(*low, *high);
            let count = bounded_counts(db, &[range], None).await?[0];
            return Ok(if count == 0 {
                Plan::Nothing
            } else if count < CANDIDATE_LIMIT {
                Plan::Candidates {
                    low: *low,
                    high: *high,
                }
            } else {
                Plan::ShortScan {
                    low: *low,
                    high: *high,
                }
            });
        }
        Some(TermGrams::All(all)) => all,
    };
    let counted = gram_stats(db, all).await?;
    // Grams the statistics do not know had fewer rows when counted: they are probed, and so
    // (with a status) is the rarest common one, whose rows in that status may be few.
    let mut probed: Vec<i64> = all
        .iter()
        .copied()
        .filter(|g| !counted.contains_key(g))
        .collect();
    if status.is_some() {
        if let Some((rarest, _)) = counted.iter().min_by_key(|(g, n)| (**n, **g)) {
            probed.push(*rarest);
        }
    }
    let filters: Vec<GramFilter> = probed.iter().map(|g| GramFilter::Is(*g)).collect();
    let counts = if filters.is_empty() {
        Vec::new()
    } else {
        bounded_counts(db, &filters, status).await?
    };
    if counts.contains(&0) {
        return Ok(Plan::Nothing);
    }
    // One ranking for both walks: the rows counted now (up to the limit, in the status), else
    // the statistics' count; on a tie, the gram the statistics did not hold (or held fewer
    // rows of) first.
    let rows_now = |gram: i64| probed.iter().position(|p| *p == gram).map(|at| counts[at]);
    // A count that reached the limit says only "at least"; the statistics' count is the most
    // (but for rows added since the day's count).
    let mut order: Vec<(i64, Rows)> = all
        .iter()
        .map(|gram| {
            let (now, stat) = (rows_now(*gram), counted.get(gram).copied());
            let at_most = match now {
                Some(n) if n < CANDIDATE_LIMIT => n,
                _ => stat.unwrap_or(u64::MAX),
            };
            let at_least = now.or(stat).unwrap_or(u64::MAX);
            (*gram, Rows { at_least, at_most })
        })
        .collect();
    order.sort_by_key(|(gram, rows)| {
        (
            rows.at_least,
            counted.get(gram).copied().unwrap_or(0),
            *gram,
        )
    });
    // The rarest gram has fewer rows than the limit, or every gram is common. A rare gram's
    // rows are walked whole, each checked by its signature and its address: the walk finds
    // every match (fewer than the count's limit), the exact total and, read by id, the page in
    // any order. A common gram's rows are walked in date order until the page is full.
    Ok(walk_in(sort, Walk::rarest_first(&order)))
}

/// A walk of one gram's rows, whose date order is the page's only when sorted by date.
fn walk_in(sort: SortKey, walk: Walk) -> Plan {
    match sort {
        SortKey::InvitedAt => Plan::Posting(walk),
        _ => Plan::ScanWithTerm(walk),
    }
}

/// The counted rows of those of `grams` the statistics hold (the common ones).
async fn gram_stats(
    db: &impl ConnectionTrait,
    grams: &[i64],
) -> Result<std::collections::HashMap<i64, u64>, DbErr> {
    use crate::ssr::entities::invitation_gram_stat::{Column, Entity};
    use sea_orm::{EntityTrait, QueryFilter, QuerySelect};
    let rows: Vec<(i64, i64)> = Entity::find()
        .select_only()
        .columns([Column::Gram, Column::Invitations])
        .filter(Column::Gram.is_in(grams.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(gram, n)| (gram, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// For each filter, how many index rows it selects, counting no further than the limit.
async fn bounded_counts(
    db: &impl ConnectionTrait,
    filters: &[GramFilter],
    status: Option<&Condition>,
) -> Result<Vec<u64>, DbErr> {
    let mut select = Query::select();
    for (n, filter) in filters.iter().enumerate() {
        let mut rows = Query::select();
        rows.expr(Expr::val(1)).from(Grams);
        filter.apply(&mut rows, status);
        rows.limit(CANDIDATE_LIMIT);
        select.expr_as(
            Expr::SubQuery(
                None,
                Box::new(SubQueryStatement::SelectStatement(count_of(rows))),
            ),
            Alias::new(format!("c{n}")),
        );
    }
    let row = db
        .query_one(&select)
        .await?
        .ok_or_else(|| DbErr::Custom("the gram counts returned no row".into()))?;
    (0..filters.len()).map(|n| count_at(&row, n)).collect()
}

/// `SELECT COUNT(*) FROM (<rows>) AS counted`.
pub fn count_of(rows: SelectStatement) -> SelectStatement {
    Query::select()
        .expr(Func::count(Expr::col(Asterisk)))
        .from_subquery(rows, Alias::new("counted"))
        .to_owned()
}

/// Reads the COUNT in column `index`, whose integer type differs by backend.
pub fn count_at(row: &QueryResult, index: usize) -> Result<u64, DbErr> {
    let count = row
        .try_get_by_index::<i64>(index)
        .or_else(|_| row.try_get_by_index::<i32>(index).map(i64::from))?;
    Ok(u64::try_from(count).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::{super::COUNT_LIMIT, *};

    fn exact(rows: u64) -> Rows {
        Rows {
            at_least: rows,
            at_most: rows,
        }
    }

    /// The `n`th of grams whose signature bits are all the same, so that the signature cannot
    /// tell them apart.
    fn g(n: i64) -> i64 {
        7 + crate::domain::search::SIGNATURE_BITS * n
    }

    #[test]
    fn a_walk_takes_the_rarest_gram_and_checks_the_signature_bits_of_every_gram_of_the_term() {
        let common = exact(COUNT_LIMIT * 100);
        let grams = [(7, exact(500)), (3, common), (5, common), (1, common)];
        let bits = (1 << 7) | (1 << 3) | (1 << 5) | (1 << 1);
        assert_eq!(
            Walk::rarest_first(&grams),
            Walk {
                gram: 7,
                mask: Some(bits),
                rows: 500
            }
        );
        // One gram (a three-character term), or grams whose bits are the walked one's: the
        // signature cannot pass over anything, and is not checked.
        assert_eq!(Walk::rarest_first(&[(7, common)]).mask, None);
        assert_eq!(
            Walk::rarest_first(&[(g(0), common), (g(1), common)]).mask,
            None
        );
    }
}
