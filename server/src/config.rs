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
}

impl Config {
    pub fn server_settings(&self) -> app::ssr::ServerSettings {
        app::ssr::ServerSettings {
            public_url: self.public_url.trim_end_matches('/').to_owned(),
            session_idle_timeout: Duration::from_secs(self.session_idle_minutes * 60),
            session_absolute_timeout: Duration::from_secs(self.session_max_hours * 3600),
        }
    }

    /// The configuration with every default, for tests that then override a few fields.
    pub fn defaults() -> Self {
        Cli::parse_from(["server"]).config
    }
}
