//! How one list request is answered, chosen from the search index before any row is read
//! (see `domain::search`). The aim is a bounded amount of work for every kind of term:
//!
//! - no term: the invitations' own indexes, newest first (or by the chosen column);
//! - a term with a rare gram (fewer than [`CANDIDATE_LIMIT`] index rows): those candidates
//!   only, checked and sorted (a rare or absent term costs a few small index reads);
//! - a term whose grams are all common, newest or oldest first: one gram's index rows, which
//!   come in date order, checked until the page is full (a common term fills it quickly);
//! - otherwise (a common term sorted by email or expiry): the sort column's index, checked
//!   row by row, which the term's frequency keeps short.

use sea_orm::{
    sea_query::{
        Alias, Asterisk, Expr, ExprTrait, Func, Query, SelectStatement, SubQueryStatement,
    },
    ConnectionTrait, DbErr, QueryResult,
};

use crate::{
    domain::search::TermGrams,
    model::invitation::SortKey,
    ssr::entities::invitation_gram::{Column as Gram, Entity as Grams},
};

/// A gram with fewer index rows than this is walked whole as the candidate set.
pub const CANDIDATE_LIMIT: u64 = 1_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// No term: the invitations table alone.
    Scan,
    /// Some gram of the term is in no address: nothing matches.
    Nothing,
    /// The rows having these grams (fewer than the limit) are the only candidates.
    Candidates(GramFilter),
    /// The term's grams are all common; walk one's rows in date order.
    Posting(Walk),
    /// The term's grams are all common and the sort is not by date: walk the sort index
    /// (counting still walks one gram's rows, when the term has whole grams).
    ScanWithTerm(Option<Walk>),
}

/// One gram's index rows walked in date order, keeping only those whose invitation also has
/// the `also` grams (each a primary-key lookup in the index, far cheaper than reading the
/// invitation to check its address): two common grams together are often rare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    pub gram: i64,
    pub also: Vec<i64>,
}

impl Walk {
    /// Walks `gram`, also checking two of the term's other probed grams: the first and the
    /// last of them (probes are in gram order, so these are as different as the term allows).
    /// Two catch most rows that cannot match; more would cost every match a lookup each.
    fn of(gram: i64, probed: &[i64]) -> Self {
        let others: Vec<i64> = probed.iter().copied().filter(|g| *g != gram).collect();
        let also = match others[..] {
            [] | [_] | [_, _] => others,
            [first, .., last] => vec![first, last],
        };
        Self { gram, also }
    }
}

/// Which index rows a plan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GramFilter {
    Is(i64),
    Between(i64, i64),
}

impl GramFilter {
    pub fn apply(self, select: &mut SelectStatement) {
        match self {
            GramFilter::Is(gram) => select.and_where(Expr::col(Gram::Gram).eq(gram)),
            GramFilter::Between(low, high) => {
                select.and_where(Expr::col(Gram::Gram).between(low, high))
            }
        };
    }
}

/// Chooses the plan: one query counts (up to the limit) the index rows of each probed gram.
pub async fn choose(
    db: &impl ConnectionTrait,
    grams: Option<&TermGrams>,
    sort: SortKey,
) -> Result<Plan, DbErr> {
    let Some(grams) = grams else {
        return Ok(Plan::Scan);
    };
    let filters: Vec<GramFilter> = match grams {
        TermGrams::All(all) => all.iter().map(|g| GramFilter::Is(*g)).collect(),
        TermGrams::Range { low, high } => vec![GramFilter::Between(*low, *high)],
    };
    let counts = bounded_counts(db, &filters).await?;
    let (rarest, count) = filters
        .iter()
        .zip(&counts)
        .min_by_key(|(_, count)| **count)
        .expect("a term has at least one gram");
    Ok(if *count == 0 {
        Plan::Nothing
    } else if *count < CANDIDATE_LIMIT {
        Plan::Candidates(*rarest)
    } else {
        let probed: Vec<i64> = match grams {
            TermGrams::All(all) => all.clone(),
            TermGrams::Range { .. } => Vec::new(),
        };
        match (sort, rarest) {
            (SortKey::InvitedAt, GramFilter::Is(gram)) => Plan::Posting(Walk::of(*gram, &probed)),
            (_, GramFilter::Is(gram)) => Plan::ScanWithTerm(Some(Walk::of(*gram, &probed))),
            (_, GramFilter::Between(..)) => Plan::ScanWithTerm(None),
        }
    })
}

/// For each filter, how many index rows it selects, counting no further than the limit.
async fn bounded_counts(
    db: &impl ConnectionTrait,
    filters: &[GramFilter],
) -> Result<Vec<u64>, DbErr> {
    let mut select = Query::select();
    for (n, filter) in filters.iter().enumerate() {
        let mut rows = Query::select();
        rows.expr(Expr::val(1)).from(Grams);
        filter.apply(&mut rows);
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
    use super::*;

    #[test]
    fn a_walk_checks_the_first_and_last_of_the_other_probed_grams() {
        assert_eq!(Walk::of(3, &[1, 2, 3, 4, 5]).also, vec![1, 5]);
        assert_eq!(Walk::of(1, &[1, 2, 3]).also, vec![2, 3]);
        assert_eq!(Walk::of(1, &[1, 2]).also, vec![2]);
        assert!(Walk::of(1, &[1]).also.is_empty());
    }
}
