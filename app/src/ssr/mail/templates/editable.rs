//! The emails an admin may reword: a subject and a Markdown body with placeholders
//! (`domain::email_template`), turned into the subject line, the HTML part and the plain-text
//! part. Markdown follows the portal content's rules (raw HTML shown as text, script-capable
//! links neutralized), and every placeholder's value is escaped where it lands: a developer's
//! name can never become markup, a link or a second header line.

use chrono::{DateTime, Utc};
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, TextMergeStream};

use super::{escape_html, page, relative_words, single_line, utc_words, Rendered, BUTTON_STYLE};
use crate::{
    domain::email_template::{fill, pieces, EmailTemplate, Piece, Placeholder},
    ssr::markdown::safe_url,
};

const SMALL: &str = "color:#555555;font-size:13px";
const LINK_STYLE: &str = "color:#2251cc;word-break:break-all";

/// The values an email's placeholders stand for.
#[derive(Debug, Clone)]
pub struct Values<'a> {
    pub portal_name: &'a str,
    /// Who the email goes to (named in the footer, and `{{name}}` when no name is known).
    pub recipient: &'a str,
    /// The developer's name, if known.
    pub name: Option<&'a str>,
    pub link: Option<&'a str>,
    pub valid_until: Option<DateTime<Utc>>,
    pub invited_by: Option<&'a str>,
    /// When the email is rendered, for "in 3 days".
    pub now: DateTime<Utc>,
}

impl Values<'_> {
    /// The value of `placeholder`, as plain text on one line (the link as it is).
    pub fn get(&self, placeholder: Placeholder) -> String {
        let named = |value: Option<&str>| value.map(single_line).filter(|v| !v.is_empty());
        match placeholder {
            Placeholder::Name => named(self.name).unwrap_or_else(|| single_line(self.recipient)),
            Placeholder::PortalName => single_line(self.portal_name),
            Placeholder::Link => self.link.unwrap_or_default().to_owned(),
            Placeholder::ValidUntil => self.valid_until.map(utc_words).unwrap_or_default(),
            Placeholder::ExpiresIn => self
                .valid_until
                .map(|until| relative_words(self.now, until))
                .unwrap_or_default(),
            Placeholder::InvitedBy => {
                named(self.invited_by).unwrap_or_else(|| "An administrator".to_owned())
            }
        }
    }
}

/// A quoted passage the email carries below its body, outside the admin's words (a denial's
/// reason).
#[derive(Debug, Clone, Copy)]
pub struct Quote<'a> {
    pub heading: &'a str,
    pub text: &'a str,
}

impl<'a> Quote<'a> {
    /// A denial's reason, as the admin typed it.
    pub fn reason(text: &'a str) -> Self {
        Self {
            heading: "The administrator gave this reason:",
            text,
        }
    }
}

/// The email `template` makes of `values`, with `quote` below the body when given.
pub fn render(template: &EmailTemplate, values: &Values<'_>, quote: Option<Quote<'_>>) -> Rendered {
    let portal = single_line(values.portal_name);
    let subject = single_line(&fill(template.subject(), |p| values.get(p)));
    let events = events(template.body(), values, template.kind().placeholders());
    let footer = format!(
        "This email was sent to {} by {portal}.",
        single_line(values.recipient)
    );

    let mut html_body = String::new();
    pulldown_cmark::html::push_html(&mut html_body, buttons(events.clone()).into_iter());
    let mut text = plain_text(&events);
    if let Some(quote) = quote {
        let lines: Vec<&str> = quote.text.lines().collect();
        html_body.push_str(&format!(
            "<p>{}</p>\n<blockquote style=\"margin:16px 0;padding:8px 16px;border-left:4px solid \
             #d0d5dd;color:#333333\">{}</blockquote>\n",
            escape_html(quote.heading),
            lines
                .iter()
                .map(|line| escape_html(line))
                .collect::<Vec<_>>()
                .join("<br>\n")
        ));
        let quoted: Vec<String> = lines
            .iter()
            .map(|line| format!("> {line}").trim_end().to_owned())
            .collect();
        text.push_str(&format!("{}\n\n{}\n\n", quote.heading, quoted.join("\n")));
    }
    html_body.push_str(&format!(
        "<p style=\"{SMALL}\">{}</p>",
        escape_html(&footer)
    ));
    text.push_str(&footer);
    text.push('\n');
    Rendered {
        subject,
        text,
        html: page(&portal, &html_body),
    }
}

/// The body's Markdown events with raw HTML shown as text, placeholders filled in (as text,
/// so the renderer escapes them) and link targets filled in and checked.
fn events<'a>(markdown: &'a str, values: &Values<'_>, allowed: &[Placeholder]) -> Vec<Event<'a>> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = Vec::new();
    let mut in_link = 0usize;
    for event in TextMergeStream::new(Parser::new_ext(markdown, options)) {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => {
                expand(&raw, values, allowed, in_link > 0, &mut out)
            }
            Event::Text(text) => expand(&text, values, allowed, in_link > 0, &mut out),
            Event::Code(code) => out.push(Event::Code(CowStr::from(fill(&code, |p| {
                own_value(values, allowed, p)
            })))),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                in_link += 1;
                out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: target(&dest_url, values),
                    title: CowStr::from(fill(&title, |p| own_value(values, allowed, p))),
                    id,
                }));
            }
            Event::End(TagEnd::Link) => {
                in_link = in_link.saturating_sub(1);
                out.push(Event::End(TagEnd::Link));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => out.push(Event::Start(Tag::Image {
                link_type,
                // No placeholder is filled in an image's address (the rules refuse one).
                dest_url: if safe_url(&dest_url) {
                    dest_url
                } else {
                    CowStr::from("#")
                },
                title,
                id,
            })),
            other => out.push(other),
        }
    }
    out
}

