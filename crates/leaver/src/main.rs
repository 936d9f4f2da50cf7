//! The `leaver` binary: parses the command line, loads settings, runs the command through
//! `leaver_app` and prints what it came to. `serve` and `demo` also start the web server.

mod cli;
mod commands;
mod config;
mod output;
mod runtime;

use clap::Parser;
use cli::{Cli, Command};
use std::io::IsTerminal;
use std::process::ExitCode;

/// mimalloc rather than glibc's allocator, which keeps an arena per thread and hands little
/// back: under the engine benchmark's load it was 20% of the CPU, and half the peak memory was
/// its fragments (`cargo bench -p leaver-engine --bench engine`, which runs with it too).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    quiet_on_broken_pipe();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LEAVER_LOG")
                .unwrap_or_else(|_| "warn,leaver=info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = config::load(cli.config.as_deref())?;
    leaver_app::text::show_times_in(settings.zone());
    match cli.command {
        Command::Demo { once } => commands::demo::run(settings, once).await?,
        Command::Serve => commands::serve::run(settings).await?,
        Command::Check => return commands::check::run(&settings).await,
        Command::Plan {
            hub_user,
            successor,
            json,
        } => {
            return commands::plan::run(&settings, &hub_user, successor.as_deref(), json).await;
        }
        Command::Migrate => commands::migrate::run(settings).await?,
        Command::Case(command) => commands::case::run(settings, command).await?,
        Command::Audit(command) => return commands::audit::run(settings, command).await,
        Command::Import { file, dry_run } => {
            return commands::import::run(settings, &file, dry_run).await;
        }
        Command::User(command) => commands::accounts::user(settings, command).await?,
        Command::Apikey(command) => commands::accounts::apikey(settings, command).await?,
        Command::Hook(command) => commands::hook::run(settings, command).await?,
        Command::Roster(command) => return commands::roster::run(settings, command).await,
    }
    Ok(ExitCode::SUCCESS)
}

/// `leaver check | head`: once the reader has gone, printing fails with a broken pipe, which
/// `println!` turns into a panic. Nobody is left to read the rest, so end quietly, with the
/// status a process killed by SIGPIPE has (128 + 13), as other Unix tools do.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
