//! Settings › Webhooks: endpoints that receive signed events, each with its delivery log,
//! a test event, sending a delivery again, and turning an endpoint back on.

use chrono::Utc;
use leptos::prelude::*;

use crate::{
    api::webhooks::{
        list_webhooks, webhook_deliveries, CreateWebhook, DeleteWebhook, EnableWebhook,
        RedeliverWebhook, SendTestWebhook,
    },
    components::{form::FormError, form::SubmitButton, time::LocalTime, toast::use_toasts},
    domain::webhook::EventType,
    model::webhook::{DeliveryRow, WebhookEndpointRow},
};

/// Made at the top of the page component so that it hydrates.
#[derive(Clone, Copy)]
pub struct WebhooksState {
    create: ServerAction<CreateWebhook>,
    delete: ServerAction<DeleteWebhook>,
    enable: ServerAction<EnableWebhook>,
    endpoints: Resource<Result<Vec<WebhookEndpointRow>, crate::model::ApiError>>,
}

pub fn webhooks_state() -> WebhooksState {
    let create = ServerAction::<CreateWebhook>::new();
    let delete = ServerAction::<DeleteWebhook>::new();
    let enable = ServerAction::<EnableWebhook>::new();
    let endpoints = Resource::new(
        move || {
            (
                create.version().get(),
                delete.version().get(),
                enable.version().get(),
            )
        },
        |_| list_webhooks(),
    );
    WebhooksState {
        create,
        delete,
        enable,
        endpoints,
    }
}

