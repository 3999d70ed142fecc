//! Invitations › Import (`/admin/invitations/import`): pick a CSV file or paste a list,
//! PREVIEW each row's outcome (nothing is stored), then SEND the good rows, a part at a time
//! with a progress bar. The file is read in the browser into the text box, so a file and a
//! pasted list go the same way, and what is previewed is exactly what is sent.

use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;

use super::super::AdminFrame;
use crate::{
    api::invitations::{send_import, PreviewImport},
    components::form::{FormError, SubmitButton},
    domain::import::MAX_IMPORT_BYTES,
    model::import::{ImportPreview, PreviewRow},
};

/// Rows per send: one transaction each on the server (its limit is 1,000).
const ROWS_PER_SEND: usize = 500;
/// Rows shown at first, and added by "Show more": a 10,000-row table is not read, it is
/// filtered.
const ROWS_SHOWN: usize = 100;

#[derive(Clone, Debug, Default, PartialEq)]
struct Progress {
    done: usize,
    total: usize,
    invited: usize,
    not_sent: Vec<(usize, String)>,
    error: Option<String>,
    finished: bool,
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let file_note = RwSignal::new(None::<Result<String, String>>);
    let preview = ServerAction::<PreviewImport>::new();
    // The preview stands for the text it was made from: editing the text puts it aside.
    let previewed_text = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if preview.pending().get() {
            previewed_text.set(Some(text.get_untracked()));
        }
    });
    let current = move || {
        let result = preview.value().get()?.ok()?;
        (previewed_text.get().as_deref() == Some(text.get().as_str())).then_some(result)
    };
    let progress = RwSignal::new(None::<Progress>);
    let sending = move || {
        progress
            .get()
            .is_some_and(|p| !p.finished && p.error.is_none())
    };

    let send = move |_: ()| {
        let Some(result) = current() else { return };
        let body = text.get_untracked();
        let rows = result.rows.len();
        let total = result.sendable().len();
        progress.set(Some(Progress {
            total,
            ..Default::default()
        }));
        // A loop of calls rather than a form: each part is its own request and transaction, so
        // the bar moves and a failure stops at a known row.
        spawn_local(async move {
            let mut first = 0;
            while first < rows {
                let count = ROWS_PER_SEND.min(rows - first);
                let part = result.rows[first..first + count]
                    .iter()
                    .filter(|r| r.outcome.will_invite())
                    .count();
                if part > 0 {
                    match send_import(body.clone(), first, count).await {
                        Ok(sent) => progress.update(|p| {
                            if let Some(p) = p {
                                p.done += part;
                                p.invited += sent.invited;
                                p.not_sent.extend(sent.not_sent);
                            }
                        }),
                        Err(e) => {
                            progress.update(|p| {
                                if let Some(p) = p {
                                    p.error = Some(format!(
                                        "Stopped at line {}: {e} The rows before it are invited; preview again to send the rest.",
                                        result.rows[first].line
                                    ));
                                }
                            });
                            return;
                        }
                    }
                }
                first += count;
            }
            progress.update(|p| {
                if let Some(p) = p {
                    p.finished = true;
                }
            });
        });
    };

    view! {
        <Title text="Import invitations" />
        <AdminFrame>
            <p><a href="/admin/invitations">"‹ Invitations"</a></p>
            <h1>"Import invitations"</h1>
            <p class="muted">
                "A CSV file (UTF-8, comma or semicolon) or a pasted list: one developer per line with the email address, "
                "then optionally the full name (suggested on their invitation page) and pre-approved (yes or no; empty means "
                "the Settings default). A header row naming the columns is recognized. Up to 10,000 rows; nothing is sent "
                "before you have seen each row's outcome."
            </p>
            <ActionForm action=preview attr:class="stacked-form import-form" attr:novalidate="">
                <label for="import-file">"CSV file"</label>
                <input id="import-file" type="file" accept=".csv,.txt,text/csv,text/plain"
                    on:change=move |ev| read_file(ev, text, file_note) />
                {move || file_note.get().map(|note| match note {
                    Ok(note) => view! { <p class="muted small" data-testid="file-note">{note}</p> }.into_any(),
                    Err(e) => view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
                })}
                <label for="import-text">"…or paste the list"</label>
                <textarea id="import-text" name="text" rows="8" spellcheck="false"
                    placeholder="email,full name,pre-approved\nada@partner.com,Ada Lovelace,yes"
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <SubmitButton label="PREVIEW" pending_label="READING…" pending=preview.pending()
                    ready=Signal::derive(move || !text.get().trim().is_empty() && !sending()) />
            </ActionForm>
            <FormError action=preview />
            {move || current().map(|result| view! { <PreviewTable result progress send sending /> })}
        </AdminFrame>
    }
}

