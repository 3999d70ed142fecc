//! Schema migrations, applied at start-up. The same migrations build the same schema on
//! SQLite, PostgreSQL and MariaDB/MySQL.

use sea_orm_migration::prelude::*;

mod m0001_accounts_and_sessions;
mod m0002_invitations_settings_outbox;
mod m0003_developers_and_sign_up;
mod m0004_rate_limits;
mod m0005_audit_events;
mod m0006_password_policy;
mod m0007_invitation_grams;
mod m0008_hashes_as_varchar;
mod m0009_sign_up_passwords_forgotten;
mod m0010_decision_reasons;
mod m0011_password_resets;
mod m0012_session_details;
mod m0014_password_change_required;
mod m0015_invitation_roles;
mod m0016_admin_mfa;
mod m0017_accent_color;
mod m0018_api_tokens;
mod m0019_webhooks;
mod m0020_domain_rules;
mod m0021_portal_name;
mod m0022_portal_logo;
mod m0023_reminders_and_requests;
mod m0024_link_opened;
mod m0025_email_templates;
mod m0026_gram_status;
mod m0027_gram_stats;
mod m0028_status_indexes;
mod m0029_covering_indexes;
mod m0030_gram_signatures;
mod m0031_address_by_id;
mod m0032_status_indexes_with_expiry;
mod m0033_gram_addresses;
mod m0034_longest_validity;
mod m0035_gram_email_order;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_accounts_and_sessions::Migration),
            Box::new(m0002_invitations_settings_outbox::Migration),
            Box::new(m0003_developers_and_sign_up::Migration),
            Box::new(m0004_rate_limits::Migration),
            Box::new(m0005_audit_events::Migration),
            Box::new(m0006_password_policy::Migration),
            Box::new(m0007_invitation_grams::Migration),
            Box::new(m0008_hashes_as_varchar::Migration),
            Box::new(m0009_sign_up_passwords_forgotten::Migration),
            Box::new(m0010_decision_reasons::Migration),
            Box::new(m0011_password_resets::Migration),
            Box::new(m0012_session_details::Migration),
            Box::new(m0014_password_change_required::Migration),
            Box::new(m0015_invitation_roles::Migration),
            Box::new(m0016_admin_mfa::Migration),
            Box::new(m0017_accent_color::Migration),
            Box::new(m0018_api_tokens::Migration),
            Box::new(m0019_webhooks::Migration),
            Box::new(m0020_domain_rules::Migration),
            Box::new(m0021_portal_name::Migration),
            Box::new(m0022_portal_logo::Migration),
            Box::new(m0023_reminders_and_requests::Migration),
            Box::new(m0024_link_opened::Migration),
            Box::new(m0025_email_templates::Migration),
            Box::new(m0026_gram_status::Migration),
            Box::new(m0027_gram_stats::Migration),
            Box::new(m0028_status_indexes::Migration),
            Box::new(m0029_covering_indexes::Migration),
            Box::new(m0030_gram_signatures::Migration),
            Box::new(m0031_address_by_id::Migration),
            Box::new(m0032_status_indexes_with_expiry::Migration),
            Box::new(m0033_gram_addresses::Migration),
            Box::new(m0034_longest_validity::Migration),
            Box::new(m0035_gram_email_order::Migration),
        ]
    }
}
