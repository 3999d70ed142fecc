//! Activity: the audit log, newest first, filtered by what happened and by part of an email.

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    params::ParamsMap,
};

use super::{list_url, AdminFrame};
use crate::{
    api::activity::list_activity,
    components::{auth::encode_query_value, pager::PageLinks, time::LocalTime},
    model::audit::{AuditAction, AuditLog},
};

#[derive(Debug, Clone, PartialEq, Eq)]
struct ActivityParams {
    /// An action name, or empty for all.
    action: String,
    search: String,
    page: u64,
}

impl ActivityParams {
    fn from_query(query: &ParamsMap) -> Self {
        Self {
            action: query
                .get("action")
                .filter(|a| AuditAction::parse(a).is_some())
                .unwrap_or_default(),
            search: query.get("q").unwrap_or_default(),
            page: list_url::page_from(query),
        }
    }

    fn href(&self) -> String {
        let mut parts = Vec::new();
        if !self.action.is_empty() {
            parts.push(format!("action={}", self.action));
        }
        if !self.search.is_empty() {
            parts.push(format!("q={}", encode_query_value(&self.search)));
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        list_url::href("/admin/activity", &parts)
    }
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    view! {
        <Title text="Activity" />
        <AdminFrame>
            <Activity />
        </AdminFrame>
    }
}

#[component]
fn Activity() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(ActivityParams::from_query));
    let list = Resource::new(
        move || params.get(),
        |p| list_activity(Some(p.action), Some(p.search), Some(p.page)),
    );
    view! {
        <div class="page-header">
            <div>
                <p class="breadcrumb">"Audit log"</p>
                <h1>"Activity"</h1>
            </div>
        </div>
        <Filters params />
        <Transition fallback=|| view! { <p class="loading">"Loading activity…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(page) => view! { <Entries page params /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Filters(params: Memo<ActivityParams>) -> impl IntoView {
    let navigate = use_navigate();
    let action = RwSignal::new(params.get_untracked().action);
    let search = RwSignal::new(params.get_untracked().search);
    Effect::new(move |_| {
        let p = params.get();
        action.set(p.action);
        search.set(p.search);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let next = ActivityParams {
            action: action.get_untracked(),
            search: search.get_untracked().trim().to_owned(),
            page: 1,
        };
        navigate(&next.href(), Default::default());
    };
    view! {
        <form class="search-bar" role="search" on:submit=submit>
            <label class="visually-hidden" for="activity-search">"Search by email"</label>
            <input
                id="activity-search"
                type="search"
                placeholder="Search by who acted or whom it concerned"
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))
            />
            <label class="visually-hidden" for="activity-action">"What happened"</label>
            <select id="activity-action" prop:value=move || action.get() on:change=move |ev| action.set(event_target_value(&ev))>
                <option value="">"Everything"</option>
                {AuditAction::ALL
                    .into_iter()
                    .map(|a| view! { <option value=a.as_str()>{a.label()}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="button secondary">"SEARCH"</button>
        </form>
    }
}

#[component]
fn Entries(page: AuditLog, params: Memo<ActivityParams>) -> impl IntoView {
    let now = Utc::now();
    let p = params.get_untracked();
    let pages = page.total.div_ceil(page.page_size).max(1);
    let link = |page: u64| ActivityParams { page, ..p.clone() }.href();
    let prev = (p.page > 1).then(|| link(p.page - 1));
    let next = (p.page < pages).then(|| link(p.page + 1));
    let empty = page.entries.is_empty();
    view! {
        <div class="table-wrap">
            <table class="data-table" data-testid="activity-table">
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"Concerning"</th>
                        <th scope="col">"Outcome"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.entries.into_iter().map(|entry| {
                        let outcome = if entry.succeeded { "Succeeded" } else { "Refused" };
                        view! {
                            <tr data-testid="activity-row" data-action=entry.action.as_str()>
                                <td><LocalTime at=entry.at now /></td>
                                <td data-label="By">{entry.actor.unwrap_or_else(|| "anonymous visitor".into())}</td>
                                <td>
                                    {entry.action.label()}
                                    {entry.detail.map(|d| view! { <span class="muted activity-detail">{d}</span> })}
                                </td>
                                <td class="email-cell" data-label="Concerning">
                                    {entry.target.map(|target| view! { <span class="cell-text" title=target.clone()>{target.clone()}</span> })}
                                </td>
                                <td>
                                    <span class=if entry.succeeded { "badge badge-approved" } else { "badge badge-rejected" }>
                                        {outcome}
                                    </span>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {empty.then(|| view! { <p class="empty-state">"Nothing recorded matches this search."</p> })}
        </div>
        <PageLinks
            summary=format!("{} entries", page.total)
            page=p.page
            pages
            previous=prev
            next
            previous_label="Newer"
            next_label="Older"
        />
    }
}
