//! Every setting, from the command line or a `PORTICO_*` environment variable (the README's
//! configuration table lists the same names and defaults).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::{net::SocketAddr, path::PathBuf, time::Duration};

#[derive(Debug, Parser)]
#[command(
    name = "server",
    version,
    about = "Portico: developer-portal onboarding (invitations, sign-up, approval)"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve Portico (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an admin account (asks nothing; takes the values below) and exit.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
        /// The password; generated and printed once when omitted.
        #[arg(long, env = "PORTICO_NEW_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Fill the database with generated invitations in every status (for benchmarks and
    /// demos), then exit.
    Generate {
        /// How many invitations to add.
        #[arg(long, default_value_t = 10_000)]
        invitations: u64,
        /// Seed of the random choices (the same seed gives the same data).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Commit batch by batch, the indexes updated row by row as in a database that grew by
        /// use. Otherwise a run that at least doubles the rows goes in large transactions: on
        /// PostgreSQL one, which builds the indexes once at its end; on SQLite one per 100,000
        /// invitations, each writing a changed page once.
        #[arg(long)]
        indexes_as_used: bool,
    },
    /// Invite the addresses of a file as the admin's invite dialog does, and exit. The
    /// running server's mail worker sends the emails.
    #[command(long_about = crate::cli::invite::LONG_HELP)]
    Invite(crate::cli::invite::InviteArgs),
    /// Read the invitations: `invitations list`.
    Invitations {
        #[command(subcommand)]
        command: crate::cli::list::InvitationsCommand,
    },
    /// Print the REST API's OpenAPI 3.1 document (JSON, as served at /api/v1/openapi.json)
    /// and exit.
    Openapi,
    /// Benchmark helper (scripts/load.sh): serve a fixed JSON body on
    /// POST /api/list_invitations with a bare axum handler, the baseline of the list's throughput.
    #[command(hide = true)]
    BenchBareJson {
        #[arg(long)]
        port: u16,
        #[arg(long)]
        body_file: PathBuf,
    },
    /// Benchmark helper (scripts/load.sh): serve POST /api/list_invitations with a hand-written
    /// axum + sqlx handler doing the list's work on the configured SQLite database, the anchor
    /// of the list's throughput.
    #[command(hide = true)]
    BenchAnchor {
        #[arg(long)]
        port: u16,
    },
    /// Benchmark helper (scripts/load.sh): time argon2id verifications, the ceiling of logins/s.
    #[command(hide = true)]
    BenchHashRate {
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
        verifications: u32,
    },
    /// Benchmark helper (scripts/load.sh): turn the raw files of a load run (wrk's output, the
    /// probe's latencies, RSS samples, the hash rate) into the results table and its verdicts.
    #[command(hide = true)]
    BenchLoadReport(crate::load_report::ReportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: sqlite://path?mode=rwc, postgres://user@host/db or mysql://user@host/db.
    #[arg(
        long,
        env = "PORTICO_DATABASE_URL",
        default_value = "sqlite://data/portico.db?mode=rwc"
    )]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(long, env = "PORTICO_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// The URL users reach Portico at; used for links in emails and the Origin check.
    #[arg(
        long,
        env = "PORTICO_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000"
    )]
    pub public_url: String,

    /// Folder of the built site (pkg/ with WASM, JS and CSS, and the public assets).
    #[arg(long, env = "PORTICO_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Email of the first admin, created on first start when the database has no account.
    #[arg(
        long,
        env = "PORTICO_ADMIN_EMAIL",
        default_value = "admin@portico.localhost"
    )]
    pub admin_email: String,

    /// Password of the first admin; when unset a strong one is generated and printed once.
    #[arg(long, env = "PORTICO_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// Log format: human (default) or json.
    #[arg(long, env = "PORTICO_LOG_FORMAT", value_enum, default_value = "human")]
    pub log_format: LogFormat,

    /// Log filter (tracing's EnvFilter syntax), e.g. info or portico=debug,info.
    #[arg(long, env = "PORTICO_LOG", default_value = "info")]
    pub log: String,

    /// Minutes without a request after which a session ends.
    #[arg(long, env = "PORTICO_SESSION_IDLE_MINUTES", default_value_t = 720)]
    pub session_idle_minutes: u64,

    /// Hours after login at which a session ends whatever its activity.
    #[arg(long, env = "PORTICO_SESSION_MAX_HOURS", default_value_t = 168)]
    pub session_max_hours: u64,

    /// Seconds a request may take, from its first byte to its answer (a slow or stalled
    /// client included); then it is answered 408 and its work is dropped.
    #[arg(long, env = "PORTICO_REQUEST_TIMEOUT_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_seconds: u64,

    /// Seconds between two housekeeping sweeps (expired sessions, closed rate-limit windows,
    /// unconfirmed sign-ups a week past their link). Every replica may sweep.
    #[arg(long, env = "PORTICO_CLEANUP_INTERVAL_SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    pub cleanup_interval_seconds: u64,

    /// Bearer token that reads /metrics (Authorization: Bearer <token>). Unset: /metrics
    /// answers 404, so nothing about the service is public by default.
    #[arg(long, env = "PORTICO_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    #[command(flatten)]
    pub mail: MailConfig,

    #[command(flatten)]
    pub limits: RateLimitConfig,

    #[command(flatten)]
    pub webhooks: WebhookConfig,
}