#[component]
pub fn WebhooksSection(state: WebhooksState) -> impl IntoView {
    let WebhooksState {
        create,
        delete,
        enable,
        endpoints,
    } = state;
    let chosen = RwSignal::new(EventType::SUBSCRIBABLE.to_vec());
    let events_value = move || {
        chosen
            .get()
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    let created = move || create.value().get().and_then(Result::ok);
    view! {
        <section class="settings-section" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title">"Webhooks"</h2>
            <p class="muted">
                "Portico POSTs a JSON event to each endpoint when something happens, signed per the Standard Webhooks "
                "specification (headers webhook-id, webhook-timestamp, webhook-signature): check the signature with the "
                "endpoint's secret. A failed delivery is tried again, up to 8 times over about a day; events about one "
                "address arrive in order."
            </p>
            <ActionForm action=create attr:class="webhook-form">
                <label>
                    "Endpoint URL"
                    <input type="url" name="url" required placeholder="https://hooks.example.com/portico" />
                </label>
                <label>
                    "Description"
                    <input type="text" name="description" maxlength="200" placeholder="Billing system" />
                </label>
                <fieldset class="webhook-events">
                    <legend>"Events"</legend>
                    {EventType::SUBSCRIBABLE
                        .into_iter()
                        .map(|event| {
                            view! {
                                <label class="checkbox">
                                    <input
                                        type="checkbox"
                                        prop:checked=move || chosen.get().contains(&event)
                                        on:change=move |_| {
                                            chosen.update(|list| {
                                                if let Some(i) = list.iter().position(|e| *e == event) {
                                                    list.remove(i);
                                                } else {
                                                    list.push(event);
                                                }
                                            })
                                        }
                                    />
                                    <code>{event.as_str()}</code>
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <input type="hidden" name="events" prop:value=events_value />
                <SubmitButton label="ADD ENDPOINT" pending_label="ADDING…" pending=create.pending() />
            </ActionForm>
            <FormError action=create />
            {move || {
                created()
                    .map(|new| {
                        view! {
                            <div class="token-secret" role="status" data-testid="new-webhook-secret">
                                <p>
                                    <strong>"The endpoint is added. "</strong>
                                    "Its signing secret is shown only this once: copy it into your receiver."
                                </p>
                                <input type="text" readonly class="token-value" aria-label="The signing secret" value=new.secret />
                            </div>
                        }
                    })
            }}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match endpoints.await {
                        Ok(rows) if rows.is_empty() => {
                            view! { <p class="muted">"No webhook endpoints yet."</p> }.into_any()
                        }
                        Ok(rows) => {
                            rows.into_iter()
                                .map(|endpoint| view! { <EndpointCard endpoint delete enable /> })
                                .collect_view()
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
fn EndpointCard(
    endpoint: WebhookEndpointRow,
    delete: ServerAction<DeleteWebhook>,
    enable: ServerAction<EnableWebhook>,
) -> impl IntoView {
    let toasts = use_toasts();
    let id = endpoint.id;
    let test = ServerAction::<SendTestWebhook>::new();
    let redeliver = ServerAction::<RedeliverWebhook>::new();
    let open = RwSignal::new(false);
    let deliveries = Resource::new(
        move || (open.get(), test.version().get(), redeliver.version().get()),
        move |(open, _, _)| async move {
            if open {
                webhook_deliveries(id).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    Effect::new(move |_| match test.value().get() {
        Some(Ok(())) => {
            toasts.success("A test event is on its way.");
            open.set(true);
        }
        Some(Err(e)) => toasts.error(e.to_string()),
        None => {}
    });
    let status = if endpoint.enabled { "On" } else { "Off" };
    view! {
        <article class="webhook-endpoint" data-testid="webhook-endpoint" data-url=endpoint.url.clone()>
            <h3><code class="cell-text">{endpoint.url.clone()}</code></h3>
            <p>
                <span class=format!("badge badge-token-{}", if endpoint.enabled { "active" } else { "revoked" })>{status}</span>
                " " {endpoint.description.clone()}
            </p>
            {endpoint.disabled_reason.clone().map(|reason| view! { <p class="form-error" role="alert">{reason}</p> })}
            <p class="muted small">"Events: " {endpoint.events.join(", ")}</p>
            <div class="webhook-actions">
                <ActionForm action=test>
                    <input type="hidden" name="id" value=id.to_string() />
                    <SubmitButton label="Send a test event" class="button secondary small" pending=test.pending() />
                </ActionForm>
                <button type="button" class="button secondary small" on:click=move |_| open.update(|o| *o = !*o)>
                    {move || if open.get() { "Hide deliveries" } else { "Show deliveries" }}
                </button>
                {(!endpoint.enabled)
                    .then(|| {
                        view! {
                            <ActionForm action=enable>
                                <input type="hidden" name="id" value=id.to_string() />
                                <SubmitButton label="Turn on" class="button primary small" pending=enable.pending() />
                            </ActionForm>
                        }
                    })}
                <ActionForm action=delete>
                    <input type="hidden" name="id" value=id.to_string() />
                    <SubmitButton label="Remove" class="button danger small" pending=delete.pending() />
                </ActionForm>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match deliveries.await {
                        Ok(Some(rows)) => view! { <DeliveryLog rows redeliver /> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </article>
    }
}

#[component]
fn DeliveryLog(rows: Vec<DeliveryRow>, redeliver: ServerAction<RedeliverWebhook>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted" data-testid="webhook-deliveries">"Nothing delivered yet."</p> }.into_any();
    }
    let now = Utc::now();
    view! {
        <div class="table-wrap">
            <table class="data-table" data-testid="webhook-deliveries">
                <thead>
                    <tr>
                        <th scope="col">"Event"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Tries"</th>
                        <th scope="col">"Last answer"</th>
                        <th scope="col">"Time"</th>
                        <th scope="col">"When"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let answer = match (row.last_status, row.last_error.clone()) {
                                (_, Some(error)) => error,
                                (Some(status), None) => status.to_string(),
                                (None, None) => "—".into(),
                            };
                            let finished = row.state != "pending";
                            view! {
                                <tr data-testid="webhook-delivery" data-state=row.state.clone()>
                                    <td>
                                        <code>{row.event_type.clone()}</code>
                                        <br />
                                        <span class="muted small">{row.event_id.clone()}</span>
                                    </td>
                                    <td data-label="Status">{row.state.clone()}</td>
                                    <td data-label="Tries">{row.attempts}</td>
                                    <td data-label="Last answer"><span class="cell-text">{answer}</span></td>
                                    <td data-label="Time">{row.response_ms.map(|ms| format!("{ms} ms")).unwrap_or_default()}</td>
                                    <td data-label="When"><LocalTime at=row.last_attempt_at.unwrap_or(row.created_at) now /></td>
                                    <td>
                                        {finished
                                            .then(|| {
                                                view! {
                                                    <ActionForm action=redeliver>
                                                        <input type="hidden" name="delivery_id" value=row.id.to_string() />
                                                        <SubmitButton label="Redeliver" class="button secondary small" pending=redeliver.pending() />
                                                    </ActionForm>
                                                }
                                            })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
