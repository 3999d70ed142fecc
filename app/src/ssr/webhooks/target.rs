//! Where a delivery may go. The host is resolved here, each address checked (no loopback,
//! private, link-local... unless the operator allows it: `PORTICO_WEBHOOKS_ALLOW_PRIVATE`),
//! and the connection pinned to the checked address, so a DNS answer that changes between the
//! check and the connection (rebinding) cannot redirect it. Redirects are never followed.

use std::{net::SocketAddr, time::Duration};

use crate::domain::webhook::is_internal_address;

/// What one try got: the status, or why there was none.
pub struct Answer {
    pub status: Option<u16>,
    pub error: Option<String>,
    pub elapsed_ms: i32,
}

impl Answer {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// POSTs `body` to `url` with `headers`, within `timeout`.
pub async fn post(
    url: &str,
    allow_internal: bool,
    headers: &[(&str, String)],
    body: String,
    timeout: Duration,
) -> Answer {
    let started = std::time::Instant::now();
    let result = try_post(url, allow_internal, headers, body, timeout).await;
    let elapsed_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    match result {
        Ok(status) if (200..300).contains(&status) => Answer {
            status: Some(status),
            error: None,
            elapsed_ms,
        },
        Ok(status) if (300..400).contains(&status) => Answer {
            status: Some(status),
            error: Some(format!(
                "the endpoint answered {status}, a redirect: redirects are not followed, give \
                 the final URL"
            )),
            elapsed_ms,
        },
        Ok(status) => Answer {
            status: Some(status),
            error: Some(format!("the endpoint answered {status}")),
            elapsed_ms,
        },
        Err(error) => Answer {
            status: None,
            error: Some(error),
            elapsed_ms,
        },
    }
}

async fn try_post(
    url: &str,
    allow_internal: bool,
    headers: &[(&str, String)],
    body: String,
    timeout: Duration,
) -> Result<u16, String> {
    let parsed = crate::domain::webhook::parse_target_url(url)?;
    let host = parsed.host_str().unwrap_or_default().to_owned();
    let port = parsed
        .port_or_known_default()
        .ok_or("the URL has no port")?;
    let bare_host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let lookup = tokio::net::lookup_host((bare_host.as_str(), port));
    let addresses: Vec<SocketAddr> = tokio::time::timeout(timeout, lookup)
        .await
        .map_err(|_| format!("could not resolve {host} within {} s", timeout.as_secs()))?
        .map_err(|e| format!("could not resolve {host}: {e}"))?
        .collect();
    let address = addresses
        .iter()
        .find(|a| allow_internal || !is_internal_address(a.ip()))
        .copied()
        .ok_or_else(|| {
            format!(
                "{host} resolves to a private, loopback or link-local address, which webhooks \
                 may not reach"
            )
        })?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A proxy would resolve the name itself, past the check and the pinning.
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .resolve(&bare_host, address)
        .user_agent("Portico-Webhooks/1")
        .build()
        .map_err(|e| format!("could not prepare the request: {e}"))?;
    let mut request = client
        .post(parsed)
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.map_err(|e| {
        if e.is_timeout() {
            format!("no answer within {} s", timeout.as_secs())
        } else if e.is_connect() {
            format!("could not connect: {e}")
        } else {
            e.to_string()
        }
    })?;
    Ok(response.status().as_u16())
}

/// Whether an endpoint's host may be used at all (checked when it is added, so the admin hears
/// about a private address at once; every delivery checks again).
pub async fn check_reachable_kind(url: &url::Url, allow_internal: bool) -> Result<(), String> {
    if allow_internal {
        return Ok(());
    }
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_or_known_default().unwrap_or(443);
    let refused = || {
        format!(
            "{host} is a private, loopback or link-local address: webhooks go to public \
             addresses only (an operator can allow private ones with \
             PORTICO_WEBHOOKS_ALLOW_PRIVATE=true)."
        )
    };
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return if is_internal_address(ip) {
            Err(refused())
        } else {
            Ok(())
        };
    }
    if bare.eq_ignore_ascii_case("localhost") || bare.ends_with(".localhost") {
        return Err(refused());
    }
    // A name that does not resolve yet is accepted: it is checked at every delivery.
    if let Ok(addresses) = tokio::net::lookup_host((bare, port)).await {
        let addresses: Vec<_> = addresses.collect();
        if !addresses.is_empty() && addresses.iter().all(|a| is_internal_address(a.ip())) {
            return Err(refused());
        }
    }
    Ok(())
}
