//! Consumers > Invitations: search, filter, sort and page the invitations; invite, review,
//! delete and resend. The list stays current while it is open: it is read again after every
//! action, when its navigation link is clicked, and on a timer while the tab is visible.

mod auto_refresh;
mod decision;
pub mod import;
mod invite_modal;
mod params;
pub mod requests;
mod row_actions;

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use self::{
    auto_refresh::{read_page, refresh_while_visible},
    decision::DecisionDetails,
    invite_modal::InviteModal,
    params::ListParams,
    row_actions::{RowActions, RowDialog, RowDialogs},
};
use super::AdminFrame;
use crate::{
    components::{
        layout::{NavClicks, WaitingRequests},
        time::LocalTime,
    },
    domain::{invitation::paging, InvitationStatus},
    model::invitation::{InvitationList, InvitationRow, Origin, SortKey, PAGE_SIZES},
};

#[component]
pub fn InvitationsPage() -> impl IntoView {
    view! {
        <Title text="Invitations" />
        <AdminFrame>
            <Invitations />
        </AdminFrame>
    }
}

#[component]
fn Invitations() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(ListParams::from_query));
    // Bumped after every change so the list is read again.
    let version = RwSignal::new(0u32);
    // A click on this page's own navigation link changes no URL; it reads the list again.
    let nav_clicks = use_context::<NavClicks>().map(|NavClicks(clicks)| clicks);
    let list = Resource::new(
        move || (params.get(), version.get(), nav_clicks.map(|c| c.get())),
        |(p, _, _)| read_page(p),
    );
    refresh_while_visible(params, list);
    let inviting = RwSignal::new(false);
    let dialog = RwSignal::new(None::<RowDialog>);
    // A resend, a new invitation or a delete may answer requests: their count follows.
    let requests = use_context::<WaitingRequests>();
    let refresh = Callback::new(move |_: ()| {
        version.update(|v| *v = v.wrapping_add(1));
        if let Some(requests) = requests {
            requests.changed();
        }
    });

    view! {
        <div class="page-header">
            <div>
                <p class="breadcrumb">"Consumers"</p>
                <h1>"Invitations"</h1>
            </div>
            <div class="button-row header-actions">
                // A download: the browser follows the link (rel=external keeps the router out).
                <a class="button secondary" href=move || params.get().export_href() rel="external" download
                    data-testid="export-csv" title="Every invitation of this search, status and order, as a CSV file">
                    "EXPORT CSV"
                </a>
                <RequestsLink />
                <a class="button secondary" href="/admin/invitations/import" data-testid="import-link"
                    title="Invite from a CSV file or a pasted list, with a preview of each row">"IMPORT"</a>
                <button class="button primary" on:click=move |_| inviting.set(true)>"+ INVITE"</button>
            </div>
        </div>
        <SearchBar params />
        <Transition fallback=|| view! { <p class="loading">"Loading invitations…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(page) => view! { <Table page params refresh dialog /> }.into_any(),
                    Err(e) => view! {
                        <p class="form-error" role="alert">{e.to_string()}</p>
                        <BackToNumberedPages params />
                    }.into_any(),
                }
            })}
        </Transition>
        <RowDialogs dialog refresh />
        <Show when=move || inviting.get()>
            <InviteModal on_close=Callback::new(move |_| inviting.set(false)) on_changed=refresh />
        </Show>
    }
}

/// REQUESTS, with a badge of how many wait: developers who asked for a new invitation.
#[component]
fn RequestsLink() -> impl IntoView {
    let requests = use_context::<WaitingRequests>().unwrap_or_default();
    view! {
        <a class="button secondary" href="/admin/invitations/requests" data-testid="requests-link"
            title="Developers whose link expired or was replaced and who asked for a new invitation">
            "REQUESTS"
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let waiting = requests.waiting().await;
                    (waiting > 0).then(|| view! {
                        <span class="count-badge" data-testid="requests-count">{waiting.to_string()}</span>
                        <span class="visually-hidden">" waiting"</span>
                    })
                })}
            </Transition>
        </a>
    }
}

