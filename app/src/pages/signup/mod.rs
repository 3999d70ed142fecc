//! `/signup`: self sign-up, when the settings allow it: an address and a name, no password.
//! The answer is always "check your inbox": the email either carries the link whose page sets
//! the password (so only the mailbox's owner can choose it) or tells its owner the address is
//! already known.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::invitations::{sign_up, sign_up_open},
    components::branding::CardBrand,
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
    let error = RwSignal::new(None::<String>);
    let sent_to = RwSignal::new(None::<String>);
    let ready =
        move || Email::parse(&email.get()).is_ok() && FullName::parse(&full_name.get()).is_ok();
    let submit = Action::new(move |_: &()| {
        let (address, name) = (email.get_untracked(), full_name.get_untracked());
        async move { sign_up(address.clone(), name).await.map(|()| address) }
    });
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(address)) => sent_to.set(Some(address)),
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    let email_problem = move || {
        let value = email.get();
        (!value.trim().is_empty())
            .then(|| Email::parse(&value).err())
            .flatten()
            .map(|e| format!("This email address is not valid: {e}."))
    };
    view! {
        <Show
            when=move || sent_to.get().is_none()
            fallback=move || view! {
                <div data-testid="check-inbox">
                    <h1 id="signup-title">"Check your inbox"</h1>
                    <p>
                        "We sent an email to " <strong>{sent_to.get().unwrap_or_default()}</strong>
                        ". Open the link in it to confirm your address and choose your password."
                    </p>
                    <p class="muted">"Nothing arrived after a few minutes? Check your spam folder, or sign up again to get a new link."</p>
                </div>
            }
        >
            <h1 id="signup-title">"Create an account"</h1>
            <form
                class="stacked-form"
                method="post"
                on:submit=move |ev| {
                    ev.prevent_default();
                    error.set(None);
                    if ready() {
                        submit.dispatch(());
                    }
                }
            >
                <label for="signup-email">"Email"</label>
                <input
                    id="signup-email"
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
                <label for="full-name">"Full name"</label>
                <input
                    id="full-name"
                    autocomplete="name"
                    required
                    maxlength=crate::domain::account::MAX_FULL_NAME_CHARS.to_string()
                    prop:value=move || full_name.get()
                    on:input=move |ev| full_name.set(event_target_value(&ev))
                />
                <p class="muted">"You choose your password on the page the emailed link opens."</p>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <button type="submit" class="button primary" disabled=move || !ready() || submit.pending().get()>
                    {move || if submit.pending().get() { "Signing up…" } else { "Sign up" }}
                </button>
            </form>
            <p class="muted">"Already have an account? " <a href="/login">"Log in"</a></p>
        </Show>
    }
}
