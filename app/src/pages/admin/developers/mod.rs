//! Consumers > Developers: every account, active or inactive; search by name or email, filter
//! by state, sign an account out everywhere, deactivate (which also signs it out) and reactivate.

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use super::{list_url, AdminFrame};

mod sign_out;
use crate::{
    api::developers::{list_developers, SetAccountState},
    components::{
        form::SubmitButton, modal::Modal, pager::PageLinks, time::LocalTime, toast::use_toasts,
    },
    domain::{decide_account, AccountAction, Role},
    model::account::{AccountStateFilter, DeveloperList, DeveloperRow},
};
use sign_out::SignOutButton;

/// The page's state, kept in the URL so a view can be bookmarked and Back works.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DeveloperParams {
    search: String,
    state: AccountStateFilter,
    page: u64,
}

impl DeveloperParams {
    fn from_query(query: &ParamsMap) -> Self {
        Self {
            search: query.get("q").unwrap_or_default(),
            state: query
                .get("show")
                .and_then(|v| AccountStateFilter::parse(&v))
                .unwrap_or(AccountStateFilter::All),
            page: list_url::page_from(query),
        }
    }

    fn href(&self) -> String {
        let mut parts = Vec::new();
        if !self.search.is_empty() {
            parts.push(format!(
                "q={}",
                crate::components::auth::encode_query_value(&self.search)
            ));
        }
        if self.state != AccountStateFilter::All {
            parts.push(format!("show={}", self.state.as_str()));
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        list_url::href("/admin/developers", &parts)
    }
}

#[component]
pub fn DevelopersPage() -> impl IntoView {
    view! {
        <Title text="Developers" />
        <AdminFrame>
            <Developers />
        </AdminFrame>
    }
}

#[component]
fn Developers() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(DeveloperParams::from_query));
    let version = RwSignal::new(0u32);
    let list = Resource::new(
        move || (params.get(), version.get()),
        |(p, _)| {
            list_developers(
                Some(p.search),
                Some(p.state.as_str().to_owned()),
                Some(p.page),
            )
        },
    );
    let refresh = Callback::new(move |_: ()| version.update(|v| *v += 1));
    view! {
        <div class="page-header">
            <div>
                <p class="breadcrumb">"Consumers"</p>
                <h1>"Developers"</h1>
            </div>
        </div>
        <SearchBar params />
        <Transition fallback=|| view! { <p class="loading">"Loading developers…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(page) => view! { <Table page params refresh /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SearchBar(params: Memo<DeveloperParams>) -> impl IntoView {
    let navigate = use_navigate();
    let search = RwSignal::new(params.get_untracked().search);
    let state = RwSignal::new(params.get_untracked().state);
    Effect::new(move |_| {
        let p = params.get();
        search.set(p.search);
        state.set(p.state);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let next = DeveloperParams {
            search: search.get_untracked().trim().to_owned(),
            state: state.get_untracked(),
            page: 1,
        };
        navigate(&next.href(), Default::default());
    };
    view! {
        <form class="search-bar" role="search" on:submit=submit>
            <label class="visually-hidden" for="search-developer">"Search by name or email"</label>
            <input
                id="search-developer"
                type="search"
                placeholder="Search by name or email"
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))
            />
            <label class="visually-hidden" for="search-state">"Show"</label>
            <select
                id="search-state"
                prop:value=move || state.get().as_str()
                on:change=move |ev| {
                    state.set(AccountStateFilter::parse(&event_target_value(&ev)).unwrap_or(AccountStateFilter::All))
                }
            >
                {AccountStateFilter::ALL
                    .into_iter()
                    .map(|f| view! { <option value=f.as_str()>{f.label()}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="button secondary">"SEARCH"</button>
        </form>
    }
}

#[component]
fn Table(
    page: DeveloperList,
    params: Memo<DeveloperParams>,
    refresh: Callback<()>,
) -> impl IntoView {
    let now = Utc::now();
    let p = params.get_untracked();
    let total = page.total;
    let pages = total.div_ceil(page.page_size).max(1);
    let first = if total == 0 {
        0
    } else {
        (page.page - 1) * page.page_size + 1
    };
    let last = ((page.page - 1) * page.page_size + page.rows.len() as u64).min(total);
    let empty = page.rows.is_empty();
    let link = |page: u64| DeveloperParams { page, ..p.clone() }.href();
    let prev = (p.page > 1).then(|| link(p.page - 1));
    let next = (p.page < pages).then(|| link(p.page + 1));
    view! {
        <div class="table-wrap">
            <table class="data-table" data-testid="developers-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Joined"</th>
                        <th scope="col">"Last sign-in"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|row| view! { <Row row now refresh /> }).collect_view()}
                </tbody>
            </table>
            {empty.then(|| view! {
                <p class="empty-state">
                    {if p.search.is_empty() && p.state == AccountStateFilter::All {
                        "No accounts yet. Developers appear here once they complete an invitation."
                    } else {
                        "No account matches this search."
                    }}
                </p>
            })}
        </div>
        <PageLinks summary=format!("{first}–{last} of {total}") page=p.page pages previous=prev next />
    }
}

#[component]
fn Row(row: DeveloperRow, now: chrono::DateTime<Utc>, refresh: Callback<()>) -> impl IntoView {
    let standing = row.standing;
    let (joined, last_login) = (row.joined_at, row.last_login_at);
    let is_admin = row.role == Role::Admin;
    let email = row.email.clone();
    let email_attr = email.clone();
    view! {
        <tr data-testid="developer-row" data-email=email_attr data-standing=standing.as_str()>
            <td>
                {row.full_name.clone()}
                {is_admin.then(|| view! { <span class="origin-tag">"admin"</span> })}
                {row.own_account.then(|| view! { <span class="origin-tag">"you"</span> })}
            </td>
            <td class="email-cell"><span class="cell-text" title=email.clone()>{email.clone()}</span></td>
            <td>
                <span class=format!("badge badge-standing-{}", standing.as_str()) title=standing.description()>
                    {standing.label()}
                </span>
            </td>
            <td data-label="Joined"><LocalTime at=joined now /></td>
            <td data-label="Last sign-in">
                {match last_login {
                    Some(at) => view! { <LocalTime at now /> }.into_any(),
                    None => view! { <span class="muted">"Never"</span> }.into_any(),
                }}
            </td>
            <td>
                <div class="row-actions">
                    <SignOutButton row=row.clone() />
                    <AccountStateButton row refresh />
                </div>
            </td>
        </tr>
    }
}

/// Deactivate for an active account, Reactivate for a deactivated one; for the others the
/// button is disabled and its tooltip says why (the rule comes from the domain).
#[component]
fn AccountStateButton(row: DeveloperRow, refresh: Callback<()>) -> impl IntoView {
    let action = if row.standing.is_active() {
        AccountAction::Deactivate
    } else {
        AccountAction::Reactivate
    };
    let verdict = decide_account(row.standing, action, row.own_account);
    let label = match action {
        AccountAction::Deactivate => "Deactivate",
        AccountAction::Reactivate => "Reactivate",
    };
    let tooltip = match verdict {
        Ok(_) => format!("{label} {}", row.email),
        Err(refusal) => refusal.to_string(),
    };
    let confirming = RwSignal::new(false);
    let row = StoredValue::new(row);
    view! {
        <button
            type="button"
            class="button secondary small"
            title=tooltip
            disabled=verdict.is_err()
            data-action=action_name(action)
            on:click=move |_| confirming.set(true)
        >
            {label}
        </button>
        <Show when=move || confirming.get()>
            <ConfirmModal row action on_close=Callback::new(move |_| confirming.set(false)) refresh />
        </Show>
    }
}

/// The action as its server function reads it (and as the tests find its button).
fn action_name(action: AccountAction) -> &'static str {
    match action {
        AccountAction::Deactivate => "deactivate",
        AccountAction::Reactivate => "reactivate",
    }
}

