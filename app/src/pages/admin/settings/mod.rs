//! Settings: auto-approval, invitation validity, self-registration, the login background color
//! (with a live preview), the portal home content, the logo, domain rules, the emails' words
//! (edited on their own page), the administrators, API tokens and webhooks.

use leptos::prelude::*;
use leptos_meta::Title;

use super::AdminFrame;

mod administrators;
mod api_tokens;
mod domain_rules;
mod emails;
mod logo;
mod webhooks;
use crate::{
    api::settings::{get_settings, SaveSettings},
    components::{
        form::{FormError, SubmitButton},
        toast::use_toasts,
    },
    domain::{HexColor, PasswordPolicy, PortalSettings, SelfRegistration},
};
use administrators::{administrators_state, AdministratorsSection};
use api_tokens::{api_tokens_state, ApiTokensSection};
use domain_rules::{domain_rules_state, DomainRulesSection};
pub use emails::EmailEditorPage;
use emails::{emails_state, EmailsSection};
use logo::{logo_state, LogoSection};
use webhooks::{webhooks_state, WebhooksSection};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let administrators = administrators_state();
    let api_tokens = api_tokens_state();
    let domain_rules = domain_rules_state();
    let emails = emails_state();
    let logo = logo_state();
    let webhooks = webhooks_state();
    view! {
        <Title text="Settings" />
        <AdminFrame>
            <SettingsLoader />
            <LogoSection state=logo />
            <DomainRulesSection state=domain_rules />
            <EmailsSection state=emails />
            <AdministratorsSection state=administrators />
            <ApiTokensSection state=api_tokens />
            <WebhooksSection state=webhooks />
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

/// Its fields are posted as `form[...]`: `save_settings` takes one `SettingsForm` argument
/// named `form`.
#[component]
fn SettingsForm(current: PortalSettings) -> impl IntoView {
    let toasts = use_toasts();
    let color = RwSignal::new(current.login_background.as_str().to_owned());
    let accent = RwSignal::new(current.accent_color.as_str().to_owned());
    // The contrast rule the server applies, shown as the admin picks.
    let accent_verdict = move || match HexColor::parse(&accent.get()) {
        Ok(parsed) => match crate::domain::accent::accent_problem(&parsed) {
            None => (
                true,
                format!(
                    "Contrast with white text: {:.1}:1, meets WCAG AA.",
                    crate::domain::accent::floor_tenth(crate::domain::accent::contrast_with_white(
                        &parsed
                    ))
                ),
            ),
            Some(problem) => (false, problem),
        },
        Err(e) => (false, e.to_string()),
    };
    let save = ServerAction::<SaveSettings>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            toasts.success("Settings saved.");
        }
    });
    let preview = move || HexColor::parse(&color.get()).ok();
    let (self_registration, password_policy) = (current.self_registration, current.password_policy);

    view! {
        <ActionForm action=save attr:class="stacked-form settings-form" attr:novalidate="">
            <label for="portal-name">"Portal name"</label>
            <input id="portal-name" name="form[portal_name]" type="text" maxlength="60"
                value=current.portal_name.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_default()
                placeholder="The server's configured name" aria-describedby="portal-name-note" />
            <p class="muted small" id="portal-name-note">
                "Shown in the top bar, on the login screen, in page titles and in every email. Leave it empty for the server's configured name."
            </p>
            <label class="checkbox">
                // Absent when unchecked, which the form reads as false.
                <input type="checkbox" name="form[auto_approve]" value="true" checked=current.auto_approve />
                "Auto-approval: new invitations are pre-approved"
            </label>
            <label for="validity">"Invitation validity (hours)"</label>
            <input id="validity" name="form[validity_hours]" type="number" min="1" max="8760"
                value=current.validity.hours().to_string() />
            <label for="reminder-hours">"Reminder (hours before an invitation expires)"</label>
            <input id="reminder-hours" name="form[reminder_hours]" type="number" min="0" max="720"
                value=current.reminder.hours().to_string() aria-describedby="reminder-note" />
            <p class="muted small" id="reminder-note">
                "A Pending invitation is emailed once more this long before its link expires, with a link of its own (the first one keeps working). Never for a resent invitation; 0 sends none. Applies to invitations sent from now on."
            </p>
            <label class="checkbox">
                <input type="checkbox" name="form[auto_resend_requests]" value="true" checked=current.auto_resend_requests
                    aria-describedby="auto-resend-note" data-testid="auto-resend-requests" />
                "Resend at once when a developer whose newest invitation still works asks for a new one"
            </label>
            <p class="muted small" id="auto-resend-note">
                "Otherwise their request waits in Consumers › Invitations › Requests, like requests from expired links always do."
            </p>
            <label for="self-registration">"Self-registration"</label>
            <select id="self-registration" name="form[self_registration]">
                {SelfRegistration::ALL.into_iter().map(|m| view! {
                    <option value=m.as_str() selected={m == self_registration}>{m.label()}</option>
                }).collect_view()}
            </select>
            <label for="password-policy">"Password policy"</label>
            <select id="password-policy" name="form[password_policy]" aria-describedby="password-policy-note">
                {PasswordPolicy::ALL.into_iter().map(|p| view! {
                    <option value=p.as_str() selected={p == password_policy}>{p.label()}</option>
                }).collect_view()}
            </select>
            <p class="muted small" id="password-policy-note">
                "Applies to new passwords (sign-up, invitations, password changes); existing passwords keep working. Common passwords are refused under either."
            </p>
            <label class="checkbox">
                <input type="checkbox" name="form[require_admin_mfa]" value="true" checked=current.require_admin_mfa
                    aria-describedby="require-mfa-note" data-testid="require-admin-mfa" />
                "Require two-step sign-in for administrators"
            </label>
            <p class="muted small" id="require-mfa-note">
                "Administrators then sign in with a code from an authenticator app after their password; those who have not set one up do so at their next login."
            </p>
            <label for="login-color">"Portal body and login background color"</label>
            <div class="color-row">
                <input id="login-color-picker" type="color" aria-label="Pick a color"
                    prop:value=move || preview().map(|c| c.as_str().to_owned()).unwrap_or_else(|| "#eef1f8".into())
                    on:input=move |ev| color.set(event_target_value(&ev)) />
                <input id="login-color" name="form[login_background]" type="text" maxlength="7" prop:value=move || color.get()
                    on:input=move |ev| color.set(event_target_value(&ev)) />
            </div>
            <div class="login-preview" data-testid="login-preview"
                style=move || preview().map(|c| format!("background: {}", c.as_str())).unwrap_or_default()>
                <div class="login-preview-card">"Log in"</div>
            </div>
            <label for="accent-color">"Accent color (buttons and links)"</label>
            <div class="color-row">
                <input id="accent-color-picker" type="color" aria-label="Pick the accent color"
                    prop:value=move || HexColor::parse(&accent.get()).map(|c| c.as_str().to_owned()).unwrap_or_else(|_| crate::domain::accent::DEFAULT_ACCENT.into())
                    on:input=move |ev| accent.set(event_target_value(&ev)) />
                <input id="accent-color" name="form[accent_color]" type="text" maxlength="7" prop:value=move || accent.get()
                    aria-describedby="accent-contrast" on:input=move |ev| accent.set(event_target_value(&ev)) />
            </div>
            <p id="accent-contrast" data-testid="accent-contrast" aria-live="polite"
                class=move || if accent_verdict().0 { "muted small" } else { "field-error" }>
                {move || accent_verdict().1}
            </p>
            <label for="portal-content">"Portal home content (Markdown)"</label>
            <textarea id="portal-content" name="form[portal_content]" rows="8">{current.portal_content.clone()}</textarea>
            <FormError action=save />
            <SubmitButton label="Save settings" pending=save.pending() />
        </ActionForm>
    }
}
