//! Settings › Administrators: who can run this portal, when each last signed in, and demoting
//! one to a developer (the domain refuses the last active admin and oneself; the button says
//! why before anyone clicks).

use chrono::Utc;
use leptos::prelude::*;

use crate::{
    api::administrators::{list_administrators, DemoteAdministrator},
    components::{form::SubmitButton, modal::Modal, time::LocalTime, toast::use_toasts},
    domain::role_change::decide_demotion,
    model::account::DeveloperRow,
};

/// The list and the demotion that changes it, made at the top of the page component (see
/// `pages::portal::sessions::SessionsState` for why).
#[derive(Clone, Copy)]
pub struct AdministratorsState {
    demote: ServerAction<DemoteAdministrator>,
    admins: Resource<Result<Vec<DeveloperRow>, crate::model::ApiError>>,
}

pub fn administrators_state() -> AdministratorsState {
    let demote = ServerAction::<DemoteAdministrator>::new();
    let admins = Resource::new(move || demote.version().get(), |_| list_administrators());
    AdministratorsState { demote, admins }
}

#[component]
pub fn AdministratorsSection(state: AdministratorsState) -> impl IntoView {
    let AdministratorsState { demote, admins } = state;
    view! {
        <section class="settings-section" aria-labelledby="administrators-title">
            <h2 id="administrators-title">"Administrators"</h2>
            <p class="muted">
                "Administrators run this portal. To add one, invite them from Invitations with the Administrator role; "
                "to stop someone signing in at all, deactivate the account in Consumers › Developers."
            </p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match admins.await {
                        Ok(rows) => {
                            let now = Utc::now();
                            let active = rows.iter().filter(|r| r.standing.is_active()).count();
                            view! {
                                <div class="table-wrap">
                                    <table class="data-table" data-testid="administrators-table">
                                        <thead>
                                            <tr>
                                                <th scope="col">"Name"</th>
                                                <th scope="col">"Email"</th>
                                                <th scope="col">"Status"</th>
                                                <th scope="col">"Two-step sign-in"</th>
                                                <th scope="col">"Last sign-in"</th>
                                                <th scope="col">"Actions"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {rows
                                                .into_iter()
                                                .map(|row| view! { <AdminRow row now active demote /> })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AdminRow(
    row: DeveloperRow,
    now: chrono::DateTime<Utc>,
    /// Active admins, this one included when it is active.
    active: usize,
    demote: ServerAction<DemoteAdministrator>,
) -> impl IntoView {
    let others = active - usize::from(row.standing.is_active());
    let verdict = decide_demotion(row.role, row.standing, row.own_account, others);
    let tooltip = match verdict {
        Ok(()) => format!("Make {} a developer", row.email),
        Err(refusal) => refusal.to_string(),
    };
    let confirming = RwSignal::new(false);
    let email_attr = row.email.clone();
    let row = StoredValue::new(row);
    view! {
        <tr data-testid="administrator-row" data-email=email_attr>
            <td>
                {row.with_value(|r| r.full_name.clone())}
                {row.with_value(|r| r.own_account).then(|| view! { <span class="origin-tag">"you"</span> })}
            </td>
            <td class="email-cell">
                <span class="cell-text" title=row.with_value(|r| r.email.clone())>{row.with_value(|r| r.email.clone())}</span>
            </td>
            <td>
                {row.with_value(|r| {
                    let standing = r.standing;
                    view! { <span class=format!("badge badge-standing-{}", standing.as_str())>{standing.label()}</span> }
                })}
            </td>
            <td data-testid="administrator-mfa" data-label="Two-step sign-in">
                {if row.with_value(|r| r.mfa_enabled) {
                    view! { <span class="badge badge-standing-active">"On"</span> }.into_any()
                } else {
                    view! { <span class="muted">"Off"</span> }.into_any()
                }}
            </td>
            <td data-label="Last sign-in">
                {match row.with_value(|r| r.last_login_at) {
                    Some(at) => view! { <LocalTime at now /> }.into_any(),
                    None => view! { <span class="muted">"Never"</span> }.into_any(),
                }}
            </td>
            <td>
                <button
                    type="button"
                    class="button secondary small"
                    title=tooltip
                    disabled=verdict.is_err()
                    data-action="demote"
                    on:click=move |_| confirming.set(true)
                >
                    "Demote"
                </button>
                <Show when=move || confirming.get()>
                    <ConfirmDemotion row demote on_close=Callback::new(move |_| confirming.set(false)) />
                </Show>
            </td>
        </tr>
    }
}

#[component]
fn ConfirmDemotion(
    row: StoredValue<DeveloperRow>,
    demote: ServerAction<DemoteAdministrator>,
    on_close: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let (name, email) = row.with_value(|r| (r.full_name.clone(), r.email.clone()));
    let who = name.clone();
    let version = demote.version().get_untracked();
    Effect::new(move |_| {
        if demote.version().get() == version {
            return;
        }
        match demote.value().get() {
            Some(Ok(_)) => toasts.success(format!("{who} is a developer now.")),
            Some(Err(e)) => toasts.error(e.to_string()),
            None => return,
        }
        on_close.run(());
    });
    view! {
        <Modal title="Demote administrator" on_close locked=demote.pending()>
            <p>
                <strong>{name}</strong> " (" {email} ") will no longer be able to open the admin console. "
                "The account stays active as a developer's."
            </p>
            <ActionForm action=demote>
                <input type="hidden" name="id" value=row.with_value(|r| r.id.to_string()) />
                <div class="modal-actions">
                    <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"CANCEL"</button>
                    <SubmitButton label="DEMOTE" class="button danger" pending=demote.pending() />
                </div>
            </ActionForm>
        </Modal>
    }
}
