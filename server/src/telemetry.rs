//! Logging with `tracing`: human-readable by default, JSON lines by option.

use tracing_subscriber::{fmt, fmt::MakeWriter, EnvFilter};

use crate::config::{Config, LogFormat};

/// Logs to standard output.
pub fn init(config: &Config) {
    install(config, std::io::stdout);
}

/// Logs to standard error, for a command whose standard output is its result.
pub fn init_on_stderr(config: &Config) {
    install(config, std::io::stderr);
}

fn install<W>(config: &Config, writer: W)
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(writer);
    let _ = match config.log_format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
