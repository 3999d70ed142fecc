//! The one-shot commands an operator runs next to the server: `server invite` and
//! `server invitations list`. They only wire: read the arguments, call the same services as
//! the admin's screens (`app::ssr::services::invitations`), and print what came back.

pub mod invite;
pub mod list;
mod output;

use std::process::ExitCode;

/// Why a command stopped, and so its exit status.
#[derive(Debug)]
pub enum Failure {
    /// The command was given something it cannot use (exit status 2); the text says what to
    /// fix.
    Usage(String),
    /// The work could not be done, e.g. the database is unreachable (exit status 1).
    Failed(String),
}

impl Failure {
    /// Prints the failure to stderr and returns its exit status.
    pub fn report(self) -> ExitCode {
        let (message, status) = match self {
            Failure::Usage(message) => (message, 2),
            Failure::Failed(message) => (message, 1),
        };
        eprintln!("error: {message}");
        ExitCode::from(status)
    }
}

/// The configured database, connected and migrated, the way `serve` opens it.
async fn database(config: &crate::Config) -> Result<sea_orm::DatabaseConnection, Failure> {
    crate::migrated_database(config)
        .await
        .map_err(Failure::Failed)
}