#[component]
fn PreviewTable(
    result: ImportPreview,
    progress: RwSignal<Option<Progress>>,
    send: impl Fn(()) + Copy + Send + Sync + 'static,
    sending: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let sendable = result.sendable().len();
    let problems_only = RwSignal::new(false);
    let shown = RwSignal::new(ROWS_SHOWN);
    let rows = StoredValue::new(result.rows.clone());
    let visible = move || {
        rows.with_value(|rows| {
            let filtered: Vec<PreviewRow> = rows
                .iter()
                .filter(|r| !problems_only.get() || !r.outcome.will_invite())
                .cloned()
                .collect();
            let total = filtered.len();
            (
                filtered.into_iter().take(shown.get()).collect::<Vec<_>>(),
                total,
            )
        })
    };
    let counts = result.counts();
    view! {
        <section class="import-preview" aria-labelledby="preview-title">
            <h2 id="preview-title">{format!("Preview: {} rows", result.rows.len())}</h2>
            <ul class="import-counts" data-testid="import-counts">
                {counts.into_iter().map(|(kind, count)| view! {
                    <li><strong>{count}</strong>" " {kind}</li>
                }).collect_view()}
            </ul>
            {move || match progress.get() {
                None => view! {
                    <div class="import-actions">
                        <button class="button primary" disabled=sendable == 0 on:click=move |_| send(())>
                            {if sendable == 1 { "SEND 1 INVITATION".to_owned() } else { format!("SEND {sendable} INVITATIONS") }}
                        </button>
                        <span class="muted small">"Only the rows that will invite are sent."</span>
                    </div>
                }.into_any(),
                Some(p) => view! { <SendProgress p sending=sending() /> }.into_any(),
            }}
            <label class="checkbox">
                <input type="checkbox" on:change=move |ev| { problems_only.set(event_target_checked(&ev)); shown.set(ROWS_SHOWN); } />
                "Show only the rows that will not be invited"
            </label>
            <div class="table-wrap">
                <table class="data-table import-table" data-testid="import-table">
                    <thead>
                        <tr>
                            <th scope="col">"Line"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Full name"</th>
                            <th scope="col">"Pre-approved"</th>
                            <th scope="col">"Outcome"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || visible().0.into_iter().map(|row| {
                            let good = row.outcome.will_invite();
                            let detail = row.outcome.detail();
                            view! {
                                <tr data-testid="import-row" data-line=row.line.to_string()>
                                    <td data-label="Line">{row.line}</td>
                                    <td class="email-cell"><span class="cell-text" title=row.email.clone()>{row.email.clone()}</span></td>
                                    <td data-label="Full name">{row.full_name.clone().unwrap_or_default()}</td>
                                    <td data-label="Pre-approved">{if row.pre_approved { "yes" } else { "no" }}</td>
                                    <td data-label="Outcome">
                                        <span class=if good { "badge badge-import-good" } else { "badge badge-import-bad" }>{row.outcome.kind()}</span>
                                        {(!detail.is_empty()).then(|| view! { <span class="muted small">" " {detail}</span> })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {move || {
                let (list, total) = visible();
                (list.len() < total).then(|| view! {
                    <button class="button secondary" on:click=move |_| shown.update(|n| *n += ROWS_SHOWN)>
                        {format!("Show more ({} of {total} shown)", list.len())}
                    </button>
                })
            }}
        </section>
    }
}

#[component]
fn SendProgress(p: Progress, sending: bool) -> impl IntoView {
    let label = if p.finished {
        format!("Done: {} invited.", p.invited)
    } else {
        format!("Storing and queueing: {} of {}…", p.done, p.total)
    };
    view! {
        <div class="import-progress" data-testid="import-progress">
            <progress max=p.total.max(1).to_string() value=p.done.to_string() aria-label="Sending invitations"></progress>
            <p role="status" aria-live="polite">{label}</p>
            {p.error.clone().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {(!p.not_sent.is_empty()).then(|| view! {
                <div data-testid="import-not-sent">
                    <p>{format!("{} rows changed since the preview and were not sent:", p.not_sent.len())}</p>
                    <ul>
                        {p.not_sent.iter().map(|(line, why)| view! { <li>{format!("line {line}: {why}")}</li> }).collect_view()}
                    </ul>
                </div>
            })}
            {(p.finished && !sending).then(|| view! { <a class="button secondary" href="/admin/invitations">"Back to Invitations"</a> })}
        </div>
    }
}

/// Reads the picked file into the text box (UTF-8; a BOM is kept for the server to drop).
#[allow(unused_variables)]
fn read_file(
    ev: leptos::ev::Event,
    text: RwSignal<String>,
    note: RwSignal<Option<Result<String, String>>>,
) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        if file.size() > MAX_IMPORT_BYTES as f64 {
            note.set(Some(Err(format!(
                "{} is larger than 1 MB: split it into smaller files.",
                file.name()
            ))));
            return;
        }
        spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(value) => {
                    let content = value.as_string().unwrap_or_default();
                    let lines = content.lines().filter(|l| !l.trim().is_empty()).count();
                    note.set(Some(Ok(format!(
                        "Read {}: {lines} non-empty lines. Check them below, then PREVIEW.",
                        file.name()
                    ))));
                    text.set(content);
                }
                Err(_) => note.set(Some(Err(format!(
                    "{} could not be read: save it as a UTF-8 CSV file and pick it again.",
                    file.name()
                )))),
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = MAX_IMPORT_BYTES;
}
