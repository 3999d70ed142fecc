//! The search benchmark's method: not a handful of chosen terms but a generated corpus, so
//! that no shape of term is left out because nobody thought of it. Run by scripts/bench.sh on a
//! database filled by `server generate`; prints Markdown.
//!
//! - **The corpus**: at least 600 distinct terms of 1 to 20 characters, seeded (the same
//!   database gives the same corpus): pieces of addresses the table holds (so their frequency is
//!   real, from one row to most rows), pieces around their punctuation (`.`, `@`, `-`), strings
//!   of rare letters (mostly absent), and LIKE's metacharacters `%` and `_`.
//! - **Shapes**: each term's frequency class comes from the list's own bounded total (absent,
//!   1-9, 10-99, 100-999, 1,000+); a shape is a class x a status filter (none, Rejected: rare,
//!   Pending: common) x a sort (newest first, email A-Z), plus the plain pages without a term.
//! - **Samples**: [`SAMPLES`] per shape, terms drawn from the shape's class, every shape's
//!   samples shuffled together, the whole sequence run [`RUNS`] times (shuffled again each run).
//!   Each sample is one whole list call (plan, count, page of 50, the rows' names and
//!   deliveries).
//! - **Report**: per shape p50 / p95 / p99 / max over every run, each run's p95 (the spread),
//!   the slowest term, and the verdict against the budget (p95 <= 10 ms and max <= 50 ms).
//!
//! PORTICO_BENCH_DATABASE_URL: the database. PORTICO_BENCH_PASS: `warm` (default: an untimed
//! pass first, then the measured runs) or `cold` (run right after the script restarted the
//! database and dropped the page cache: one measured run of [`COLD_SAMPLES`] per shape, no
//! untimed pass). PORTICO_BENCH_CORPUS: a file where the warm pass writes its terms and their
//! classes, and the cold pass reads them (classifying them would warm the cache).
//! PORTICO_BENCH_SAMPLES and PORTICO_BENCH_RUNS override the samples per shape and the runs,
//! for a quick look only.

use std::{
    collections::{BTreeMap, BTreeSet},
    time::{Duration, Instant},
};

use app::ssr::{db, services::invitations};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

const SAMPLES: usize = 200;
const RUNS: usize = 3;
const COLD_SAMPLES: usize = 20;
const SEED: u64 = 21;
const BUDGET_P95_MS: f64 = 10.0;
const BUDGET_MAX_MS: f64 = 50.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    NoTerm,
    Absent,
    Rare,
    Uncommon,
    Common,
    VeryCommon,
}

impl Class {
    fn of(total: u64, lower_bound: bool) -> Self {
        match (total, lower_bound) {
            (_, true) => Self::VeryCommon,
            (0, _) => Self::Absent,
            (1..=9, _) => Self::Rare,
            (10..=99, _) => Self::Uncommon,
            _ => Self::Common,
        }
    }

    const ALL: [Class; 6] = [
        Self::NoTerm,
        Self::Absent,
        Self::Rare,
        Self::Uncommon,
        Self::Common,
        Self::VeryCommon,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::NoTerm => "no term",
            Self::Absent => "absent term",
            Self::Rare => "term in 1-9 rows",
            Self::Uncommon => "term in 10-99 rows",
            Self::Common => "term in 100-999 rows",
            Self::VeryCommon => "term in 1,000+ rows",
        }
    }
}

const FILTERS: [(&str, &str); 3] = [
    ("", "any status"),
    ("rejected", "Rejected (rare)"),
    ("pending", "Pending (common)"),
];
const SORTS: [(&str, bool, &str); 2] = [
    ("invited_at", true, "newest first"),
    ("email", false, "email A-Z"),
];

type Shape = (Class, usize, usize);

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The first page of 50 for `term`, with the filter and sort of those indexes.
fn query_for(term: &str, filter: usize, sort: usize) -> invitations::ListQuery {
    invitations::ListQuery::parse(
        Some(term.to_owned()),
        Some(FILTERS[filter].0.to_owned()),
        Some(1),
        Some(50),
        Some(SORTS[sort].0.to_owned()),
        Some(SORTS[sort].1),
        None,
    )
    .expect("a valid query")
}

