//! The open invitations list follows what happens elsewhere (a developer completing a link,
//! another admin acting): it reads its page again every [`REFRESH_INTERVAL`] while the tab is
//! visible, and shows the answer only if it differs, so a quiet list is never redrawn (focus,
//! scroll and open dialogs stay as they are) and never shows a loading state for it.

use leptos::prelude::*;
use std::time::Duration;

use super::params::ListParams;
use crate::{
    api::invitations::list_invitations,
    model::{invitation::InvitationList, ApiError},
};

/// How often an open, visible list reads itself again. Short enough that a registration shows
/// while the admin looks at the list; long enough that an idle console costs the server about
/// one page read per admin every few seconds.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(10);

pub type ListResource = Resource<Result<InvitationList, ApiError>>;

/// Reads the page that `p` describes.
pub async fn read_page(p: ListParams) -> Result<InvitationList, ApiError> {
    list_invitations(
        Some(p.search),
        Some(p.status),
        Some(p.page),
        Some(p.page_size),
        Some(p.sort.as_str().to_owned()),
        Some(p.descending),
        Some(p.cursor),
    )
    .await
}

/// Starts the background refresh of `list` (in the browser; nothing on the server). It stops
/// when the calling component is disposed.
pub fn refresh_while_visible(params: Memo<ListParams>, list: ListResource) {
    #[cfg(feature = "hydrate")]
    {
        use std::{cell::Cell, rc::Rc};

        // One read at a time: on a slow server, ticks do not pile up.
        let in_flight = Rc::new(Cell::new(false));
        let tick = move || {
            if in_flight.get() || !tab_visible() {
                return;
            }
            let Some(asked) = params.try_get_untracked() else {
                return;
            };
            in_flight.set(true);
            let in_flight = in_flight.clone();
            leptos::task::spawn_local(async move {
                let fresh = read_page(asked.clone()).await;
                in_flight.set(false);
                // A failed read is dropped (the next tick tries again; the list keeps what it
                // shows), and so is an answer for a view the admin has left meanwhile.
                let Ok(fresh) = fresh else { return };
                if params.try_get_untracked().as_ref() != Some(&asked) {
                    return;
                }
                let changed = list
                    .try_with_untracked(|shown| !matches!(shown, Some(Ok(page)) if *page == fresh))
                    .unwrap_or(false);
                if changed {
                    list.try_set(Some(Ok(fresh)));
                }
            });
        };
        let interval = gloo_timers::callback::Interval::new(
            u32::try_from(REFRESH_INTERVAL.as_millis()).unwrap_or(u32::MAX),
            tick,
        );
        // Dropped (and so cancelled) with the component that started it.
        StoredValue::new_local(interval);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (params, list, REFRESH_INTERVAL);
}

/// Whether the page is on screen (`document.visibilityState` is `visible`): a list in a
/// background tab does not poll.
#[cfg(feature = "hydrate")]
fn tab_visible() -> bool {
    document().visibility_state() == web_sys::VisibilityState::Visible
}