/// Webhook deliveries (see `app::ssr::webhooks`).
#[derive(Debug, Clone, Args)]
pub struct WebhookConfig {
    /// Let webhooks reach private, loopback and link-local addresses (receivers on the
    /// internal network, tests). Off: such targets are refused when added and at every
    /// delivery.
    #[arg(long, env = "PORTICO_WEBHOOKS_ALLOW_PRIVATE", default_value_t = false, action = clap::ArgAction::Set)]
    pub allow_private: bool,

    /// Whether this instance sends webhooks (any number of replicas may).
    #[arg(long, env = "PORTICO_WEBHOOK_WORKER", default_value_t = true, action = clap::ArgAction::Set)]
    pub worker: bool,

    /// Milliseconds before the second try of a failed delivery; each next wait is six times
    /// longer, at most 6 hours; 8 tries in all.
    #[arg(long, env = "PORTICO_WEBHOOK_RETRY_BASE_MS", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub retry_base_ms: u64,

    /// Failed tries in a row after which an endpoint is turned off and the admins emailed.
    #[arg(long, env = "PORTICO_WEBHOOK_DISABLE_AFTER", default_value_t = 50, value_parser = clap::value_parser!(i32).range(1..))]
    pub disable_after: i32,

    /// Milliseconds between two looks for due deliveries.
    #[arg(long, env = "PORTICO_WEBHOOK_POLL_MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..))]
    pub poll_ms: u64,

    /// Seconds one delivery may take before it counts as failed.
    #[arg(long, env = "PORTICO_WEBHOOK_TIMEOUT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=60))]
    pub timeout_seconds: u64,
}

impl WebhookConfig {
    pub fn settings(&self) -> app::ssr::webhooks::WebhookSettings {
        app::ssr::webhooks::WebhookSettings {
            allow_private_targets: self.allow_private,
            retry_base: Duration::from_millis(self.retry_base_ms),
            disable_after_failures: self.disable_after,
            poll_interval: Duration::from_millis(self.poll_ms),
            timeout: Duration::from_secs(self.timeout_seconds),
        }
    }
}

/// Rate limits, counted in the database so that every replica shares them (see
/// `app::ssr::rate_limit`). A limited request gets 429 with Retry-After.
#[derive(Debug, Clone, Args)]
pub struct RateLimitConfig {
    /// Failed logins per account (per typed email) in 15 minutes.
    #[arg(long, env = "PORTICO_RATE_LOGIN_FAILURES_PER_ACCOUNT", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub login_failures_per_account: u32,

    /// Failed logins per client address in 15 minutes.
    #[arg(long, env = "PORTICO_RATE_LOGIN_FAILURES_PER_IP", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    pub login_failures_per_ip: u32,

    /// Unknown or malformed invitation links opened or submitted per client address in 15
    /// minutes.
    #[arg(long, env = "PORTICO_RATE_BAD_LINKS_PER_IP", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    pub bad_links_per_ip: u32,

    /// Self sign-ups per client address per hour.
    #[arg(long, env = "PORTICO_RATE_SIGN_UPS_PER_IP", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub sign_ups_per_ip: u32,

    /// Invite and resend calls per admin per hour.
    #[arg(long, env = "PORTICO_RATE_INVITES_PER_HOUR", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub invites_per_hour: u32,

    /// Emails that anyone can cause to be sent to one address (sign-up confirmation links,
    /// "you already have an account" notices, password-reset links) per recipient address
    /// per hour, whoever asks for them.
    #[arg(long, env = "PORTICO_RATE_MAILS_PER_RECIPIENT", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub mails_per_recipient: u32,

    /// Password-reset requests per client address per hour.
    #[arg(long, env = "PORTICO_RATE_PASSWORD_RESETS_PER_IP", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub password_resets_per_ip: u32,

    /// Requests per API token per minute (`/api/v1`).
    #[arg(long, env = "PORTICO_RATE_API_REQUESTS_PER_MINUTE", default_value_t = 600, value_parser = clap::value_parser!(u32).range(1..))]
    pub api_requests_per_minute: u32,

