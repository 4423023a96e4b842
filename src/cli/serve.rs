//! `reliefflow serve`: the duty officers' service, and its tokens.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use super::load::{scenario_and_graph, Strictness};
use reliefflow::serve::{serve, AppState};
use reliefflow::store::actions::utc_minutes;
use reliefflow::store::records::Role;
use reliefflow::store::tokens::TokenInfo;
use reliefflow::store::{now_unix, Store};

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

impl ServeArgs {
    /// True when these arguments start the server (no subcommand).
    pub fn runs_server(&self) -> bool {
        self.command.is_none()
    }
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
        /// How long it works: a whole number and a unit, s, m, h or d (30m,
        /// 12h, 7d); default: until revoked.
        #[arg(long)]
        expires: Option<String>,
        /// Store URL.
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// Lists every token: id, role, label, created, expires, state (never the
    /// token itself).
    List {
        /// Store URL.
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// Revokes a token: requests with it are refused (401) from now on.
    Revoke {
        /// The token's id (from `reliefflow serve token list`).
        id: i64,
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
        Some(ServeCommand::Token(TokenCommand::Create {
            role,
            label,
            expires,
            db,
        })) => {
            let role = Role::parse(&role)
                .with_context(|| format!("--role `{role}`: expected viewer, officer or admin"))?;
            let lifetime = expires.as_deref().map(lifetime_seconds).transpose()?;
            rt.block_on(async {
                let store = open(&db).await?;
                let expires = lifetime.map(|s| now_unix().saturating_add(s));
                let token = store.create_token(role, &label, expires).await?;
                println!("{token}");
                if let Some(t) = expires {
                    eprintln!("expires at {}", utc_minutes(t));
                }
                Ok(())
            })
        }
        Some(ServeCommand::Token(TokenCommand::List { db })) => rt.block_on(async {
            let store = open(&db).await?;
            let tokens = store.list_tokens().await?;
            print!("{}", token_table(&tokens, now_unix()));
            Ok(())
        }),
        Some(ServeCommand::Token(TokenCommand::Revoke { id, db })) => rt.block_on(async {
            let store = open(&db).await?;
            let Some(info) = store.list_tokens().await?.into_iter().find(|t| t.id == id) else {
                anyhow::bail!(
                    "no token {id} in the store {db} (`reliefflow serve token list` shows them)"
                );
            };
            if let Some(at) = info.revoked_unix {
                println!(
                    "token {id} ({}) was revoked already, at {}",
                    info.label,
                    utc_minutes(at)
                );
                return Ok(());
            }
            if !store.revoke_token(id).await? {
                anyhow::bail!("no token {id} in the store {db}");
            }
            println!(
                "token {id} ({}, {}) revoked",
                info.label,
                info.role.as_str()
            );
            Ok(())
        }),
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
                state.follow_actions();
                serve(state, listener, shutdown()).await?;
                Ok(())
            })
        }
    }
}

/// Seconds in a `--expires` value: a whole number above 0 and a unit, `s`, `m`,
/// `h` or `d` (`30m`, `12h`, `7d`).
fn lifetime_seconds(text: &str) -> Result<i64> {
    let bad = || {
        anyhow::anyhow!(
            "--expires `{text}`: expected a whole number above 0 and a unit s, m, h or d (30m, 12h, 7d)"
        )
    };
    let t = text.trim();
    let (number, unit) = t.split_at(t.len() - t.chars().last().map_or(0, char::len_utf8));
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    let n: i64 = number.parse().map_err(|_| bad())?;
    if n <= 0 {
        return Err(bad());
    }
    n.checked_mul(unit).ok_or_else(bad)
}

/// The table `reliefflow serve token list` prints: id, role, label, created,
/// expires, state at `now`; times in UTC to the minute.
fn token_table(tokens: &[TokenInfo], now: i64) -> String {
    let mut rows = vec![["id", "role", "label", "created", "expires", "state"].map(String::from)];
    for t in tokens {
        rows.push([
            t.id.to_string(),
            t.role.as_str().to_string(),
            t.label.clone(),
            utc_minutes(t.created_unix),
            t.expires_unix
                .map_or_else(|| "never".to_string(), utc_minutes),
            t.state(now).to_string(),
        ]);
    }
    let mut widths = [0; 6];
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
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
