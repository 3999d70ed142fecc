use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// A moment shown in the viewer's time zone with a relative hint ("in 2 days", "3 hours ago").
/// The server does not know the viewer's zone, so the first paint shows UTC and the browser
/// switches to local time once the app has hydrated.
#[component]
pub fn LocalTime(at: DateTime<Utc>, now: DateTime<Utc>) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let iso = at.to_rfc3339();
    let text = move || {
        if hydrated.get() {
            local_format(at)
        } else {
            at.format("%Y-%m-%d %H:%M UTC").to_string()
        }
    };
    view! {
        <time datetime=iso title=text>
            <span class="time-absolute">{text}</span>
            <span class="time-relative">{relative(at, now)}</span>
        </time>
    }
}

fn local_format(at: DateTime<Utc>) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    let options = js_sys::Object::new();
    for (key, value) in [("dateStyle", "medium"), ("timeStyle", "short")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    date.to_locale_string("default", &options).into()
}

/// "in 3 days", "3 hours ago", "just now" (the domain's rule, shared with the emails).
pub use crate::domain::relative_time::relative;
