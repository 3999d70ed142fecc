//! `server invite --file addresses.txt`: the admin's invite dialog from the command line.

use app::{
    domain::{EmailList, EmailListError, Role},
    model::invitation::InviteReport,
    ssr::{
        services::{
            invitations::{self, InvitationError},
            operator::Operator,
        },
        AppState,
    },
};
use clap::Args;
use std::{io::Read, path::PathBuf, process::ExitCode, sync::Arc};

use super::Failure;

/// `server invite --help`.
pub const LONG_HELP: &str = "Invite every address of a file, exactly as the admin's invite dialog \
does: the same rules (an address with an account, other than a denied registration, or with a \
live invitation is refused; an expired invitation is replaced), the same limit of 1,000 \
addresses per run, the same audit log entries (their actor is \"server command line\").\n\n\
The file holds addresses the way the dialog accepts them: one per line, or separated by commas \
or semicolons.\n\n\
This command only writes the invitations and their emails to the database, in one transaction. \
The emails are sent by the mail worker of the running server (PORTICO_MAIL_WORKER=true), from \
the outbox table; nothing is sent while no server runs. The links in the emails start with \
PORTICO_PUBLIC_URL: give this command the same configuration as the server.\n\n\
Prints each address's outcome on its own line, then a summary. Exit status: 0 when every \
address was invited, 1 when any was refused or invalid (the others are invited all the same), \
2 when the file cannot be used (unreadable, no address, more than 1,000).";

#[derive(Debug, Args)]
pub struct InviteArgs {
    /// The file of addresses; - reads them from standard input.
    #[arg(long, value_name = "PATH")]
    pub file: PathBuf,
    /// Invite without a review of the registration afterwards (default: the portal's
    /// "approve automatically" setting decides).
    #[arg(long)]
    pub pre_approved: bool,
    /// The role of the accounts the invitations create: developer or admin (an admin's
    /// invitation needs no review).
    #[arg(long, default_value = "developer", value_parser = role)]
    pub role: Role,
}

fn role(value: &str) -> Result<Role, String> {
    Role::parse(value.trim()).ok_or_else(|| "invite as developer or admin".to_owned())
}

pub async fn run(config: &crate::Config, args: InviteArgs) -> ExitCode {
    match invite(config, args).await {
        Ok(report) => {
            let invited = report.invited_count();
            let total = report.entries.len();
            for entry in &report.entries {
                println!("{} — {}", entry.email, entry.outcome.message());
            }
            println!("{invited} of {total} invited.");
            if invited > 0 {
                println!("The running server's mail worker sends the invitation emails.");
            }
            if invited == total {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(failure) => failure.report(),
    }
}

async fn invite(config: &crate::Config, args: InviteArgs) -> Result<InviteReport, Failure> {
    let (source, text) = read_addresses(&args.file)?;
    // Checked here first (with the domain's own parser) to say which file is unusable; the
    // service parses the same text again.
    if let Err(problem) = EmailList::parse(&text) {
        return Err(Failure::Usage(match problem {
            EmailListError::Empty => format!(
                "{source} holds no email address: write one address per line (or separate \
                 them with commas or semicolons)"
            ),
            EmailListError::TooMany { .. } => format!("{source}: {problem}"),
        }));
    }
    let db = super::database(config).await?;
    let state = AppState {
        db,
        settings: Arc::new(config.server_settings()),
    };
    let pre_approved = args.pre_approved.then_some(true);
    let now = chrono::Utc::now();
    invitations::invite(
        &state,
        Operator::CommandLine,
        &text,
        pre_approved,
        args.role,
        now,
    )
    .await
    .map_err(|error| match error {
        InvitationError::InvalidInput(message) => Failure::Usage(message),
        other => Failure::Failed(format!("nothing was invited: {other}")),
    })
}

/// The file's text and how to name it in messages.
fn read_addresses(path: &std::path::Path) -> Result<(String, String), Failure> {
    let mut text = String::new();
    let (source, read) = if path.as_os_str() == "-" {
        let read = std::io::stdin().read_to_string(&mut text);
        ("standard input".to_owned(), read)
    } else {
        let read = std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text));
        (path.display().to_string(), read)
    };
    read.map_err(|e| {
        Failure::Usage(format!(
            "cannot read the addresses from {source}: {e}; give --file a readable text file \
             (UTF-8), or - for standard input"
        ))
    })?;
    Ok((source, text))
}
