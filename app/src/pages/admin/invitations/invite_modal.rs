//! The invite dialog: one or more addresses separated by `;`, the pre-approved toggle,
//! SUBMIT, then each address's outcome.

use leptos::prelude::*;

use crate::{
    api::{
        invitations::{resend_invitation, Invite},
        settings::get_settings,
    },
    components::{
        form::{FormError, SubmitButton},
        modal::Modal,
        toast::use_toasts,
    },
    domain::EmailList,
    model::invitation::{InviteOutcome, InviteReport},
};

#[component]
pub fn InviteModal(on_close: Callback<()>, on_changed: Callback<()>) -> impl IntoView {
    let emails = RwSignal::new(String::new());
    let pre_approved = RwSignal::new(true);
    // An administrator's invitation is always pre-approved (the server decides so too).
    let as_admin = RwSignal::new(false);
    // The toggle starts from the auto-approval setting.
    let settings = Resource::new(|| (), |_| get_settings());
    Effect::new(move |_| {
        if let Some(Ok(s)) = settings.get() {
            pre_approved.set(s.auto_approve);
        }
    });
    // Problems found before submitting, so the admin can fix them first.
    let problems = move || match EmailList::parse(&emails.get()) {
        Ok(parsed) => parsed
            .problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>(),
        Err(_) => Vec::new(),
    };
    let submit = ServerAction::<Invite>::new();
    let pending = submit.pending();
    let report = move || {
        submit
            .value()
            .with(|answer| answer.as_ref().and_then(|r| r.as_ref().ok().cloned()))
    };
    // Any answer, a refusal included, may have changed the list. The dialog cannot be closed
    // while the answer is pending, so it is still here to pass it on.
    Effect::new(move |_| {
        if submit.version().get() > 0 {
            on_changed.run(());
        }
    });
    let ready = Signal::derive(move || !emails.get().trim().is_empty());

    view! {
        // Locked while the submission is pending: closing it then would lose the per-address
        // outcome (which addresses were refused, and why).
        <Modal title="Invite developers" on_close locked=pending>
            <Show
                when=move || report().is_none()
                fallback=move || view! {
                    <Outcomes report=report().unwrap_or(InviteReport { entries: vec![] }) on_changed />
                    <div class="modal-actions">
                        <button type="button" class="button primary" autofocus on:click=move |_| on_close.run(())>"DONE"</button>
                    </div>
                }
            >
                <ActionForm action=submit attr:class="stacked-form">
                    <label for="invite-emails">"Email addresses"</label>
                    <textarea
                        id="invite-emails"
                        name="emails"
                        rows="4"
                        placeholder="ana@example.com;bo@example.com"
                        aria-describedby="invite-help"
                        prop:value=move || emails.get()
                        on:input=move |ev| emails.set(event_target_value(&ev))
                    ></textarea>
                    <p id="invite-help" class="muted small">"Separate addresses with ; (up to 1,000 at a time)."</p>
                    {move || {
                        let found = problems();
                        (!found.is_empty()).then(|| view! {
                            <ul class="field-error" data-testid="invite-problems">
                                {found.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                            </ul>
                        })
                    }}
                    <label for="invite-role">"Role"</label>
                    <select
                        id="invite-role"
                        name="role"
                        on:change=move |ev| as_admin.set(event_target_value(&ev) == "admin")
                    >
                        <option value="developer" selected=true>"Developer: sees the portal"</option>
                        <option value="admin">"Administrator: runs this console"</option>
                    </select>
                    // Posted either way: an unchecked box would post nothing, which the server
                    // reads as "use the auto-approval setting".
                    <input type="hidden" name="pre_approved" value=move || (pre_approved.get() || as_admin.get()).to_string() />
                    <label class="checkbox">
                        <input type="checkbox" prop:checked=move || pre_approved.get() || as_admin.get()
                            disabled=move || as_admin.get()
                            on:change=move |ev| pre_approved.set(event_target_checked(&ev)) />
                        {move || if as_admin.get() {
                            "Pre-approved (always, for an administrator: the account is active as soon as they complete it)"
                        } else {
                            "Pre-approved (the account is active as soon as the developer completes it)"
                        }}
                    </label>
                    <FormError action=submit />
                    <div class="modal-actions">
                        <button type="button" class="button secondary" disabled=move || pending.get()
                            on:click=move |_| on_close.run(())>"CANCEL"</button>
                        <SubmitButton label="SUBMIT" pending_label="Sending…" pending ready />
                    </div>
                </ActionForm>
            </Show>
        </Modal>
    }
}

#[component]
fn Outcomes(report: InviteReport, on_changed: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let invited = report.invited_count();
    let total = report.entries.len();
    view! {
        <p class="summary" role="status">{format!("{invited} of {total} invited.")}</p>
        <ul class="outcomes" data-testid="invite-outcomes">
            {report
                .entries
                .into_iter()
                .map(|entry| {
                    let ok = matches!(entry.outcome, InviteOutcome::Invited { .. });
                    let resend_id = match entry.outcome {
                        InviteOutcome::AlreadyInvited { invitation_id, .. } => Some(invitation_id),
                        _ => None,
                    };
                    let resent = RwSignal::new(false);
                    let email = entry.email.clone();
                    view! {
                        <li class:ok=ok class:problem=!ok data-testid="invite-outcome">
                            <strong>{entry.email.clone()}</strong>
                            " — "
                            {entry.outcome.message()}
                            {resend_id.map(|id| view! {
                                <button type="button" class="button secondary small" disabled=move || resent.get()
                                    on:click=move |_| {
                                        let email = email.clone();
                                        leptos::task::spawn_local(async move {
                                            match resend_invitation(id).await {
                                                Ok(_) => {
                                                    resent.set(true);
                                                    toasts.success(format!("A new invitation was sent to {email}."));
                                                }
                                                Err(e) => toasts.error(e.to_string()),
                                            }
                                            // A refusal (say, the invitation changed meanwhile) means
                                            // the list is stale too.
                                            on_changed.run(());
                                        });
                                    }>
                                    {move || if resent.get() { "Resent" } else { "Resend" }}
                                </button>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
