//! Invitations › Requests (`/admin/invitations/requests`): developers whose link expired or
//! was replaced and who asked for a new invitation. GRANT resends the address's invitation
//! (any resend of it, from the list or the API, grants the request too); DECLINE sends
//! nothing.

use chrono::Utc;
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;

use super::super::AdminFrame;
use crate::{
    api::link_requests::{decline_link_request, grant_link_request, list_link_requests},
    components::{layout::WaitingRequests, time::LocalTime, toast::use_toasts},
    model::link_request::LinkRequestRow,
};

#[component]
pub fn RequestsPage() -> impl IntoView {
    view! {
        <Title text="Requests for a new invitation" />
        <AdminFrame>
            <Requests />
        </AdminFrame>
    }
}

#[component]
fn Requests() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let requests = Resource::new(move || version.get(), |_| list_link_requests());
    // An answered request leaves both badges (the navigation's and REQUESTS) too.
    let waiting = use_context::<WaitingRequests>();
    let refresh = Callback::new(move |_: ()| {
        version.update(|v| *v = v.wrapping_add(1));
        if let Some(waiting) = waiting {
            waiting.changed();
        }
    });
    view! {
        <div class="page-header">
            <div>
                <p class="breadcrumb"><a href="/admin/invitations">"Consumers › Invitations"</a></p>
                <h1>"Requests for a new invitation"</h1>
            </div>
        </div>
        <p class="muted">
            "These developers opened an expired or replaced invitation link and asked for a new one. "
            "GRANT sends them a new invitation (like a resend); DECLINE sends nothing."
        </p>
        <Transition fallback=|| view! { <p class="loading">"Loading requests…"</p> }>
            {move || Suspend::new(async move {
                match requests.await {
                    Ok(list) if list.rows.is_empty() => view! {
                        <p class="empty-state" data-testid="no-requests">"No request waits. Developers with an expired link can ask for a new invitation from its page."</p>
                    }.into_any(),
                    Ok(list) => {
                        let now = Utc::now();
                        let more = list.waiting.saturating_sub(list.rows.len() as u64);
                        view! {
                            <div class="table-wrap">
                                <table class="data-table" data-testid="requests-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Email"</th>
                                            <th scope="col">"Asked"</th>
                                            <th scope="col">"Invitation"</th>
                                            <th scope="col">"Actions"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.rows.into_iter().map(|row| view! { <RequestRow row now refresh /> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {(more > 0).then(|| view! {
                                <p class="muted">{format!("{more} more wait; they show as these are answered (oldest first).")}</p>
                            })}
                        }.into_any()
                    }
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RequestRow(
    row: LinkRequestRow,
    now: chrono::DateTime<Utc>,
    refresh: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let busy = RwSignal::new(false);
    let (id, email) = (row.id, row.email.clone());
    let act = move |grant: bool| {
        let email = email.clone();
        busy.set(true);
        spawn_local(async move {
            let done = if grant {
                grant_link_request(id).await
            } else {
                decline_link_request(id).await
            };
            match done {
                Ok(()) if grant => toasts.success(format!("A new invitation was sent to {email}.")),
                Ok(()) => toasts.success(format!("The request of {email} was declined.")),
                Err(e) => toasts.error(e.to_string()),
            }
            busy.set(false);
            refresh.run(());
        });
    };
    let (grant, decline) = (act.clone(), act);
    let invitation = row.invitation;
    let can_grant = row.can_grant();
    view! {
        <tr data-testid="request-row" data-email=row.email.clone()>
            <td class="email-cell"><span class="cell-text" title=row.email.clone()>{row.email.clone()}</span></td>
            <td data-label="Asked"><LocalTime at=row.requested_at now /></td>
            <td data-label="Invitation">
                {match invitation {
                    Some(i) => view! {
                        <span class=format!("badge badge-{}", i.status.as_str()) title=i.status.description()>{i.status.label()}</span>
                        " "
                        <span class="muted small">"valid until "<LocalTime at=i.valid_until now /></span>
                    }.into_any(),
                    None => view! { <span class="muted">"Deleted: nothing to resend"</span> }.into_any(),
                }}
            </td>
            <td>
                <div class="button-row" aria-busy=move || busy.get().to_string()>
                    <button class="button primary" data-testid="grant-request" disabled=move || busy.get() || !can_grant
                        title=if can_grant { "Send a new invitation to this address" } else { "This invitation can no longer be resent: decline the request" }
                        on:click=move |_| grant(true)>"GRANT"</button>
                    <button class="button secondary" data-testid="decline-request" disabled=move || busy.get()
                        on:click=move |_| decline(false)>"DECLINE"</button>
                </div>
            </td>
        </tr>
    }
}
