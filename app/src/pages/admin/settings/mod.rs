//! Settings: auto-approval, invitation validity, self-registration, the login background color
//! (with a live preview) and the portal home content.

use leptos::prelude::*;
use leptos_meta::Title;

use super::AdminFrame;
use crate::{
    api::settings::{get_settings, save_settings},
    components::toast::use_toasts,
    domain::{HexColor, PasswordPolicy, PortalSettings, SelfRegistration, SettingsForm},
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <Title text="Settings" />
        <AdminFrame>
            <SettingsLoader />
        </AdminFrame>
    }
}

#[component]
fn SettingsLoader() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_settings());
    view! {
        <h1>"Settings"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading settings…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(current) => view! { <SettingsForm current /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SettingsForm(current: PortalSettings) -> impl IntoView {
    let toasts = use_toasts();
    let auto_approve = RwSignal::new(current.auto_approve);
    let validity = RwSignal::new(current.validity.hours().to_string());
    let self_registration = RwSignal::new(current.self_registration.as_str().to_owned());
    let password_policy = RwSignal::new(current.password_policy.as_str().to_owned());
    let color = RwSignal::new(current.login_background.as_str().to_owned());
    let content = RwSignal::new(current.portal_content.clone());
    let error = RwSignal::new(None::<String>);
    let form = move || SettingsForm {
        auto_approve: auto_approve.get_untracked(),
        validity_hours: validity.get_untracked(),
        self_registration: self_registration.get_untracked(),
        password_policy: password_policy.get_untracked(),
        login_background: color.get_untracked(),
        portal_content: content.get_untracked(),
    };
    let save = Action::new(move |form: &SettingsForm| save_settings(form.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            toasts.success("Settings saved.");
        }
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    let preview = move || HexColor::parse(&color.get()).ok();

    view! {
        <form class="stacked-form settings-form" novalidate on:submit=move |ev| { ev.prevent_default(); save.dispatch(form()); }>
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || auto_approve.get()
                    on:change=move |ev| auto_approve.set(event_target_checked(&ev)) />
                "Auto-approval: new invitations are pre-approved"
            </label>
            <label for="validity">"Invitation validity (hours)"</label>
            <input id="validity" type="number" min="1" max="8760" prop:value=move || validity.get()
                on:input=move |ev| validity.set(event_target_value(&ev)) />
            <label for="self-registration">"Self-registration"</label>
            <select id="self-registration" prop:value=move || self_registration.get()
                on:change=move |ev| self_registration.set(event_target_value(&ev))>
                {SelfRegistration::ALL.into_iter().map(|m| view! { <option value=m.as_str()>{m.label()}</option> }).collect_view()}
            </select>
            <label for="password-policy">"Password policy"</label>
            <select id="password-policy" aria-describedby="password-policy-note" prop:value=move || password_policy.get()
                on:change=move |ev| password_policy.set(event_target_value(&ev))>
                {PasswordPolicy::ALL.into_iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
            </select>
            <p class="muted small" id="password-policy-note">
                "Applies to new passwords (sign-up, invitations, password changes); existing passwords keep working. Common passwords are refused under either."
            </p>
            <label for="login-color">"Portal body and login background color"</label>
            <div class="color-row">
                <input id="login-color-picker" type="color" aria-label="Pick a color"
                    prop:value=move || preview().map(|c| c.as_str().to_owned()).unwrap_or_else(|| "#eef1f8".into())
                    on:input=move |ev| color.set(event_target_value(&ev)) />
                <input id="login-color" type="text" maxlength="7" prop:value=move || color.get()
                    on:input=move |ev| color.set(event_target_value(&ev)) />
            </div>
            <div class="login-preview" data-testid="login-preview"
                style=move || preview().map(|c| format!("background: {}", c.as_str())).unwrap_or_default()>
                <div class="login-preview-card">"Log in"</div>
            </div>
            <label for="portal-content">"Portal home content (Markdown)"</label>
            <textarea id="portal-content" rows="8" prop:value=move || content.get()
                on:input=move |ev| content.set(event_target_value(&ev))></textarea>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <button type="submit" class="button primary" disabled=move || save.pending().get()>"Save settings"</button>
        </form>
    }
}
