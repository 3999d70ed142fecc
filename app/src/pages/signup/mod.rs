//! `/signup`: self sign-up, when the settings allow it: an address and a name, no password.
//! The answer is always "check your inbox": the email either carries the link whose page sets
//! the password (so only the mailbox's owner can choose it) or tells its owner the address is
//! already known.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::invitations::{sign_up_open, SignUp},
    components::{
        branding::CardBrand,
        form::{sent_address, FormError, FullNameField, SubmitButton},
    },
    domain::{Email, FullName},
    pages::login::LoginBackdrop,
};

#[component]
pub fn SignUpPage() -> impl IntoView {
    let open = Resource::new(|| (), |_| sign_up_open());
    view! {
        <Title text="Create an account" />
        <LoginBackdrop>
            <section class="card login-card" aria-labelledby="signup-title">
                <CardBrand />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match open.await {
                            Ok(true) => view! { <SignUpForm /> }.into_any(),
                            Ok(false) => view! {
                                <div data-testid="sign-up-closed">
                                    <h1 id="signup-title">"Sign-up is closed"</h1>
                                    <p>"Accounts on this portal are by invitation only. Ask its administrators to invite you."</p>
                                    <a class="button secondary" href="/login">"Log in"</a>
                                </div>
                            }.into_any(),
                            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </LoginBackdrop>
    }
}

#[component]
fn SignUpForm() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let full_name = RwSignal::new(String::new());
    let ready = Signal::derive(move || {
        Email::parse(&email.get()).is_ok() && FullName::parse(&full_name.get()).is_ok()
    });
    let submit = ServerAction::<SignUp>::new();
    // Once the server has taken the address, it sends the browser here with it.
    let sent_to = sent_address();
    let email_problem = move || {
        let value = email.get();
        (!value.trim().is_empty())
            .then(|| Email::parse(&value).err())
            .flatten()
            .map(|e| format!("This email address is not valid: {e}."))
    };
    view! {
        <Show
            when=move || sent_to().is_none()
            fallback=move || view! {
                <div data-testid="check-inbox">
                    <h1 id="signup-title">"Check your inbox"</h1>
                    <p>
                        "We sent an email to " <strong>{sent_to().unwrap_or_default()}</strong>
                        ". Open the link in it to confirm your address and choose your password."
                    </p>
                    <p class="muted">"Nothing arrived after a few minutes? Check your spam folder, or sign up again to get a new link."</p>
                </div>
            }
        >
            <h1 id="signup-title">"Create an account"</h1>
            <ActionForm action=submit attr:class="stacked-form">
                <label for="signup-email">"Email"</label>
                <input
                    id="signup-email"
                    name="email"
                    type="email"
                    autocomplete="email"
                    required
                    maxlength=crate::domain::email::MAX_EMAIL_LEN.to_string()
                    aria-invalid=move || email_problem().is_some().to_string()
                    prop:value=move || email.get()
                    on:change=move |ev| email.set(event_target_value(&ev))
                    on:input=move |ev| email.set(event_target_value(&ev))
                />
                {move || email_problem().map(|p| view! { <p class="field-error">{p}</p> })}
                <FullNameField id="full-name" value=full_name />
                <p class="muted">"You choose your password on the page the emailed link opens."</p>
                <FormError action=submit />
                <SubmitButton label="Sign up" pending_label="Signing up…" pending=submit.pending() ready />
            </ActionForm>
            <p class="muted">"Already have an account? " <a href="/login">"Log in"</a></p>
        </Show>
    }
}