/// Addresses of random rows, found by id (an index seek each, whatever the table's size).
async fn sample_addresses(db: &DatabaseConnection, rng: &mut StdRng, count: usize) -> Vec<String> {
    let backend = db.get_database_backend();
    let bounds = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT min(id), max(id) FROM invitations",
        ))
        .await
        .expect("the id range")
        .expect("a row");
    let (low, high): (Option<i32>, Option<i32>) = (
        bounds.try_get_by_index(0).unwrap(),
        bounds.try_get_by_index(1).unwrap(),
    );
    let (Some(low), Some(high)) = (low, high) else {
        panic!("the database holds no invitation: fill it with `server generate` first");
    };
    let mut addresses = Vec::with_capacity(count);
    for _ in 0..count {
        let id = rng.gen_range(low..=high);
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                match backend {
                    sea_orm::DatabaseBackend::Postgres => {
                        "SELECT email_normalized FROM invitations WHERE id >= $1 ORDER BY id LIMIT 1"
                    }
                    _ => "SELECT email_normalized FROM invitations WHERE id >= ? ORDER BY id LIMIT 1",
                },
                [id.into()],
            ))
            .await
            .expect("an address");
        if let Some(row) = row {
            addresses.push(row.try_get_by_index::<String>(0).unwrap());
        }
    }
    addresses
}

/// A piece of `address` of `length` characters (at most the address's), from a random start.
fn piece(address: &[char], length: usize, rng: &mut StdRng) -> String {
    let length = length.min(address.len());
    let start = rng.gen_range(0..=address.len() - length);
    address[start..start + length].iter().collect()
}

fn corpus(addresses: &[String], rng: &mut StdRng) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    let chars: Vec<Vec<char>> = addresses.iter().map(|a| a.chars().collect()).collect();
    // Pieces of real addresses, every length from 1 to 20 alike.
    while terms.len() < 400 {
        let address = &chars[rng.gen_range(0..chars.len())];
        terms.insert(piece(address, rng.gen_range(1..=20), rng));
    }
    // Pieces around punctuation.
    let mut punctuated = 0;
    while punctuated < 120 {
        let address = &chars[rng.gen_range(0..chars.len())];
        let marks: Vec<usize> = (0..address.len())
            .filter(|&i| matches!(address[i], '.' | '@' | '-'))
            .collect();
        let Some(&at) = marks.choose(rng) else {
            continue;
        };
        let before = rng.gen_range(0..=at.min(9));
        let after = rng.gen_range(0..=(address.len() - at - 1).min(10));
        let term: String = address[at - before..=at + after].iter().collect();
        if terms.insert(term) {
            punctuated += 1;
        }
    }
    // Rare letters and digits: mostly absent, some in a row or two.
    let rare: Vec<char> = "qxzjkvw0123456789.".chars().collect();
    while terms.len() < 600 {
        let length = rng.gen_range(1..=20);
        terms.insert((0..length).map(|_| *rare.choose(rng).unwrap()).collect());
    }
    // LIKE's metacharacters must match themselves, never "anything".
    for term in ["%", "_", "a%b", "a_b", "%@", "_.", "100%", "x_y_z"] {
        terms.insert(term.to_owned());
    }
    terms
}

