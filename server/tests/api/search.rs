//! The invitations list over its search index (`domain::search`, `invitation_grams`): for
//! every kind of term, status filter and sort, walking the pages by their links (up to four
//! pages, forward and back) gives exactly what a plain substring filter over all rows gives,
//! on every backend the suite runs on; the total is exact up to 1,000 and labelled a lower
//! bound beyond; the index follows deletes and is filled for invitations stored before it
//! existed.

use crate::support::{invalid_input, SettingsFields, TestApp, DEVELOPER_PASSWORD};
use app::{
    domain::{effective_status, search, StoredStatus},
    model::invitation::InvitationList,
    ssr::{
        entities::{invitation, invitation_gram},
        migrations::Migrator,
        services::{generate, search_index},
    },
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use sea_orm_migration::MigratorTrait;

/// Addresses sharing "common", more than the planner's candidate limit (1,000), so common
/// terms take the other plans.
const COMMON: usize = 1_100;
/// Totals beyond this are shown as "1,000+".
pub(crate) const COUNT_LIMIT: usize = app::domain::invitation::paging::COUNT_LIMIT as usize;

fn emails(page: &InvitationList) -> Vec<String> {
    page.rows.iter().map(|r| r.email.clone()).collect()
}

/// What a plain filter over every row says the list must show, in order.
fn expected(
    all: &[invitation::Model],
    term: &str,
    status: &str,
    sort: &str,
    descending: bool,
) -> Vec<String> {
    let now = chrono::Utc::now();
    let mut rows: Vec<&invitation::Model> = all
        .iter()
        .filter(|r| r.email_normalized.contains(term))
        .filter(|r| {
            status.is_empty()
                || effective_status(StoredStatus::parse(&r.status).unwrap(), r.valid_until, now)
                    .as_str()
                    == status
        })
        .collect();
    rows.sort_by(|a, b| {
        let by_key = match sort {
            "email" => a.email_normalized.cmp(&b.email_normalized),
            "valid_until" => a.valid_until.cmp(&b.valid_until),
            _ => a.invited_at.cmp(&b.invited_at),
        };
        by_key.then(a.id.cmp(&b.id))
    });
    if descending {
        rows.reverse();
    }
    rows.into_iter().map(|r| r.email.clone()).collect()
}

/// Up to `MAX_PAGES` pages of a view, following Next from the first page and then Previous
/// back to the first; checks both walks agree. Returns the rows, whether more pages follow,
/// and the total.
async fn walk(app: &TestApp, form: &[(&str, &str)]) -> (Vec<String>, bool, (u64, bool)) {
    const MAX_PAGES: usize = 4;
    let mut pages = vec![app.list(form).await];
    while let Some(next) = pages.last().unwrap().next.clone() {
        if pages.len() == MAX_PAGES {
            break;
        }
        let page = (pages.len() + 1).to_string();
        let mut at = form.to_vec();
        at.extend([("cursor", next.as_str()), ("page", page.as_str())]);
        pages.push(app.list(&at).await);
        assert!(pages.len() < 200, "the links loop");
    }
    let forward: Vec<String> = pages.iter().flat_map(emails).collect();
    // Back from the last page to the first.
    let mut backward: Vec<Vec<String>> = vec![emails(pages.last().unwrap())];
    let mut current = pages.last().unwrap().clone();
    while let Some(previous) = current.previous.clone() {
        let mut at = form.to_vec();
        at.push(("cursor", previous.as_str()));
        current = app.list(&at).await;
        backward.push(emails(&current));
        assert!(
            backward.len() <= pages.len(),
            "Previous goes past the first page"
        );
    }
    backward.reverse();
    assert_eq!(
        backward.concat(),
        forward,
        "walking back differs for {form:?}"
    );
    assert_eq!(current.page, 1, "the walk back ends on page 1");
    let more = pages.last().unwrap().next.is_some();
    let total = (pages[0].total, pages[0].total_is_lower_bound);
    (forward, more, total)
}

/// Invites [`COMMON`] addresses sharing "common@acme.io", a thousand per call.
pub(crate) async fn invite_common(app: &TestApp) {
    for chunk in (0..COMMON).collect::<Vec<_>>().chunks(1_000) {
        let batch: Vec<String> = chunk
            .iter()
            .map(|i| format!("x{i}.common@acme.io"))
            .collect();
        app.invite(&batch.join(";")).await;
    }
}

#[tokio::test]
async fn every_kind_of_term_lists_exactly_the_rows_a_plain_filter_finds() {
    println!("backend: {}", crate::support::backend());
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let db = app.db().await;
    // Realistic rows in every status, then many sharing one word, a few with punctuation,
    // underscores, percent signs and non-ASCII letters.
    generate::invitations(&db, 400, 7).await.unwrap();
    invite_common(&app).await;
    app.invite("grey.g@q.co;y_g@q.co;per%cent@q.co;zoë.ålund@été.fr;a@b.io")
        .await;
    for expired in ["x7.common@acme.io", "x1500.common@acme.io", "grey.g@q.co"] {
        app.expire_invitations_of(expired).await;
    }
    let all = invitation::Entity::find().all(&db).await.unwrap();

    let terms = [
        "",
        "common",
        "common@",
        "x15",
        "x1500.common@acme.io",
        "y.g",
        "y_g",
        "%",
        "_",
        "q.c",
        "ë",
        "été",
        ".",
        "a",
        "ov",
        "co",
        "@acme.io",
        "no-such-address",
        "zz",
    ];
    // First as the planner sees a day's new rows (the common grams not counted yet), then with
    // them counted: the walks and the orders they allow differ (a common term whose gram has
    // few rows is sorted among that gram's matches).
    for counted_now in [false, true] {
        if counted_now {
            search_index::recount_grams(&db, chrono::Utc::now())
                .await
                .unwrap();
        }
        check_every_term(&app, &all, &terms).await;
    }
}

#[tokio::test]
async fn a_common_term_in_another_order_lists_what_a_plain_filter_finds_whether_its_matches_come_first_or_last(
) {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let db = app.db().await;
    // Addresses that sort (and expire) before the common ones, more than the list reads along
    // the sort column's index before it sorts the term's matches instead.
    let before: Vec<String> = (0..COMMON + 100)
        .map(|i| format!("b{i}@before.io"))
        .collect();
    for chunk in before.chunks(600) {
        app.invite(&chunk.join(";")).await;
    }
    invite_common(&app).await;
    search_index::recount_grams(&db, chrono::Utc::now())
        .await
        .unwrap();
    let all = invitation::Entity::find().all(&db).await.unwrap();

    for (sort, descending) in [
        ("email", false),
        ("email", true),
        ("valid_until", false),
        ("valid_until", true),
    ] {
        let direction = if descending { "true" } else { "false" };
        let form = [
            ("search", "common"),
            ("sort", sort),
            ("descending", direction),
            ("page_size", "100"),
        ];
        let want = expected(&all, "common", "", sort, descending);
        assert!(want.len() > COUNT_LIMIT);
        let (listed, more, total) = walk(&app, &form).await;
        assert_eq!(total, (COUNT_LIMIT as u64, true), "{form:?}");
        assert!(more, "{form:?}");
        assert!(
            listed[..] == want[..listed.len()],
            "{form:?}: the rows differ"
        );
        let mut third = form.to_vec();
        third.push(("page", "3"));
        assert_eq!(
            emails(&app.list(&third).await),
            want[200..300],
            "{form:?}, page 3 by number"
        );
    }
}

/// Each term, in every order and status shape, walked page by page, against a plain filter.
async fn check_every_term(app: &TestApp, all: &[invitation::Model], terms: &[&str]) {
    for &term in terms {
        for (status, sort, descending) in [
            ("", "invited_at", true),
            ("", "invited_at", false),
            ("expired", "invited_at", true),
            ("pending", "email", false),
            ("", "valid_until", true),
            ("", "email", true),
        ] {
            check_view(app, all, term, status, sort, descending).await;
        }
    }
}

/// One view of the list (`term`, `status`, order) walked page by page by its links, against
/// what a plain filter over `all` finds: the total, the rows in order, the Next link.
pub(crate) async fn check_view(
    app: &TestApp,
    all: &[invitation::Model],
    term: &str,
    status: &str,
    sort: &str,
    descending: bool,
) {
    let direction = if descending { "true" } else { "false" };
    let form = [
        ("search", term),
        ("status", status),
        ("sort", sort),
        ("descending", direction),
        ("page_size", "100"),
    ];
    let (listed, more, total) = walk(app, &form).await;
    let want = expected(all, term, status, sort, descending);
    let counted = (want.len().min(COUNT_LIMIT) as u64, want.len() > COUNT_LIMIT);
    assert_eq!(total, counted, "{form:?}");
    assert!(
        listed.len() <= want.len(),
        "{form:?}: rows listed twice or extra"
    );
    assert_eq!(more, listed.len() < want.len(), "{form:?}: Next link");
    assert!(
        listed[..] == want[..listed.len()],
        "{form:?}: the order or the rows differ"
    );
    if !more {
        assert_eq!(listed.len(), want.len(), "{form:?}");
    }
}

#[tokio::test]
async fn totals_beyond_a_thousand_are_labelled_and_paging_stays_exact() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let db = app.db().await;
    generate::invitations(&db, 1_050, 11).await.unwrap();

    for form in [vec![], vec![("search", ".")], vec![("search", "@")]] {
        let page = app.list(&form).await;
        assert_eq!(page.total, COUNT_LIMIT as u64, "{form:?}");
        assert!(page.total_is_lower_bound, "{form:?}");
    }
    // A rarer term is counted exactly.
    let all = invitation::Entity::find().all(&db).await.unwrap();
    let ada = all
        .iter()
        .filter(|r| r.email_normalized.contains("ada."))
        .count();
    let page = app.list(&[("search", "ada.")]).await;
    assert_eq!(page.total, ada as u64);
    assert!(!page.total_is_lower_bound);

    // A deep page by number and the same page reached by links agree.
    let by_number = app.list(&[("page", "3"), ("page_size", "100")]).await;
    assert_eq!(emails(&by_number).len(), 100);
    let mut page = app.list(&[("page_size", "100")]).await;
    for n in 2..=3 {
        let next = page.next.clone().unwrap();
        let n = n.to_string();
        page = app
            .list(&[("page_size", "100"), ("cursor", &next), ("page", &n)])
            .await;
    }
    assert_eq!(emails(&page), emails(&by_number));
    assert_eq!(page.page, 3);
}

