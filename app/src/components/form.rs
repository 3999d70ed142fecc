//! The pieces every form is made of. Each form is an `ActionForm` on its server function's
//! `ServerAction`: its fields are named as the function's arguments, so the same markup works
//! once the app runs (the action sends it and keeps the answer in `action.value()`) and before
//! or without it (the browser posts it, and an error comes back in the URL, where
//! `ServerAction::new` finds it).

use leptos::{prelude::*, server_fn::ServerFn};

use crate::{
    domain::{account::MAX_FULL_NAME_CHARS, Email},
    model::ApiError,
};

/// The address an email went to, once the server has sent the browser on with it in `?sent=`
/// (`api::redirect_with_query`, after a sign-up or a password-reset request). Only a parsable
/// address: the URL is not the site's to write other words in.
pub fn sent_address() -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let query = leptos_router::hooks::use_query_map();
    move || {
        query
            .with(|q| q.get("sent"))
            .filter(|sent| Email::parse(sent).is_ok())
    }
}

/// "Full name", posted as `full_name`, as long as an account's name may be.
#[component]
pub fn FullNameField(
    /// The input's id (the label points at it).
    id: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label for=id>"Full name"</label>
        <input
            id=id
            name="full_name"
            autocomplete="name"
            required
            maxlength=MAX_FULL_NAME_CHARS.to_string()
            value=value.get_untracked()
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

/// The error of an action's last answer, as an alert; hidden while a new submission is pending
/// (its answer replaces it).
#[component]
pub fn FormError<S>(action: ServerAction<S>) -> impl IntoView
where
    S: ServerFn<Error = ApiError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let message = move || {
        if action.pending().get() {
            return None;
        }
        action.value().with(|answer| {
            answer
                .as_ref()
                .and_then(|r| r.as_ref().err().map(|e| e.to_string()))
        })
    };
    move || message().map(|m| view! { <p class="form-error" role="alert">{m}</p> })
}

/// The form's submit button: `pending_label` while the submission is in flight, disabled then
/// and while the form is not `ready` (a domain rule says what it lacks; the server checks
/// again). With `name` and `value` it also says which of several buttons was pressed.
#[component]
pub fn SubmitButton(
    label: &'static str,
    /// Shown while pending; the label when omitted.
    #[prop(optional)]
    pending_label: Option<&'static str>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(optional, into)] ready: Option<Signal<bool>>,
    #[prop(default = "button primary")] class: &'static str,
    #[prop(optional)] name: Option<&'static str>,
    #[prop(optional)] value: Option<&'static str>,
) -> impl IntoView {
    let pending_label = pending_label.unwrap_or(label);
    // On a page without the app the script gates the button (`data-gated`), from the fields'
    // constraints: rendered disabled, it would stay so should the script not run.
    let gated = ready.is_some();
    let plain = super::plain_page::is_plain_page();
    let ready = move || plain || ready.is_none_or(|r| r.get());
    view! {
        <button
            type="submit"
            class=class
            name=name
            value=value
            data-gated=gated.then_some("")
            data-pending-label=pending_label
            disabled=move || pending.get() || !ready()
        >
            {move || if pending.get() { pending_label } else { label }}
        </button>
    }
}