#[component]
fn ConfirmModal(
    row: StoredValue<DeveloperRow>,
    action: AccountAction,
    on_close: Callback<()>,
    refresh: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let change = ServerAction::<SetAccountState>::new();
    Effect::new(move |_| {
        if let Some(result) = change.value().get() {
            let name = row.with_value(|r| r.full_name.clone());
            match result {
                Ok(_) if action == AccountAction::Deactivate => {
                    toasts.success(format!("{name} is deactivated and signed out everywhere."))
                }
                Ok(_) => toasts.success(format!("{name} is active again and can sign in.")),
                Err(e) => toasts.error(e.to_string()),
            }
            on_close.run(());
            refresh.run(());
        }
    });
    let (name, email) = row.with_value(|r| (r.full_name.clone(), r.email.clone()));
    let (title, text, button, class) = match action {
        AccountAction::Deactivate => (
            "Deactivate account",
            " will be signed out at once and cannot sign in until the account is reactivated.",
            "DEACTIVATE",
            "button danger",
        ),
        AccountAction::Reactivate => (
            "Reactivate account",
            " will be able to sign in and see the portal again.",
            "REACTIVATE",
            "button primary",
        ),
    };
    view! {
        <Modal title=title on_close>
            <p><strong>{name}</strong> " (" {email} ")" {text}</p>
            <ActionForm action=change>
                <input type="hidden" name="id" value=row.with_value(|r| r.id.to_string()) />
                <input type="hidden" name="action" value=action_name(action) />
                <div class="modal-actions">
                    <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"CANCEL"</button>
                    <SubmitButton label=button class pending=change.pending() />
                </div>
            </ActionForm>
        </Modal>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_keeps_search_filter_and_page() {
        let params = DeveloperParams {
            search: "ada lovelace&co".into(),
            state: AccountStateFilter::Inactive,
            page: 3,
        };
        assert_eq!(
            params.href(),
            "/admin/developers?q=ada%20lovelace%26co&show=inactive&page=3"
        );
        let mut query = ParamsMap::new();
        query.insert("q", "ada lovelace&co".to_owned());
        query.insert("show", "inactive".to_owned());
        query.insert("page", "3".to_owned());
        assert_eq!(DeveloperParams::from_query(&query), params);
        assert_eq!(
            DeveloperParams::from_query(&ParamsMap::new()).href(),
            "/admin/developers"
        );
    }
}