#[tokio::test]
async fn a_searched_list_by_page_number_shows_the_rows_a_plain_filter_puts_there() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let db = app.db().await;
    generate::invitations(&db, 200, 5).await.unwrap();
    invite_common(&app).await;
    let all = invitation::Entity::find().all(&db).await.unwrap();
    // "common": more matches than the count reaches; "2.co": a rare gram's rows, walked
    // whole; "x15": a three-character term, its own gram.
    for term in ["common", "2.co", "x15"] {
        for (sort, descending) in [("invited_at", "true"), ("email", "false")] {
            let want = expected(&all, term, "", sort, descending == "true");
            for page in ["1", "2", "3", "6", "7"] {
                let form = [
                    ("search", term),
                    ("sort", sort),
                    ("descending", descending),
                    ("page", page),
                    ("page_size", "20"),
                ];
                let listed = app.list(&form).await;
                let from = (page.parse::<usize>().unwrap() - 1) * 20;
                let rows = &want[from.min(want.len())..(from + 20).min(want.len())];
                assert_eq!(emails(&listed), rows, "{form:?}");
                assert_eq!(listed.next.is_some(), from + 20 < want.len(), "{form:?}");
                assert_eq!(
                    listed.total as usize,
                    want.len().min(COUNT_LIMIT),
                    "{form:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn generating_more_invitations_into_a_filled_database_adds_new_addresses_and_indexes_them() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let db = app.db().await;
    // The cost curve grows one database in steps, with the same seed each time; the second
    // run used to repeat the first one's addresses and stop on the one-live-address rule.
    let before = invitation::Entity::find().count(&db).await.unwrap();
    generate::invitations(&db, 600, 3).await.unwrap();
    let written = generate::invitations(&db, 600, 3).await.unwrap();
    assert_eq!(written, 600);

    let all = invitation::Entity::find().all(&db).await.unwrap();
    assert_eq!(all.len() as u64, before + 1_200);
    let distinct: std::collections::HashSet<&str> =
        all.iter().map(|r| r.email_normalized.as_str()).collect();
    assert_eq!(distinct.len(), all.len(), "every generated address is new");
    // The second run's rows are in the search index too.
    let newest = all.iter().max_by_key(|r| r.id).unwrap();
    let page = app.list(&[("search", &newest.email_normalized)]).await;
    assert_eq!(emails(&page), vec![newest.email.clone()]);
}

#[tokio::test]
async fn a_status_filter_with_a_term_follows_every_change_of_status() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let saved = app
        .save_settings(SettingsFields {
            auto_approve: "false",
            ..Default::default()
        })
        .await;
    assert_eq!(saved.status(), 200);
    let people = [
        "accepted", "denied", "waiting", "resent", "pending", "lapsed", "again",
    ];
    let addresses: Vec<String> = people.iter().map(|p| format!("{p}@flow.io")).collect();
    app.invite(&addresses.join(";")).await;
    for person in ["accepted", "denied", "waiting"] {
        let token = app.token_for(&format!("{person}@flow.io")).await;
        let (_, completed) = app.complete(&token, "Flow Dev", DEVELOPER_PASSWORD).await;
        assert_eq!(completed.status(), 200, "{person}");
    }
    let id_of = |page: InvitationList| page.rows[0].id.to_string();
    for (person, decision) in [("accepted", "accept"), ("denied", "deny")] {
        let id = id_of(app.list(&[("search", &format!("{person}@"))]).await);
        let form = [("id", id.as_str()), ("decision", decision)];
        assert_eq!(app.call("review_invitation", &form).await.status(), 200);
    }
    let id = id_of(app.list(&[("search", "resent@")]).await);
    let resent = app.call("resend_invitation", &[("id", &id)]).await;
    assert_eq!(resent.status(), 200);
    app.expire_invitations_of("lapsed@flow.io").await;
    // Invited again once expired: the new invitation replaces the first.
    app.expire_invitations_of("again@flow.io").await;
    app.invite("again@flow.io").await;

    for (status, want) in [
        ("approved", vec!["accepted@flow.io"]),
        ("rejected", vec!["denied@flow.io"]),
        ("waiting", vec!["waiting@flow.io"]),
        ("inactivated", vec!["again@flow.io", "resent@flow.io"]),
        (
            "pending",
            vec!["again@flow.io", "pending@flow.io", "resent@flow.io"],
        ),
        ("expired", vec!["lapsed@flow.io"]),
    ] {
        let page = app
            .list(&[("search", "@flow.io"), ("status", status)])
            .await;
        let mut listed = emails(&page);
        listed.sort();
        assert_eq!(listed, want, "{status}");
        assert_eq!(page.total, want.len() as u64, "{status}");
    }
    // Every index row carries its invitation's stored status and validity, its address and
    // that address's signature.
    let db = app.db().await;
    for row in invitation::Entity::find().all(&db).await.unwrap() {
        let grams = invitation_gram::Entity::find()
            .filter(invitation_gram::Column::InvitationId.eq(row.id))
            .all(&db)
            .await
            .unwrap();
        assert!(!grams.is_empty(), "{} is indexed", row.email);
        let bits = search::signature(&search::email_grams(&row.email_normalized));
        for gram in grams {
            assert_eq!(gram.status, row.status.trim_end(), "{}", row.email);
            assert_eq!(gram.signature, bits, "{}", row.email);
            assert_eq!(gram.email_normalized, row.email_normalized);
            // MariaDB keeps the invitation's dates to the second; the index row, to the
            // microsecond.
            let stored = row.valid_until.timestamp_micros();
            assert!(
                (stored..stored + 1_000_000).contains(&gram.valid_until),
                "{}",
                row.email
            );
        }
    }
}

#[tokio::test]
async fn deleting_an_invitation_removes_it_from_the_search_index() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    app.invite("zed@gone.io;zed@stays.io").await;
    let page = app.list(&[("search", "zed@gone")]).await;
    let id = page.rows[0].id.to_string();
    let response = app.call("delete_invitation", &[("id", &id)]).await;
    assert_eq!(response.status(), 200);

    assert_eq!(app.list(&[("search", "zed@")]).await.total, 1);
    let left = invitation_gram::Entity::find()
        .filter(invitation_gram::Column::InvitationId.eq(id.parse::<i32>().unwrap()))
        .count(&app.db().await)
        .await
        .unwrap();
    assert_eq!(left, 0, "the deleted invitation's index rows are gone");
}

#[tokio::test]
async fn invitations_stored_before_the_index_existed_are_found() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    app.invite("old.timer@legacy.io").await;
    let db = app.db().await;
    // Back to the schema before the index (m0007 and every later migration), then forward
    // again: m0033 fills it.
    let since_index = Migrator::migrations().len() as u32 - 6;
    Migrator::down(&db, Some(since_index)).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let page = app.list(&[("search", "timer@leg")]).await;
    assert_eq!(emails(&page), vec!["old.timer@legacy.io".to_owned()]);

    // A page link that does not fit the list is refused with a reason.
    let stale = app
        .call("list_invitations", &[("cursor", "not-a-cursor")])
        .await;
    assert_eq!(stale.status(), 422);
    assert!(invalid_input(stale).await.contains("first page"));
}

#[tokio::test]
async fn a_page_number_past_the_counted_rows_is_refused_and_the_page_links_to_the_last_numbered_one(
) {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let refused = app
        .call("list_invitations", &[("page", "21"), ("page_size", "50")])
        .await;
    assert_eq!(refused.status(), 422);
    let message = invalid_input(refused).await;
    assert!(message.contains("(page 20 at 50 per page)"), "{message}");

    let html = app
        .page("/admin/invitations?q=ada&page=500&size=50")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Go to page 20"), "{html}");
    let href = "/admin/invitations?q=ada&amp;page=20&amp;size=50";
    assert!(
        html.contains(href) || html.contains(&href.replace("&amp;", "&")),
        "the same search, at the last numbered page: {html}"
    );
}
