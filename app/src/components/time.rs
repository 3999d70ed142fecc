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

/// "in 2 days", "3 hours ago", "just now".
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (at - now).num_seconds();
    let magnitude = seconds.unsigned_abs();
    let (amount, unit) = match magnitude {
        0..=59 => return "just now".into(),
        60..=3_599 => (magnitude / 60, "minute"),
        3_600..=86_399 => (magnitude / 3_600, "hour"),
        86_400..=2_591_999 => (magnitude / 86_400, "day"),
        2_592_000..=31_535_999 => (magnitude / 2_592_000, "month"),
        _ => (magnitude / 31_536_000, "year"),
    };
    let plural = if amount == 1 { "" } else { "s" };
    if seconds > 0 {
        format!("in {amount} {unit}{plural}")
    } else {
        format!("{amount} {unit}{plural} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::relative;
    use chrono::{Duration, Utc};

    #[test]
    fn relative_hints_read_naturally() {
        let now = Utc::now();
        assert_eq!(relative(now + Duration::seconds(30), now), "just now");
        assert_eq!(relative(now + Duration::hours(49), now), "in 2 days");
        assert_eq!(relative(now - Duration::hours(3), now), "3 hours ago");
        assert_eq!(relative(now - Duration::minutes(1), now), "1 minute ago");
    }
}
