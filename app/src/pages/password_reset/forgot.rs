//! `/forgot-password`: an address, and always the same answer ("check your inbox"): the
//! email says what applies to that address, so the page reveals nothing about accounts.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::password_reset::RequestPasswordReset,
    components::{
        branding::CardBrand,
        form::{sent_address, FormError, SubmitButton},
    },
    domain::{password_reset::RESET_LINK_VALIDITY_MINUTES, Email},
    pages::login::LoginBackdrop,
};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let query = use_query_map();
    // The login form passes on the address already typed there.
    let email = RwSignal::new(query.with_untracked(|q| q.get("email").unwrap_or_default()));
    let submit = ServerAction::<RequestPasswordReset>::new();
    // Once the server has taken the address, it sends the browser here with it.
    let sent_to = sent_address();
    let ready = Signal::derive(move || Email::parse(&email.get()).is_ok());
    view! {
        <Title text="Forgot your password?" />
        <LoginBackdrop>
            <section class="card login-card" aria-labelledby="forgot-title">
                <CardBrand />
                <Show
                    when=move || sent_to().is_none()
                    fallback=move || view! {
                        <div data-testid="check-inbox">
                            <h1 id="forgot-title">"Check your inbox"</h1>
                            <p>
                                "If " <strong>{sent_to().unwrap_or_default()}</strong>
                                " has an account here, we sent it an email: a link to choose a new password, "
                                "or why the account cannot log in."
                            </p>
                            <p class="muted">
                                {format!("The link works for {RESET_LINK_VALIDITY_MINUTES} minutes and only once. ")}
                                "Nothing arrived after a few minutes? Check your spam folder, or ask again: the newest link replaces the older ones."
                            </p>
                            <a class="button secondary" href="/login">"Back to log in"</a>
                        </div>
                    }
                >
                    <h1 id="forgot-title">"Forgot your password?"</h1>
                    <p>"Type the address you log in with. We will email you a link to choose a new password."</p>
                    <ActionForm action=submit attr:class="stacked-form">
                        <label for="forgot-email">"Email"</label>
                        <input
                            id="forgot-email"
                            name="email"
                            type="email"
                            autocomplete="username"
                            required
                            maxlength=crate::domain::email::MAX_EMAIL_LEN.to_string()
                            value=email.get_untracked()
                            prop:value=move || email.get()
                            on:input=move |ev| email.set(event_target_value(&ev))
                        />
                        <FormError action=submit />
                        <SubmitButton label="Email me a link" pending_label="Sending…" pending=submit.pending() ready />
                    </ActionForm>
                    <p class="muted">"Remembered it? " <a href="/login">"Log in"</a></p>
                </Show>
            </section>
        </LoginBackdrop>
    }
}
