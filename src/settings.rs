//! Settings resolved once, before any command runs.
//!
//! clap reads the flags and their `SAGASU_*` variables into [`crate::cli`]'s
//! types, each value already parsed and each default the library's own.
//! [`Settings::resolve`] then merges them with `sagasu.toml` next to the
//! index ([`crate::config`]), checks what only the whole can check, and
//! reads the files they name (synonyms, the user dictionary). A command gets
//! only its own settings, as the libraries' values, and reads nothing more.
//! (ripgrep's `LowArgs` → `HiArgs` split, at the scale of this CLI.)

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use sagasu_analyzer::UserDictionary;
use sagasu_indexer::{ArchiveSettings, IndexOptions};
use sagasu_search::{SearchOptions, SearchRequest};
use sagasu_server::ServerConfig;

use crate::cli::{
    AnalyzeArgs, Command, IndexArgs, ListenAddress, LogFormat, SearchArgs, ServeArgs, StaticArgs,
    StatsArgs,
};
use crate::config::Config;

/// One command with everything it needs.
#[derive(Debug)]
pub enum Settings {
    Index(IndexSettings),
    Search(SearchSettings),
    Analyze(AnalyzeSettings),
    Stats(StatsSettings),
    Serve(Box<ServeSettings>),
    Static(StaticSettings),
}

/// `sagasu index`.
#[derive(Debug)]
pub struct IndexSettings {
    pub index: PathBuf,
    pub paths: Vec<PathBuf>,
    pub options: IndexOptions,
    /// Exit 1 if any file failed.
    pub strict: bool,
    pub json: bool,
}

/// `sagasu search`.
#[derive(Debug)]
pub struct SearchSettings {
    pub index: PathBuf,
    /// Checked with [`SearchRequest::validate`].
    pub request: SearchRequest,
    pub options: SearchOptions,
    pub json: bool,
}

/// `sagasu analyze`.
#[derive(Debug)]
pub struct AnalyzeSettings {
    pub text: String,
    pub user_dictionary: Option<UserDictionary>,
    pub json: bool,
}

/// `sagasu stats`.
#[derive(Debug)]
pub struct StatsSettings {
    pub index: PathBuf,
    pub options: SearchOptions,
    pub json: bool,
}

/// `sagasu serve`.
#[derive(Debug)]
pub struct ServeSettings {
    pub addr: ListenAddress,
    pub metrics_addr: Option<ListenAddress>,
    pub log_format: LogFormat,
    /// The server's settings, the index to serve among them.
    pub server: ServerConfig,
    /// Post directories to index before serving.
    pub posts: Vec<PathBuf>,
    /// Re-index `posts` as they change.
    pub watch: bool,
    /// How `posts` are indexed.
    pub indexing: IndexOptions,
}

/// `sagasu static`.
#[derive(Debug)]
pub struct StaticSettings {
    pub index: PathBuf,
    pub out: PathBuf,
    pub user_dictionary: Option<UserDictionary>,
    pub json: bool,
}

impl Settings {
    /// The settings of `command`: its flags over `sagasu.toml` next to its
    /// index, checked, with the files they name read.
    pub fn resolve(command: Command) -> Result<Self> {
        Ok(match command {
            Command::Index(args) => Self::Index(index(args)?),
            Command::Search(args) => Self::Search(search(args)?),
            Command::Analyze(args) => Self::Analyze(analyze(args)?),
            Command::Stats(args) => Self::Stats(stats(args)?),
            Command::Serve(args) => Self::Serve(Box::new(serve(args)?)),
            Command::Static(args) => Self::Static(static_bundle(args)?),
        })
    }
}

fn index(args: IndexArgs) -> Result<IndexSettings> {
    let config = Config::next_to(&args.location.index)?;
    let options = IndexOptions {
        dry_run: args.dry_run,
        ..index_options(
            args.threads,
            config.user_dictionary(&args.user_dictionary)?,
            config.archive(&args.archive),
        )?
    };
    Ok(IndexSettings {
        index: args.location.index,
        paths: args.paths,
        options,
        strict: args.strict,
        json: args.json,
    })
}

