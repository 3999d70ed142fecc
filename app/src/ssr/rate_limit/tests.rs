use super::*;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn forwarded_for_is_believed_only_from_trusted_proxies() {
    let proxy = ip("10.0.0.1");
    let client = ip("203.0.113.7");
    let spoofed = ["198.51.100.1, 203.0.113.7"];
    assert_eq!(client_ip(client, ["198.51.100.1"], &[proxy]), client);
    assert_eq!(client_ip(proxy, spoofed, &[proxy]), client);
    assert_eq!(client_ip(proxy, [], &[proxy]), proxy);
    assert_eq!(client_ip(proxy, spoofed, &[]), proxy);
}

#[test]
fn forwarded_for_is_walked_from_the_right_across_every_header_line() {
    let (edge, inner) = (ip("10.0.0.1"), ip("10.0.0.2"));
    let trusted = [edge, inner];
    // The client's own claim comes first; the proxies append what they saw.
    let lines = ["198.51.100.66", "203.0.113.7, 10.0.0.2"];
    assert_eq!(client_ip(edge, lines, &trusted), ip("203.0.113.7"));
    // The second line is not ignored: a client cannot hide the proxies' entries by
    // sending a first line of its own.
    let lines = ["198.51.100.66", "203.0.113.8"];
    assert_eq!(client_ip(edge, lines, &trusted), ip("203.0.113.8"));
    // Ports, as some proxies write them.
    let lines = ["[2001:db8::7]:4711, 203.0.113.9:80"];
    assert_eq!(client_ip(edge, lines, &trusted), ip("203.0.113.9"));
    // An address behind IPv4-mapped IPv6 is the same address.
    assert_eq!(
        client_ip(ip("::ffff:10.0.0.1"), ["203.0.113.7"], &trusted),
        ip("203.0.113.7")
    );
}

#[test]
fn an_unreadable_forwarded_for_entry_means_the_peer_is_the_client() {
    let proxy = ip("10.0.0.1");
    for lines in [
        vec!["garbage"],
        vec!["198.51.100.1, garbage"],
        vec!["198.51.100.1, unknown"],
        vec!["198.51.100.1,"],
        vec![""],
    ] {
        assert_eq!(
            client_ip(proxy, lines.clone(), &[proxy]),
            proxy,
            "{lines:?}"
        );
    }
    // Garbage left of the first untrusted hop is never read.
    assert_eq!(
        client_ip(proxy, ["garbage, 203.0.113.7"], &[proxy]),
        ip("203.0.113.7")
    );
}

#[test]
fn ipv6_clients_are_counted_by_their_64_bit_prefix() {
    assert_eq!(client_key(ip("203.0.113.7")), "203.0.113.7");
    assert_eq!(client_key(ip("::ffff:203.0.113.7")), "203.0.113.7");
    let a = client_key(ip("2001:db8:1:2:aaaa::1"));
    let b = client_key(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    let other = client_key(ip("2001:db8:1:3::1"));
    assert_eq!(a, "2001:db8:1:2::/64");
    assert_eq!(a, b);
    assert_ne!(a, other);
}

#[test]
fn every_spelling_that_signs_in_to_one_account_shares_its_bucket() {
    let plain = account_bucket("login-account", "ada@example.com");
    for spelling in [
        "ADA@EXAMPLE.COM",
        "  ada@example.com ",
        "ada@ＥＸＡＭＰＬＥ.com",
        "ada@exam\u{ad}ple.com",
    ] {
        assert_eq!(
            account_bucket("login-account", spelling),
            plain,
            "{spelling}"
        );
    }
    assert_ne!(account_bucket("login-account", "bob@example.com"), plain);
    // Not an address: still one bucket per typed text, case-insensitively.
    assert_eq!(
        account_bucket("login-account", "Not An Email"),
        account_bucket("login-account", "not an email")
    );
}

#[test]
fn person_buckets_hold_no_address() {
    let name = bucket("login-account", "ada@example.com");
    assert!(name.starts_with("login-account:"));
    assert!(!name.contains("ada"));
    assert!(name.len() <= 128);
}
