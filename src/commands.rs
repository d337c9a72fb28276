//! The subcommands: resolved settings ([`crate::settings`]) in, output out.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anstream::println;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use sagasu_analyzer::Analyzer;
use sagasu_indexer::Progress;
use sagasu_search::Searcher;
use sagasu_server::{AppState, app, metrics_app};

use crate::cli::{DEFAULT_INDEX, LogFormat};
use crate::render;
use crate::settings::{
    AnalyzeSettings, IndexSettings, SearchSettings, ServeSettings, StaticSettings, StatsSettings,
};

pub fn index(args: IndexSettings) -> Result<ExitCode> {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} indexing [{bar:30}] {pos}/{len} files ({eta}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let on_progress = |progress: Progress| match progress {
        Progress::Found(total) => bar.set_length(total as u64),
        Progress::Processed => bar.inc(1),
        Progress::Committing => bar.set_message("committing"),
    };
    let report = sagasu_indexer::index(&args.index, &args.paths, &args.options, &on_progress)
        .with_context(|| format!("indexing into {}", args.index.display()))?;
    bar.finish_and_clear();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        render::index_report(&report, &args.index)?;
    }
    if args.strict && !report.failed.is_empty() {
        eprintln!("sagasu: {} file(s) failed (--strict)", report.failed.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn search(args: SearchSettings) -> Result<ExitCode> {
    let searcher = Searcher::open_with(&args.index, args.options)?;
    let response = searcher.search(&args.request)?;
    if args.json {
        let document = sagasu_server::json::SearchResponse::from(&response);
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        render::search_response(&args.request, &response)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn analyze(args: AnalyzeSettings) -> Result<ExitCode> {
    let analyzer = Analyzer::with_user_dictionary(args.user_dictionary.as_ref())?;
    let analysis = analyzer.analyze_with_readings(&args.text)?;
    let query_reading = sagasu_analyzer::query_reading(&args.text);
    if args.json {
        let tokens = |tokens: &[sagasu_analyzer::Token]| -> Vec<serde_json::Value> {
            tokens
                .iter()
                .map(|token| {
                    serde_json::json!({
                        "text": token.text,
                        "position": token.position,
                        "offset_from": token.offset_from,
                        "offset_to": token.offset_to,
                    })
                })
                .collect()
        };
        let (bigrams, readings) = (tokens(&analysis.bigrams), tokens(&analysis.readings));
        let query: Vec<&str> = analysis.query_terms().into_iter().map(|(_, t)| t).collect();
        let document = serde_json::json!({
            "text": args.text,
            "terms": analysis.terms,
            "bigrams": bigrams,
            "readings": readings,
            "query_terms": query,
            "query_reading": query_reading,
            "user_dictionary": analyzer.user_dictionary(),
        });
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        render::analysis(&args.text, &analysis, query_reading.as_deref())?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn stats(args: StatsSettings) -> Result<ExitCode> {
    let searcher = Searcher::open_with(&args.index, args.options)?;
    let stats = searcher.stats()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&stats)?);
    } else {
        render::stats(&stats, &args.index)?;
    }
    std::io::stdout().flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn serve(args: ServeSettings) -> Result<ExitCode> {
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SAGASU_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Human => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        // The event's fields at the top level, beside `timestamp`, `level`,
        // `message` and `target`.
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    let index = args.server.index.clone();
    let options = args.indexing;
    let state = AppState::new(args.server);
    let index_dir = index.clone();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&args.addr.addresses[..])
            .await
            .with_context(|| format!("cannot listen on {}", args.addr.given))?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, index = %index.display(), "listening");
        let (stop, stopping) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        });
        let stopped = move || {
            let mut stopping = stopping.clone();
            async move {
                // An error means the sender is gone: stop then too.
                let _ = stopping.wait_for(|stop| *stop).await;
            }
        };
        let metrics = match &args.metrics_addr {
            Some(metrics_addr) => {
                let listener = tokio::net::TcpListener::bind(&metrics_addr.addresses[..])
                    .await
                    .with_context(|| format!("cannot listen on {}", metrics_addr.given))?;
                let addr = listener.local_addr()?;
                tracing::info!(%addr, "serving /metrics");
                Some(tokio::spawn(sagasu_server::serve(
                    listener,
                    metrics_app(state.clone()),
                    state.config().connections.clone(),
                    stopped(),
                )))
            }
            None => None,
        };
        // Answer at once (`/readyz` is 503) while the posts are indexed.
        let connections = state.config().connections.clone();
        let server = tokio::spawn(sagasu_server::serve(
            listener,
            app(state.clone()),
            connections,
            stopped(),
        ));
        // With --watch, the watcher makes the first run (it watches from
        // before it, so no change is missed); without, it is made here.
        let mut watcher = None;
        let first_run = if args.watch {
            let (first, first_report) = std::sync::mpsc::channel();
            watcher = Some(
                sagasu_server::watch(args.posts, index, options, move |report| {
                    log_report(&report);
                    // Only the first run is waited for; later sends find no receiver.
                    let _ = first.send(report.is_ok());
                })
                .context("cannot watch the posts")?,
            );
            tokio::task::spawn_blocking(move || first_report.recv().unwrap_or(false)).await?
        } else if !args.posts.is_empty() {
            let posts = args.posts;
            let report = tokio::task::spawn_blocking(move || {
                sagasu_indexer::index(&index, &posts, &options, &|_| {})
            })
            .await??;
            log_report(&Ok(report));
            true
        } else {
            true
        };
        anyhow::ensure!(first_run, "indexing the posts failed (see the log above)");
        let opened = state.clone();
        tokio::task::spawn_blocking(move || opened.open_index())
            .await?
            .map_err(|err| explain_open_error(err, &index_dir))?;
        tracing::info!("ready");
        server.await?.context("serving")?;
        if let Some(metrics) = metrics {
            metrics.await?.context("serving /metrics")?;
        }
        drop(watcher);
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    });
    // Searches still running on blocking threads stop at their deadline;
    // nobody waits for them, and exiting ends them.
    runtime.shutdown_background();
    served
}

