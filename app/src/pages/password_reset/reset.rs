//! `/password-reset/:token`: the page the reset email links to. Opening it never uses the
//! link up; choosing the password does, signs the account out everywhere, and sends the
//! browser to the login page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::password_reset::{password_reset_landing, ResetPassword},
    components::{
        branding::CardBrand,
        form::{FormError, SubmitButton},
        password_fields::{password_policy_resource, PasswordFields, WithPasswordPolicy},
    },
    domain::{password_reset::ResetLinkState, NewPassword, PasswordPolicy},
    pages::login::LoginBackdrop,
};

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let landing = Resource::new(token, password_reset_landing);
    let policy = password_policy_resource();
    view! {
        <Title text="Choose a new password" />
        <LoginBackdrop>
            <section class="card login-card" aria-labelledby="reset-title">
                <CardBrand />
                <Suspense fallback=|| view! { <p class="loading">"Checking your link…"</p> }>
                    {move || Suspend::new(async move {
                        match landing.await {
                            Ok(found) if found.state == ResetLinkState::Usable => {
                                let (token, email) = (token(), found.email.unwrap_or_default());
                                view! {
                                    <WithPasswordPolicy policy render=move |policy| {
                                        view! { <ResetForm token=token.clone() email=email.clone() policy /> }.into_any()
                                    } />
                                }
                                .into_any()
                            }
                            Ok(found) => view! { <DeadLink state=found.state /> }.into_any(),
                            Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </LoginBackdrop>
    }
}

/// A link that cannot be used: what happened and what to do next.
#[component]
fn DeadLink(state: ResetLinkState) -> impl IntoView {
    view! {
        <div data-testid="reset-link-state" data-state=format!("{state:?}")>
            <h1 id="reset-title">{state.title()}</h1>
            <p>{state.message()}</p>
            <div class="button-row">
                <a class="button primary" href="/forgot-password">"Ask for a new link"</a>
                <a class="button secondary" href="/login">"Log in"</a>
            </div>
        </div>
    }
}

#[component]
fn ResetForm(token: String, email: String, policy: PasswordPolicy) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let ready =
        Signal::derive(move || NewPassword::ready(policy, &password.get(), &confirmation.get()));
    let submit = ServerAction::<ResetPassword>::new();
    view! {
        <h1 id="reset-title">"Choose a new password"</h1>
        <p>"For " <strong data-testid="reset-email">{email.clone()}</strong> ". Choosing it signs this account out on every device."</p>
        <ActionForm action=submit attr:class="stacked-form">
            <input type="hidden" name="token" value=token />
            // For password managers: the account the new password belongs to.
            <input type="email" class="visually-hidden" tabindex="-1" aria-hidden="true" autocomplete="username" value=email readonly />
            <PasswordFields password confirmation policy />
            <FormError action=submit />
            <SubmitButton label="Set new password" pending_label="Saving…" pending=submit.pending() ready />
        </ActionForm>
    }
}
