//! Command-line flags and their `SAGASU_*` variables, as clap parses them:
//! each value already of the library's type, each default the library's.
//! [`crate::settings`] merges them with `sagasu.toml` into validated
//! settings.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use sagasu_search::{DateBound, MatchMode, SearchRequest, Sort};
use sagasu_server::{Connections, ServerConfig};

/// The index directory when `--index` is not given.
pub const DEFAULT_INDEX: &str = "index";

/// sagasu (探す): search engine for Japanese blog archives.
#[derive(Debug, Parser)]
#[command(version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index (or re-index) the posts under one or more directories.
    ///
    /// Unchanged files are skipped, changed ones replaced and deleted ones
    /// removed, in one commit. Files that cannot be read are reported with
    /// the reason, and the rest is indexed.
    Index(IndexArgs),
    /// Search the index.
    Search(SearchArgs),
    /// Show how text is analysed into the terms of each field (with the user
    /// dictionary of sagasu.toml or --user-dictionary).
    Analyze(AnalyzeArgs),
    /// Show what the index holds.
    Stats(StatsArgs),
    /// Serve the index over HTTP (the search API and the widget).
    Serve(ServeArgs),
    /// Write the index as a static bundle: plain files (the widget, the
    /// browser engine and the index in chunks) that any static host serves,
    /// searched in the browser without a server.
    Static(StaticArgs),
}

#[derive(Debug, Args)]
pub struct IndexLocation {
    /// Index directory.
    #[arg(
        long,
        env = "SAGASU_INDEX",
        default_value = DEFAULT_INDEX,
        value_name = "PATH"
    )]
    pub index: PathBuf,
}

/// `--synonyms`, overriding `synonyms` in sagasu.toml.
#[derive(Debug, Args)]
pub struct SynonymsArg {
    /// Synonyms file: one group per line, comma-separated (`AWS, Amazon Web
    /// Services`) [default: `synonyms` in sagasu.toml next to the index].
    #[arg(long, value_name = "FILE")]
    pub synonyms: Option<PathBuf>,
}

/// `--user-dictionary`, overriding `user_dictionary` in sagasu.toml.
#[derive(Debug, Args)]
pub struct UserDictionaryArg {
    /// User dictionary CSV (`surface,part_of_speech,reading` per line); an
    /// index must be searched with the one it was built with [default:
    /// `user_dictionary` in sagasu.toml next to the index].
    #[arg(long = "user-dictionary", value_name = "FILE")]
    pub user_dictionary: Option<PathBuf>,
}

/// How to read an archive, where its sources do not say (flags override
/// `sagasu.toml`).
#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// Zone of dates written without an offset (an IANA name) [default:
    /// `timezone` in sagasu.toml, Jekyll's `timezone`, or Asia/Tokyo].
    #[arg(long, value_name = "ZONE", value_parser = time_zone)]
    pub timezone: Option<chrono_tz::Tz>,
    /// Prefix of URLs the sources do not give in full (`https://example.com`)
    /// [default: `base_url` in sagasu.toml, or Jekyll's `baseurl`].
    #[arg(long = "base-url", value_name = "URL")]
    pub base_url: Option<String>,
    /// Read only files whose id matches this glob (repeatable) [default:
    /// `include` in sagasu.toml].
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files whose id matches this glob (repeatable), besides
    /// `exclude` in sagasu.toml.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// The paths are a rendered site (Jekyll's `_site`, Hugo's `public`):
    /// every HTML page is a post [default: `rendered_site` in sagasu.toml,
    /// or detected from an `index.html` at the root].
    #[arg(long)]
    pub site: bool,
}

/// `--addr`: what was given, and the addresses it stands for (IPv4 first).
#[derive(Debug, Clone)]
pub struct ListenAddress {
    pub given: String,
    pub addresses: Vec<SocketAddr>,
}