    /// Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed (the
    /// client is the nearest address in it that is not one of them). Empty: the peer address.
    #[arg(long, env = "PORTICO_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl RateLimitConfig {
    pub fn rate_limits(&self) -> app::ssr::rate_limit::RateLimits {
        use app::ssr::rate_limit::{Limit, RateLimits};
        let quarter_hour = Duration::from_secs(15 * 60);
        let hour = Duration::from_secs(3600);
        let limit = |max, window| Limit { max, window };
        RateLimits {
            login_failures_per_account: limit(self.login_failures_per_account, quarter_hour),
            login_failures_per_ip: limit(self.login_failures_per_ip, quarter_hour),
            bad_links_per_ip: limit(self.bad_links_per_ip, quarter_hour),
            sign_ups_per_ip: limit(self.sign_ups_per_ip, hour),
            invites_per_admin: limit(self.invites_per_hour, hour),
            mails_per_recipient: limit(self.mails_per_recipient, hour),
            password_resets_per_ip: limit(self.password_resets_per_ip, hour),
            api_requests_per_token: limit(self.api_requests_per_minute, Duration::from_secs(60)),
            trusted_proxies: self.trusted_proxies.clone(),
        }
    }
}

/// Outgoing email (see `app::ssr::mail`).
#[derive(Debug, Clone, Args)]
pub struct MailConfig {
    /// SMTP server for outgoing email, e.g. smtp://user:password@smtp.example.com:587?tls=required
    /// (STARTTLS), smtps://user:password@smtp.example.com:465 (TLS) or smtp://127.0.0.1:1025
    /// (no TLS). When unset, emails are written as .eml files to the mail folder.
    #[arg(long, env = "PORTICO_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Where emails are written when no SMTP server is configured.
    #[arg(long, env = "PORTICO_MAIL_DIR", default_value = "data/mail")]
    pub mail_dir: PathBuf,

    /// The sender of every email.
    #[arg(
        long,
        env = "PORTICO_MAIL_FROM",
        default_value = "Portico <no-reply@portico.localhost>"
    )]
    pub mail_from: String,

    /// The portal's name, shown on the login cards, in the top bar, page titles and emails.
    #[arg(long, env = "PORTICO_PORTAL_NAME", default_value = "Portico", value_parser = portal_name)]
    pub portal_name: String,

    /// The developer invitation's default subject, until an admin words it in Settings ›
    /// Emails; {portal} stands for the portal's name.
    #[arg(
        long,
        env = "PORTICO_INVITATION_SUBJECT",
        default_value = "You're invited to {portal}",
        value_parser = invitation_subject
    )]
    pub invitation_subject: String,

    /// Whether this instance runs the mail worker (true/false). Any number of instances may;
    /// with none, emails wait in the outbox.
    #[arg(
        long,
        env = "PORTICO_MAIL_WORKER",
        default_value_t = true,
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub mail_worker: bool,

    /// Attempts per email before it is marked failed.
    #[arg(
        long,
        env = "PORTICO_MAIL_MAX_ATTEMPTS",
        default_value_t = 8,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub mail_max_attempts: u32,

    /// Milliseconds between two looks at the outbox for due emails.
    #[arg(
        long,
        env = "PORTICO_MAIL_POLL_MS",
        default_value_t = 500,
        value_parser = clap::value_parser!(u64).range(10..)
    )]
    pub mail_poll_ms: u64,

    /// Milliseconds to wait after a first failed attempt; doubled after each further failure
    /// (with jitter, at most an hour).
    #[arg(long, env = "PORTICO_MAIL_RETRY_BASE_MS", default_value_t = 30_000)]
    pub mail_retry_base_ms: u64,

    /// At most one "registrations waiting for your review" email per admin in this many
    /// seconds; registrations that arrive meanwhile are listed together in the next one.
    #[arg(
        long,
        env = "PORTICO_MAIL_REVIEW_DIGEST_SECONDS",
        default_value_t = 600
    )]
    pub mail_review_digest_seconds: u64,
}

/// An invitation subject the editable emails' rules accept (one line, at most 150
/// characters, only the invitation's placeholders), so that it is the one sent.
fn invitation_subject(value: &str) -> Result<String, String> {
    use app::domain::email_template::{EmailKind, EmailTemplate};
    let kind = EmailKind::Invitation;
    let subject = value.replace("{portal}", "{{portal_name}}");
    EmailTemplate::parse(kind, &subject, kind.default_body())
        .map(|_| value.trim().to_owned())
        .map_err(|problems| problems.to_string())
}

