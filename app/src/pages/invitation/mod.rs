//! `/invitation/:token`: the page the invitation email links to. Opening it never uses the
//! invitation up; only submitting the form does.
//!
//! It works without the app (`pages::is_plain`): its two tabs are links (`?tab=login`), and
//! every answer is a redirect: home once the account is signed in, `/login/code` for a second
//! step, and back here when the registration waits (`?registered`) or a new invitation was
//! requested (`?requested=`), where the link's state, read again, says what happens next.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::{
        invitations::{invitation_by_token, CompleteRegistration},
        link_requests::RequestNewInvitation as RequestNewInvitationCall,
    },
    components::{
        branding::CardBrand,
        form::{FormError, FullNameField, SubmitButton},
        login_form::LoginForm,
        password_fields::{
            password_policy_resource, PasswordFields, PolicyResource, WithPasswordPolicy,
        },
    },
    domain::{
        invitation::link_path,
        link_request::{offers_request, RequestPlan},
        FullName, LinkState, PasswordPolicy,
    },
    model::link_request::RequestAnswer,
    pages::login::LoginBackdrop,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    CreateAccount,
    Login,
}

#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    // Read again after an answer that changes it (in the app, the redirect back here only
    // changes the query).
    let registered = move || query.with(|q| q.get("registered").is_some());
    let requested = move || query.with(|q| q.get("requested"));
    let landing = Resource::new(
        move || (token(), registered(), requested()),
        |(token, _, _)| invitation_by_token(token),
    );
    let policy = password_policy_resource();

    view! {
        <Title text="Your invitation" />
        <LoginBackdrop>
            <Suspense fallback=|| view! { <p class="loading">"Checking your invitation…"</p> }>
                {move || Suspend::new(async move {
                    match landing.await {
                        Ok(found) if found.state.is_usable() => {
                            let link = Link {
                                token: token(),
                                email: found.email.unwrap_or_default(),
                                self_sign_up: found.self_sign_up,
                                suggested_name: found.suggested_name.unwrap_or_default(),
                            };
                            view! { <Usable link policy /> }.into_any()
                        }
                        Ok(found) if found.state == LinkState::WaitingForApproval && registered() => {
                            view! { <WaitingForApproval /> }.into_any()
                        }
                        Ok(found) => view! { <DeadEnd state=found.state token=token() /> }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </LoginBackdrop>
    }
}

/// A link that cannot be used: what happened and what to do next. An expired or replaced
/// one offers to ask for a new invitation, so it is never a dead end.
#[component]
fn DeadEnd(state: LinkState, token: String) -> impl IntoView {
    view! {
        <section class="card login-card" data-testid="link-state" data-state=format!("{state:?}")>
            <CardBrand />
            <h1>{state.title()}</h1>
            <p>{state.message()}</p>
            {state.offers_login().then(|| view! { <a class="button primary" href="/login?next=/portal">"Log in"</a> })}
            {offers_request(state).then(|| view! { <RequestNewInvitation state token /> })}
        </section>
    }
}

/// "Request a new invitation", then what happens next: the server sends the browser back
/// with its answer in `?requested=` (only a plan's name is shown, never the URL's words, and
/// only one the link's state agrees with: "a new invitation is on its way" once a resend has
/// replaced this link).
#[component]
fn RequestNewInvitation(state: LinkState, token: String) -> impl IntoView {
    let query = use_query_map();
    let answer = move || {
        query
            .with(|q| q.get("requested"))
            .and_then(|plan| RequestPlan::parse(&plan))
            .filter(|plan| plan.agrees_with(state))
            .map(RequestAnswer)
    };
    // Read, not moved, by the form: `Show` may draw it more than once.
    let token = StoredValue::new(token);
    let request = ServerAction::<RequestNewInvitationCall>::new();
    view! {
        <Show when=move || answer().is_none() fallback=move || {
            let answer = answer();
            view! {
                <div class="notice" role="status" data-testid="request-answer">
                    <h2>{answer.map(|a| a.title())}</h2>
                    <p>{answer.map(|a| a.message())}</p>
                </div>
            }
        }>
            <ActionForm action=request attr:class="stacked-form">
                <input type="hidden" name="token" value=token.get_value() />
                <FormError action=request />
                <SubmitButton label="Request a new invitation" pending_label="Sending your request…" pending=request.pending() />
            </ActionForm>
        </Show>
    }
}

/// A usable link: an admin's invitation, or a self sign-up's (whose owner chooses the
/// password here: the sign-up form takes none, so nobody can choose it for them).
#[derive(Clone)]
struct Link {
    token: String,
    email: String,
    self_sign_up: bool,
    /// The name given at sign-up, to start the form with.
    suggested_name: String,
}

#[component]
fn Usable(link: Link, policy: PolicyResource) -> impl IntoView {
    let query = use_query_map();
    let tab = move || {
        if query.with(|q| q.get("tab")).as_deref() == Some("login") {
            Tab::Login
        } else {
            Tab::CreateAccount
        }
    };
    let page = link_path(&link.token);
    // Links, so that the tabs work without the app; each is the page with its tab chosen.
    let tab_link = move |which: Tab, label: &'static str, id: &'static str, href: String| {
        view! {
            <a
                href=href
                role="tab"
                id=id
                class="tab"
                aria-selected=move || (tab() == which).to_string()
            >
                {label}
            </a>
        }
    };
    view! {
        <section class="card login-card">
            <CardBrand />
            <div class="tabs" role="tablist" aria-label="Account">
                {tab_link(Tab::CreateAccount, "CREATE AN ACCOUNT", "tab-create", page.clone())}
                {tab_link(Tab::Login, "LOGIN", "tab-login", format!("{page}?tab=login"))}
            </div>
            <div role="tabpanel" aria-labelledby=move || if tab() == Tab::Login { "tab-login" } else { "tab-create" }>
                {move || match tab() {
                    Tab::CreateAccount => {
                        let link = link.clone();
                        view! {
                            <WithPasswordPolicy policy render=move |policy| {
                                view! { <CreateAccount link=link.clone() policy /> }.into_any()
                            } />
                        }
                        .into_any()
                    }
                    Tab::Login => view! { <LoginForm next="/portal".to_owned() /> }.into_any(),
                }}
            </div>
        </section>
    }
}

#[component]
fn CreateAccount(link: Link, policy: PasswordPolicy) -> impl IntoView {
    let Link {
        token,
        email,
        self_sign_up,
        suggested_name,
    } = link;
    let full_name = RwSignal::new(suggested_name);
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let ready = Signal::derive(move || {
        FullName::parse(&full_name.get()).is_ok()
            && crate::domain::NewPassword::ready(policy, &password.get(), &confirmation.get())
    });
    // The answer is a redirect (`api::invitations::complete_registration`), with the app or
    // without it; an error comes back to this form.
    let submit = ServerAction::<CompleteRegistration>::new();
    view! {
        <h1>{if self_sign_up { "Choose your password" } else { "Create your account" }}</h1>
        {self_sign_up.then(|| view! {
            <p data-testid="finish-sign-up">"This link shows that the address is yours. Choose the password you will log in with to finish signing up."</p>
        })}
        <ActionForm action=submit attr:class="stacked-form">
            <input type="hidden" name="token" value=token />
            <label for="invited-email">"Email"</label>
            <input id="invited-email" type="email" value=email readonly aria-readonly="true" />
            <FullNameField id="full-name" value=full_name />
            <PasswordFields password confirmation policy />
            <FormError action=submit />
            <SubmitButton label="Create account" pending_label="Creating your account…" pending=submit.pending() ready />
        </ActionForm>
    }
}

/// What a developer sees once their registration waits for an administrator (the link, read
/// again after the form, with `?registered`).
#[component]
fn WaitingForApproval() -> impl IntoView {
    view! {
        <section class="card login-card" data-testid="waiting-for-approval">
            <CardBrand />
            <h1>"Thanks, your registration is waiting for approval"</h1>
            <p>
                "An administrator will review it. You can log in as soon as it is approved; "
                "until then there is nothing else to do."
            </p>
        </section>
    }
}
