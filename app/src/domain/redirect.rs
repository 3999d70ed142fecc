//! Where a sign-in may send the browser next: only to a page of this site. A crafted link
//! (`/login?next=...`) must never turn the login into a redirect to another site.

use url::Url;

/// The path (with query and fragment) to go to after signing in, or `None` when `next` could
/// lead anywhere but a page of `public_url`'s origin; the caller then uses the account's home.
///
/// `next` is resolved against the public URL as a browser would resolve a `Location` header,
/// and accepted only when the result has the same origin. The path that comes back is the
/// resolved one, re-serialized, so nothing the parser would read differently from a browser
/// passes through as typed. Refused besides: control characters and white space anywhere in
/// `next` (browsers drop tabs and line breaks from URLs, so `/<TAB>/evil.example` becomes
/// `//evil.example`, and a line break cannot go into a header at all), backslashes (read as
/// slashes), and a path that begins with two slashes once resolved or percent-decoded
/// (`/.//x`, `/%2F%2Fx`), which some routers and proxies would read as another host.
pub fn safe_next(next: Option<&str>, public_url: &str) -> Option<String> {
    let next = next?;
    if !next.starts_with('/')
        || next.contains('\\')
        || next.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return None;
    }
    let base = Url::parse(public_url).ok()?;
    let resolved = base.join(next).ok()?;
    if resolved.origin() != base.origin() {
        return None;
    }
    let path = resolved.path();
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    if path.starts_with("//")
        || decoded.starts_with("//")
        || decoded.starts_with("/\\")
        || decoded.chars().any(|c| c.is_control())
    {
        return None;
    }
    let mut target = path.to_owned();
    if let Some(query) = resolved.query() {
        target.push('?');
        target.push_str(query);
    }
    if let Some(fragment) = resolved.fragment() {
        target.push('#');
        target.push_str(fragment);
    }
    Some(target)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    const SITE: &str = "https://portal.example.com";

    #[test]
    fn pages_of_this_site_are_followed_with_their_query_and_fragment() {
        for (next, expected) in [
            ("/admin?page=2", "/admin?page=2"),
            (
                "/admin/invitations?q=ada&status=pending#top",
                "/admin/invitations?q=ada&status=pending#top",
            ),
            ("/portal", "/portal"),
            ("/a/../portal", "/portal"),
        ] {
            assert_eq!(
                safe_next(Some(next), SITE).as_deref(),
                Some(expected),
                "{next}"
            );
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_is_refused() {
        for next in [
            "//evil.example",
            "https://evil.example",
            "https:evil.example",
            "http:evil.example",
            "/\\evil.example",
            "/\\\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/\n",
            "/\r\nSet-Cookie: x=1",
            "/ /evil.example",
            "/\u{a0}/evil.example",
            "/%2F%2Fevil.example",
            "/%2f/evil.example",
            "/%5C/evil.example",
            "/.//evil.example",
            "/%00",
            "javascript:alert(1)",
            "evil.example",
            "",
        ] {
            assert_eq!(
                safe_next(Some(next), SITE),
                None,
                "{next:?} must be refused"
            );
        }
        assert_eq!(safe_next(None, SITE), None);
    }
}
