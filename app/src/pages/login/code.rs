//! `/login/code`: the second step of a login with two-step sign-in. The password was right;
//! a code from the authenticator app (or a recovery code) finishes it. An administrator the
//! portal requires it of, who has not set up an authenticator, sets one up here first.

use leptos::prelude::*;
use leptos_meta::Title;

use super::LoginBackdrop;
use crate::{
    api::mfa::{login_code_step, SubmitLoginCode},
    components::{
        branding::CardBrand,
        form::{FormError, SubmitButton},
        mfa::{CodeField, EnrollmentInstructions, RecoveryCodesList},
    },
    domain::mfa::SecondStep,
    model::mfa::CodeStep,
};

#[component]
pub fn LoginCodePage() -> impl IntoView {
    // Made before the backdrop's Suspense awaits the branding, so that it hydrates.
    let step = Resource::new(|| (), |_| login_code_step());
    let submit = ServerAction::<SubmitLoginCode>::new();
    view! {
        <Title text="Two-step sign-in" />
        <LoginBackdrop>
            <section class="card login-card" aria-labelledby="code-title">
                <CardBrand />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match step.await {
                            Ok(Some(step)) => view! { <CodeStepForm step submit /> }.into_any(),
                            Ok(None) => view! { <StepEnded /> }.into_any(),
                            Err(e) => view! {
                                <h1 id="code-title">"Two-step sign-in"</h1>
                                <p class="form-error" role="alert">{e.to_string()}</p>
                            }
                            .into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </LoginBackdrop>
    }
}

#[component]
fn StepEnded() -> impl IntoView {
    view! {
        <h1 id="code-title">"Sign-in step ended"</h1>
        <p data-testid="code-step-ended">
            "This page finishes a login after its password, for five minutes. Log in again to get a new one."
        </p>
        <a class="button primary" href="/login">"Log in"</a>
    }
}

#[component]
fn CodeStepForm(step: CodeStep, submit: ServerAction<SubmitLoginCode>) -> impl IntoView {
    let enrolling = step.step == SecondStep::Enroll;
    // New recovery codes (after setting up the authenticator) are shown before moving on.
    let saved_codes = move || {
        submit
            .value()
            .get()
            .and_then(Result::ok)
            .filter(|accepted| !accepted.recovery_codes.is_empty())
    };
    let email = step.email.clone();
    let enrollment = step.enrollment.clone();
    view! {
        <Show
            when=move || saved_codes().is_some()
            fallback=move || {
                let enrollment = enrollment.clone();
                view! {
                    <h1 id="code-title">{if enrolling { "Set up two-step sign-in" } else { "Two-step sign-in" }}</h1>
                    {if enrolling {
                        view! {
                            <p data-testid="enroll-required">
                                "This portal requires administrators to sign in with a code from an authenticator app. "
                                "Set one up for " <strong>{email.clone()}</strong> " to continue."
                            </p>
                            {enrollment.map(|enrollment| view! { <EnrollmentInstructions enrollment /> })}
                        }
                        .into_any()
                    } else {
                        view! {
                            <p>
                                "Type the 6-digit code your authenticator app shows for " <strong>{email.clone()}</strong> "."
                            </p>
                        }
                        .into_any()
                    }}
                    <ActionForm action=submit attr:class="stacked-form">
                        <CodeField id="login-code" recovery=!enrolling />
                        <FormError action=submit />
                        <SubmitButton
                            label=if enrolling { "Turn on and continue" } else { "Verify" }
                            pending_label="Checking…"
                            pending=submit.pending()
                        />
                    </ActionForm>
                    {(!enrolling).then(|| view! {
                        <p class="muted small">
                            "No access to your authenticator? Type one of your recovery codes instead (like abcd-efgh-jkmn-pqrs)."
                        </p>
                    })}
                    <p class="muted small"><a href="/login">"Log in with another account"</a></p>
                }
            }
        >
            {move || saved_codes().map(|accepted| view! {
                <h1 id="code-title">"Two-step sign-in is on"</h1>
                <RecoveryCodesList codes=accepted.recovery_codes.clone() />
                <a class="button primary" href=accepted.next.clone() rel="external" data-testid="codes-saved">
                    "I have saved them: continue"
                </a>
            })}
        </Show>
    }
}
