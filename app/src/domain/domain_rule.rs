//! Domain rules (Settings › Domain rules): an allow rule approves the registrations of its
//! domain automatically; a deny rule refuses invitations and sign-ups for it. A rule covers its
//! domain, and its subdomains when the admin says so. When several rules match an address, the
//! most specific one decides (`eng.partner.com` before `partner.com`), so an admin can deny a
//! company and allow one of its departments, or the other way round. A domain has at most one
//! rule. See docs/domain-rules.md.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::email::Email;

/// The most rules a portal keeps: enough for every partner company, small enough that every
/// decision can read them all.
pub const MAX_DOMAIN_RULES: usize = 500;

/// A mail domain as a rule names it: lower-case ASCII (an internationalized domain in its
/// punycode form, as addresses are stored), checked like the domain of an address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MailDomain(String);

impl MailDomain {
    pub fn parse(input: &str) -> Result<Self, String> {
        let value = input.trim();
        // "@partner.com" is how people often write a mail domain: read it as meant.
        let value = value.strip_prefix('@').unwrap_or(value);
        if value.is_empty() {
            return Err("enter a domain, like partner.com".into());
        }
        if value.contains('*') {
            return Err("enter the domain without a wildcard, like partner.com, and tick \"and its subdomains\" to cover them".into());
        }
        if value.contains('@') {
            return Err("enter only the domain, the part after the @, like partner.com".into());
        }
        let address = Email::parse(&format!("x@{value}")).map_err(|_| {
            format!("{value:?} is not a mail domain: enter a name like partner.com (no IP addresses, spaces, or leading or trailing dots or dashes)")
        })?;
        Ok(Self(domain_of(&address)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `domain` (lower-case) is this domain or, when `subdomains`, one below it.
    fn covers(&self, domain: &str, subdomains: bool) -> bool {
        domain == self.0
            || (subdomains
                && domain
                    .strip_suffix(self.0.as_str())
                    .is_some_and(|head| head.ends_with('.')))
    }
}

impl TryFrom<String> for MailDomain {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<MailDomain> for String {
    fn from(value: MailDomain) -> Self {
        value.0
    }
}

/// The domain of an address, lower-case, as rules compare it.
pub fn domain_of(email: &Email) -> String {
    let address = email.as_str();
    address
        .rsplit_once('@')
        .map_or(address, |(_, domain)| domain)
        .to_lowercase()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// Registrations from the domain are approved without a review.
    Allow,
    /// Invitations and sign-ups for the domain are refused.
    Deny,
}

impl RuleKind {
    pub const ALL: [RuleKind; 2] = [RuleKind::Allow, RuleKind::Deny];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Allow => "allow",
            RuleKind::Deny => "deny",
        }
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == value.trim())
            .ok_or_else(|| format!("a rule is \"allow\" or \"deny\", not {value:?}"))
    }

    /// For the settings list: what the rule does.
    pub fn effect(self) -> &'static str {
        match self {
            RuleKind::Allow => "Registrations approved automatically",
            RuleKind::Deny => "Invitations and sign-ups refused",
        }
    }
}

/// One rule, as decisions read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainRule {
    pub domain: MailDomain,
    pub kind: RuleKind,
    pub include_subdomains: bool,
}

impl DomainRule {
    pub fn matches(&self, email: &Email) -> bool {
        self.domain
            .covers(&domain_of(email), self.include_subdomains)
    }
}

impl fmt::Display for DomainRule {
    /// How a decision names its rule: `the deny rule for partner.com (and its subdomains)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} rule for {}",
            self.kind.as_str(),
            self.domain.as_str()
        )?;
        if self.include_subdomains {
            f.write_str(" and its subdomains")?;
        }
        Ok(())
    }
}

/// Every rule of the portal, asked once per address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainRules(Vec<DomainRule>);

impl DomainRules {
    pub fn new(rules: Vec<DomainRule>) -> Self {
        Self(rules)
    }

    /// The rule that decides for `email`: the most specific one that matches (the longest
    /// domain; a domain has at most one rule), or none.
    pub fn deciding(&self, email: &Email) -> Option<&DomainRule> {
        self.0
            .iter()
            .filter(|rule| rule.matches(email))
            .max_by_key(|rule| rule.domain.as_str().len())
    }