pub fn static_bundle(args: StaticSettings) -> Result<ExitCode> {
    let options = sagasu_static::ExportOptions {
        user_dictionary: args.user_dictionary,
        assets: vec![
            ("widget.js".to_owned(), sagasu_server::WIDGET_SCRIPT.into()),
            ("widget.css".to_owned(), sagasu_server::WIDGET_STYLE.into()),
        ],
    };
    let report = sagasu_static::export(&args.index, &args.out, &options)
        .with_context(|| format!("writing the static bundle into {}", args.out.display()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        render::static_report(&report, &args.out);
    }
    Ok(ExitCode::SUCCESS)
}

/// An index that cannot be opened, with what to run when there is none.
fn explain_open_error(err: sagasu_search::Error, index: &Path) -> anyhow::Error {
    let sagasu_search::Error::Index(sagasu_indexer::Error::NoIndex { .. }) = err else {
        return err.into();
    };
    let (dir, flag) = if index == Path::new(DEFAULT_INDEX) {
        ("./index/ (the default --index)".to_owned(), String::new())
    } else {
        (
            index.display().to_string(),
            format!(" --index {}", index.display()),
        )
    };
    anyhow::anyhow!(
        "there is no index in {dir} yet. Build it from your posts first: \
         `sagasu index PATH{flag}`, PATH being your blog's folder (~/blog) or an export \
         file; or let serve build it and follow your edits: \
         `sagasu serve{flag} --posts PATH --watch`"
    )
}

fn log_report(report: &Result<sagasu_indexer::Report, sagasu_indexer::Error>) {
    match report {
        Ok(report) => {
            tracing::info!(
                added = report.added,
                updated = report.updated,
                removed = report.removed,
                unchanged = report.unchanged,
                failed = report.failed.len(),
                "indexed"
            );
            for failure in &report.failed {
                tracing::warn!(path = %failure.path.display(), reason = %failure.error.with_causes(), "not indexed");
            }
        }
        Err(err) => tracing::error!(error = %err.with_causes(), "indexing failed"),
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM; the server then finishes the
/// requests in flight and stops.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