/// `--addr`: an IP address and port, or a name that resolves, with a port.
fn listen_address(value: &str) -> Result<ListenAddress, String> {
    const EXAMPLES: &str = "such as 127.0.0.1:7700 (this machine only), 0.0.0.0:7700 \
                            (every interface) or localhost:7700";
    let listen = |addresses: Vec<SocketAddr>| ListenAddress {
        given: value.to_owned(),
        addresses,
    };
    if let Ok(address) = value.parse::<SocketAddr>() {
        return Ok(listen(vec![address]));
    }
    let Some((host, port)) = value.rsplit_once(':') else {
        return Err(format!("`{value}` has no port: give HOST:PORT, {EXAMPLES}"));
    };
    if port.parse::<u16>().is_err() {
        return Err(format!(
            "`{port}` is not a port number: give HOST:PORT, {EXAMPLES}"
        ));
    }
    if host.is_empty() {
        return Err(format!("`{value}` has no host: give HOST:PORT, {EXAMPLES}"));
    }
    let resolved = value.to_socket_addrs().map_err(|err| {
        format!("cannot resolve `{host}` ({err}): give an IP address and port, {EXAMPLES}")
    })?;
    let mut addresses: Vec<SocketAddr> = resolved.collect();
    if addresses.is_empty() {
        return Err(format!(
            "`{host}` resolves to no address: give an IP address and port, {EXAMPLES}"
        ));
    }
    // `localhost` is often `::1` first; proxies and tutorials use 127.0.0.1.
    addresses.sort_by_key(|address| address.is_ipv6());
    Ok(listen(addresses))
}

/// `--cors-origin`, as browsers send it.
fn cors_origin(value: &str) -> Result<String, String> {
    sagasu_server::normalize_origin(value).map_err(|err| err.to_string())
}

/// `--trusted-proxy`.
fn trusted_proxy(value: &str) -> Result<sagasu_server::TrustedProxy, String> {
    value
        .parse()
        .map_err(|err: sagasu_server::Error| err.to_string())
}

