//! `hubsim --bind ADDR --seed FILE.json`: serve the Hub simulator.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use hubsim::Seed;

/// A stateful stand-in for the Hugging Face Hub HTTP API.
#[derive(Debug, Parser)]
#[command(name = "hubsim", version, about)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8900", env = "HUBSIM_BIND")]
    bind: String,
    /// Seed file (JSON). Without it the simulator starts empty.
    #[arg(long, env = "HUBSIM_SEED")]
    seed: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let seed = match &args.seed {
        Some(path) => match Seed::from_file(path) {
            Ok(seed) => seed,
            Err(error) => {
                eprintln!("hubsim: {error}");
                return ExitCode::FAILURE;
            }
        },
        None => Seed::default(),
    };
    let listener = match tokio::net::TcpListener::bind(&args.bind).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("hubsim: cannot listen on {}: {error}", args.bind);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener
        .local_addr()
        .map_or_else(|_| args.bind.clone(), |a| a.to_string());
    // Counts only: tokens never reach the logs.
    tracing::info!(
        %addr,
        users = seed.users.len(),
        orgs = seed.orgs.len(),
        repos = seed.repos.len(),
        "hubsim listening on http://{addr}"
    );
    match hubsim::serve(listener, seed).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("hubsim: {error}");
            ExitCode::FAILURE
        }
    }
}