    /// The deny rule that refuses `email`, if the deciding rule is one.
    pub fn denying(&self, email: &Email) -> Option<&DomainRule> {
        self.deciding(email).filter(|r| r.kind == RuleKind::Deny)
    }

    /// The allow rule that approves `email`'s registration, if the deciding rule is one.
    pub fn allowing(&self, email: &Email) -> Option<&DomainRule> {
        self.deciding(email).filter(|r| r.kind == RuleKind::Allow)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(domain: &str, kind: RuleKind, include_subdomains: bool) -> DomainRule {
        DomainRule {
            domain: MailDomain::parse(domain).unwrap(),
            kind,
            include_subdomains,
        }
    }

    fn email(address: &str) -> Email {
        Email::parse(address).unwrap()
    }

    #[test]
    fn a_domain_is_read_as_an_address_domain_is_and_kept_in_lower_case_ascii() {
        assert_eq!(
            MailDomain::parse(" Partner.COM ").unwrap().as_str(),
            "partner.com"
        );
        assert_eq!(
            MailDomain::parse("@partner.com").unwrap().as_str(),
            "partner.com"
        );
        assert_eq!(
            MailDomain::parse("bücher.example").unwrap().as_str(),
            "xn--bcher-kva.example"
        );
        for bad in [
            "",
            "  ",
            "@",
            "localhost",
            "1.2.3.4",
            "-a.com",
            "a .com",
            "a..com",
        ] {
            assert!(MailDomain::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(MailDomain::parse("*.partner.com")
            .unwrap_err()
            .contains("subdomains"));
        assert!(MailDomain::parse("dev@partner.com")
            .unwrap_err()
            .contains("after the @"));
    }

    #[test]
    fn a_rule_covers_its_domain_and_only_with_the_flag_its_subdomains() {
        let exact = rule("partner.com", RuleKind::Deny, false);
        assert!(exact.matches(&email("ada@partner.com")));
        assert!(exact.matches(&email("ada@PARTNER.com")));
        assert!(!exact.matches(&email("ada@eng.partner.com")));
        assert!(!exact.matches(&email("ada@notpartner.com")));
        assert!(!exact.matches(&email("ada@partner.com.evil.io")));

        let wide = rule("partner.com", RuleKind::Deny, true);
        assert!(wide.matches(&email("ada@partner.com")));
        assert!(wide.matches(&email("ada@eng.partner.com")));
        assert!(wide.matches(&email("ada@a.b.partner.com")));
        assert!(!wide.matches(&email("ada@notpartner.com")));
    }

    #[test]
    fn the_most_specific_matching_rule_decides() {
        let rules = DomainRules::new(vec![
            rule("partner.com", RuleKind::Deny, true),
            rule("eng.partner.com", RuleKind::Allow, false),
        ]);
        assert_eq!(
            rules
                .denying(&email("a@sales.partner.com"))
                .unwrap()
                .domain
                .as_str(),
            "partner.com"
        );
        assert!(rules.denying(&email("a@eng.partner.com")).is_none());
        assert_eq!(
            rules
                .allowing(&email("a@eng.partner.com"))
                .unwrap()
                .to_string(),
            "the allow rule for eng.partner.com"
        );
        assert!(rules.deciding(&email("a@other.io")).is_none());
        assert_eq!(
            rules.deciding(&email("a@partner.com")).unwrap().to_string(),
            "the deny rule for partner.com and its subdomains"
        );
    }

    #[test]
    fn an_internationalized_address_meets_the_rule_of_its_punycode_domain() {
        let rules = DomainRules::new(vec![rule("xn--bcher-kva.example", RuleKind::Deny, false)]);
        assert!(rules.denying(&email("dev@bücher.example")).is_some());
    }

    #[test]
    fn kinds_read_back_from_their_names() {
        for kind in RuleKind::ALL {
            assert_eq!(RuleKind::parse(kind.as_str()), Ok(kind));
        }
        assert!(RuleKind::parse("block")
            .unwrap_err()
            .contains("\"allow\" or \"deny\""));
    }
}
