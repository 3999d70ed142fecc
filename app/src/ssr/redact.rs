//! Keeping secrets out of messages and logs.

/// `scheme://user:***@host...` for a URL with a password (database or SMTP URLs); the URL
/// itself otherwise.
pub fn url_without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hides_the_password_of_a_url() {
        assert_eq!(
            super::url_without_password("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(
            super::url_without_password("sqlite://data/p.db"),
            "sqlite://data/p.db"
        );
    }
}
