//! A reviewed registration's decision in its row: who accepted or denied it and when, and the
//! reason a denial gave (the words the developer was emailed), folded under the status.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::{components::time::LocalTime, model::invitation::Decision};

#[component]
pub fn DecisionDetails(decision: Decision, now: DateTime<Utc>) -> impl IntoView {
    let summary = match &decision.by {
        Some(admin) => format!("{} by {admin}", decision.label()),
        None => decision.label().to_owned(),
    };
    let reason = (!decision.approved).then(|| {
        let given = match decision.reason.clone() {
            Some(reason) => {
                view! { <dd class="decision-reason" data-testid="decision-reason">{reason}</dd> }
                    .into_any()
            }
            None => view! { <dd class="muted">"None given"</dd> }.into_any(),
        };
        view! { <dt>"Reason"</dt>{given} }
    });
    view! {
        <details class="decision" data-testid="decision">
            <summary>{summary}</summary>
            <dl class="details">
                <dt>"When"</dt>
                <dd><LocalTime at=decision.at now /></dd>
                {reason}
            </dl>
        </details>
    }
}
