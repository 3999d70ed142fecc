use clap::Parser;
use server::{
    bootstrap,
    config::{Cli, Command},
    telemetry, Application,
};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    return_large_buffers_to_the_os();
    let cli = Cli::parse();
    match &cli.command {
        // Their standard output is their result (a list, a CSV): logs go to stderr.
        Some(Command::Invite(_) | Command::Invitations { .. }) => {
            telemetry::init_on_stderr(&cli.config)
        }
        _ => telemetry::init(&cli.config),
    }
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&cli.config).await,
        Command::Migrate => migrate(&cli.config).await,
        Command::CreateAdmin {
            email,
            name,
            password,
        } => create_admin(&cli.config, &email, &name, password).await,
        Command::Generate {
            invitations,
            seed,
            indexes_as_used,
        } => generate(&cli.config, invitations, seed, indexes_as_used).await,
        Command::Invite(args) => return server::cli::invite::run(&cli.config, args).await,
        Command::Invitations { command } => {
            return server::cli::list::run(&cli.config, command).await
        }
        Command::Openapi => {
            println!("{}", app::api::rest::document_json());
            return ExitCode::SUCCESS;
        }
        Command::BenchBareJson { port, body_file } => {
            server::bench_helpers::bare_json(port, &body_file).await
        }
        Command::BenchAnchor { port } => {
            let settings = cli.config.server_settings();
            server::bench_anchor::serve(port, &cli.config.database_url, &settings).await
        }
        Command::BenchHashRate { verifications } => {
            server::bench_helpers::hash_rate(verifications).await
        }
        Command::BenchLoadReport(args) => server::load_report::write(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// glibc keeps a freed block of up to 32 MiB in the freeing thread's arena once it has seen
/// one that size (its threshold for using mmap adapts upwards). Each argon2 hash allocates
/// 19 MiB on whichever blocking-pool thread runs it, so logins left one such block per
/// thread: 207 MiB RSS under 20 concurrent logins (scripts/load.sh). A fixed threshold of
/// 1 MiB maps every larger block on its own and unmaps it when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_buffers_to_the_os() {
    // SAFETY: mallopt only changes allocator settings; it is called before any other thread
    // of ours allocates large blocks.
    let applied = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20) };
    if applied != 1 {
        eprintln!("note: could not set the allocator's mmap threshold; memory may stay high after many logins");
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_buffers_to_the_os() {}

async fn serve(config: &server::Config) -> Result<(), String> {
    let application = Application::build(config)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(
        address = %application.local_addr(),
        public_url = %config.public_url,
        database = %server::redact(&config.database_url),
        "Portico is listening"
    );
    application.run().await.map_err(|e| e.to_string())
}

async fn migrate(config: &server::Config) -> Result<(), String> {
    server::migrated_database(config).await?;
    println!(
        "migrations applied to {}",
        server::redact(&config.database_url)
    );
    Ok(())
}

async fn create_admin(
    config: &server::Config,
    email: &str,
    name: &str,
    password: Option<String>,
) -> Result<(), String> {
    let db = server::migrated_database(config).await?;
    let (password, generated) = match password {
        Some(p) => (p, false),
        None => (bootstrap::generate_password(), true),
    };
    let admin = bootstrap::create_admin(&db, email, name, &password)
        .await
        .map_err(|e| e.to_string())?;
    if generated {
        // The password is on this terminal: its owner chooses their own at the first login.
        app::ssr::services::accounts::require_password_change(&db, admin.id)
            .await
            .map_err(|e| e.to_string())?;
        println!("admin {email} created; password (shown once, to be changed at the first login): {password}");
    } else {
        println!("admin {email} created");
    }
    Ok(())
}

async fn generate(
    config: &server::Config,
    count: u64,
    seed: u64,
    indexes_as_used: bool,
) -> Result<(), String> {
    use app::ssr::services::generate::{invitations_indexed, Indexing};
    let db = server::migrated_database(config).await?;
    let started = std::time::Instant::now();
    let indexing = if indexes_as_used {
        Indexing::AsUsed
    } else {
        Indexing::Fastest
    };
    let written = invitations_indexed(&db, count, seed, indexing)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{written} invitations added to {} in {:.1} s",
        server::redact(&config.database_url),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
