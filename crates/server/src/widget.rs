//! The search widget and the demo page: files from `widget/`, embedded in
//! the binary and served next to the API (they are not part of it, so the
//! OpenAPI document leaves them out).
//!
//! | path | what | `Cache-Control` |
//! |---|---|---|
//! | `/` | a demo blog page with the widget, searching this server | `no-cache` |
//! | `/widget.js`, `/widget.css` | the stable URLs a blog pastes | 5 minutes |
//! | `/widget.<hash>.js`, `/widget.<hash>.css` | the same, under their content hash | a year, `immutable` |
//!
//! The served script loads the hashed stylesheet, and the demo page the
//! hashed script, so only the stable URLs ever need revalidating. Every
//! asset has an `ETag` (its hash) and answers `If-None-Match` with `304`.

use std::sync::LazyLock;

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The widget's script and stylesheet, as written (`sagasu static` copies
/// them into its bundles).
pub const SCRIPT: &str = include_str!("../widget/widget.js");
pub const STYLE: &str = include_str!("../widget/widget.css");
const DEMO: &str = include_str!("../widget/demo.html");

/// The stylesheet's name in the script, replaced by the hashed name.
const SCRIPT_STYLE_NAME: &str = "\"widget.css\"";
/// The script's tag in the demo page, replaced by one with the hashed name.
const DEMO_SCRIPT_TAG: &str = "<script src=\"widget.js\" defer>";

/// `/widget.js` and `/widget.css`: what bloggers paste, so a new release
/// reaches their pages within minutes.
const STABLE_CACHE: &str = "public, max-age=300";
/// Hashed URLs never change content.
const HASHED_CACHE: &str = "public, max-age=31536000, immutable";
/// The demo page names the current hashed script: always revalidated.
const PAGE_CACHE: &str = "no-cache";

/// One file as served.
#[derive(Debug)]
struct Asset {
    body: String,
    content_type: &'static str,
    /// Hex xxh3 of `body`: the URL part and the `ETag`.
    hash: String,
}

impl Asset {
    fn new(body: String, content_type: &'static str) -> Self {
        let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(body.as_bytes()));
        Self {
            body,
            content_type,
            hash,
        }
    }

    /// The asset with `cache`, or `304` when the client holds this version.
    fn respond(&'static self, request: &HeaderMap, cache: &'static str) -> Response {
        // Weak: compression changes the bytes, not the content.
        let etag = format!("W/\"{}\"", self.hash);
        let fresh = request
            .get_all(IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == "*" || tag.trim_matches('"') == self.hash);
        let mut headers = HeaderMap::new();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(ETAG, value);
        }
        if fresh {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        (headers, self.body.as_str()).into_response()
    }
}

/// The three files, with the hashed names filled in.
#[derive(Debug)]
struct Assets {
    script: Asset,
    style: Asset,
    demo: Asset,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
    let style = Asset::new(STYLE.to_owned(), "text/css; charset=utf-8");
    let script = Asset::new(
        SCRIPT.replacen(
            SCRIPT_STYLE_NAME,
            &format!("\"widget.{}.css\"", style.hash),
            1,
        ),
        "text/javascript; charset=utf-8",
    );
    let demo = Asset::new(
        DEMO.replacen(
            DEMO_SCRIPT_TAG,
            &format!("<script src=\"widget.{}.js\" defer>", script.hash),
            1,
        ),
        "text/html; charset=utf-8",
    );
    Assets {
        script,
        style,
        demo,
    }
});

/// The widget's and the demo page's routes, for any router state.
pub(crate) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let assets: &'static Assets = &ASSETS;
    let serve = |asset: &'static Asset, cache: &'static str| {
        get(move |headers: HeaderMap| async move { asset.respond(&headers, cache) })
    };
    Router::new()
        .route("/", serve(&assets.demo, PAGE_CACHE))
        .route("/widget.js", serve(&assets.script, STABLE_CACHE))
        .route("/widget.css", serve(&assets.style, STABLE_CACHE))
        .route(
            &format!("/widget.{}.js", assets.script.hash),
            serve(&assets.script, HASHED_CACHE),
        )
        .route(
            &format!("/widget.{}.css", assets.style.hash),
            serve(&assets.style, HASHED_CACHE),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_loads_the_hashed_stylesheet_and_the_page_the_hashed_script() {
        assert_eq!(SCRIPT.matches(SCRIPT_STYLE_NAME).count(), 1);
        assert_eq!(DEMO.matches(DEMO_SCRIPT_TAG).count(), 1);
        let assets: &Assets = &ASSETS;
        assert!(
            assets
                .script
                .body
                .contains(&format!("\"widget.{}.css\"", assets.style.hash))
        );
        assert!(
            assets
                .demo
                .body
                .contains(&format!("src=\"widget.{}.js\"", assets.script.hash))
        );
        assert_eq!(assets.style.body, STYLE);
    }
}
