//! Domain rules (Settings › Domain rules): a deny rule refuses invitations, resends and
//! sign-ups for its domain; an allow rule approves its registrations without a review; the
//! most specific rule decides; every decision names its rule in the Activity log.

use crate::support::{call_with, conflict, error, invalid_input, ok, TestApp, DEVELOPER_PASSWORD};
use app::model::{
    audit::AuditAction,
    domain_rule::DomainRuleRow,
    invitation::{CompletionOutcome, InviteOutcome},
    ApiError,
};

async fn add_rule(app: &TestApp, domain: &str, kind: &str, subdomains: bool) -> reqwest::Response {
    let mut form = vec![("domain", domain), ("kind", kind)];
    if subdomains {
        form.push(("include_subdomains", "true"));
    }
    app.call("add_domain_rule", &form).await
}

async fn rules(app: &TestApp) -> Vec<DomainRuleRow> {
    ok(app.call("list_domain_rules", &[]).await).await
}

/// The details of the audit entries of `action` about `target`, newest first.
async fn audit_details(app: &TestApp, action: AuditAction, target: &str) -> Vec<(bool, String)> {
    app.activity(&[("action", action.as_str())])
        .await
        .entries
        .into_iter()
        .filter(|e| e.target.as_deref() == Some(target))
        .map(|e| (e.succeeded, e.detail.unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn rules_are_added_and_removed_by_admins_with_clear_refusals_and_an_audit_entry_each() {
    let app = TestApp::spawn().await;
    assert!(matches!(
        error(add_rule(&app, "partner.com", "deny", false).await).await,
        ApiError::Unauthenticated
    ));
    app.login_as_admin().await;

    let added: DomainRuleRow = ok(add_rule(&app, " @Partner.COM ", "deny", true).await).await;
    assert_eq!(added.rule.domain.as_str(), "partner.com");
    assert_eq!(
        added.rule.to_string(),
        "the deny rule for partner.com and its subdomains"
    );
    let _: DomainRuleRow = ok(add_rule(&app, "bücher.example", "allow", false).await).await;
    let listed = rules(&app).await;
    assert_eq!(
        listed
            .iter()
            .map(|r| (
                r.rule.domain.as_str(),
                r.rule.include_subdomains,
                r.created_by.as_deref()
            ))
            .collect::<Vec<_>>(),
        [
            ("partner.com", true, Some(crate::support::ADMIN_EMAIL)),
            (
                "xn--bcher-kva.example",
                false,
                Some(crate::support::ADMIN_EMAIL)
            ),
        ]
    );

    let message = invalid_input(add_rule(&app, "partner com", "deny", false).await).await;
    assert!(message.contains("is not a mail domain"), "{message}");
    assert!(message.contains("like partner.com"), "{message}");
    let message = invalid_input(add_rule(&app, "*.partner.com", "deny", false).await).await;
    assert!(message.contains("and its subdomains"), "{message}");
    let message = invalid_input(add_rule(&app, "x.io", "block", false).await).await;
    assert!(message.contains("\"allow\" or \"deny\""), "{message}");
    let message = conflict(add_rule(&app, "PARTNER.com", "allow", false).await).await;
    assert!(
        message.contains("partner.com has a rule already"),
        "{message}"
    );
    assert_eq!(rules(&app).await.len(), 2, "nothing stored by a refusal");

    let removed = app
        .call("remove_domain_rule", &[("id", &added.id.to_string())])
        .await;
    assert_eq!(removed.status(), 200);
    assert_eq!(rules(&app).await.len(), 1);
    let again = app
        .call("remove_domain_rule", &[("id", &added.id.to_string())])
        .await;
    assert!(matches!(error(again).await, ApiError::NotFound(_)));

    assert_eq!(
        audit_details(&app, AuditAction::DomainRuleAdded, "partner.com").await,
        [(
            true,
            "the deny rule for partner.com and its subdomains".to_owned()
        )]
    );
    assert_eq!(
        audit_details(&app, AuditAction::DomainRuleRemoved, "partner.com").await,
        [(
            true,
            "the deny rule for partner.com and its subdomains".to_owned()
        )]
    );
}

#[tokio::test]
async fn a_deny_rule_refuses_invitations_and_resends_for_its_domain_naming_the_rule() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    // Invited before the rule: its resend is refused once the rule exists.
    let before = app.invite("early@sales.partner.com").await;
    let early_id = crate::support::invited_id(&before.entries[0].outcome);
    let _: DomainRuleRow = ok(add_rule(&app, "partner.com", "deny", true).await).await;
    let _: DomainRuleRow = ok(add_rule(&app, "eng.partner.com", "allow", false).await).await;

    let report = app
        .invite("a@partner.com; b@sales.partner.com; c@eng.partner.com; d@notpartner.com")
        .await;
    let outcomes: Vec<_> = report.entries.iter().map(|e| e.outcome.clone()).collect();
    let blocked = InviteOutcome::Blocked {
        rule: "the deny rule for partner.com and its subdomains".into(),
    };
    assert_eq!(outcomes[0], blocked);
    assert_eq!(outcomes[1], blocked);
    assert!(
        matches!(outcomes[2], InviteOutcome::Invited { .. }),
        "the more specific allow rule decides"
    );
    assert!(matches!(outcomes[3], InviteOutcome::Invited { .. }));
    assert_eq!(
        outcomes[0].message(),
        "Not sent: refused by the deny rule for partner.com and its subdomains"
    );
    let recipients: Vec<String> = app
        .outbox()
        .await
        .into_iter()
        .map(|m| m.recipient)
        .collect();
    assert!(!recipients
        .iter()
        .any(|r| r == "a@partner.com" || r == "b@sales.partner.com"));
    assert!(recipients.iter().any(|r| r == "c@eng.partner.com"));
    assert_eq!(
        audit_details(&app, AuditAction::Invited, "a@partner.com").await,
        [(
            false,
            "refused by the deny rule for partner.com and its subdomains".to_owned()
        )]
    );

    let resend = app
        .call("resend_invitation", &[("id", &early_id.to_string())])
        .await;
    match error(resend).await {
        ApiError::Disabled(message) => {
            assert!(
                message.contains("refused by the deny rule for partner.com"),
                "{message}"
            );
            assert!(message.contains("another domain"), "{message}");
        }
        other => panic!("not refused: {other:?}"),
    }
    assert_eq!(
        app.list(&[("search", "early@")]).await.rows.len(),
        1,
        "the old invitation stays as it was"
    );
}

#[tokio::test]
async fn a_deny_rule_refuses_a_sign_up_with_a_message_that_says_what_to_do() {
    let app = TestApp::spawn().await;
    app.open_sign_up("automatic").await;
    let _: DomainRuleRow = ok(add_rule(&app, "spam.example", "deny", false).await).await;
    let sign_up = |email: &'static str| {
        let browser = app.new_browser();
        let address = app.address.clone();
        async move {
            call_with(
                &browser,
                &address,
                "sign_up",
                &[("email", email), ("full_name", "Some One")],
            )
            .await
        }
    };
    match error(sign_up("bot@spam.example").await).await {
        ApiError::Disabled(message) => {
            assert!(
                message.contains("refused by the deny rule for spam.example"),
                "{message}"
            )
        }
        other => panic!("not refused: {other:?}"),
    }
    assert!(app
        .outbox()
        .await
        .iter()
        .all(|m| m.recipient != "bot@spam.example"));
    assert_eq!(
        audit_details(&app, AuditAction::SignedUp, "bot@spam.example").await,
        [(
            false,
            "refused by the deny rule for spam.example".to_owned()
        )]
    );
    // Without subdomains, a subdomain is not covered.
    assert_eq!(sign_up("dev@mail.spam.example").await.status(), 200);
}

#[tokio::test]
async fn an_allow_rule_approves_registrations_of_its_domain_without_a_review_and_says_so() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let _: DomainRuleRow = ok(add_rule(&app, "partner.com", "allow", true).await).await;
    let invited = app
        .call(
            "invite",
            &[
                ("emails", "ada@eng.partner.com; bob@elsewhere.io"),
                ("pre_approved", "false"),
            ],
        )
        .await;
    assert_eq!(invited.status(), 200);

    let token = app.token_for("ada@eng.partner.com").await;
    let (_, response) = app
        .complete(&token, "Ada Lovelace", DEVELOPER_PASSWORD)
        .await;
    let outcome: CompletionOutcome = ok(response).await;
    assert_eq!(outcome, CompletionOutcome::Approved);
    assert_eq!(
        audit_details(&app, AuditAction::Completed, "ada@eng.partner.com").await,
        [(
            true,
            "approved automatically by the allow rule for partner.com and its subdomains"
                .to_owned()
        )]
    );
    assert_eq!(
        app.login("ada@eng.partner.com", DEVELOPER_PASSWORD)
            .await
            .status(),
        200
    );

    let token = app.token_for("bob@elsewhere.io").await;
    let (_, response) = app.complete(&token, "Bob", DEVELOPER_PASSWORD).await;
    let outcome: CompletionOutcome = ok(response).await;
    assert_eq!(
        outcome,
        CompletionOutcome::Waiting,
        "no rule: a review as before"
    );
}
