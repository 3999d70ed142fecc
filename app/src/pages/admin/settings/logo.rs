//! Settings › Logo: upload a PNG or JPEG logo (shown in the top bar and above the login card),
//! see it, remove it. The file is read in the browser and sent as hex through a server
//! function, so the upload has the same protections as every other form.

use leptos::prelude::*;

use crate::{
    api::{
        logo::{RemoveLogo, UploadLogo},
        settings::portal_branding,
    },
    components::{
        form::{FormError, SubmitButton},
        toast::use_toasts,
    },
    domain::logo::MAX_LOGO_BYTES,
};

/// Made at the top of the page component so that the actions hydrate (see
/// `pages::portal::sessions::SessionsState`).
#[derive(Clone, Copy)]
pub struct LogoState {
    upload: ServerAction<UploadLogo>,
    remove: ServerAction<RemoveLogo>,
}

pub fn logo_state() -> LogoState {
    LogoState {
        upload: ServerAction::<UploadLogo>::new(),
        remove: ServerAction::<RemoveLogo>::new(),
    }
}

#[component]
pub fn LogoSection(state: LogoState) -> impl IntoView {
    let LogoState { upload, remove } = state;
    let toasts = use_toasts();
    let problem = RwSignal::new(None::<String>);
    let current = Resource::new(
        move || (upload.version().get(), remove.version().get()),
        |_| portal_branding(),
    );
    Effect::new(move |_| {
        if let Some(Ok(())) = upload.value().get() {
            toasts.success("The logo is saved: every page shows it from its next load.");
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            toasts.success("The logo is removed.");
        }
    });
    view! {
        <section class="settings-section" aria-labelledby="logo-title">
            <h2 id="logo-title">"Logo"</h2>
            <p class="muted">"A PNG or JPEG image of at most 256 KB, shown in the top bar and above the login card. SVG is not accepted (it can carry scripts)."</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match current.await.ok().and_then(|b| b.logo) {
                        Some(src) => view! {
                            <div class="logo-row">
                                <img class="logo-preview" src=src alt="The current logo" data-testid="logo-preview" />
                                <ActionForm action=remove>
                                    <SubmitButton label="Remove logo" class="button danger small" pending=remove.pending() />
                                </ActionForm>
                            </div>
                        }.into_any(),
                        None => view! { <p class="muted" data-testid="no-logo">"No logo: the portal's name stands alone."</p> }.into_any(),
                    }
                })}
            </Transition>
            <label for="logo-file">"Upload a logo"</label>
            <input id="logo-file" type="file" accept="image/png,image/jpeg"
                on:change=move |ev| pick(ev, upload, problem) />
            {move || problem.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <FormError action=upload />
        </section>
    }
}

/// Reads the picked image and uploads it (its size is checked here first, and again, with its
/// type, on the server).
#[allow(unused_variables)]
fn pick(
    ev: leptos::ev::Event,
    upload: ServerAction<UploadLogo>,
    problem: RwSignal<Option<String>>,
) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        if file.size() > MAX_LOGO_BYTES as f64 {
            problem.set(Some(format!(
                "{} is larger than 256 KB: export it smaller (a few hundred pixels wide is plenty).",
                file.name()
            )));
            return;
        }
        problem.set(None);
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                    upload.dispatch(UploadLogo { hex });
                }
                Err(_) => problem.set(Some(format!(
                    "{} could not be read: pick it again.",
                    file.name()
                ))),
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = MAX_LOGO_BYTES;
}
