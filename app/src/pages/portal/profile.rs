//! `/portal/profile`: the signed-in account's name, email, password, two-step sign-in and
//! sessions.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{
    mfa::{mfa_state, MfaSection},
    sessions::{sessions_state, SessionsSection},
    PortalScreen,
};
use crate::{
    api::profile::{ChangePassword, UpdateProfile},
    components::{
        auth::RequireUser,
        form::{FormError, FullNameField, SubmitButton},
        password_fields::{password_policy_resource, PasswordFields, WithPasswordPolicy},
        toast::{use_toasts, ToastHost},
    },
    domain::{FullName, PasswordPolicy},
    model::account::SessionUser,
};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let policy = password_policy_resource();
    let sessions = sessions_state();
    let mfa = mfa_state();
    view! {
        <Title text="Your profile" />
        <RequireUser role=None render=move |user| {
            view! {
                <ToastHost>
                    <PortalScreen user=user.clone()>
                        <main class="page narrow" id="main">
                            {if user.must_change_password {
                                let home = user.home();
                                view! {
                                    <h1>"Choose your own password"</h1>
                                    <p data-testid="own-password-required">
                                        "The password you signed in with was generated for you when Portico created this account, "
                                        "and it was shown where others may have seen it. Choose your own to continue."
                                    </p>
                                    <WithPasswordPolicy policy render=move |policy| view! { <PasswordForm policy then_go=home /> }.into_any() />
                                }
                                .into_any()
                            } else {
                                view! {
                                    <h1>"Your profile"</h1>
                                    <NameForm user=user.clone() />
                                    <WithPasswordPolicy policy render=|policy| view! { <PasswordForm policy /> }.into_any() />
                                    <MfaSection state=mfa />
                                    <SessionsSection state=sessions />
                                }
                                .into_any()
                            }}
                        </main>
                    </PortalScreen>
                </ToastHost>
            }
            .into_any()
        } />
    }
}

#[component]
fn NameForm(user: SessionUser) -> impl IntoView {
    let toasts = use_toasts();
    let full_name = RwSignal::new(user.full_name.clone());
    let save = ServerAction::<UpdateProfile>::new();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            full_name.set(saved);
            toasts.success("Your name is saved.");
        }
    });
    let valid = Signal::derive(move || FullName::parse(&full_name.get()).is_ok());
    view! {
        <section class="card form-card" aria-labelledby="profile-details">
            <h2 id="profile-details">"Details"</h2>
            <ActionForm action=save attr:class="stacked-form">
                <label for="profile-email">"Email"</label>
                <input id="profile-email" type="email" value=user.email.clone() readonly aria-readonly="true" />
                <FullNameField id="profile-name" value=full_name />
                <FormError action=save />
                <SubmitButton label="Save name" pending=save.pending() ready=valid />
            </ActionForm>
        </section>
    }
}

#[component]
fn PasswordForm(
    policy: PasswordPolicy,
    /// Where to go once the password is changed (a fresh page load: the account may now do
    /// everything its role allows); stays here when omitted.
    #[prop(optional)]
    then_go: Option<&'static str>,
) -> impl IntoView {
    let toasts = use_toasts();
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let ready = Signal::derive(move || {
        !current.get().is_empty()
            && crate::domain::NewPassword::ready(policy, &password.get(), &confirmation.get())
    });
    let change = ServerAction::<ChangePassword>::new();
    Effect::new(move |_| {
        if let Some(Ok(ended)) = change.value().get() {
            if let Some(path) = then_go {
                let _ = window().location().assign(path);
                return;
            }
            for field in [current, password, confirmation] {
                field.set(String::new());
            }
            toasts.success(match ended {
                0 => "Your password is changed.".to_owned(),
                1 => "Your password is changed, and your other session was signed out.".to_owned(),
                n => format!(
                    "Your password is changed, and your {n} other sessions were signed out."
                ),
            });
        }
    });
    view! {
        <section class="card form-card" aria-labelledby="profile-password">
            <h2 id="profile-password">"Change password"</h2>
            // An ActionForm posts, so that without the app the browser never puts the passwords
            // in a URL.
            <ActionForm action=change attr:class="stacked-form">
                <label for="current-password">"Current password"</label>
                <input
                    id="current-password"
                    name="current_password"
                    type="password"
                    autocomplete="current-password"
                    required
                    prop:value=move || current.get()
                    on:input=move |ev| current.set(event_target_value(&ev))
                />
                <PasswordFields password confirmation policy />
                <FormError action=change />
                <SubmitButton label="Change password" pending_label="Changing…" pending=change.pending() ready />
                <p class="muted">"Changing it signs you out on every other device."</p>
            </ActionForm>
        </section>
    }
}
