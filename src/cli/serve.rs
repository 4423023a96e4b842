//! `reliefflow serve`: the duty officers' service, and its tokens.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use super::load::{scenario_and_graph, Strictness};
use reliefflow::serve::{serve, AppState};
use reliefflow::store::records::Role;
use reliefflow::store::Store;

/// The store used when `--db` is not given (relative to the current folder).
pub const DEFAULT_DB: &str = "sqlite://out/reliefflow.sqlite";

/// Arguments of `reliefflow serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(subcommand)]
    command: Option<ServeCommand>,
    /// Scenario folder the service runs on (default: the bundled Xicheng scenario).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Store URL: sqlite://PATH (created and seeded on first start) or
    /// postgres://USER@HOST:PORT/DB.
    #[arg(long, default_value = DEFAULT_DB)]
    db: String,
    /// Address to listen on (loopback unless told otherwise; port 0 picks one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
}

#[derive(Subcommand, Debug)]
enum ServeCommand {
    /// Bearer tokens of the service.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Creates a token and prints it (the store keeps only its hash).
    Create {
        /// viewer (reads), officer (plans), admin (inventories).
        #[arg(long)]
        role: String,
        /// Who or what the token is for.
        #[arg(long, default_value = "")]
        label: String,
        /// Store URL.
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
}

/// Runs `reliefflow serve …`.
pub fn run(args: ServeArgs, default_scenario: impl FnOnce() -> Result<PathBuf>) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    match args.command {
        Some(ServeCommand::Token(TokenCommand::Create { role, label, db })) => {
            let role = Role::parse(&role)
                .with_context(|| format!("--role `{role}`: expected viewer, officer or admin"))?;
            rt.block_on(async {
                let store = open(&db).await?;
                let token = store.create_token(role, &label).await?;
                println!("{token}");
                Ok(())
            })
        }
        None => {
            let dir = match args.scenario {
                Some(d) => d,
                None => default_scenario()?,
            };
            let (base, loaded) = scenario_and_graph(&dir, Strictness::Strict)?;
            rt.block_on(async move {
                let store = open(&args.db).await?;
                if store.seed(&base).await? {
                    eprintln!("seeded the store from {}", dir.display());
                }
                let listener = tokio::net::TcpListener::bind(args.listen)
                    .await
                    .with_context(|| format!("listening on {}", args.listen))?;
                let addr = listener.local_addr()?;
                println!("listening on http://{addr}");
                std::io::stdout().flush()?;
                let state = Arc::new(AppState::new(base, loaded.graph, store));
                state.warm_up();
                serve(state, listener, shutdown()).await?;
                Ok(())
            })
        }
    }
}

/// Opens the store at `url`, creating an SQLite file's folder first.
async fn open(url: &str) -> Result<Store> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        if let Some(parent) = Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
    }
    Store::open(url)
        .await
        .with_context(|| format!("opening the store {url}"))
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