/// Part of an email, a status and SEARCH (Enter works too). The values live in the URL.
#[component]
fn SearchBar(params: Memo<ListParams>) -> impl IntoView {
    let navigate = use_navigate();
    let search = RwSignal::new(params.get_untracked().search);
    let status = RwSignal::new(params.get_untracked().status);
    // Follow the URL when it changes underneath (back button).
    Effect::new(move |_| {
        let p = params.get();
        search.set(p.search);
        status.set(p.status);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let next = ListParams {
            search: search.get_untracked().trim().to_owned(),
            status: status.get_untracked(),
            ..params.get_untracked().first_page()
        };
        navigate(&next.href(), Default::default());
    };
    view! {
        <form class="search-bar" role="search" on:submit=submit>
            <label class="visually-hidden" for="search-email">"Search by email"</label>
            <input
                id="search-email"
                type="search"
                placeholder="Search by email or part of it"
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))
            />
            <label class="visually-hidden" for="search-status">"Status"</label>
            <select id="search-status" on:change=move |ev| status.set(event_target_value(&ev)) prop:value=move || status.get()>
                <option value="">"All statuses"</option>
                {InvitationStatus::ALL
                    .into_iter()
                    .map(|s| view! { <option value=s.as_str()>{s.label()}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="button secondary">"SEARCH"</button>
        </form>
    }
}

#[component]
fn Table(
    page: InvitationList,
    params: Memo<ListParams>,
    refresh: Callback<()>,
    dialog: RwSignal<Option<RowDialog>>,
) -> impl IntoView {
    let now = Utc::now();
    let p = params.get_untracked();
    let total = page.total;
    let skipped = (page.page - 1) * page.page_size;
    let first = if page.rows.is_empty() { 0 } else { skipped + 1 };
    let last = skipped + page.rows.len() as u64;
    let links = PageLinks {
        page: page.page,
        pages: total.div_ceil(page.page_size).max(page.page),
        at_least: page.total_is_lower_bound,
        previous: page.previous.clone(),
        next: page.next.clone(),
    };
    let sort_header = {
        let p = p.clone();
        move |key: SortKey, label: &'static str| {
            let sorted = p.sort == key;
            let aria = if !sorted {
                "none"
            } else if p.descending {
                "descending"
            } else {
                "ascending"
            };
            let arrow = if !sorted {
                ""
            } else if p.descending {
                " ↓"
            } else {
                " ↑"
            };
            view! {
                <th scope="col" aria-sort=aria>
                    <a href=p.sorted_by(key).href() class="sort-link">{label}{arrow}</a>
                </th>
            }
        }
    };
    let empty = page.rows.is_empty();
    let rows = page.rows;
    view! {
        <div class="table-wrap">
            <table class="data-table" data-testid="invitations-table">
                <thead>
                    <tr>
                        {sort_header(SortKey::Email, "Email")}
                        {sort_header(SortKey::InvitedAt, "Invited at")}
                        {sort_header(SortKey::ValidUntil, "Valid until")}
                        <th scope="col">"Status"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    // Keyed by the whole row: a row whose data changed (a new status after a
                    // refresh, a row shifted by a resend) is drawn anew instead of being patched
                    // in place over another row's elements, so its attributes (`data-email`, a
                    // button's `disabled`) always belong to the data it shows.
                    <For each=move || rows.clone() key=|row| format!("{row:?}") let:row>
                        <Row row now refresh dialog />
                    </For>
                </tbody>
            </table>
            {empty.then(|| view! {
                <p class="empty-state">
                    {if p.search.is_empty() && p.status.is_empty() {
                        "No invitations yet. Use + INVITE to invite your first developers."
                    } else {
                        "No invitation matches this search."
                    }}
                </p>
            })}
        </div>
        <Pager params total first last links />
    }
}

#[component]
fn Row(
    row: InvitationRow,
    now: chrono::DateTime<Utc>,
    refresh: Callback<()>,
    dialog: RwSignal<Option<RowDialog>>,
) -> impl IntoView {
    let status = row.status;
    let decision = row
        .decision
        .clone()
        .map(|decision| view! { <DecisionDetails decision now /> });
    let self_registered = row.origin == Origin::SelfRegistration;
    let (email, invited_at, valid_until) = (row.email.clone(), row.invited_at, row.valid_until);
    let email_attr = email.clone();
    let delivery = row.delivery.clone().map(|d| {
        let explanation = d.explanation();
        view! {
            <span class=format!("delivery delivery-{}", d.state.as_str()) title=explanation.clone()
                tabindex="0" data-testid="delivery" data-delivery=d.state.as_str()>
                {d.state.label()}
                <span class="visually-hidden">{format!(": {explanation}")}</span>
            </span>
        }
    });
    view! {
        <tr data-testid="invitation-row" data-email=email_attr data-status=status.as_str()>
            <td class="email-cell">
                <span class="cell-text" title=email.clone()>{email.clone()}</span>
                {self_registered.then(|| view! { <span class="origin-tag">"self-registration"</span> })}
                {(row.role == crate::domain::Role::Admin).then(|| view! { <span class="origin-tag" data-testid="admin-invitation">"administrator"</span> })}
                {delivery}
            </td>
            <td data-label="Invited"><LocalTime at=invited_at now /></td>
            <td data-label="Valid until"><LocalTime at=valid_until now /></td>
            <td>
                <span class=format!("badge badge-{}", status.as_str()) title=status.description()>
                    {status.label()}
                </span>
                {decision}
            </td>
            <td><RowActions row refresh dialog /></td>
        </tr>
    }
}

/// Where a page sits in the list and the keys of its neighbours.
struct PageLinks {
    page: u64,
    pages: u64,
    /// The total is a lower bound ("1,000+"), so `pages` is too.
    at_least: bool,
    previous: Option<String>,
    next: Option<String>,
}

/// 12345 as "12,345".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[component]
fn Pager(
    params: Memo<ListParams>,
    total: u64,
    first: u64,
    last: u64,
    links: PageLinks,
) -> impl IntoView {
    let navigate = use_navigate();
    let p = params.get_untracked();
    let page = links.page;
    let prev = links.previous.map(|key| p.at_page(page - 1, &key).href());
    let next = links.next.map(|key| p.at_page(page + 1, &key).href());
    let plus = if links.at_least { "+" } else { "" };
    let on_size = {
        let p = p.clone();
        move |ev: leptos::ev::Event| {
            let size = event_target_value(&ev).parse().unwrap_or(PAGE_SIZES[0]);
            navigate(
                &ListParams {
                    page_size: size,
                    ..p.first_page()
                }
                .href(),
                Default::default(),
            );
        }
    };
    view! {
        <nav class="pager" aria-label="Pages">
            <span data-testid="pager-summary">
                {format!("{first}–{last} of {}{plus}", grouped(total))}
            </span>
            <label>
                "Per page "
                <select on:change=on_size prop:value=p.page_size.to_string()>
                    {PAGE_SIZES.into_iter().map(|s| view! { <option value=s.to_string()>{s}</option> }).collect_view()}
                </select>
            </label>
            {match prev {
                Some(href) => view! { <a class="button secondary small" href=href rel="prev">"Previous"</a> }.into_any(),
                None => view! { <span class="button secondary small" aria-disabled="true">"Previous"</span> }.into_any(),
            }}
            <span>{format!("Page {page} of {}{plus}", grouped(links.pages))}</span>
            {match next {
                Some(href) => view! { <a class="button secondary small" href=href rel="next">"Next"</a> }.into_any(),
                None => view! { <span class="button secondary small" aria-disabled="true">"Next"</span> }.into_any(),
            }}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        let cases = [
            (0, "0"),
            (25, "25"),
            (999, "999"),
            (1_000, "1,000"),
            (10_000, "10,000"),
        ];
        for (n, text) in cases {
            assert_eq!(super::grouped(n), text);
        }
        assert_eq!(super::grouped(1_234_567), "1,234,567");
    }
}

/// Past the numbered pages (a page number typed or bookmarked), a way back to the last one
/// that has a number, the same search, status and order.
#[component]
fn BackToNumberedPages(params: Memo<ListParams>) -> impl IntoView {
    move || {
        let p = params.get();
        let beyond = p.cursor.is_empty() && paging::beyond_numbered_pages(p.page, p.page_size);
        beyond.then(|| {
            let last = paging::last_numbered_page(p.page_size);
            let href = ListParams { page: last, ..p }.href();
            view! {
                <div class="button-row">
                    <a class="button secondary" href=href data-testid="last-numbered-page">
                        {format!("Go to page {last}")}
                    </a>
                </div>
            }
        })
    }
}