#[tokio::main]
async fn main() {
    let url = std::env::var("PORTICO_BENCH_DATABASE_URL")
        .expect("set PORTICO_BENCH_DATABASE_URL to a database filled by `server generate`");
    let cold = std::env::var("PORTICO_BENCH_PASS").as_deref() == Ok("cold");
    let connection = db::connect(&url).await.expect("connect");
    let backend = url.split(':').next().unwrap_or("?").to_owned();
    let mut rng = StdRng::seed_from_u64(SEED);
    let started = Instant::now();
    let corpus_file = std::env::var("PORTICO_BENCH_CORPUS").ok();
    // Counted on the warm pass and read from its file on the cold one (a count reads the table).
    let rows: i64;
    let mut classes: BTreeMap<Class, Vec<String>> = BTreeMap::new();
    if cold {
        // The warm pass's terms and classes: classifying them here would warm the cache.
        let file = corpus_file.expect("the cold pass reads PORTICO_BENCH_CORPUS");
        let text = std::fs::read_to_string(&file).expect("the warm pass's corpus");
        let mut lines = text.lines();
        let first = lines.next().expect("the row count");
        rows = first
            .strip_prefix("rows\t")
            .expect("rows<TAB>count")
            .parse()
            .expect("a count");
        for line in lines {
            let (class, term) = line.split_once('\t').expect("class<TAB>term");
            let class = Class::ALL[class.parse::<usize>().expect("a class")];
            classes.entry(class).or_default().push(term.to_owned());
        }
    } else {
        rows = connection
            .query_one_raw(Statement::from_string(
                connection.get_database_backend(),
                "SELECT count(*) FROM invitations",
            ))
            .await
            .expect("count")
            .expect("a row")
            .try_get_by_index(0)
            .unwrap();
        let addresses = sample_addresses(&connection, &mut rng, 1_000).await;
        classes.insert(Class::NoTerm, vec![String::new()]);
        // Each term's class, from the list's own total (untimed).
        for term in corpus(&addresses, &mut rng) {
            let query = query_for(&term, 0, 0);
            let list = invitations::list(&connection, &query, chrono::Utc::now())
                .await
                .expect("list");
            classes
                .entry(Class::of(list.total, list.total_is_lower_bound))
                .or_default()
                .push(term);
        }
        if let Some(file) = corpus_file {
            let lines: String = std::iter::once(format!("rows\t{rows}\n"))
                .chain(classes.iter().flat_map(|(class, terms)| {
                    terms
                        .iter()
                        .map(move |t| format!("{}\t{t}\n", *class as usize))
                }))
                .collect();
            std::fs::write(&file, lines).expect("the corpus file");
        }
    }
    let terms = classes.values().map(Vec::len).sum::<usize>() - 1;
    // PORTICO_BENCH_SAMPLES / PORTICO_BENCH_RUNS: fewer, for a quick look while changing the
    // list (the figures reported use the defaults).
    let setting = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let per_shape = setting(
        "PORTICO_BENCH_SAMPLES",
        if cold { COLD_SAMPLES } else { SAMPLES },
    );
    let runs = setting("PORTICO_BENCH_RUNS", if cold { 1 } else { RUNS });
    let mut samples: Vec<(Shape, String)> = Vec::new();
    for (&class, class_terms) in &classes {
        for filter in 0..FILTERS.len() {
            for sort in 0..SORTS.len() {
                for _ in 0..per_shape {
                    let term = class_terms.choose(&mut rng).unwrap().clone();
                    samples.push(((class, filter, sort), term));
                }
            }
        }
    }
    if !cold {
        // One untimed pass: the warm figures are a warm cache's.
        for ((_, filter, sort), term) in &samples {
            let query = query_for(term, *filter, *sort);
            invitations::list(&connection, &query, chrono::Utc::now())
                .await
                .expect("list");
        }
    }
    // (shape) -> per run, the times; and the slowest term.
    let mut times: BTreeMap<Shape, Vec<Vec<f64>>> = BTreeMap::new();
    let mut slowest: BTreeMap<Shape, (f64, String)> = BTreeMap::new();
    for run in 0..runs {
        samples.shuffle(&mut rng);
        for (shape, term) in &samples {
            let query = query_for(term, shape.1, shape.2);
            let began = Instant::now();
            invitations::list(&connection, &query, chrono::Utc::now())
                .await
                .expect("list");
            let took = ms(began.elapsed());
            let per_run = times
                .entry(*shape)
                .or_insert_with(|| vec![Vec::new(); runs]);
            per_run[run].push(took);
            let worst = slowest.entry(*shape).or_insert((0.0, String::new()));
            if took > worst.0 {
                *worst = (took, term.clone());
            }
        }
    }

    let pass = if cold {
        "cold (the database restarted or reopened, the page cache dropped)"
    } else {
        "warm"
    };
    let class_sizes: Vec<String> = classes
        .iter()
        .filter(|(class, _)| **class != Class::NoTerm)
        .map(|(class, terms)| format!("{} {}", terms.len(), class.label()))
        .collect();
    println!();
    println!(
        "### Search, {backend}, {rows} invitations, {pass}: {} terms ({}), {} samples per shape x {runs} run(s), {:.0} s",
        terms,
        class_sizes.join(", "),
        per_shape,
        started.elapsed().as_secs_f64()
    );
    println!();
    println!(
        "| shape | p50 ms | p95 ms | p99 ms | max ms | p95 of each run | slowest term | verdict |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    let (mut met, mut shapes) = (0, 0);
    let mut everything = Vec::new();
    for (shape, per_run) in &times {
        let mut all: Vec<f64> = per_run.iter().flatten().copied().collect();
        all.sort_by(f64::total_cmp);
        everything.extend(all.iter().copied());
        let run_p95: Vec<String> = per_run
            .iter()
            .map(|run| {
                let mut run = run.clone();
                run.sort_by(f64::total_cmp);
                format!("{:.1}", percentile(&run, 95.0))
            })
            .collect();
        let (p95, max) = (percentile(&all, 95.0), all[all.len() - 1]);
        let ok = p95 <= BUDGET_P95_MS && max <= BUDGET_MAX_MS;
        shapes += 1;
        met += usize::from(ok);
        let (class, filter, sort) = *shape;
        println!(
            "| {}, {}, {} | {:.1} | {p95:.1} | {:.1} | {max:.1} | {} | `{}` | {} |",
            class.label(),
            FILTERS[filter].1,
            SORTS[sort].2,
            percentile(&all, 50.0),
            percentile(&all, 99.0),
            run_p95.join(" / "),
            slowest[shape].1,
            if ok { "met" } else { "MISSED" }
        );
    }
    everything.sort_by(f64::total_cmp);
    println!(
        "| **all {} samples** | {:.1} | {:.1} | {:.1} | {:.1} | | | {met} of {shapes} shapes met |",
        everything.len(),
        percentile(&everything, 50.0),
        percentile(&everything, 95.0),
        percentile(&everything, 99.0),
        everything[everything.len() - 1],
    );
}