/// An IANA time zone name.
fn time_zone(name: &str) -> Result<chrono_tz::Tz, String> {
    name.parse()
        .map_err(|_| format!("`{name}` is not an IANA time zone (such as Asia/Tokyo)"))
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The archive: folders (a Jekyll or Hugo site, a Hatena blogsync,
    /// Qiita or Zenn folder, a rendered site) or files (a WordPress or Movable
    /// Type export, a post).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub archive: ArchiveArgs,
    /// Report what would be added, updated, removed and skipped, without
    /// writing the index.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Exit with an error if any file fails.
    #[arg(long)]
    pub strict: bool,
    /// Threads for parsing and analysis [default: all cores].
    #[arg(long, env = "SAGASU_THREADS", value_name = "N")]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub user_dictionary: UserDictionaryArg,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Query: words (all must match), "a phrase", -exclude, a OR b, tag:X, category:X.
    /// Empty lists the posts that pass the filters, newest first.
    #[arg(default_value = "", value_name = "QUERY")]
    pub query: String,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Only posts with this tag (repeatable; all must match).
    #[arg(long = "tag", value_name = "T")]
    pub tags: Vec<String>,
    /// Only posts in this category (repeatable; all must match).
    #[arg(long = "category", value_name = "C")]
    pub categories: Vec<String>,
    /// Earliest date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub from: Option<DateBound>,
    /// Latest date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub to: Option<DateBound>,
    /// Result order: relevance, newest or oldest.
    #[arg(long, default_value_t = Sort::default(), value_name = "ORDER")]
    pub sort: Sort,
    /// How words combine: all must match, or any may. With `all`, a search
    /// that finds nothing is retried as `any` (and says so).
    #[arg(
        long = "match",
        default_value_t = MatchMode::default(),
        value_name = "MODE"
    )]
    pub match_mode: MatchMode,
    /// Results per page (1 to 100).
    #[arg(long, default_value_t = SearchRequest::default().per_page, value_name = "N")]
    pub limit: usize,
    /// Page number, from 1.
    #[arg(long, default_value_t = SearchRequest::default().page, value_name = "N")]
    pub page: usize,
    #[command(flatten)]
    pub synonyms: SynonymsArg,
    #[command(flatten)]
    pub user_dictionary: UserDictionaryArg,
    /// Print the result document as JSON (the HTTP API's format).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Text to analyse.
    #[arg(required = true, value_name = "TEXT")]
    pub text: String,
    // The index whose sagasu.toml (in the directory holding it) gives the
    // user dictionary.
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub user_dictionary: UserDictionaryArg,
    /// Print the tokens as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub user_dictionary: UserDictionaryArg,
    /// Print the statistics as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Address to listen on: IP:PORT (`0.0.0.0:7700` for every interface),
    /// or a name this machine resolves (`localhost:7700`) [default:
    /// loopback only].
    #[arg(
        long,
        env = "SAGASU_ADDR",
        default_value = "127.0.0.1:7700",
        value_name = "HOST:PORT",
        value_parser = listen_address
    )]
    pub addr: ListenAddress,
    /// Also serve `GET /metrics` (Prometheus) on this address, apart from
    /// the public one so that it is not on the internet through the proxy
    /// [default: not served].
    #[arg(
        long = "metrics-addr",
        env = "SAGASU_METRICS_ADDR",
        value_name = "HOST:PORT",
        value_parser = listen_address
    )]
    pub metrics_addr: Option<ListenAddress>,
    /// Index these post directories before serving (repeatable).
    #[arg(long = "posts", value_name = "DIR")]
    pub posts: Vec<PathBuf>,
    /// With --posts: re-index changed, added and removed files as they change.
    #[arg(long, requires = "posts")]
    pub watch: bool,
    /// Allow browser calls only from this origin, as the address bar shows
    /// it (`https://blog.example.jp`; repeatable) [default: any origin].
    #[arg(long = "cors-origin", value_name = "ORIGIN", value_parser = cors_origin)]
    pub cors_origins: Vec<String>,
    /// A proxy in front of the server (`127.0.0.1`, or a network such as
    /// `10.0.0.0/8`; repeatable, or comma-separated): the client address it
    /// forwards (`Forwarded`, `X-Forwarded-For`) is logged instead of its own.
    /// From other peers those headers are ignored [default: none].
    #[arg(
        long = "trusted-proxy",
        env = "SAGASU_TRUSTED_PROXIES",
        value_name = "IP[/BITS]",
        value_delimiter = ',',
        value_parser = trusted_proxy
    )]
    pub trusted_proxies: Vec<sagasu_server::TrustedProxy>,
    /// Searches that may run at once [default: one per core].
    #[arg(long, env = "SAGASU_MAX_CONCURRENT", value_name = "N")]
    pub max_concurrent: Option<usize>,
    /// Searches that may wait for those, in arrival order; more are answered
    /// 503 with Retry-After.
    #[arg(
        long,
        env = "SAGASU_MAX_QUEUED",
        default_value_t = ServerConfig::DEFAULT_MAX_QUEUED,
        value_name = "N"
    )]
    pub max_queued: usize,
    /// Seconds a client may take to send a request's headers, after
    /// connecting or after its previous response (so also how long an idle
    /// kept-alive connection stays open); the connection is closed then.
    #[arg(
        long = "header-timeout",
        env = "SAGASU_HEADER_TIMEOUT",
        default_value_t = Connections::default().header_timeout.as_secs(),
        value_name = "SECONDS"
    )]
    pub header_timeout: u64,
    /// Connections served at once; more wait to be accepted until one closes.
    #[arg(
        long = "max-connections",
        env = "SAGASU_MAX_CONNECTIONS",
        default_value_t = Connections::default().max_connections,
        value_name = "N"
    )]
    pub max_connections: usize,
    /// Threads for indexing --posts [default: all cores].
    #[arg(long, env = "SAGASU_THREADS", value_name = "N")]
    pub threads: Option<usize>,
    /// Log lines on stderr: `human`, or `json` (one JSON object per line,
    /// one per request, for log shippers).
    #[arg(
        long = "log-format",
        env = "SAGASU_LOG_FORMAT",
        default_value = "human",
        value_name = "FORMAT"
    )]
    pub log_format: LogFormat,
    #[command(flatten)]
    pub synonyms: SynonymsArg,
    #[command(flatten)]
    pub user_dictionary: UserDictionaryArg,
}

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `2025-01-04T12:00:00Z  INFO request method=GET path=/api/search …`
    Human,
    /// `{"timestamp":…,"level":"INFO","message":"request","method":"GET",…}`
    Json,
}

#[derive(Debug, Args)]
pub struct StaticArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Directory to write the bundle into (`_site/search`); an earlier
    /// bundle there is updated, rewriting only the files that changed.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub user_dictionary: UserDictionaryArg,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}
