use leptos::prelude::*;

use crate::domain::{password::CONFIRMATION_DIFFERS, NewPassword, PasswordPolicy};

/// New password + confirmation, with the policy's rules listed and ticked live, and a
/// show/hide toggle. The server checks everything again, and also refuses common passwords.
/// The `data-*` attributes let a page without the app do the same (`plain_page.js`).
#[component]
pub fn PasswordFields(
    password: RwSignal<String>,
    confirmation: RwSignal<String>,
    policy: PasswordPolicy,
) -> impl IntoView {
    let visible = RwSignal::new(false);
    let input_type = move || if visible.get() { "text" } else { "password" };
    let mismatch = move || NewPassword::confirmation_differs(&password.get(), &confirmation.get());
    view! {
        <label for="new-password">"Password"</label>
        <div class="password-row">
            <input
                id="new-password"
                name="password"
                type=input_type
                autocomplete="new-password"
                aria-describedby="password-rules password-common-note"
                required
                prop:value=move || password.get()
                on:input=move |ev| password.set(event_target_value(&ev))
            />
            <button
                type="button"
                class="button secondary small"
                data-shows="new-password confirm-password"
                aria-pressed=move || visible.get().to_string()
                on:click=move |_| visible.update(|v| *v = !*v)
            >
                {move || if visible.get() { "Hide" } else { "Show" }}
            </button>
        </div>
        <ul id="password-rules" class="password-rules" aria-live="polite" data-password-rules="new-password">
            {policy
                .rules()
                .iter()
                .copied()
                .map(|rule| {
                    let met = move || rule.is_met(policy, &password.get());
                    view! {
                        <li class:met=met data-testid="password-rule" data-pattern=rule.pattern(policy)>
                            <span class="tick" aria-hidden="true">{move || if met() { "✓" } else { "•" }}</span>
                            {rule.description(policy)}
                            <span class="visually-hidden">{move || if met() { " (met)" } else { " (not met yet)" }}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <p class="muted small" id="password-common-note">
            "Commonly used passwords (the 10,000 most common, with or without added numbers) are refused."
        </p>
        <label for="confirm-password">"Confirm password"</label>
        <input
            id="confirm-password"
            name="confirmation"
            type=input_type
            autocomplete="new-password"
            required
            aria-invalid=move || mismatch().to_string()
            prop:value=move || confirmation.get()
            on:input=move |ev| confirmation.set(event_target_value(&ev))
        />
        <p class="field-error" data-differs="new-password confirm-password" hidden=move || !mismatch()>
            {CONFIRMATION_DIFFERS}
        </p>
    }
}

/// The portal's password policy, loading.
pub type PolicyResource = Resource<Result<PasswordPolicy, crate::model::ApiError>>;

/// Starts loading the password policy. Call it at the top of the page component, not inside a
/// `Suspense`: a resource created while another one is awaited would not hydrate.
pub fn password_policy_resource() -> PolicyResource {
    Resource::new(|| (), |_| crate::api::settings::current_password_policy())
}

/// Renders a password form once the portal's password policy is known (read inside a
/// `Suspense`, so the server-rendered page already lists the right rules).
#[component]
pub fn WithPasswordPolicy<F>(policy: PolicyResource, render: F) -> impl IntoView
where
    F: Fn(PasswordPolicy) -> AnyView + Send + Sync + Clone + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p class="loading" aria-live="polite">"Loading…"</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match policy.await {
                        Ok(policy) => render(policy),
                        Err(error) => {
                            view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}
