use leptos::prelude::*;

use crate::domain::PasswordRule;

/// New password + confirmation, with the policy's rules listed and ticked live, and a
/// show/hide toggle. The server checks everything again.
#[component]
pub fn PasswordFields(password: RwSignal<String>, confirmation: RwSignal<String>) -> impl IntoView {
    let visible = RwSignal::new(false);
    let input_type = move || if visible.get() { "text" } else { "password" };
    let mismatch = move || !confirmation.get().is_empty() && confirmation.get() != password.get();
    view! {
        <label for="new-password">"Password"</label>
        <div class="password-row">
            <input
                id="new-password"
                name="password"
                type=input_type
                autocomplete="new-password"
                aria-describedby="password-rules"
                required
                prop:value=move || password.get()
                on:input=move |ev| password.set(event_target_value(&ev))
            />
            <button
                type="button"
                class="button secondary small"
                aria-pressed=move || visible.get().to_string()
                on:click=move |_| visible.update(|v| *v = !*v)
            >
                {move || if visible.get() { "Hide" } else { "Show" }}
            </button>
        </div>
        <ul id="password-rules" class="password-rules" aria-live="polite">
            {PasswordRule::ALL
                .into_iter()
                .map(|rule| {
                    let met = move || rule.is_met(&password.get());
                    view! {
                        <li class:met=met data-testid="password-rule">
                            <span class="tick" aria-hidden="true">{move || if met() { "✓" } else { "•" }}</span>
                            {rule.description()}
                            <span class="visually-hidden">{move || if met() { " (met)" } else { " (not met yet)" }}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
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
        {move || mismatch().then(|| view! { <p class="field-error">"The passwords are different."</p> })}
    }
}

/// Whether a password and its confirmation are ready to submit.
pub fn passwords_ready(password: &str, confirmation: &str) -> bool {
    PasswordRule::unmet(password).is_empty() && password == confirmation
}
