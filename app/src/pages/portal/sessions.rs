//! Profile › Sessions: every browser signed in to this account, so that its owner can spot
//! one they do not recognise and sign it out, or sign out everywhere else at once.

use leptos::prelude::*;

use crate::{
    api::sessions::{my_sessions, EndOtherSessions, EndSession},
    components::{form::SubmitButton, time::LocalTime, toast::use_toasts},
    model::account::ActiveSession,
};

/// The list and the actions that change it. Made at the top of the page component, before any
/// `Suspense` awaits: a resource created while another one is awaited would not hydrate, and
/// the page would render its list twice (the first one's buttons dead).
#[derive(Clone, Copy)]
pub struct SessionsState {
    end_one: ServerAction<EndSession>,
    end_others: ServerAction<EndOtherSessions>,
    listed: Resource<Result<Vec<ActiveSession>, crate::model::ApiError>>,
}

pub fn sessions_state() -> SessionsState {
    let end_one = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    // Read again after each ending (whatever its answer: a session may have ended meanwhile).
    let listed = Resource::new(
        move || (end_one.version().get(), end_others.version().get()),
        |_| my_sessions(),
    );
    SessionsState {
        end_one,
        end_others,
        listed,
    }
}

#[component]
pub fn SessionsSection(state: SessionsState) -> impl IntoView {
    let toasts = use_toasts();
    let SessionsState {
        end_one,
        end_others,
        listed,
    } = state;
    Effect::new(move |_| match end_one.value().get() {
        Some(Ok(())) => toasts.success("That session is signed out."),
        Some(Err(e)) => toasts.error(e.to_string()),
        None => {}
    });
    Effect::new(move |_| match end_others.value().get() {
        Some(Ok(0)) => toasts.success("There was no other session to sign out."),
        Some(Ok(1)) => toasts.success("Your other session is signed out."),
        Some(Ok(n)) => toasts.success(format!("Your {n} other sessions are signed out.")),
        Some(Err(e)) => toasts.error(e.to_string()),
        None => {}
    });
    view! {
        <section class="card form-card" aria-labelledby="profile-sessions">
            <h2 id="profile-sessions">"Sessions"</h2>
            <p class="muted">"Where your account is signed in. Sign out any browser you do not recognise, then change your password."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match listed.await {
                        Ok(sessions) => {
                            let others = sessions.iter().filter(|s| !s.current).count();
                            let now = chrono::Utc::now();
                            view! {
                                <ul class="session-list" data-testid="sessions">
                                    {sessions
                                        .into_iter()
                                        .map(|session| view! { <SessionItem session now end_one /> })
                                        .collect_view()}
                                </ul>
                                {(others > 0).then(|| view! {
                                    <ActionForm action=end_others>
                                        <SubmitButton
                                            label="Sign out all other sessions"
                                            pending_label="Signing out…"
                                            pending=end_others.pending()
                                            class="button secondary"
                                        />
                                    </ActionForm>
                                })}
                            }
                            .into_any()
                        }
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SessionItem(
    session: ActiveSession,
    now: chrono::DateTime<chrono::Utc>,
    end_one: ServerAction<EndSession>,
) -> impl IntoView {
    let address = session
        .address
        .clone()
        .unwrap_or_else(|| "address unknown".into());
    view! {
        <li class="session-item" data-testid="session" data-current=session.current.to_string()>
            <div>
                <strong>{session.browser.clone()}</strong>
                {session.current.then(|| view! { <span class="badge badge-current">"This browser"</span> })}
                <div class="muted small">
                    {address} " · signed in " <LocalTime at=session.started_at now />
                    " · last active " <LocalTime at=session.last_seen_at now />
                </div>
            </div>
            {(!session.current).then(|| view! {
                <ActionForm action=end_one>
                    <input type="hidden" name="id" value=session.id.clone() />
                    <SubmitButton label="Sign out" pending=end_one.pending() class="button secondary small" />
                </ActionForm>
            })}
        </li>
    }
}
