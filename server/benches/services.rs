//! Service-level benchmarks against a real database (not timed tests): the invitations list
//! over a filled table, and a bulk invite of 1,000 addresses. Run by scripts/bench.sh, which
//! fills the database first with `server generate`.
//!
//! PORTICO_BENCH_DATABASE_URL: the filled database. Prints a Markdown table.

use std::time::{Duration, Instant};

use app::{
    domain::{Email, FullName, Password, Role},
    model::account::SessionUser,
    ssr::{
        db,
        services::{accounts, invitations, password_reset},
        AppState,
    },
};

const RUNS: usize = 20;
/// Bulk invites measured (1,000 addresses each); the mail worker then delivers all of them.
const BULK_RUNS: usize = 5;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let url = std::env::var("PORTICO_BENCH_DATABASE_URL")
        .expect("set PORTICO_BENCH_DATABASE_URL to a database filled by `server generate`");
    let connection = db::connect(&url).await.expect("connect");
    db::migrate(&connection).await.expect("migrate");
    let backend = url.split(':').next().unwrap_or("?").to_owned();

    println!("| backend | query | p50 ms | p95 ms | max ms | rows matching |");
    println!("| --- | --- | --- | --- | --- | --- |");
    // (label, term, status, sort, ascending, page, follow the Next link of that page)
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        bool,
        u64,
        bool,
    );
    let cases: [Case; 21] = [
        ("newest 50, no filter", "", "", "", false, 1, false),
        ("search \"a\" (one character)", "a", "", "", false, 1, false),
        (
            "search \"9@\" (two characters)",
            "9@",
            "",
            "",
            false,
            1,
            false,
        ),
        ("search \"q\" (absent letter)", "q", "", "", false, 1, false),
        ("search \"ada\"", "ada", "", "", false, 1, false),
        ("search \"lovelace\"", "lovelace", "", "", false, 1, false),
        (
            "search \"ada.turing\" (common grams, rarer together)",
            "ada.turing",
            "",
            "",
            false,
            1,
            false,
        ),
        ("search \"y.g\"", "y.g", "", "", false, 1, false),
        ("search \"q.c\"", "q.c", "", "", false, 1, false),
        ("search \"@acme.io\"", "@acme.io", "", "", false, 1, false),
        (
            "search \"hopper12345\" (one row)",
            "hopper12345",
            "",
            "",
            false,
            1,
            false,
        ),
        (
            "search \"no-such-address\"",
            "no-such-address",
            "",
            "",
            false,
            1,
            false,
        ),
        ("status Expired", "", "expired", "", false, 1, false),
        ("status Rejected", "", "rejected", "", false, 1, false),
        (
            "search \"ada\" + status Rejected",
            "ada",
            "rejected",
            "",
            false,
            1,
            false,
        ),
        (
            "search \"lovelace\" sorted by email",
            "lovelace",
            "",
            "email",
            true,
            1,
            false,
        ),
        (
            "search \"42\" sorted by valid until",
            "42",
            "",
            "valid_until",
            false,
            1,
            false,
        ),
        ("oldest 50 (ascending)", "", "", "", true, 1, false),
        (
            "page 2 by its Next link (keyset)",
            "",
            "",
            "",
            false,
            1,
            true,
        ),
        (
            "page 20 by number (OFFSET 950, the last numbered page)",
            "",
            "",
            "",
            false,
            20,
            false,
        ),
        (
            "page 21 by its Next link (keyset)",
            "",
            "",
            "",
            false,
            20,
            true,
        ),
    ];
    let mut all = Vec::new();
    for (label, term, status, sort, ascending, page, follow) in cases {
        let parse = |cursor: Option<String>, page: u64| {
            invitations::ListQuery::parse(
                Some(term.to_owned()),
                Some(status.to_owned()),
                Some(page),
                Some(50),
                Some(sort.to_owned()),
                Some(!ascending),
                cursor,
            )
            .expect("a valid query")
        };
        let mut query = parse(None, page);
        if follow {
            let first = invitations::list(&connection, &query, chrono::Utc::now())
                .await
                .expect("list");
            query = parse(first.next, page + 1);
        }
        let mut times = Vec::with_capacity(RUNS);
        let mut total = String::new();
        for _ in 0..RUNS {
            let started = Instant::now();
            let page = invitations::list(&connection, &query, chrono::Utc::now())
                .await
                .expect("list");
            times.push(started.elapsed());
            total = if page.total_is_lower_bound {
                format!("{}+", page.total)
            } else {
                page.total.to_string()
            };
        }
        times.sort();
        all.extend(times.iter().copied());
        println!(
            "| {backend} | {label} | {} | {} | {} | {total} |",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().unwrap())
        );
    }
    all.sort();
    println!(
        "| {backend} | all list queries | {} | {} | {} | |",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.95)),
        ms(*all.last().unwrap())
    );

    // Bulk invite: 1,000 new addresses in one submission (invitations + outbox, one transaction).
    let admin_email =
        Email::parse(&format!("bench-{}@portico.test", rand::random::<u32>())).unwrap();
    let admin = accounts::create(
        &connection,
        &admin_email,
        &FullName::parse("Bench Admin").unwrap(),
        &Password::parse("Bench-Pass-1!", Default::default()).unwrap(),
        Role::Admin,
        true,
    )
    .await
    .expect("an admin");
    let user = SessionUser {
        must_change_password: false,
        id: admin.id,
        email: admin.email.clone(),
        full_name: admin.full_name.clone(),
        role: Role::Admin,
    };
    let state = AppState {
        db: connection.clone(),
        settings: std::sync::Arc::new(app::ssr::ServerSettings {
            public_url: "http://127.0.0.1:3000".into(),
            session_idle_timeout: Duration::from_secs(3600),
            session_absolute_timeout: Duration::from_secs(3600),
            rate_limits: app::ssr::rate_limit::RateLimits {
                login_failures_per_account: limit(),
                login_failures_per_ip: limit(),
                bad_links_per_ip: limit(),
                sign_ups_per_ip: limit(),
                invites_per_admin: limit(),
                mails_per_recipient: limit(),
                password_resets_per_ip: limit(),
                api_requests_per_token: limit(),
                trusted_proxies: vec![],
            },
            portal_name: "Portico".into(),
            invitation_subject: "You're invited to {portal}".into(),
            webhooks: Default::default(),
        }),
    };
    let run = rand::random::<u32>();
    let mut times = Vec::with_capacity(BULK_RUNS);
    for round in 0..BULK_RUNS {
        let addresses: Vec<String> = (0..1000)
            .map(|i| format!("bulk{run}-{round}-{i}@bench.example"))
            .collect();
        let started = Instant::now();
        let report = invitations::invite(
            &state,
            app::ssr::services::operator::Operator::Admin(&user),
            &addresses.join(";"),
            None,
            Role::Developer,
            chrono::Utc::now(),
        )
        .await
        .expect("invite");
        times.push(started.elapsed());
        assert_eq!(report.invited_count(), 1000);
    }
    times.sort();
    println!(
        "| {backend} | bulk invite of 1,000 addresses (one transaction; {BULK_RUNS} runs) | {} | | {} | 1000 |",
        ms(percentile(&times, 0.5)),
        ms(*times.last().unwrap())
    );

    // Mail worker throughput: the invitation emails just queued, delivered to the SMTP
    // server named by PORTICO_BENCH_SMTP_URL (scripts/bench.sh starts maildev) through the
    // worker's pooled connections.
    if let Ok(smtp_url) = std::env::var("PORTICO_BENCH_SMTP_URL") {
        let mut config = server::Config::defaults();
        config.mail.smtp_url = Some(smtp_url);
        let worker = app::ssr::mail::Worker::new(connection.clone(), config.mail_settings())
            .expect("a mail worker");
        let started = Instant::now();
        let mut delivered = 0;
        loop {
            let claimed = worker.run_once().await.expect("a worker round");
            if claimed == 0 {
                break;
            }
            delivered += claimed;
        }
        let took = started.elapsed();
        println!(
            "| {backend} | mail worker: {delivered} queued emails to a local SMTP server | {} | | | {:.0} msg/s |",
            ms(took),
            delivered as f64 / took.as_secs_f64()
        );
    }

    // Login enumeration by timing: an unknown email, a known one with a wrong password, and
    // an inactive account must take the same time (one argon2 verification each).
    let inactive_email = Email::parse(&format!("bench-off-{run}@portico.test")).unwrap();
    accounts::create(
        &connection,
        &inactive_email,
        &FullName::parse("Inactive Bench").unwrap(),
        &Password::parse("Bench-Pass-1!", Default::default()).unwrap(),
        Role::Developer,
        false,
    )
    .await
    .expect("an inactive account");
    let cases = [
        (
            "unknown email",
            format!("nobody-{run}@portico.test"),
            "Wrong-Pass-1!",
        ),
        (
            "known email, wrong password",
            admin_email.as_str().to_owned(),
            "Wrong-Pass-1!",
        ),
        (
            "inactive account, right password",
            inactive_email.as_str().to_owned(),
            "Bench-Pass-1!",
        ),
    ];
    for (label, email, password) in cases {
        let mut times = Vec::with_capacity(RUNS * 2);
        for _ in 0..RUNS * 2 {
            let started = Instant::now();
            let found = accounts::authenticate(&connection, &email, password)
                .await
                .expect("authenticate");
            times.push(started.elapsed());
            assert!(found.is_none());
        }
        times.sort();
        println!(
            "| {backend} | failed login: {label} | {} | {} | {} | |",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().unwrap())
        );
    }

    // Password-reset requests by timing: an unknown address, an active account and an
    // inactive one must take the same time (each only queues an email; the worker decides
    // later what it says).
    let reset_cases = [
        ("unknown email", format!("nobody-{run}@portico.test")),
        ("active account", admin_email.as_str().to_owned()),
        ("inactive account", inactive_email.as_str().to_owned()),
    ];
    for (label, email) in reset_cases {
        let email = Email::parse(&email).unwrap();
        let mut times = Vec::with_capacity(RUNS * 2);
        for _ in 0..RUNS * 2 {
            let started = Instant::now();
            password_reset::request(&connection, &email, chrono::Utc::now())
                .await
                .expect("a reset request");
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "| {backend} | password-reset request: {label} | {} | {} | {} | |",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().unwrap())
        );
    }
}

fn limit() -> app::ssr::rate_limit::Limit {
    app::ssr::rate_limit::Limit {
        max: u32::MAX,
        window: Duration::from_secs(60),
    }
}
