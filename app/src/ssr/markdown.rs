//! The portal content is Markdown written by an admin and read by every developer: render it
//! without raw HTML and without script-capable links, so it cannot carry a script.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

/// Link and image targets allowed through; anything else (javascript:, data:, ...) becomes `#`.
pub(crate) fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || lower.starts_with('/')
        || lower.starts_with('#')
        || !lower.contains(':')
}

/// The target itself when safe, `#` otherwise.
fn neutralized(url: CowStr<'_>) -> CowStr<'_> {
    if safe_url(&url) {
        url
    } else {
        CowStr::from("#")
    }
}

pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        // Raw HTML is shown as text, never interpreted.
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: neutralized(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: neutralized(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::render;
    use crate::fuzz_support::{junk, mutate, mutation};
    use proptest::prelude::*;

    #[test]
    fn renders_markdown() {
        assert_eq!(
            render("# Hi\n\n*there*"),
            "<h1>Hi</h1>\n<p><em>there</em></p>\n"
        );
    }

    #[test]
    fn raw_html_and_script_links_cannot_run() {
        let out = render(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
    }

    /// Markdown and HTML fragments an attacker (or a careless admin) might write.
    const PIECES: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//x.example/x.js></SCRIPT>",
        "<scr<script>ipt>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<iframe src=//x>",
        "<style>*{}</style>",
        "<!-- x -->",
        "<?php ?>",
        "<![CDATA[x]]>",
        "<div>\n",
        "</p>",
        "<b onclick=x>b</b>",
        "\" onmouseover=\"x",
        "' onfocus='x",
        "onerror=alert(1)",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x]( javascript:alert(1) )",
        "[x](<javascript:alert(1)>)",
        "[x](java&#115;cript:alert(1))",
        "[x](javascript&#58;x)",
        "[x](javascript&colon;x)",
        "[x](&#x6A;avascript:x)",
        "[x](\u{1}javascript:x)",
        "[x](\u{3000}javascript:x)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:x)",
        "[x](java\tscript:x)",
        "[x](https://ok.example \"t\\\" onmouseover=\\\"x\")",
        "[x](//evil.example)",
        "[x](/ok)",
        "[x](#frag)",
        "[x](mailto:a@b.io)",
        "![i](javascript:x)",
        "![a\"b<c>](/i.png \"t'\")",
        "<javascript:alert(1)>",
        "<https://x.io>",
        "<a@b.io>",
        "[r]: javascript:alert(1)\n\n[r]",
        "[r]\n\n[r]: <javascript:x> \"t\"",
        "[x][r]",
        "*",
        "**",
        "_",
        "__",
        "~~",
        "`",
        "```",
        "```js\\\" onload=\"x\n",
        "\n```\n",
        "> ",
        "- ",
        "1. ",
        "3) ",
        "# ",
        "###### ",
        "|a|b|\n|:-|-:|\n",
        "|-|\n",
        "\n",
        "\n\n",
        "    ",
        "\\",
        "&amp;",
        "&#0;",
        "&lt;",
        "&#x3c;script&#x3e;",
        "\"",
        "'",
        "javascript:",
        "---\n",
        "***",
        "[",
        "]",
        "(",
        ")",
        "!",
        "<",
        ">",
        "&",
    ];

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => proptest::sample::select(PIECES).prop_map(String::from),
            2 => "[a-zA-Z ]{1,12}",
            1 => junk(8),
        ]
    }

    fn markdown_like() -> impl Strategy<Value = String> {
        let document = (prop::collection::vec(piece(), 0..40), mutation())
            .prop_map(|(pieces, m)| mutate(&pieces.concat(), &m));
        // Deep nesting and very long inputs, now and then.
        let deep = (
            proptest::sample::select(vec![
                "[", "*", "_", "> ", "- ", "  - x\n", "<", "![", "`", "~~",
            ]),
            1..5_000usize,
            piece(),
        )
            .prop_map(|(open, depth, inner)| format!("{}{inner}", open.repeat(depth)));
        let long = (prop::collection::vec(piece(), 1..8), 100..2_000usize)
            .prop_map(|(pieces, times)| pieces.concat().repeat(times));
        prop_oneof![300 => document, 1 => deep, 1 => long]
    }

    /// The elements and attributes pulldown-cmark writes for the enabled syntax.
    const TAGS: &[&str] = &[
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "em",
        "strong",
        "del",
        "a",
        "img",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "hr",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ];
    const ATTRIBUTES: &[&str] = &["href", "src", "alt", "title", "start", "style", "class"];

    /// An attribute value as the browser reads it; only the entities the renderer writes.
    fn unescape(value: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = value;
        while let Some(at) = rest.find('&') {
            out.push_str(&rest[..at]);
            rest = &rest[at..];
            let (entity, c) = [
                ("&amp;", '&'),
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&quot;", '"'),
                ("&#x27;", '\''),
                ("&#39;", '\''),
            ]
            .into_iter()
            .find(|(entity, _)| rest.starts_with(entity))
            .ok_or_else(|| format!("unexpected entity in {value:?}"))?;
            out.push(c);
            rest = &rest[entity.len()..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Whether a browser would run nothing from this link: its scheme (read the way browsers
    /// read it, ignoring surrounding controls and any tab or line break) is http, https or
    /// mailto, or it has none.
    fn harmless_url(url: &str) -> bool {
        let cleaned: String = url
            .trim_matches(|c: char| c <= ' ')
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        match cleaned.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))) {
            Some(end)
                if cleaned[end..].starts_with(':')
                    && cleaned.starts_with(|c: char| c.is_ascii_alphabetic()) =>
            {
                matches!(
                    cleaned[..end].to_ascii_lowercase().as_str(),
                    "http" | "https" | "mailto"
                )
            }
            _ => true,
        }
    }

    /// Reads every tag of the output: only known elements, known attributes with quoted values,
    /// no event handlers, no script-capable link.
    fn check_html(out: &str) -> Result<(), String> {
        let mut rest = out;
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            let close = after.find('>').ok_or("unclosed tag")?;
            let tag = &after[..close];
            rest = &after[close + 1..];
            let tag = tag.strip_prefix('/').unwrap_or(tag);
            let tag = tag.strip_suffix('/').unwrap_or(tag).trim_end();
            let (name, mut attributes) = tag.split_once(' ').unwrap_or((tag, ""));
            if !TAGS.contains(&name) {
                return Err(format!("element {name:?}"));
            }
            loop {
                attributes = attributes.trim_start();
                if attributes.is_empty() {
                    break;
                }
                let (attribute, quoted) = attributes
                    .split_once("=\"")
                    .ok_or_else(|| format!("unquoted attribute in {tag:?}"))?;
                let end = quoted.find('"').ok_or("unterminated attribute")?;
                let value = unescape(&quoted[..end])?;
                attributes = &quoted[end + 1..];
                if attribute.to_ascii_lowercase().starts_with("on")
                    || !ATTRIBUTES.contains(&attribute)
                {
                    return Err(format!("attribute {attribute:?} in {tag:?}"));
                }
                match attribute {
                    "href" | "src" if !harmless_url(&value) => {
                        return Err(format!("{attribute}={value:?}"))
                    }
                    "style"
                        if ![
                            "text-align: left",
                            "text-align: center",
                            "text-align: right",
                        ]
                        .contains(&value.as_str()) =>
                    {
                        return Err(format!("style={value:?}"))
                    }
                    "class" if !value.starts_with("language-") => {
                        return Err(format!("class={value:?}"))
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    #[test]
    fn the_checker_catches_what_it_looks_for() {
        assert!(check_html("<p>a <a href=\"https://x.io/?a=1&amp;b=2\">x</a></p>\n").is_ok());
        for bad in [
            "<script>",
            "<p onclick=\"x\">",
            "<a href=\"javascript:x\">",
            "<a href=\" \u{1}JavaScript:x\">",
            "<a href=\"javascript&#x3a;x\">",
            "<a href=\"java\tscript:x\">",
            "<a href=\"javascript&colon;x\">",
            "<img src=x>",
        ] {
            assert!(check_html(bad).is_err(), "{bad:?}");
        }
    }

    /// Property test: no panic over adversarial Markdown (HTML, script links in every
    /// disguise, deep nesting, long inputs), and the output holds only the elements and
    /// attributes the renderer writes, no event handler and no script-capable link.
    #[test]
    fn fuzz_markdown() {
        crate::fuzz_support::run("markdown", file!(), markdown_like(), |input| {
            let out = render(&input);
            prop_assert!(!out.to_ascii_lowercase().contains("<script"));
            if let Err(problem) = check_html(&out) {
                prop_assert!(false, "{problem} in {out:?}");
            }
            Ok(())
        });
    }
}
