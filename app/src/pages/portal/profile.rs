//! `/portal/profile`: the signed-in developer's name, email and password.

use leptos::prelude::*;
use leptos_meta::Title;

use super::PortalScreen;
use crate::{
    api::profile::{change_password, update_profile},
    components::{
        auth::RequireUser,
        password_fields::{password_policy_resource, PasswordFields, WithPasswordPolicy},
        toast::{use_toasts, ToastHost},
    },
    domain::{FullName, PasswordPolicy},
    model::account::SessionUser,
};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let policy = password_policy_resource();
    view! {
        <Title text="Your profile" />
        <RequireUser role=None render=move |user| {
            view! {
                <ToastHost>
                    <PortalScreen user=user.clone()>
                        <main class="page narrow" id="main">
                            <h1>"Your profile"</h1>
                            <NameForm user=user.clone() />
                            <WithPasswordPolicy policy render=|policy| view! { <PasswordForm policy /> }.into_any() />
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
    let error = RwSignal::new(None::<String>);
    let save = Action::new(move |_: &()| {
        let name = full_name.get_untracked();
        async move { update_profile(name).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            full_name.set(saved);
            error.set(None);
            toasts.success("Your name is saved.");
        }
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    let valid = move || FullName::parse(&full_name.get()).is_ok();
    view! {
        <section class="card form-card" aria-labelledby="profile-details">
            <h2 id="profile-details">"Details"</h2>
            <form class="stacked-form" on:submit=move |ev| {
                ev.prevent_default();
                if valid() {
                    save.dispatch(());
                }
            }>
                <label for="profile-email">"Email"</label>
                <input id="profile-email" type="email" value=user.email.clone() readonly aria-readonly="true" />
                <label for="profile-name">"Full name"</label>
                <input
                    id="profile-name"
                    autocomplete="name"
                    required
                    maxlength=crate::domain::account::MAX_FULL_NAME_CHARS.to_string()
                    prop:value=move || full_name.get()
                    on:input=move |ev| full_name.set(event_target_value(&ev))
                />
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <button type="submit" class="button primary" disabled=move || !valid() || save.pending().get()>
                    "Save name"
                </button>
            </form>
        </section>
    }
}

#[component]
fn PasswordForm(policy: PasswordPolicy) -> impl IntoView {
    let toasts = use_toasts();
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let ready = move || {
        !current.get().is_empty()
            && crate::domain::NewPassword::ready(policy, &password.get(), &confirmation.get())
    };
    let change = Action::new(move |_: &()| {
        let (current, password, confirmation) = (
            current.get_untracked(),
            password.get_untracked(),
            confirmation.get_untracked(),
        );
        async move { change_password(current, password, confirmation).await }
    });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(ended)) => {
            for field in [current, password, confirmation] {
                field.set(String::new());
            }
            error.set(None);
            toasts.success(match ended {
                0 => "Your password is changed.".to_owned(),
                1 => "Your password is changed, and your other session was signed out.".to_owned(),
                n => format!(
                    "Your password is changed, and your {n} other sessions were signed out."
                ),
            });
        }
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    view! {
        <section class="card form-card" aria-labelledby="profile-password">
            <h2 id="profile-password">"Change password"</h2>
            // POST, so that without the app the browser never puts the passwords in a URL.
            <form class="stacked-form" method="post" on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                if ready() {
                    change.dispatch(());
                }
            }>
                <label for="current-password">"Current password"</label>
                <input
                    id="current-password"
                    type="password"
                    autocomplete="current-password"
                    required
                    prop:value=move || current.get()
                    on:input=move |ev| current.set(event_target_value(&ev))
                />
                <PasswordFields password confirmation policy />
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <button type="submit" class="button primary" disabled=move || !ready() || change.pending().get()>
                    {move || if change.pending().get() { "Changing…" } else { "Change password" }}
                </button>
                <p class="muted">"Changing it signs you out on every other device."</p>
            </form>
        </section>
    }
}
