//! The actions column: review (clock), delete (trash), resend (envelope). Whether each is
//! enabled, and the tooltip saying why not, come from the domain's rules. The list is read
//! again when each action completes, however its dialog was left.

use leptos::prelude::*;

use crate::{
    api::invitations::{resend_invitation, DeleteInvitation, ReviewInvitation},
    components::{
        form::{FormError, SubmitButton},
        modal::Modal,
        time::LocalTime,
        toast::use_toasts,
    },
    domain::{
        invitation::check, DecisionReason, InvitationAction, InvitationStatus,
        MAX_DECISION_REASON_CHARS,
    },
    model::{invitation::InvitationRow, ApiError},
};

const CLOCK: &str = "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16zm-1 3v6l5 3 1-1.7-4-2.3V7z";
const TRASH: &str = "M9 3h6l1 2h4v2H4V5h4l1-2zm-3 6h12l-1 12H7L6 9zm4 2v8h2v-8h-2zm4 0v8h2v-8h-2z";
const ENVELOPE: &str = "M3 5h18v14H3V5zm2 2v.5l7 4.5 7-4.5V7H5zm14 2.9-7 4.5-7-4.5V17h14V9.9z";

#[component]
fn IconButton(
    label: &'static str,
    icon: &'static str,
    action: InvitationAction,
    row: StoredValue<InvitationRow>,
    on_click: Callback<()>,
) -> impl IntoView {
    let verdict = row.with_value(|r| check(r.status, action));
    let enabled = verdict.is_ok();
    let tooltip = match verdict {
        Ok(()) => label.to_owned(),
        Err(refusal) => refusal.reason().to_owned(),
    };
    view! {
        <button
            type="button"
            class="icon-button"
            aria-label=label
            title=tooltip
            disabled=!enabled
            data-action=action.label()
            on:click=move |_| on_click.run(())
        >
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                <path d=icon fill="currentColor" />
            </svg>
        </button>
    }
}

/// A dialog opened from a row. It belongs to the list, not to the row: reading the list again
/// draws its rows anew, and a dialog owned by a row would close with it.
#[derive(Debug, Clone)]
pub enum RowDialog {
    Review(InvitationRow),
    Delete(InvitationRow),
}

/// The open row dialog, if any.
#[component]
pub fn RowDialogs(dialog: RwSignal<Option<RowDialog>>, refresh: Callback<()>) -> impl IntoView {
    let on_close = Callback::new(move |_| dialog.set(None));
    move || {
        dialog.get().map(|open| match open {
            RowDialog::Review(row) => {
                view! { <ReviewModal row=StoredValue::new(row) on_close refresh /> }.into_any()
            }
            RowDialog::Delete(row) => {
                view! { <DeleteModal row=StoredValue::new(row) on_close refresh /> }.into_any()
            }
        })
    }
}

#[component]
pub fn RowActions(
    row: InvitationRow,
    refresh: Callback<()>,
    dialog: RwSignal<Option<RowDialog>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let row = StoredValue::new(row);
    let busy = RwSignal::new(false);

    let resend = Callback::new(move |_| {
        let (id, email) = row.with_value(|r| (r.id, r.email.clone()));
        busy.set(true);
        leptos::task::spawn_local(async move {
            match resend_invitation(id).await {
                Ok(_) => toasts.success(format!("A new invitation was sent to {email}.")),
                Err(e) => toasts.error(e.to_string()),
            }
            busy.set(false);
            refresh.run(());
        });
    });

    view! {
        <div class="row-actions" aria-busy=move || busy.get().to_string()>
            <IconButton label="Review registration" icon=CLOCK action=InvitationAction::Accept row
                on_click=Callback::new(move |_| dialog.set(Some(RowDialog::Review(row.get_value())))) />
            <IconButton label="Delete invitation" icon=TRASH action=InvitationAction::Delete row
                on_click=Callback::new(move |_| dialog.set(Some(RowDialog::Delete(row.get_value())))) />
            <IconButton label="Resend invitation" icon=ENVELOPE action=InvitationAction::Resend row on_click=resend />
        </div>
    }
}

