//! Settings › Emails: the list of the developer-facing emails on the Settings page, and the
//! editor of one (`/admin/settings/emails/:kind`): subject and Markdown body with placeholders,
//! the rules checked as the admin types (the domain's, which the server applies again), a live
//! preview of the email as it would be sent, a test sent to the admin, and a way back to the
//! default words.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::super::AdminFrame;
use crate::{
    api::email_templates::{
        email_template, list_email_templates, preview_email_template, ResetEmailTemplate,
        SaveEmailTemplate, SendTestEmail,
    },
    components::{
        form::{FormError, SubmitButton},
        time::LocalTime,
    },
    domain::email_template::{EmailKind, EmailTemplate, UnknownEmailKind},
    model::{
        email_template::{EmailTemplateSummary, EmailTemplateView, PreviewAnswer},
        ApiError,
    },
};

/// The list on the Settings page, made at the top of the page component so that it hydrates.
pub type EmailsState = Resource<Result<Vec<EmailTemplateSummary>, ApiError>>;

pub fn emails_state() -> EmailsState {
    Resource::new(|| (), |_| list_email_templates())
}

#[component]
pub fn EmailsSection(state: EmailsState) -> impl IntoView {
    view! {
        <section class="settings-section" aria-labelledby="emails-title">
            <h2 id="emails-title">"Emails"</h2>
            <p class="muted">
                "The words of the emails developers receive. Edit a subject and a Markdown body with placeholders such as {{name}} and {{link}}, "
                "see the email as it will look, send yourself a test, and return to the default at any time. "
                "Security notices and the admins' own emails keep Portico's words."
            </p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(rows) => view! {
                            <ul class="email-kinds" data-testid="email-kinds">
                                {rows.into_iter().map(|row| view! { <EmailKindRow row /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn EmailKindRow(row: EmailTemplateSummary) -> impl IntoView {
    let kind = row.kind;
    let status = match (&row.updated_at, row.customized) {
        (Some(at), true) => {
            let by = row
                .updated_by
                .clone()
                .unwrap_or_else(|| "an administrator".into());
            view! { <span class="badge badge-pending">"Edited"</span> <span class="muted small">{format!(" by {by}, ")}<LocalTime at=*at now=chrono::Utc::now() /></span> }.into_any()
        }
        _ => view! { <span class="badge badge-expired">"Default"</span> }.into_any(),
    };
    view! {
        <li class="email-kind">
            <div>
                <a href=format!("/admin/settings/emails/{}", kind.slug()) class="email-kind-name">{kind.label()}</a>
                <p class="muted small">{kind.occasion()}</p>
            </div>
            <div class="email-kind-status">{status}</div>
        </li>
    }
}

#[component]
pub fn EmailEditorPage() -> impl IntoView {
    let params = use_params_map();
    let kind = Memo::new(move |_| {
        params.with(|p| EmailKind::parse(&p.get("kind").unwrap_or_default()).ok())
    });
    let save = ServerAction::<SaveEmailTemplate>::new();
    let reset = ServerAction::<ResetEmailTemplate>::new();
    let test = ServerAction::<SendTestEmail>::new();
    // Read once per email: after a save or a reset the editor updates itself.
    let view_of = Resource::new(
        move || kind.get(),
        |kind| async move {
            match kind {
                Some(kind) => email_template(kind.slug().to_owned()).await,
                None => Err(ApiError::NotFound(UnknownEmailKind.to_string())),
            }
        },
    );
    let actions = EditorActions { save, reset, test };
    view! {
        <Title text="Edit an email" />
        <AdminFrame>
            <p class="breadcrumb"><a href="/admin/settings#emails-title">"Settings › Emails"</a></p>
            <Transition fallback=|| view! { <p class="loading">"Loading the email…"</p> }>
                {move || Suspend::new(async move {
                    match view_of.await {
                        Ok(current) => view! { <Editor current actions /> }.into_any(),
                        Err(e) => view! {
                            <h1>"Edit an email"</h1>
                            <p class="form-error" role="alert">{e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </AdminFrame>
    }
}

/// What the editor holds besides the fields' defaults.
#[derive(Clone, Copy)]
struct EditorState {
    subject: RwSignal<String>,
    body: RwSignal<String>,
    /// The words as stored (the defaults when none are).
    saved: RwSignal<(String, String)>,
    defaults: StoredValue<(String, String)>,
    /// Who changed the words last and when; none while they are the defaults.
    edited: RwSignal<Option<(String, chrono::DateTime<chrono::Utc>)>>,
    customized: RwSignal<bool>,
    /// The answer to the last action, shown beside the buttons: (is an error, text).
    notice: RwSignal<Option<(bool, String)>>,
}

/// Answers the editor's actions (in the browser, once each): a save makes the words the
/// saved ones, a reset brings the defaults back into the fields; each is told beside the
/// buttons, where the admin is looking.
fn answers(kind: EmailKind, actions: EditorActions, state: EditorState) {
    let EditorActions { save, reset, test } = actions;
    let EditorState {
        subject,
        body,
        saved,
        defaults,
        edited,
        customized,
        notice,
    } = state;
    let told = move |text: String| notice.set(Some((false, text)));
    // What the save and the reset sent, kept when dispatched (their input is cleared once
    // answered): the words saved are those sent, not what was typed meanwhile, and an answer
    // about another email (the admin moved on while it ran) is not this one's.
    let sent_save = StoredValue::new(None::<SaveEmailTemplate>);
    Effect::new(move |_| {
        if let Some(input) = save.input().get() {
            sent_save.set_value(Some(input));
        }
    });
    let sent_reset = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        if let Some(input) = reset.input().get() {
            sent_reset.set_value(Some(input.kind));
        }
    });
    let ours = move |sent: Option<String>| sent.as_deref() == Some(kind.slug());
    // Answers that came before this editor was made (another email's) are not this one's.
    let (saves, resets, tests) = (
        save.version().get_untracked(),
        reset.version().get_untracked(),
        test.version().get_untracked(),
    );
    Effect::new(move |_| {
        // Tracks the answer (set just after the version), then asks whether it is this editor's.
        let answer = save.value().get();
        if save.version().get_untracked() > saves {
            let sent = sent_save.get_value();
            if let (Some(Ok(())), true) = (answer, ours(sent.as_ref().map(|s| s.kind.clone()))) {
                let sent = sent.expect("checked above");
                saved.set((sent.subject, sent.body));
                customized.set(true);
                edited.set(Some(("you".into(), chrono::Utc::now())));
                told(format!(
                    "Saved: the next {} emails use these words.",
                    kind.label()
                ));
            }
        }
    });
    Effect::new(move |_| {
        let answer = reset.value().get();
        if reset.version().get_untracked() > resets {
            match answer {
                _ if !ours(sent_reset.get_value()) => {}
                Some(Ok(())) => {
                    let (default_subject, default_body) = defaults.get_value();
                    subject.set(default_subject.clone());
                    body.set(default_body.clone());
                    saved.set((default_subject, default_body));
                    customized.set(false);
                    edited.set(None);
                    told(format!(
                        "The {} email uses the default words again.",
                        kind.label()
                    ));
                }
                Some(Err(e)) => notice.set(Some((true, e.to_string()))),
                None => {}
            }
        }
    });
    Effect::new(move |_| {
        let answer = test.value().get();
        if test.version().get_untracked() > tests {
            if let Some(Ok(())) = answer {
                told("A test email is on its way to your address.".into());
            }
        }
    });
}

#[derive(Clone, Copy)]
struct EditorActions {
    save: ServerAction<SaveEmailTemplate>,
    reset: ServerAction<ResetEmailTemplate>,
    test: ServerAction<SendTestEmail>,
}

#[component]
fn Editor(current: EmailTemplateView, actions: EditorActions) -> impl IntoView {
    let EditorActions { save, reset, test } = actions;
    let kind = current.kind;

    let subject = RwSignal::new(current.subject.clone());
    let body = RwSignal::new(current.body.clone());
    let saved = RwSignal::new((current.subject.clone(), current.body.clone()));
    let unsaved = move || saved.with(|(s, b)| subject.get() != *s || body.get() != *b);
    let defaults = StoredValue::new((
        current.default_subject.clone(),
        current.default_body.clone(),
    ));
    let is_default = move || defaults.with_value(|(s, b)| subject.get() == *s && body.get() == *b);
    // Who changed the words last and when; none while they are the defaults.
    let edited = RwSignal::new(
        current
            .customized
            .then(|| {
                let by = current
                    .updated_by
                    .clone()
                    .unwrap_or_else(|| "an administrator".into());
                current.updated_at.map(|at| (by, at))
            })
            .flatten(),
    );
    let customized = RwSignal::new(current.customized);
    let notice = RwSignal::new(None::<(bool, String)>);
    let state = EditorState {
        subject,
        body,
        saved,
        defaults,
        edited,
        customized,
        notice,
    };
    answers(kind, actions, state);
    // The rules, as the admin types: the same the server applies on save.
    let problems =
        Memo::new(
            move |_| match EmailTemplate::parse(kind, &subject.get(), &body.get()) {
                Ok(_) => Vec::new(),
                Err(problems) => problems.0,
            },
        );
    let ready = Signal::derive(move || problems.with(Vec::is_empty));

    let placeholders = kind
        .placeholders()
        .iter()
        .map(|p| view! { <li><code>{p.written()}</code>" "<span class="muted">{p.meaning()}</span></li> })
        .collect_view();
    let changed = move || {
        match edited.get() {
        Some((by, at)) => {
            view! { <p class="muted small" data-testid="email-edited">{format!("Edited by {by}, ")}<LocalTime at=at now=chrono::Utc::now() /></p> }.into_any()
        }
        None => view! { <p class="muted small" data-testid="email-edited">"Portico's default words."</p> }.into_any(),
    }
    };

    // The words as first shown: written into the server's HTML (a property is not), so the
    // fields hold them before the app starts, and a form sent before then sends them.
    let (first_subject, first_body) = (current.subject.clone(), current.body.clone());
    let (test_subject, test_body) = (current.subject.clone(), current.body.clone());
    view! {
        <div class="page-header">
            <div>
                <h1>{format!("Email: {}", kind.label())}</h1>
                <p class="muted">{format!("Sent when: {}", kind.occasion())}</p>
                {changed}
            </div>
        </div>
        <div class="email-editor">
            <div class="email-editor-form">
                <ActionForm action=save attr:class="stacked-form" attr:novalidate="" attr:id="email-form">
                    <input type="hidden" name="kind" value=kind.slug() />
                    <label for="email-subject">"Subject"</label>
                    <input id="email-subject" name="subject" type="text" maxlength="150" required
                        value=first_subject
                        prop:value=move || subject.get()
                        on:input=move |ev| subject.set(event_target_value(&ev)) />
                    <label for="email-body">"Body (Markdown)"</label>
                    <textarea id="email-body" name="body" rows="18" required spellcheck="true"
                        aria-describedby="email-placeholders email-problems"
                        prop:value=move || body.get()
                        on:input=move |ev| body.set(event_target_value(&ev))>
                        {first_body}
                    </textarea>
                    <div id="email-problems" aria-live="polite">
                        {move || {
                            let list = problems.get();
                            (!list.is_empty()).then(|| view! {
                                <ul class="form-error email-problems" data-testid="email-problems">
                                    {list.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                                </ul>
                            })
                        }}
                    </div>
                    <div class="form-actions">
                        <SubmitButton label="SAVE" pending_label="SAVING…" pending=save.pending() ready />
                        {move || unsaved().then(|| view! { <span class="muted small" data-testid="unsaved">"Unsaved changes"</span> })}
                    </div>
                </ActionForm>
                <FormError action=save />
                <div class="email-editor-secondary">
                    <ActionForm action=test attr:class="inline-form">
                        <input type="hidden" name="kind" value=kind.slug() />
                        <input type="hidden" name="subject" value=test_subject prop:value=move || subject.get() />
                        <input type="hidden" name="body" value=test_body prop:value=move || body.get() />
                        <SubmitButton label="SEND ME A TEST" pending_label="SENDING…" pending=test.pending() ready class="button secondary" />
                    </ActionForm>
                    {move || (customized.get() || !is_default()).then(|| view! {
                        <ActionForm action=reset attr:class="inline-form">
                            <input type="hidden" name="kind" value=kind.slug() />
                            <SubmitButton label="RETURN TO THE DEFAULT" pending_label="RESETTING…" pending=reset.pending() class="button secondary" />
                        </ActionForm>
                    })}
                </div>
                <FormError action=test />
                <div role="status" aria-live="polite" data-testid="editor-notice">
                    {move || notice.get().map(|(error, text)| view! {
                        <p class=if error { "form-error" } else { "notice" }>{text}</p>
                    })}
                </div>
                <section class="email-placeholders" id="email-placeholders" aria-labelledby="placeholders-title">
                    <h2 id="placeholders-title">"Placeholders"</h2>
                    <ul>{placeholders}</ul>
                    <p class="muted small">
                        "Markdown: **bold**, *italic*, [a label](https://…), lists, headings. "
                        "A paragraph holding only [a label]({{link}}) becomes a button. HTML is shown as text."
                    </p>
                </section>
            </div>
            <Preview kind subject body ready />
        </div>
    }
}

/// The email as it would be sent, rendered by the server a moment after the admin stops
/// typing (the HTML part in a sandboxed frame: no script, no navigation of the console).
#[component]
fn Preview(
    kind: EmailKind,
    subject: RwSignal<String>,
    body: RwSignal<String>,
    ready: Signal<bool>,
) -> impl IntoView {
    // What to preview, once the admin paused: changes within PAUSE restart the wait.
    let settled = RwSignal::new((subject.get_untracked(), body.get_untracked()));
    debounce(move || (subject.get(), body.get()), settled);
    let preview = Resource::new(
        move || settled.get(),
        move |(subject, body)| preview_email_template(kind.slug().to_owned(), subject, body),
    );
    view! {
        <section class="email-preview" aria-labelledby="preview-title">
            <h2 id="preview-title">"Preview"</h2>
            <p class="muted small">"Filled with your name and address; the link opens the portal's home page."</p>
            {move || (!ready.get()).then(|| view! {
                <p class="muted" data-testid="preview-stale">"Fix the problems on the left to see the email again."</p>
            })}
            <Transition fallback=|| view! { <p class="loading">"Rendering…"</p> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(PreviewAnswer::Email(email)) => view! {
                            <p class="email-preview-subject">
                                <span class="muted">"Subject: "</span>
                                <strong data-testid="preview-subject">{email.subject}</strong>
                            </p>
                            <iframe class="email-preview-frame" title="The email's HTML part"
                                sandbox="" srcdoc=email.html data-testid="preview-frame"></iframe>
                            <details>
                                <summary>"Plain-text part"</summary>
                                <pre class="email-preview-text" data-testid="preview-text">{email.text}</pre>
                            </details>
                        }.into_any(),
                        Ok(PreviewAnswer::Problems(problems)) => view! {
                            <ul class="form-error">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// How long the admin must pause before the preview is rendered again.
#[cfg(feature = "hydrate")]
const PAUSE_MILLIS: u32 = 300;

/// Copies `source` into `target` once it has stopped changing for [`PAUSE_MILLIS`] (in the
/// browser; on the server the first value stands).
fn debounce<T>(source: impl Fn() -> T + 'static, target: RwSignal<T>)
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        let pending = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
        Effect::new(move |_| {
            let value = source();
            if target.with_untracked(|current| *current == value) {
                pending.set_value(None);
                return;
            }
            // Replacing the handle drops (cancels) the previous wait.
            pending.set_value(Some(gloo_timers::callback::Timeout::new(
                PAUSE_MILLIS,
                move || target.set(value),
            )));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (source, target);
}
