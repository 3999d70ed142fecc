//! `server invitations list`: every invitation matching a status and a search, as a table,
//! CSV or JSON, read with the list service of the admin's Invitations screen.

use app::ssr::services::invitations::{export::Pages, InvitationError, ListQuery};
use clap::{Args, Subcommand};
use std::process::ExitCode;

use super::{
    output::{Format, Printer},
    Failure,
};

#[derive(Debug, Subcommand)]
pub enum InvitationsCommand {
    /// Print every invitation matching the filters (all pages), newest first.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only invitations in this status: all (the default), pending, expired, waiting,
    /// approved, rejected or inactivated.
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// Only addresses containing this text, ignoring case (as the list's search box).
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// table for reading, csv (with a header row) or json (an array of rows).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub async fn run(config: &crate::Config, command: InvitationsCommand) -> ExitCode {
    let InvitationsCommand::List(args) = command;
    match list(config, args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

async fn list(config: &crate::Config, args: ListArgs) -> Result<(), Failure> {
    // The filters are checked before the database is opened: a typo costs nothing.
    let query = ListQuery::parse(args.search, args.status, None, None, None, None, None)
        .map_err(failure)?;
    let mut pages = Pages::new(query);
    let db = super::database(config).await?;
    // One moment for every page, so that an invitation does not change status between two.
    let now = chrono::Utc::now();
    let mut printer = Printer::new(args.format, std::io::BufWriter::new(std::io::stdout()));
    let printed: Result<(), Stop> = async {
        printer.start()?;
        // Page after page, as the Invitations page's export reads them.
        while let Some(rows) = pages.next(&db, now).await.map_err(failure)? {
            for row in &rows {
                printer.row(row)?;
            }
        }
        Ok(printer.finish()?)
    }
    .await;
    match printed {
        Ok(()) | Err(Stop::ReaderGone) => Ok(()),
        Err(Stop::Failed(failure)) => Err(failure),
    }
}

fn failure(error: InvitationError) -> Failure {
    match error {
        InvitationError::InvalidInput(message) => Failure::Usage(message),
        other => Failure::Failed(format!("the list could not be read: {other}")),
    }
}

/// Why printing stopped early.
enum Stop {
    /// The reader closed the output (`| head`): what it wanted was printed.
    ReaderGone,
    Failed(Failure),
}

impl From<Failure> for Stop {
    fn from(failure: Failure) -> Self {
        Stop::Failed(failure)
    }
}

impl From<std::io::Error> for Stop {
    fn from(error: std::io::Error) -> Self {
        match error.kind() {
            std::io::ErrorKind::BrokenPipe => Stop::ReaderGone,
            _ => Stop::Failed(Failure::Failed(format!("cannot write the list: {error}"))),
        }
    }
}
