//! Human-readable output. Colour goes through `anstream`, which drops it
//! when stdout is not a terminal (or `NO_COLOR` is set).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anstream::println;
use anstyle::{AnsiColor, Style};
use sagasu_analyzer::Analysis;
use sagasu_indexer::{Report, SkipKind};
use sagasu_search::{Highlighted, SearchRequest, SearchResponse, Stats};

const TITLE: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const MARK: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const BAD: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));

/// Skips of one kind listed one by one, at most; more are counted.
const SKIPS_LISTED: usize = 10;

pub fn index_report(report: &Report, index: &Path) -> std::io::Result<()> {
    if report.formats.len() > 1 {
        for (format, counts) in &report.formats {
            println!(
                "{DIM}{format}: {} added, {} updated, {} removed, {} unchanged, {} skipped, {} failed{DIM:#}",
                counts.added,
                counts.updated,
                counts.removed,
                counts.unchanged,
                counts.skipped,
                counts.failed
            );
        }
    }
    println!(
        "{}{} added, {} updated, {} removed, {} unchanged, {} failed{}",
        if report.dry_run { "would be: " } else { "" },
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
        report.failed.len(),
        if report.skipped.is_empty() {
            String::new()
        } else {
            format!(", {} skipped", report.skipped.len())
        }
    );
    for failure in &report.failed {
        println!(
            "{BAD}failed{BAD:#} {}{}: {}",
            failure.path.display(),
            failure
                .id
                .as_deref()
                .map(|id| format!(" ({id})"))
                .unwrap_or_default(),
            failure.error.with_causes()
        );
    }
    let mut listed: BTreeMap<SkipKind, usize> = BTreeMap::new();
    for skipped in &report.skipped {
        let count = listed.entry(skipped.kind).or_default();
        *count += 1;
        if *count <= SKIPS_LISTED {
            println!(
                "{DIM}skipped {}{}: {}{DIM:#}",
                skipped.path.display(),
                skipped
                    .id
                    .as_deref()
                    .map(|id| format!(" ({id})"))
                    .unwrap_or_default(),
                skipped.reason
            );
        }
    }
    for (kind, count) in listed {
        if count > SKIPS_LISTED {
            println!(
                "{DIM}skipped {} more ({}); --json lists them all{DIM:#}",
                count - SKIPS_LISTED,
                kind.name()
            );
        }
    }
    for decoded in &report.decoded {
        println!(
            "{DIM}read {} as {}{DIM:#}",
            decoded.path.display(),
            decoded.encoding
        );
    }
    for warning in &report.warnings {
        println!(
            "{BAD}warning{BAD:#} {}{}: {}",
            warning.path.display(),
            warning
                .id
                .as_deref()
                .map(|id| format!(" ({id})"))
                .unwrap_or_default(),
            warning.reason
        );
    }
    if report.dry_run {
        println!(
            "{DIM}dry run: nothing written to {}{DIM:#}",
            index.display()
        );
    } else if report.committed {
        println!("{DIM}committed to {}{DIM:#}", index.display());
    } else {
        println!("{DIM}nothing changed in {}{DIM:#}", index.display());
    }
    std::io::stdout().flush()
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What `sagasu static` wrote.
pub fn static_report(report: &sagasu_static::Report, out: &Path) {
    let written = &report.written;
    println!(
        "{TITLE}{} posts{TITLE:#}, {} words: {} files written, {} unchanged, {} removed ({} KiB)",
        report.posts,
        report.words,
        written.written,
        written.unchanged,
        written.removed,
        written.bytes.div_ceil(1024)
    );
    println!("{DIM}bundle in {}{DIM:#}", out.display());
}

pub fn search_response(request: &SearchRequest, response: &SearchResponse) -> std::io::Result<()> {
    let first = (response.page - 1)
        .saturating_mul(response.per_page)
        .saturating_add(1);
    let last = first.saturating_add(response.hits.len().saturating_sub(1));
    let query = if request.query.trim().is_empty() {
        String::new()
    } else {
        format!(" for {:?}", request.query)
    };
    if response.total == 0 {
        println!("No results{query} ({} ms).", response.took_ms);
    } else if response.hits.is_empty() {
        let pages = response.total.div_ceil(response.per_page);
        println!(
            "{} results{query}; page {} is past the last page ({pages}).",
            response.total, response.page
        );
    } else {
        let noun = if response.total == 1 {
            "result"
        } else {
            "results"
        };
        println!(
            "{} {noun}{query}, showing {first}-{last} ({} ms)",
            response.total, response.took_ms
        );
    }
    for split in &response.split {
        let words: Vec<String> = split.words.iter().map(|word| format!("{word:?}")).collect();
        println!(
            "{DIM}No post has {:?}; showing posts with {}.{DIM:#}",
            split.text,
            and_list(&words)
        );
    }
    if response.relaxed {
        println!("{DIM}No post has every word; showing posts with any of them.{DIM:#}");
    }
    for hit in &response.hits {
        println!();
        let post = &hit.post;
        println!("{TITLE}{}{TITLE:#}", post.title);
        let mut meta = vec![
            post.date.clone().unwrap_or_else(|| "----------".to_owned()),
            post.url.clone(),
        ];
        if !post.tags.is_empty() {
            meta.push(
                post.tags
                    .iter()
                    .map(|t| format!("#{t}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        println!("  {DIM}{}{DIM:#}", meta.join("  "));
        if !hit.snippet.text.is_empty() {
            println!("  {}", terminal_snippet(&hit.snippet));
        }
    }
    std::io::stdout().flush()
}

/// A snippet as terminal text, its matches in colour.
fn terminal_snippet(snippet: &Highlighted) -> String {
    let mut out = String::new();
    for (piece, mark) in snippet.pieces() {
        if !mark {
            out.push_str(piece);
        } else if !piece.is_empty() {
            out.push_str(&format!("{MARK}{piece}{MARK:#}"));
        }
    }
    out
}

pub fn analysis(
    text: &str,
    analysis: &Analysis,
    query_reading: Option<&str>,
) -> std::io::Result<()> {
    println!("{TITLE}terms{TITLE:#} (title_terms, body_terms, label_terms)");
    for term in &analysis.terms {
        println!(
            "  {:>3}  {:<12} {DIM}{:<9} {} «{}» {}..{}{DIM:#}",
            term.position,
            term.text,
            term.kind.as_str(),
            term.part_of_speech,
            &text[term.offset_from..term.offset_to],
            term.offset_from,
            term.offset_to,
        );
    }
    println!("{TITLE}bigrams{TITLE:#} (title_bigrams, body_bigrams)");
    let bigrams: Vec<String> = analysis
        .bigrams
        .iter()
        .map(|token| format!("{}@{}", token.text, token.position))
        .collect();
    println!("  {}", bigrams.join(" "));
    println!("{TITLE}readings{TITLE:#} (title_readings, body_readings)");
    let readings: Vec<String> = analysis
        .readings
        .iter()
        .map(|token| format!("{}@{}", token.text, token.position))
        .collect();
    if readings.is_empty() {
        println!("  {DIM}(none: only nouns read otherwise than written have one){DIM:#}");
    } else {
        println!("  {}", readings.join(" "));
    }
    let query: Vec<&str> = analysis.query_terms().into_iter().map(|(_, t)| t).collect();
    println!("{TITLE}as a query{TITLE:#} searches: {}", query.join(" "));
    if let Some(reading) = query_reading {
        println!("  and the reading {reading}");
    }
    std::io::stdout().flush()
}

pub fn stats(stats: &Stats, index: &Path) -> std::io::Result<()> {
    println!("{TITLE}{}{TITLE:#}", index.display());
    println!("  posts       {}", stats.posts);
    println!(
        "  dates       {} .. {}",
        stats.first_date.as_deref().unwrap_or("-"),
        stats.last_date.as_deref().unwrap_or("-")
    );
    println!("  index size  {}", human_bytes(stats.index_bytes));
    if let Some(provenance) = &stats.built_with {
        println!("  built with  {provenance}");
    }
    for (name, counts) in [
        ("top tags", &stats.top_tags),
        ("categories", &stats.top_categories),
    ] {
        let list: Vec<String> = counts
            .iter()
            .map(|c| format!("{} ({})", c.value, c.count))
            .collect();
        println!("  {name:<11} {}", list.join(", "));
    }
    let years: Vec<String> = stats
        .years
        .iter()
        .map(|c| format!("{} ({})", c.value, c.count))
        .collect();
    println!("  years       {}", years.join(", "));
    std::io::stdout().flush()
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
