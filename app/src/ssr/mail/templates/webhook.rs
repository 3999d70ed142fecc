//! The email every admin gets when a webhook endpoint kept failing and was turned off.

use super::{escape_html, page, single_line, Rendered, BUTTON_STYLE};

#[derive(Debug, Clone)]
pub struct WebhookDisabledEmail<'a> {
    pub portal_name: &'a str,
    pub url: &'a str,
    pub failures: i32,
    /// Settings, where the endpoint is turned back on.
    pub settings_link: &'a str,
}

impl WebhookDisabledEmail<'_> {
    pub fn render(&self) -> Rendered {
        let portal = single_line(self.portal_name);
        let url = single_line(self.url);
        let news = format!(
            "The webhook endpoint {url} failed {} times in a row, so {portal} stopped sending \
             to it. Events that happen meanwhile are not sent to it.",
            self.failures
        );
        let how = "Fix the receiver, open Settings › Webhooks, send a test event, and turn the \
                   endpoint back on: the deliveries still waiting then continue.";
        let text = format!("{news}\n\n{how}\n{}\n", self.settings_link);
        let body = format!(
            "<p>{news}</p>\n<p>{how}</p>\n\
             <p style=\"margin:32px 0\"><a href=\"{link}\" style=\"{BUTTON_STYLE}\">Open Settings</a></p>",
            news = escape_html(&news),
            how = escape_html(how),
            link = escape_html(self.settings_link),
        );
        Rendered {
            subject: single_line(&format!("{portal}: a webhook endpoint was turned off")),
            text,
            html: page(&portal, &body),
        }
    }
}