/// The review dialog: ACCEPT at once, or DENY… which asks for an optional reason (emailed to
/// the developer) before the denial is posted.
#[component]
fn ReviewModal(
    row: StoredValue<InvitationRow>,
    on_close: Callback<()>,
    refresh: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let decide = ServerAction::<ReviewInvitation>::new();
    let pending = decide.pending();
    let denying = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    // The dialog is locked while pending, so it is here when the answer comes.
    Effect::new(move |_| {
        let Some(result) = decide.value().get() else {
            return;
        };
        let email = row.with_value(|r| r.email.clone());
        // The row as the decision left it says which one it was.
        match result {
            // A reason the server refused stays in the dialog, with the error, to be fixed.
            Err(ApiError::InvalidInput(_)) if denying.get_untracked() => return,
            Ok(decided) if decided.status == InvitationStatus::Rejected => toasts.success(format!(
                "The registration of {email} was denied; they are emailed that it was not approved."
            )),
            Ok(_) => toasts.success(format!(
                "{email} is approved and can now log in; they are emailed a login link."
            )),
            Err(e) => toasts.error(e.to_string()),
        }
        refresh.run(());
        on_close.run(());
    });
    let r = row.get_value();
    let now = chrono::Utc::now();
    let choose = move || {
        view! {
            <div class="modal-actions">
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"CANCEL"</button>
                <button type="button" class="button danger" disabled=move || pending.get()
                    on:click=move |_| denying.set(true)>"DENY…"</button>
                <SubmitButton label="ACCEPT" name="decision" value="accept" pending />
            </div>
        }
    };
    view! {
        <Modal title="Review registration" on_close locked=pending>
            <dl class="details">
                <dt>"Email"</dt>
                <dd>{r.email.clone()}</dd>
                <dt>"Name"</dt>
                <dd>{r.full_name.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Registered at"</dt>
                <dd>{r.completed_at.map(|at| view! { <LocalTime at now /> })}</dd>
            </dl>
            // The pressed button posts the decision; the reason only exists once DENY… asks
            // for it, so an acceptance never carries one.
            <ActionForm action=decide attr:class="stacked-form">
                <input type="hidden" name="id" value=r.id.to_string() />
                <Show when=move || denying.get() fallback=choose>
                    <DenyFields reason decide />
                    <div class="modal-actions">
                        <button type="button" class="button secondary" disabled=move || pending.get()
                            on:click=move |_| denying.set(false)>"BACK"</button>
                        <SubmitButton label="DENY" pending_label="Denying…" class="button danger"
                            name="decision" value="deny" pending
                            ready=Signal::derive(move || DecisionReason::parse(&reason.get()).is_ok()) />
                    </div>
                </Show>
            </ActionForm>
        </Modal>
    }
}

/// The denial's reason: optional, counted against its limit as typed, with what to fix.
#[component]
fn DenyFields(reason: RwSignal<String>, decide: ServerAction<ReviewInvitation>) -> impl IntoView {
    let field = NodeRef::<leptos::html::Textarea>::new();
    // Where the admin types next.
    Effect::new(move |_| {
        if let Some(field) = field.get() {
            let _ = field.focus();
        }
    });
    let counter = move || {
        format!(
            "{} of {MAX_DECISION_REASON_CHARS} characters. The reason is quoted in the email and \
             kept in the activity log and the invitation's details.",
            DecisionReason::counted_chars(&reason.get())
        )
    };
    let problem = move || DecisionReason::parse(&reason.get()).err();
    view! {
        <p>"The developer is emailed that the registration was not approved. The account stays inactive."</p>
        <label for="review-reason">"Reason (optional, sent to the developer)"</label>
        <textarea
            id="review-reason"
            name="reason"
            rows="4"
            node_ref=field
            aria-describedby="review-reason-help"
            aria-invalid=move || problem().is_some().to_string()
            prop:value=move || reason.get()
            on:input=move |ev| reason.set(event_target_value(&ev))
        ></textarea>
        <p id="review-reason-help" class="muted small" data-testid="reason-counter">{counter}</p>
        {move || problem().map(|p| view! { <p class="field-error" role="alert">{p.to_string()}</p> })}
        <FormError action=decide />
    }
}

#[component]
fn DeleteModal(
    row: StoredValue<InvitationRow>,
    on_close: Callback<()>,
    refresh: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let delete = ServerAction::<DeleteInvitation>::new();
    // The dialog is locked while pending, so it is here when the answer comes.
    Effect::new(move |_| {
        let Some(result) = delete.value().get() else {
            return;
        };
        match result {
            Ok(()) => toasts.success(format!(
                "The invitation to {} was deleted.",
                row.with_value(|r| r.email.clone())
            )),
            Err(e) => toasts.error(e.to_string()),
        }
        refresh.run(());
        on_close.run(());
    });
    view! {
        <Modal title="Delete invitation" on_close locked=delete.pending()>
            <p>
                "Delete the invitation to " <strong>{row.with_value(|r| r.email.clone())}</strong>
                "? Its link will stop working."
            </p>
            <ActionForm action=delete>
                <input type="hidden" name="id" value=row.with_value(|r| r.id.to_string()) />
                <div class="modal-actions">
                    <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"CANCEL"</button>
                    <SubmitButton label="DELETE" class="button danger" pending=delete.pending() />
                </div>
            </ActionForm>
        </Modal>
    }
}
