//! The subcommands: flags in, validated library settings, output out.

use std::io::Write;
use std::process::ExitCode;

use anstream::println;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use sagasu_analyzer::Analyzer;
use sagasu_indexer::{IndexOptions, Progress};
use sagasu_search::{DateBound, SearchRequest, Searcher};

use crate::cli::{AnalyzeArgs, IndexArgs, SearchArgs, StatsArgs};
use crate::render;

pub fn index(args: IndexArgs) -> Result<ExitCode> {
    let mut options = IndexOptions::default();
    if let Some(threads) = args.threads {
        anyhow::ensure!(threads > 0, "--threads must be at least 1");
        options.threads = threads;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} indexing [{bar:30}] {pos}/{len} posts ({eta}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let on_progress = |progress: Progress| match progress {
        Progress::Found(total) => bar.set_length(total as u64),
        Progress::Processed => bar.inc(1),
        Progress::Committing => bar.set_message("committing"),
    };
    let report = sagasu_indexer::index(&args.location.index, &args.dirs, &options, &on_progress)
        .with_context(|| format!("indexing into {}", args.location.index.display()))?;
    bar.finish_and_clear();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        render::index_report(&report, &args.location.index)?;
    }
    if args.strict && !report.failed.is_empty() {
        eprintln!("sagasu: {} file(s) failed (--strict)", report.failed.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn search(args: SearchArgs) -> Result<ExitCode> {
    let date = |value: &Option<String>| -> Result<Option<DateBound>> {
        value
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(Into::into)
    };
    let request = SearchRequest {
        query: args.query,
        tags: args.tags,
        categories: args.categories,
        from: date(&args.from).context("--from")?,
        to: date(&args.to).context("--to")?,
        sort: args.sort.parse().context("--sort")?,
        page: args.page,
        per_page: args.limit,
        match_mode: args.match_mode.parse().context("--match")?,
    };
    if let Err(err) = request.validate() {
        let flag = match err {
            sagasu_search::Error::InvalidPage => "--page",
            _ => "--limit",
        };
        return Err(anyhow::Error::new(err).context(flag));
    }
    let searcher = Searcher::open(&args.location.index)?;
    let response = searcher.search(&request)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&response)?);
    } else {
        render::search_response(&request, &response)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn analyze(args: AnalyzeArgs) -> Result<ExitCode> {
    let analyzer = Analyzer::new()?;
    let analysis = analyzer.analyze(&args.text)?;
    if args.json {
        let bigrams: Vec<serde_json::Value> = analysis
            .bigrams
            .iter()
            .map(|token| {
                serde_json::json!({
                    "text": token.text,
                    "position": token.position,
                    "offset_from": token.offset_from,
                    "offset_to": token.offset_to,
                })
            })
            .collect();
        let query: Vec<&str> = analysis.query_terms().into_iter().map(|(_, t)| t).collect();
        let document = serde_json::json!({
            "text": args.text,
            "terms": analysis.terms,
            "bigrams": bigrams,
            "query_terms": query,
        });
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        render::analysis(&args.text, &analysis)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn stats(args: StatsArgs) -> Result<ExitCode> {
    let searcher = Searcher::open(&args.location.index)?;
    let stats = searcher.stats()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&stats)?);
    } else {
        render::stats(&stats, &args.location.index)?;
    }
    std::io::stdout().flush()?;
    Ok(ExitCode::SUCCESS)
}