/// A portal name: trimmed, not empty, one line, at most 100 characters (it heads every card
/// and email subject).
fn portal_name(value: &str) -> Result<String, String> {
    let name = value.trim();
    if name.is_empty() {
        return Err(
            "give the portal a name (it heads the login card and every email), e.g. \"Acme APIs\""
                .into(),
        );
    }
    if name.chars().any(char::is_control) {
        return Err("the portal name must be one line, without control characters".into());
    }
    if name.chars().count() > 100 {
        return Err("the portal name can be at most 100 characters long".into());
    }
    Ok(name.to_owned())
}

impl Config {
    pub fn server_settings(&self) -> app::ssr::ServerSettings {
        app::ssr::ServerSettings {
            public_url: self.public_url.trim_end_matches('/').to_owned(),
            session_idle_timeout: Duration::from_secs(self.session_idle_minutes * 60),
            session_absolute_timeout: Duration::from_secs(self.session_max_hours * 3600),
            rate_limits: self.limits.rate_limits(),
            portal_name: self.mail.portal_name.clone(),
            invitation_subject: self.mail.invitation_subject.clone(),
            webhooks: self.webhooks.settings(),
        }
    }

    pub fn mail_settings(&self) -> app::ssr::mail::MailSettings {
        use app::ssr::mail::{MailSettings, TransportSettings};
        let mail = &self.mail;
        let transport = match mail.smtp_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => TransportSettings::Smtp {
                url: url.to_owned(),
            },
            _ => TransportSettings::Files {
                dir: mail.mail_dir.clone(),
            },
        };
        MailSettings {
            transport,
            from: mail.mail_from.clone(),
            portal_name: mail.portal_name.clone(),
            invitation_subject: mail.invitation_subject.clone(),
            public_url: self.server_settings().public_url,
            max_attempts: mail.mail_max_attempts,
            poll_interval: Duration::from_millis(mail.mail_poll_ms),
            retry_base: Duration::from_millis(mail.mail_retry_base_ms),
            review_digest_interval: Duration::from_secs(mail.mail_review_digest_seconds),
        }
    }

    /// The configuration with every default, for tests that then override a few fields. The
    /// mail worker is off: a test that wants emails sent turns it on (and points it at an
    /// SMTP capture server), so that other tests can read links from the queued rows.
    pub fn defaults() -> Self {
        let mut config = Cli::parse_from(["server"]).config;
        config.mail.mail_worker = false;
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::ssr::mail::TransportSettings;

    fn parse(args: &[&str]) -> Config {
        Cli::try_parse_from(std::iter::once("server").chain(args.iter().copied()))
            .expect("valid arguments")
            .config
    }

    #[test]
    fn without_an_smtp_url_emails_go_to_the_mail_folder() {
        let config = parse(&["--mail-dir", "/tmp/portico-mail", "--smtp-url", " "]);
        assert_eq!(
            config.mail_settings().transport,
            TransportSettings::Files {
                dir: "/tmp/portico-mail".into()
            }
        );
    }

    #[test]
    fn mail_settings_come_from_the_flags() {
        let config = parse(&[
            "--smtp-url",
            "smtp://u:p@mail.example.com:587?tls=required",
            "--public-url",
            "https://portal.example.com/",
            "--mail-worker",
            "false",
            "--mail-poll-ms",
            "250",
        ]);
        assert!(!config.mail.mail_worker);
        let settings = config.mail_settings();
        assert_eq!(
            settings.transport,
            TransportSettings::Smtp {
                url: "smtp://u:p@mail.example.com:587?tls=required".into()
            }
        );
        assert_eq!(settings.public_url, "https://portal.example.com");
        assert_eq!(settings.poll_interval, Duration::from_millis(250));
    }

    #[test]
    fn an_empty_or_multi_line_portal_name_is_refused_with_a_reason() {
        for bad in ["", "   ", "Acme\nAPIs"] {
            let error = Cli::try_parse_from(["server", "--portal-name", bad]).unwrap_err();
            assert!(error.to_string().contains("portal"), "{error}");
        }
        assert_eq!(
            parse(&["--portal-name", " Acme APIs "]).mail.portal_name,
            "Acme APIs"
        );
    }

    #[test]
    fn an_invitation_subject_the_email_rules_refuse_stops_the_start_with_the_reason() {
        let error = Cli::try_parse_from(["server", "--invitation-subject", "Hi {{nmae}}"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("{{nmae}} is not a placeholder"), "{error}");
        assert_eq!(
            parse(&["--invitation-subject", "Join {portal}"])
                .mail
                .invitation_subject,
            "Join {portal}"
        );
    }

    #[test]
    fn zero_attempts_are_refused() {
        assert!(Cli::try_parse_from(["server", "--mail-max-attempts", "0"]).is_err());
    }
}