fn search(args: SearchArgs) -> Result<SearchSettings> {
    let request = SearchRequest {
        query: args.query,
        tags: args.tags,
        categories: args.categories,
        from: args.from,
        to: args.to,
        sort: args.sort,
        page: args.page,
        per_page: args.limit,
        match_mode: args.match_mode,
    };
    if let Err(err) = request.validate() {
        use sagasu_search::Error as Invalid;
        // The error says how long the query is, never what it is.
        let what = match err {
            Invalid::QueryTooLong(_) | Invalid::TooManyWords(_) => "the query",
            Invalid::TooManyTags(_) => "--tag",
            Invalid::TooManyCategories(_) => "--category",
            Invalid::InvalidPage(_) => "--page",
            _ => "--limit",
        };
        return Err(anyhow::Error::new(err).context(what));
    }
    let config = Config::next_to(&args.location.index)?;
    let options = SearchOptions {
        synonyms: config.synonyms(&args.synonyms)?,
        user_dictionary: config.user_dictionary(&args.user_dictionary)?,
    };
    Ok(SearchSettings {
        index: args.location.index,
        request,
        options,
        json: args.json,
    })
}

fn analyze(args: AnalyzeArgs) -> Result<AnalyzeSettings> {
    let config = Config::next_to(&args.location.index)?;
    Ok(AnalyzeSettings {
        text: args.text,
        user_dictionary: config.user_dictionary(&args.user_dictionary)?,
        json: args.json,
    })
}

fn stats(args: StatsArgs) -> Result<StatsSettings> {
    let config = Config::next_to(&args.location.index)?;
    let options = SearchOptions {
        user_dictionary: config.user_dictionary(&args.user_dictionary)?,
        ..SearchOptions::default()
    };
    Ok(StatsSettings {
        index: args.location.index,
        options,
        json: args.json,
    })
}

fn serve(args: ServeArgs) -> Result<ServeSettings> {
    anyhow::ensure!(
        args.max_concurrent != Some(0),
        "--max-concurrent must be at least 1"
    );
    anyhow::ensure!(
        args.max_connections > 0,
        "--max-connections must be at least 1"
    );
    anyhow::ensure!(
        args.header_timeout > 0,
        "--header-timeout must be at least 1 second"
    );
    let config = Config::next_to(&args.location.index)?;
    let user_dictionary = config.user_dictionary(&args.user_dictionary)?;
    let indexing = index_options(
        args.threads,
        user_dictionary.clone(),
        config.archive_settings(),
    )?;
    let mut server = ServerConfig::new(args.location.index);
    server.search = SearchOptions {
        synonyms: config.synonyms(&args.synonyms)?,
        user_dictionary,
    };
    // Normalised by the flag's parser (`normalize_origin`).
    server.cors_origins = args.cors_origins;
    server.trusted_proxies = args.trusted_proxies;
    if let Some(max_concurrent) = args.max_concurrent {
        server.max_concurrent = max_concurrent;
    }
    server.max_queued = args.max_queued;
    server.connections.header_timeout = Duration::from_secs(args.header_timeout);
    server.connections.max_connections = args.max_connections;
    Ok(ServeSettings {
        addr: args.addr,
        metrics_addr: args.metrics_addr,
        log_format: args.log_format,
        server,
        posts: args.posts,
        watch: args.watch,
        indexing,
    })
}

fn static_bundle(args: StaticArgs) -> Result<StaticSettings> {
    let config = Config::next_to(&args.location.index)?;
    Ok(StaticSettings {
        index: args.location.index,
        out: args.out,
        user_dictionary: config.user_dictionary(&args.user_dictionary)?,
        json: args.json,
    })
}

/// How to index, with `--threads` over the library's default (every core).
fn index_options(
    threads: Option<usize>,
    user_dictionary: Option<UserDictionary>,
    archive: ArchiveSettings,
) -> Result<IndexOptions> {
    let mut options = IndexOptions {
        user_dictionary,
        archive,
        ..IndexOptions::default()
    };
    if let Some(threads) = threads {
        anyhow::ensure!(threads > 0, "--threads must be at least 1");
        options.threads = threads;
    }
    Ok(options)
}
