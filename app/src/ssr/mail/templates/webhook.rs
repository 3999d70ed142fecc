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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_names_the_endpoint_and_what_to_do_with_the_url_escaped() {
        let rendered = WebhookDisabledEmail {
            portal_name: "Acme APIs",
            url: "https://hooks.example.com/p?a=1&b=<2>",
            failures: 50,
            settings_link: "https://portal.example.com/admin/settings",
        }
        .render();
        assert_eq!(
            rendered.subject,
            "Acme APIs: a webhook endpoint was turned off"
        );
        assert!(rendered
            .text
            .contains("https://hooks.example.com/p?a=1&b=<2> failed 50 times"));
        assert!(rendered
            .text
            .contains("https://portal.example.com/admin/settings"));
        assert!(rendered.html.contains("a=1&amp;b=&lt;2&gt;"));
        assert!(!rendered.html.contains("<2>"));
    }
}
