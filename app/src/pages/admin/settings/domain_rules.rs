//! Settings › Domain rules: allow a partner's domain (its registrations are approved without a
//! review) or deny one (its invitations and sign-ups are refused), with or without subdomains.

use chrono::Utc;
use leptos::prelude::*;

use crate::{
    api::domain_rules::{list_domain_rules, AddDomainRule, RemoveDomainRule},
    components::{form::FormError, form::SubmitButton, time::LocalTime, toast::use_toasts},
    domain::domain_rule::RuleKind,
    model::domain_rule::DomainRuleRow,
};

/// The list and the actions that change it, made at the top of the page component so that
/// they hydrate (see `pages::portal::sessions::SessionsState`).
#[derive(Clone, Copy)]
pub struct DomainRulesState {
    add: ServerAction<AddDomainRule>,
    remove: ServerAction<RemoveDomainRule>,
    rules: Resource<Result<Vec<DomainRuleRow>, crate::model::ApiError>>,
}

pub fn domain_rules_state() -> DomainRulesState {
    let add = ServerAction::<AddDomainRule>::new();
    let remove = ServerAction::<RemoveDomainRule>::new();
    let rules = Resource::new(
        move || (add.version().get(), remove.version().get()),
        |_| list_domain_rules(),
    );
    DomainRulesState { add, remove, rules }
}

#[component]
pub fn DomainRulesSection(state: DomainRulesState) -> impl IntoView {
    let DomainRulesState { add, remove, rules } = state;
    let toasts = use_toasts();
    Effect::new(move |_| {
        if let Some(Ok(row)) = add.value().get() {
            toasts.success(format!("Added {}.", row.rule));
        }
    });
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => toasts.success("The rule is removed."),
        Some(Err(e)) => toasts.error(e.to_string()),
        None => {}
    });
    view! {
        <section class="settings-section" aria-labelledby="domain-rules-title">
            <h2 id="domain-rules-title">"Domain rules"</h2>
            <p class="muted">
                "Allow a partner's mail domain and its developers' registrations are approved without a review; "
                "deny one and invitations, imports and sign-ups for it are refused. When several rules match an address, "
                "the most specific decides, so you can deny a company and allow one of its departments. "
                "Every decision a rule makes names it in the Activity log."
            </p>
            <ActionForm action=add attr:class="inline-settings-form" attr:novalidate="">
                <div class="field">
                    <label for="rule-domain">"Domain"</label>
                    <input id="rule-domain" type="text" name="domain" required maxlength="253"
                        placeholder="partner.com" autocomplete="off" spellcheck="false" />
                </div>
                <div class="field">
                    <label for="rule-kind">"Rule"</label>
                    <select id="rule-kind" name="kind">
                        <option value=RuleKind::Allow.as_str() selected>"Allow: approve registrations"</option>
                        <option value=RuleKind::Deny.as_str()>"Deny: refuse invitations, sign-ups"</option>
                    </select>
                </div>
                <label class="checkbox">
                    <input type="checkbox" name="include_subdomains" value="true" />
                    "and its subdomains"
                </label>
                <SubmitButton label="ADD RULE" pending_label="ADDING…" pending=add.pending() />
            </ActionForm>
            <FormError action=add />
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match rules.await {
                        Ok(rows) if rows.is_empty() => {
                            view! { <p class="muted" data-testid="no-domain-rules">"No domain rules: every domain may be invited and sign up, and registrations follow the approval settings above."</p> }.into_any()
                        }
                        Ok(rows) => {
                            let now = Utc::now();
                            view! {
                                <ul class="rule-list" data-testid="domain-rules">
                                    {rows
                                        .into_iter()
                                        .map(|row| view! { <RuleItem row now remove /> })
                                        .collect_view()}
                                </ul>
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
fn RuleItem(
    row: DomainRuleRow,
    now: chrono::DateTime<Utc>,
    remove: ServerAction<RemoveDomainRule>,
) -> impl IntoView {
    let kind = row.kind();
    let domain = row.rule.domain.as_str().to_owned();
    let scope = if row.rule.include_subdomains {
        "and its subdomains"
    } else {
        "this domain only"
    };
    let author = row
        .created_by
        .clone()
        .unwrap_or_else(|| "a removed account".into());
    view! {
        <li class="rule-item" data-testid="domain-rule" data-domain=domain.clone() data-kind=kind.as_str()>
            <span class=format!("badge badge-rule-{}", kind.as_str())>{kind.as_str().to_uppercase()}</span>
            <span class="rule-text">
                <strong class="cell-text">{domain.clone()}</strong>
                " " <span class="muted">{scope}</span>
                <br />
                <span class="small">{kind.effect()}</span>
                <span class="muted small">" · added by " {author} " " <LocalTime at=row.created_at now /></span>
            </span>
            <ActionForm action=remove>
                <input type="hidden" name="id" value=row.id.to_string() />
                <SubmitButton label="Remove" class="button danger small" pending=remove.pending() />
            </ActionForm>
        </li>
    }
}
