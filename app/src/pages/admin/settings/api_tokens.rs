//! Settings › API tokens: create a token for a system that calls `/api/v1` (its secret shown
//! once), see when each was last used, and revoke one at once.

use chrono::Utc;
use leptos::prelude::*;

use crate::{
    api::api_tokens::{list_api_tokens, CreateApiToken, RevokeApiToken},
    components::{form::FormError, form::SubmitButton, time::LocalTime, toast::use_toasts},
    domain::api_token::{DEFAULT_TOKEN_LIFETIME_DAYS, MAX_TOKEN_NAME_CHARS, TOKEN_LIFETIMES_DAYS},
    model::api_token::ApiTokenRow,
};

/// The list and the actions that change it, made at the top of the page component so that
/// they hydrate (see `pages::portal::sessions::SessionsState`).
#[derive(Clone, Copy)]
pub struct ApiTokensState {
    create: ServerAction<CreateApiToken>,
    revoke: ServerAction<RevokeApiToken>,
    tokens: Resource<Result<Vec<ApiTokenRow>, crate::model::ApiError>>,
}

pub fn api_tokens_state() -> ApiTokensState {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_tokens(),
    );
    ApiTokensState {
        create,
        revoke,
        tokens,
    }
}

#[component]
pub fn ApiTokensSection(state: ApiTokensState) -> impl IntoView {
    let ApiTokensState {
        create,
        revoke,
        tokens,
    } = state;
    let toasts = use_toasts();
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(row)) => toasts.success(format!("The token \"{}\" is revoked.", row.name)),
        Some(Err(e)) => toasts.error(e.to_string()),
        None => {}
    });
    let created = move || create.value().get().and_then(Result::ok);
    view! {
        <section class="settings-section" aria-labelledby="api-tokens-title">
            <h2 id="api-tokens-title">"API tokens"</h2>
            <p class="muted">
                "Systems such as a CRM or a CI job call this portal's REST API (" <a href="/api/v1/docs">"reference"</a>
                ") with a token, sent as " <code>"Authorization: Bearer …"</code> ". A token acts with the authority of "
                "the administrator who created it, and stops working when it expires, when it is revoked, or when that "
                "administrator can no longer sign in."
            </p>
            <ActionForm action=create attr:class="token-form">
                <label>
                    "Name"
                    <input type="text" name="name" required maxlength=MAX_TOKEN_NAME_CHARS.to_string() placeholder="CRM sync" />
                </label>
                <label>
                    "May"
                    <select name="scopes">
                        <option value="read" selected>"Read only"</option>
                        <option value="write">"Write only"</option>
                        <option value="read,write">"Read and write"</option>
                    </select>
                </label>
                <label>
                    "Expires after"
                    <select name="lifetime_days">
                        {TOKEN_LIFETIMES_DAYS
                            .into_iter()
                            .map(|days| {
                                view! {
                                    <option value=days.to_string() selected=days == DEFAULT_TOKEN_LIFETIME_DAYS>
                                        {format!("{days} days")}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <SubmitButton label="CREATE TOKEN" pending_label="CREATING…" pending=create.pending() />
            </ActionForm>
            <FormError action=create />
            {move || {
                created()
                    .map(|new| {
                        view! {
                            <div class="token-secret" role="status" data-testid="new-token">
                                <p>
                                    <strong>{format!("The token \"{}\" is ready. ", new.token.name)}</strong>
                                    "Copy it now: it is shown only this once, and only its fingerprint is kept."
                                </p>
                                <input
                                    type="text"
                                    readonly
                                    class="token-value"
                                    aria-label="The new token"
                                    value=new.secret
                                    on:focus=|ev| {
                                        use wasm_bindgen::JsCast;
                                        if let Some(input) = ev
                                            .target()
                                            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                                        {
                                            input.select();
                                        }
                                    }
                                />
                            </div>
                        }
                    })
            }}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(rows) if rows.is_empty() => {
                            view! { <p class="muted" data-testid="no-api-tokens">"No API tokens yet."</p> }.into_any()
                        }
                        Ok(rows) => {
                            let now = Utc::now();
                            view! {
                                <div class="table-wrap">
                                    <table class="data-table" data-testid="api-tokens-table">
                                        <thead>
                                            <tr>
                                                <th scope="col">"Name"</th>
                                                <th scope="col">"Token"</th>
                                                <th scope="col">"May"</th>
                                                <th scope="col">"Created"</th>
                                                <th scope="col">"Expires"</th>
                                                <th scope="col">"Last used"</th>
                                                <th scope="col">"Status"</th>
                                                <th scope="col">"Actions"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {rows
                                                .into_iter()
                                                .map(|row| view! { <TokenRow row now revoke /> })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
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
fn TokenRow(
    row: ApiTokenRow,
    now: chrono::DateTime<Utc>,
    revoke: ServerAction<RevokeApiToken>,
) -> impl IntoView {
    let state = row.state_label(now);
    let usable = row.usable(now);
    let scopes = match (row.scopes.read, row.scopes.write) {
        (true, true) => "Read and write",
        (true, false) => "Read",
        _ => "Write",
    };
    let creator = row
        .created_by
        .clone()
        .unwrap_or_else(|| "a removed account".into());
    view! {
        <tr data-testid="api-token-row" data-name=row.name.clone()>
            <td>
                <span class="cell-text">{row.name.clone()}</span>
                <br />
                <span class="muted small">"by " {creator}</span>
            </td>
            <td data-label="Token"><code>{format!("{}…", row.prefix)}</code></td>
            <td data-label="May">{scopes}</td>
            <td data-label="Created"><LocalTime at=row.created_at now /></td>
            <td data-label="Expires"><LocalTime at=row.expires_at now /></td>
            <td data-label="Last used" data-testid="api-token-last-used">
                {match row.last_used_at {
                    Some(at) => view! { <LocalTime at now /> }.into_any(),
                    None => view! { <span class="muted">"Never"</span> }.into_any(),
                }}
            </td>
            <td data-label="Status">
                <span class=format!("badge badge-token-{}", state.to_lowercase())>{state}</span>
            </td>
            <td>
                {usable
                    .then(|| {
                        view! {
                            <ActionForm action=revoke>
                                <input type="hidden" name="id" value=row.id.to_string() />
                                <SubmitButton label="Revoke" class="button danger small" pending=revoke.pending() />
                            </ActionForm>
                        }
                    })}
            </td>
        </tr>
    }
}
