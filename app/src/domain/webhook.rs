//! Webhooks: the events an endpoint can subscribe to, what a target URL may be, and how long a
//! failed delivery waits before its next try.

use serde::{Deserialize, Serialize};

/// What happened, as a subscriber names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    InvitationCreated,
    InvitationResent,
    InvitationDeleted,
    /// The developer registered and waits for a review.
    InvitationRegistered,
    InvitationApproved,
    InvitationRejected,
    InvitationExpired,
    DeveloperDeactivated,
    DeveloperReactivated,
    /// A self sign-up's owner opened the emailed link and chose a password.
    SignupConfirmed,
    /// Sent only by "Send a test event".
    Test,
}

impl EventType {
    /// The events an admin can subscribe to (the test event goes to the endpoint it is sent
    /// to, whatever it subscribed to).
    pub const SUBSCRIBABLE: [EventType; 10] = [
        EventType::InvitationCreated,
        EventType::InvitationResent,
        EventType::InvitationDeleted,
        EventType::InvitationRegistered,
        EventType::InvitationApproved,
        EventType::InvitationRejected,
        EventType::InvitationExpired,
        EventType::DeveloperDeactivated,
        EventType::DeveloperReactivated,
        EventType::SignupConfirmed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::InvitationCreated => "invitation.created",
            EventType::InvitationResent => "invitation.resent",
            EventType::InvitationDeleted => "invitation.deleted",
            EventType::InvitationRegistered => "invitation.registered",
            EventType::InvitationApproved => "invitation.approved",
            EventType::InvitationRejected => "invitation.rejected",
            EventType::InvitationExpired => "invitation.expired",
            EventType::DeveloperDeactivated => "developer.deactivated",
            EventType::DeveloperReactivated => "developer.reactivated",
            EventType::SignupConfirmed => "signup.confirmed",
            EventType::Test => "portico.test",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::SUBSCRIBABLE
            .into_iter()
            .chain([EventType::Test])
            .find(|e| e.as_str() == value)
    }

    /// A subscription list: comma-separated names, at least one, each known; `*` is all.
    pub fn parse_list(value: &str) -> Result<Vec<EventType>, String> {
        let mut events = Vec::new();
        for name in value
            .split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            if name == "*" {
                return Ok(Self::SUBSCRIBABLE.to_vec());
            }
            let event = Self::parse(name)
                .filter(|e| *e != EventType::Test)
                .ok_or_else(|| {
                    format!(
                        "Unknown event {name:?}: choose among {}.",
                        Self::SUBSCRIBABLE.map(|e| e.as_str()).join(", ")
                    )
                })?;
            if !events.contains(&event) {
                events.push(event);
            }
        }
        if events.is_empty() {
            return Err("Choose at least one event to send to this endpoint.".into());
        }
        Ok(events)
    }
}

/// An endpoint's URL: http or https, a host, no user name or password in it, at most 2,000
/// characters. Whether its host may be reached (not a private address) is decided when it is
/// resolved, at each delivery.
pub fn parse_target_url(value: &str) -> Result<url::Url, String> {
    let value = value.trim();
    if value.len() > 2000 {
        return Err("The URL is too long: at most 2,000 characters.".into());
    }
    let url = url::Url::parse(value)
        .map_err(|e| format!("The URL is not valid ({e}): give a full https:// address."))?;
    // As stored: non-ASCII characters percent-encoded, the host in punycode.
    if url.as_str().len() > 2000 {
        return Err("The URL is too long: at most 2,000 characters once encoded.".into());
    }
    if !matches!(url.scheme(), "https" | "http") {
        return Err("The URL must start with https:// (or http://).".into());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("The URL must name a host.".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "Put no user name or password in the URL: the signature proves the sender.".into(),
        );
    }
    if url.fragment().is_some() {
        return Err("Remove the #fragment from the URL: it is never sent.".into());
    }
    Ok(url)
}

/// Whether an address is one a webhook must not reach unless the operator allows it: loopback,
/// private, link-local (cloud metadata), unique-local, unspecified, multicast, broadcast,
/// documentation and shared (CGNAT) ranges.
pub fn is_internal_address(address: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match address {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                || a >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal_address(IpAddr::V4(v4));
            }
            let segments = v6.segments();
            let embedded_v4 = |high: u16, low: u16| {
                let [a, b] = high.to_be_bytes();
                let [c, d] = low.to_be_bytes();
                IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d))
            };
            // Forms that carry an IPv4 address: NAT64 (64:ff9b::/96, 64:ff9b:1::/48),
            // IPv4-compatible (::a.b.c.d) and 6to4 (2002::/16) reach what it names.
            let nat64 = segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
                || segments[..2] == [0x64, 0xff9b] && segments[2] == 1;
            let compatible = segments[..6] == [0; 6];
            if nat64 || compatible {
                return is_internal_address(embedded_v4(segments[6], segments[7]));
            }
            if segments[0] == 0x2002 {
                return is_internal_address(embedded_v4(segments[1], segments[2]));
            }
            let first = segments[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                || first == 0x2001 && segments[1] == 0x0db8
        }
    }
}

/// Tries per delivery, the first included.
pub const MAX_ATTEMPTS: i32 = 8;

/// How long after failed try number `attempt` (1-based) the next one starts: `base` times 6
/// to the power of `attempt - 1`, at most 6 hours (with a base of 5 seconds: 5 s, 30 s, 3 min,
/// 18 min, 1.8 h, then 6 h).
pub fn retry_delay(base: std::time::Duration, attempt: i32) -> std::time::Duration {
    let factor = 6u32.saturating_pow(attempt.clamp(1, 12) as u32 - 1);
    base.saturating_mul(factor)
        .min(std::time::Duration::from_secs(6 * 3600))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn event_names_read_back_and_a_list_needs_known_ones() {
        for event in EventType::SUBSCRIBABLE {
            assert_eq!(EventType::parse(event.as_str()), Some(event));
        }
        assert_eq!(
            EventType::parse_list("invitation.created, invitation.created").unwrap(),
            [EventType::InvitationCreated]
        );
        assert_eq!(EventType::parse_list("*").unwrap().len(), 10);
        assert!(EventType::parse_list("").is_err());
        assert!(EventType::parse_list("portico.test").is_err());
        assert!(EventType::parse_list("invitation.lost")
            .unwrap_err()
            .contains("invitation.lost"));
    }

    #[test]
    fn target_urls_are_http_with_a_host_and_no_credentials() {
        assert!(parse_target_url("https://hooks.example.com/portico").is_ok());
        for bad in [
            "ftp://example.com",
            "https://user:pw@example.com/",
            "not a url",
            "https://example.com/#x",
        ] {
            assert!(parse_target_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn loopback_private_and_link_local_addresses_are_internal() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
            "::10.0.0.1",
            "2002:a00:1::1",
            "fec0::1",
            "192.0.0.8",
        ] {
            assert!(is_internal_address(internal.parse().unwrap()), "{internal}");
        }
        for public in ["93.184.216.34", "2606:2800:220:1::1"] {
            assert!(!is_internal_address(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn retries_back_off_six_fold_up_to_six_hours() {
        let base = Duration::from_secs(5);
        assert_eq!(retry_delay(base, 1), Duration::from_secs(5));
        assert_eq!(retry_delay(base, 2), Duration::from_secs(30));
        assert_eq!(retry_delay(base, 3), Duration::from_secs(180));
        assert_eq!(retry_delay(base, 7), Duration::from_secs(6 * 3600));
    }
}
