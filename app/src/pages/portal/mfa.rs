//! Profile › Two-step sign-in (administrators): set up an authenticator app, replace the
//! recovery codes, or turn it off (with the password and a code).

use leptos::prelude::*;

use crate::{
    api::mfa::{
        my_mfa, BeginMfaEnrollment, ConfirmMfaEnrollment, DisableMfa, RegenerateRecoveryCodes,
    },
    components::{
        form::{FormError, SubmitButton},
        mfa::{CodeField, EnrollmentInstructions, RecoveryCodesList},
        time::LocalTime,
        toast::use_toasts,
    },
    model::{mfa::MfaStatus, ApiError},
};

/// The section's status and the actions that change it, made at the top of the page component
/// (see `sessions::SessionsState` for why).
#[derive(Clone, Copy)]
pub struct MfaState {
    begin: ServerAction<BeginMfaEnrollment>,
    confirm: ServerAction<ConfirmMfaEnrollment>,
    regenerate: ServerAction<RegenerateRecoveryCodes>,
    disable: ServerAction<DisableMfa>,
    status: Resource<Result<MfaStatus, ApiError>>,
}

pub fn mfa_state() -> MfaState {
    let begin = ServerAction::<BeginMfaEnrollment>::new();
    let confirm = ServerAction::<ConfirmMfaEnrollment>::new();
    let regenerate = ServerAction::<RegenerateRecoveryCodes>::new();
    let disable = ServerAction::<DisableMfa>::new();
    let status = Resource::new(
        move || {
            (
                confirm.version().get(),
                regenerate.version().get(),
                disable.version().get(),
            )
        },
        |_| my_mfa(),
    );
    MfaState {
        begin,
        confirm,
        regenerate,
        disable,
        status,
    }
}

/// Which form of the section is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    NewCodes,
    TurnOff,
}

#[component]
pub fn MfaSection(state: MfaState) -> impl IntoView {
    let toasts = use_toasts();
    let MfaState {
        begin,
        confirm,
        regenerate,
        disable,
        status,
    } = state;
    let open = RwSignal::new(Open::Nothing);
    // Recovery codes to show, from setting up or from replacing them.
    let new_codes = RwSignal::new(None::<Vec<String>>);
    Effect::new(move |_| {
        if let Some(Ok(codes)) = confirm.value().get() {
            new_codes.set(Some(codes));
            toasts.success("Two-step sign-in is on: logins now ask for a code.");
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(codes)) = regenerate.value().get() {
            new_codes.set(Some(codes));
            open.set(Open::Nothing);
            toasts.success("New recovery codes: the old ones no longer work.");
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = disable.value().get() {
            new_codes.set(None);
            open.set(Open::Nothing);
            toasts.success("Two-step sign-in is off.");
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(status) if status.available => view! {
                        <section class="card form-card" aria-labelledby="profile-mfa" data-testid="mfa-section">
                            <h2 id="profile-mfa">"Two-step sign-in"</h2>
                            {match status.enabled_at {
                                Some(since) => view! {
                                    <Enabled status=status.clone() since open new_codes regenerate disable />
                                }
                                .into_any(),
                                None => view! { <NotEnabled status=status.clone() begin confirm /> }.into_any(),
                            }}
                        </section>
                    }
                    .into_any(),
                    Ok(_) => ().into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn NotEnabled(
    status: MfaStatus,
    begin: ServerAction<BeginMfaEnrollment>,
    confirm: ServerAction<ConfirmMfaEnrollment>,
) -> impl IntoView {
    let enrollment = move || begin.value().get().and_then(Result::ok);
    view! {
        <p data-testid="mfa-state">
            "Off: logging in asks for your password only. With two-step sign-in, it also asks for a code from an app on your phone, so a stolen password alone does not open the console."
        </p>
        {status.required.then(|| view! {
            <p class="form-notice">"This portal requires it for administrators: your next login will ask you to set it up."</p>
        }.into_any())}
        <Show
            when=move || enrollment().is_some()
            fallback=move || view! {
                <ActionForm action=begin attr:class="stacked-form">
                    <label for="enroll-password">"Your password"</label>
                    <input id="enroll-password" name="current_password" type="password" autocomplete="current-password" required />
                    <FormError action=begin />
                    <SubmitButton label="Set up two-step sign-in" pending_label="Preparing…" pending=begin.pending() />
                </ActionForm>
            }.into_any()
        >
            {move || enrollment().map(|enrollment| view! {
                <EnrollmentInstructions enrollment />
                <ActionForm action=confirm attr:class="stacked-form">
                    <CodeField id="enroll-code" />
                    <FormError action=confirm />
                    <SubmitButton label="Turn on" pending_label="Checking…" pending=confirm.pending() />
                </ActionForm>
            }.into_any())}
        </Show>
    }
}

#[component]
fn Enabled(
    status: MfaStatus,
    since: chrono::DateTime<chrono::Utc>,
    open: RwSignal<Open>,
    new_codes: RwSignal<Option<Vec<String>>>,
    regenerate: ServerAction<RegenerateRecoveryCodes>,
    disable: ServerAction<DisableMfa>,
) -> impl IntoView {
    let now = chrono::Utc::now();
    let left = status.recovery_codes_left;
    view! {
        <p data-testid="mfa-state">
            "On since " <LocalTime at=since now /> ": logging in asks for a code from your authenticator app. "
            <span data-testid="recovery-codes-left">
                {match left {
                    0 => "No recovery codes left: make new ones.".to_owned(),
                    1 => "1 recovery code left.".to_owned(),
                    n => format!("{n} recovery codes left."),
                }}
            </span>
        </p>
        {move || new_codes.get().map(|codes| view! { <RecoveryCodesList codes /> }.into_any())}
        <div class="button-row">
            <button type="button" class="button secondary" data-action="new-codes"
                on:click=move |_| open.set(Open::NewCodes)>"New recovery codes"</button>
            <button type="button" class="button secondary" data-action="turn-off"
                on:click=move |_| open.set(Open::TurnOff)>"Turn off"</button>
        </div>
        <Show when=move || open.get() == Open::NewCodes>
            <ActionForm action=regenerate attr:class="stacked-form">
                <p class="muted small">"Your current recovery codes stop working. Confirm with a code:"</p>
                <CodeField id="regenerate-code" recovery=true />
                <FormError action=regenerate />
                <SubmitButton label="Make new recovery codes" pending_label="Making…" pending=regenerate.pending() />
            </ActionForm>
        </Show>
        <Show when=move || open.get() == Open::TurnOff>
            <ActionForm action=disable attr:class="stacked-form">
                <p class="muted small">
                    {if status.required {
                        "This portal requires two-step sign-in for administrators: your next login will ask you to set it up again. "
                    } else {
                        ""
                    }}
                    "Confirm with your password and a code:"
                </p>
                <label for="disable-password">"Password"</label>
                <input id="disable-password" name="current_password" type="password" autocomplete="current-password" required />
                <CodeField id="disable-code" recovery=true />
                <FormError action=disable />
                <SubmitButton label="Turn off two-step sign-in" pending_label="Turning off…" pending=disable.pending() class="button danger" />
            </ActionForm>
        </Show>
    }
}