/// The value of `placeholder` if the email has it; one it does not have (written with
/// entities the rules did not read) stays as written.
fn own_value(values: &Values<'_>, allowed: &[Placeholder], placeholder: Placeholder) -> String {
    if allowed.contains(&placeholder) {
        values.get(placeholder)
    } else {
        placeholder.written()
    }
}

/// A link target: `{{link}}` alone becomes the link (no other value decides where a link
/// goes; the rules refuse one); `#` if the result could run a script.
fn target(dest: &str, values: &Values<'_>) -> CowStr<'static> {
    let filled = if pieces(dest.trim()).ok() == Some(vec![Piece::Value(Placeholder::Link)]) {
        values.get(Placeholder::Link)
    } else {
        dest.to_owned()
    };
    if safe_url(&filled) {
        CowStr::from(filled)
    } else {
        CowStr::from("#")
    }
}

/// Text with its placeholders filled in; outside a link, `{{link}}` becomes a link to itself.
fn expand<'a>(
    text: &str,
    values: &Values<'_>,
    allowed: &[Placeholder],
    in_link: bool,
    out: &mut Vec<Event<'a>>,
) {
    let Ok(parts) = pieces(text) else {
        out.push(Event::Text(CowStr::from(text.to_owned())));
        return;
    };
    for piece in parts {
        match piece {
            Piece::Text(words) => out.push(Event::Text(CowStr::from(words.to_owned()))),
            // One the email does not have (written with entities the rules did not read)
            // stays as written.
            Piece::Value(placeholder) if !allowed.contains(&placeholder) => {
                out.push(Event::Text(CowStr::from(placeholder.written())))
            }
            Piece::Value(Placeholder::Link) if !in_link => {
                let link = values.get(Placeholder::Link);
                out.push(Event::Start(Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url: target(&link, values),
                    title: CowStr::from(""),
                    id: CowStr::from(""),
                }));
                out.push(Event::Text(CowStr::from(link)));
                out.push(Event::End(TagEnd::Link));
            }
            Piece::Value(placeholder) => {
                out.push(Event::Text(CowStr::from(values.get(placeholder))))
            }
        }
    }
}

/// A paragraph holding only a link becomes a button, followed by the link written out for
/// mail clients that do not show buttons.
fn buttons(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        if let Some((end, href, label)) = lone_link(&events, i) {
            let href = escape_html(&href);
            out.push(Event::Html(CowStr::from(format!(
                "<p style=\"margin:32px 0\"><a href=\"{href}\" style=\"{BUTTON_STYLE}\">{}</a></p>\n\
                 <p style=\"{SMALL}\">If the button does not work, copy this link into your browser:<br>\n\
                 <a href=\"{href}\" style=\"{LINK_STYLE}\">{href}</a></p>\n",
                escape_html(&label)
            ))));
            i = end + 1;
        } else {
            out.push(events[i].clone());
            i += 1;
        }
    }
    out
}

/// If a paragraph starting at `start` holds one link and nothing else (its label plain
/// text), where it ends, the link's target and its label.
fn lone_link(events: &[Event<'_>], start: usize) -> Option<(usize, String, String)> {
    let Event::Start(Tag::Paragraph) = events.get(start)? else {
        return None;
    };
    let Event::Start(Tag::Link { dest_url, .. }) = events.get(start + 1)? else {
        return None;
    };
    let mut label = String::new();
    let mut i = start + 2;
    loop {
        match events.get(i)? {
            Event::Text(text) | Event::Code(text) => label.push_str(text),
            Event::End(TagEnd::Link) => break,
            _ => return None,
        }
        i += 1;
    }
    // A bare link is not a button: its label would be the address itself.
    let plain = label.trim().is_empty() || label.trim() == dest_url.as_ref();
    match events.get(i + 1)? {
        Event::End(TagEnd::Paragraph) if !plain => Some((i + 1, dest_url.to_string(), label)),
        _ => None,
    }
}

/// The body as plain text: the Markdown's words without its marks, a link written after its
/// label, a button's link on a line of its own.
fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut links: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Some((end, href, label)) = lone_link(events, i) {
            text.push_str(&format!("{}:\n{href}\n\n", label.trim()));
            i = end + 1;
            continue;
        }
        match &events[i] {
            Event::Text(words) | Event::Code(words) => text.push_str(words),
            Event::SoftBreak | Event::HardBreak => text.push('\n'),
            Event::Rule => text.push_str("----\n\n"),
            Event::Start(Tag::List(first)) => {
                // A list inside an item starts on a line of its own.
                if !lists.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                lists.push(*first);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    text.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                let depth = lists.len().saturating_sub(1);
                text.push_str(&"  ".repeat(depth));
                match lists.last_mut() {
                    Some(Some(number)) => {
                        text.push_str(&format!("{number}. "));
                        *number += 1;
                    }
                    _ => text.push_str("- "),
                }
            }
            Event::End(TagEnd::Item) if !text.ends_with('\n') => text.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => {
                links.push((dest_url.to_string(), text.len()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((href, at)) = links.pop() {
                    if text[at..].trim() != href {
                        text.push_str(&format!(": {href}"));
                    }
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                if lists.is_empty() {
                    text.push_str("\n\n");
                } else if !text.ends_with('\n') {
                    text.push('\n');
                }
            }
            Event::End(TagEnd::TableCell) => text.push('\t'),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => text.push('\n'),
            _ => {}
        }
        i += 1;
    }
    let trimmed = text.trim_end();
    format!("{trimmed}\n\n")
}

#[cfg(test)]
mod tests;
