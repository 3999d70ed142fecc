use leptos::{ev::KeyboardEvent, html::Div, prelude::*};
use wasm_bindgen::JsCast;

const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]):not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])";

/// A modal dialog: focus moves into it when it opens, Tab cycles inside it, Escape closes it
/// (unless it is `locked`).
#[component]
pub fn Modal(
    /// The dialog's title, also its accessible name.
    #[prop(into)]
    title: String,
    /// Called when the dialog asks to close (Escape, the backdrop, a Cancel button).
    on_close: Callback<()>,
    /// While true, Escape and the backdrop do not close the dialog: it waits for an answer
    /// (a submission in flight) that would otherwise be lost with it.
    #[prop(optional, into)]
    locked: MaybeProp<bool>,
    children: Children,
) -> impl IntoView {
    let dismiss = move || {
        if !locked.get_untracked().unwrap_or(false) {
            on_close.run(());
        }
    };
    let dialog = NodeRef::<Div>::new();
    let title_id = format!(
        "modal-{}",
        title
            .to_lowercase()
            .replace(|c: char| !c.is_alphanumeric(), "-")
    );

    // Move focus into the dialog once it is in the page.
    Effect::new(move |_| {
        if let Some(element) = dialog.get() {
            if let Ok(Some(first)) = element.query_selector(FOCUSABLE) {
                if let Ok(first) = first.dyn_into::<web_sys::HtmlElement>() {
                    let _ = first.focus();
                }
            }
        }
    });

    // Escape closes the dialog wherever the focus is (it can be lost when content changes).
    let escape = window_event_listener(leptos::ev::keydown, move |event: KeyboardEvent| {
        if event.key() == "Escape" {
            event.prevent_default();
            dismiss();
        }
    });
    on_cleanup(move || escape.remove());
    let on_keydown = move |event: KeyboardEvent| {
        if event.key() == "Tab" {
            trap_tab(&event, dialog);
        }
    };

    let labelled_by = title_id.clone();
    view! {
        <div class="modal-backdrop" on:click=move |_| dismiss()></div>
        <div
            class="modal"
            role="dialog"
            aria-modal="true"
            aria-labelledby=labelled_by
            node_ref=dialog
            on:keydown=on_keydown
        >
            <h2 id=title_id>{title}</h2>
            {children()}
        </div>
    }
}

/// Keeps Tab and Shift+Tab inside the dialog.
fn trap_tab(event: &KeyboardEvent, dialog: NodeRef<Div>) {
    let Some(element) = dialog.get() else { return };
    let Ok(nodes) = element.query_selector_all(FOCUSABLE) else {
        return;
    };
    if nodes.length() == 0 {
        return;
    }
    let first = nodes
        .get(0)
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok());
    let last = nodes
        .get(nodes.length() - 1)
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok());
    let active = document().active_element();
    let (Some(first), Some(last)) = (first, last) else {
        return;
    };
    let at = |target: &web_sys::HtmlElement| {
        active.as_ref().is_some_and(|a| {
            let a: &web_sys::Element = a;
            let t: &web_sys::Element = target;
            a == t
        })
    };
    if event.shift_key() && at(&first) {
        event.prevent_default();
        let _ = last.focus();
    } else if !event.shift_key() && at(&last) {
        event.prevent_default();
        let _ = first.focus();
    }
}
