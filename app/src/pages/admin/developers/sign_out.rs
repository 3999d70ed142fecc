//! "Sign out": an admin ends every session of an account that stays active (a lost laptop, a
//! shared computer), after confirming. Its owner simply logs in again.

use leptos::prelude::*;

use crate::{
    api::sessions::EndSessionsOf,
    components::{form::SubmitButton, modal::Modal, toast::use_toasts},
    model::account::DeveloperRow,
};

#[component]
pub fn SignOutButton(row: DeveloperRow) -> impl IntoView {
    let confirming = RwSignal::new(false);
    // Only an active account can have sessions; the own account signs out in its profile.
    let usable = row.standing.is_active() && !row.own_account;
    let tooltip = if row.own_account {
        "Your own sessions are listed on your profile page.".to_owned()
    } else if usable {
        format!("Sign {} out on every device", row.email)
    } else {
        "This account cannot sign in, so it has no sessions.".to_owned()
    };
    let row = StoredValue::new(row);
    view! {
        <button
            type="button"
            class="button secondary small"
            title=tooltip
            disabled=!usable
            data-action="sign-out"
            on:click=move |_| confirming.set(true)
        >
            "Sign out"
        </button>
        <Show when=move || confirming.get()>
            <ConfirmSignOut row on_close=Callback::new(move |_| confirming.set(false)) />
        </Show>
    }
}

#[component]
fn ConfirmSignOut(row: StoredValue<DeveloperRow>, on_close: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let end = ServerAction::<EndSessionsOf>::new();
    let (name, email) = row.with_value(|r| (r.full_name.clone(), r.email.clone()));
    let signed_out = name.clone();
    Effect::new(move |_| {
        if let Some(result) = end.value().get() {
            match result {
                Ok(0) => toasts.success(format!("{signed_out} was not signed in anywhere.")),
                Ok(1) => toasts.success(format!("{signed_out} is signed out of 1 session.")),
                Ok(n) => toasts.success(format!("{signed_out} is signed out of {n} sessions.")),
                Err(e) => toasts.error(e.to_string()),
            }
            on_close.run(());
        }
    });
    view! {
        <Modal title="Sign out everywhere" on_close>
            <p>
                <strong>{name}</strong> " (" {email} ") will be signed out on every device. "
                "The account stays active: they can log in again with their password."
            </p>
            <ActionForm action=end>
                <input type="hidden" name="id" value=row.with_value(|r| r.id.to_string()) />
                <div class="modal-actions">
                    <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"CANCEL"</button>
                    <SubmitButton label="SIGN OUT" class="button danger" pending=end.pending() />
                </div>
            </ActionForm>
        </Modal>
    }
}
