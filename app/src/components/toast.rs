use leptos::prelude::*;

/// A short message about the result of an action, shown in a corner and read by screen readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub id: u64,
    pub text: String,
    pub error: bool,
}

/// The page's toasts; provided by [`ToastHost`], used through [`use_toasts`].
#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next: RwSignal<u64>,
}

impl Toasts {
    pub fn success(&self, text: impl Into<String>) {
        self.push(text.into(), false);
    }

    pub fn error(&self, text: impl Into<String>) {
        self.push(text.into(), true);
    }

    fn push(&self, text: String, error: bool) {
        let id = self.next.get_untracked();
        self.next.set(id + 1);
        self.items.update(|items| {
            items.push(Toast { id, text, error });
            // Keep the last few; older ones have been read or are stale.
            if items.len() > 4 {
                items.remove(0);
            }
        });
        // Toasts are only pushed in the browser (after an action); the server renders none.
        #[cfg(feature = "hydrate")]
        {
            let items = self.items;
            let millis = if error { 10_000 } else { 5_000 };
            gloo_timers::callback::Timeout::new(millis, move || {
                items.update(|list| list.retain(|t| t.id != id))
            })
            .forget();
        }
    }
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// Provides [`Toasts`] to its children and shows them.
#[component]
pub fn ToastHost(children: Children) -> impl IntoView {
    let toasts = Toasts {
        items: RwSignal::new(Vec::new()),
        next: RwSignal::new(0),
    };
    provide_context(toasts);
    view! {
        {children()}
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.items.get() key=|t| t.id let:toast>
                <div class=if toast.error { "toast error" } else { "toast" } data-testid="toast">
                    {toast.text}
                </div>
            </For>
        </div>
    }
}
