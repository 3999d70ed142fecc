//! A session's browser in words ("Firefox on Linux"), read from its User-Agent, so that its
//! owner recognises it in the list of their sessions. Only what people recognise: the browser
//! family and the operating system, never a version.

/// "Chrome on macOS", "Firefox", or "Unknown browser".
pub fn describe_browser(user_agent: Option<&str>) -> String {
    let agent = user_agent.unwrap_or_default();
    let browser = browser_family(agent);
    match (browser, operating_system(agent)) {
        (Some(browser), Some(os)) => format!("{browser} on {os}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(os)) => format!("A browser on {os}"),
        (None, None) => "Unknown browser".to_owned(),
    }
}

/// The family, tested from the most specific token: Edge and Opera also say "Chrome", and
/// Chrome also says "Safari".
fn browser_family(agent: &str) -> Option<&'static str> {
    const FAMILIES: [(&str, &str); 10] = [
        ("Edg/", "Edge"),
        ("EdgA/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("curl/", "curl"),
    ];
    FAMILIES
        .iter()
        .find(|(token, _)| agent.contains(token))
        .map(|(_, name)| *name)
        .or_else(|| (agent.contains("Safari/") && agent.contains("Version/")).then_some("Safari"))
}

fn operating_system(agent: &str) -> Option<&'static str> {
    const SYSTEMS: [(&str, &str); 7] = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    SYSTEMS
        .iter()
        .find(|(token, _)| agent.contains(token))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::describe_browser;

    #[test]
    fn common_browsers_are_named_with_their_system() {
        let cases = [
            ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on macOS"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iOS"),
            ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"),
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Chrome on Linux"),
            ("curl/8.5.0", "curl"),
        ];
        for (agent, expected) in cases {
            assert_eq!(describe_browser(Some(agent)), expected, "{agent}");
        }
    }

    #[test]
    fn a_missing_or_strange_user_agent_is_said_plainly() {
        assert_eq!(describe_browser(None), "Unknown browser");
        assert_eq!(describe_browser(Some("")), "Unknown browser");
        assert_eq!(describe_browser(Some("reqwest")), "Unknown browser");
        assert_eq!(
            describe_browser(Some("Something (Windows NT 10.0)")),
            "A browser on Windows"
        );
    }
}
