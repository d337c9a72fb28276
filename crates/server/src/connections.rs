//! The accept loop: HTTP/1.1 connections, bounded in number, in how long a
//! client may take to send a request's headers (or to send its next request
//! on a kept-alive connection), and in how long shutdown may take.
//!
//! Like nginx's `client_header_timeout`, `keepalive_timeout` and
//! `worker_connections`: without them, idle connections are never closed,
//! and a few hundred of them use up the process's file descriptors.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tower::util::MapRequest;

/// The buffer hyper reads a request's head into. It is larger than
/// [`crate::MAX_URI_BYTES`] plus [`crate::MAX_HEADER_BYTES`], so that a
/// request past those limits reaches the router, which answers it in JSON;
/// only a head larger than this is refused by hyper itself (431, no body).
const READ_BUFFER_BYTES: usize = 64 * 1024;

/// Headers hyper parses; more than [`crate::MAX_HEADERS`], so that the
/// router is the one to refuse them, in JSON.
const PARSED_HEADERS: usize = 2 * crate::MAX_HEADERS;

/// How long to wait before accepting again when accepting fails (out of
/// file descriptors): the failure is not the listener's, and it passes.
const ACCEPT_RETRY: Duration = Duration::from_millis(50);

/// Limits of the connections [`serve`] accepts.
#[derive(Debug, Clone)]
pub struct Connections {
    /// Longest time a client may take to send a request's headers, from
    /// the moment the server waits for them: on a new connection, and on a
    /// kept-alive one after each response (so it is also the keep-alive
    /// idle timeout). The connection is closed then.
    pub header_timeout: Duration,
    /// Connections served at once; more wait in the listen queue until one
    /// closes.
    pub max_connections: usize,
    /// On shutdown, how long requests in flight may take to finish before
    /// every connection is closed.
    pub shutdown_grace: Duration,
}

impl Default for Connections {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            max_connections: 512,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// Serves `router` on `listener` within `limits` until `shutdown`
/// resolves; then stops accepting, lets requests in flight finish for at
/// most [`Connections::shutdown_grace`], closes every connection and
/// returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Connections,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        // Finished connections are reaped here, so the set stays small.
        while connections.try_join_next().is_some() {}
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = accept(&listener, &slots) => accepted,
        };
        let Some((stream, peer, slot)) = accepted else {
            continue;
        };
        let (router, stopping) = (router.clone(), stopping.clone());
        connections.spawn(async move {
            connection(stream, peer, router, limits.header_timeout, stopping).await;
            drop(slot);
        });
    }
    drop(listener);
    // Idle connections close at once; busy ones after their response.
    let _ = stop.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(limits.shutdown_grace, drained)
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            "closing the connections still open after the shutdown grace"
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// The next connection, once there is room for it; `None` when accepting
/// failed (logged, and retried by the caller after a pause).
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> Option<(TcpStream, SocketAddr, tokio::sync::OwnedSemaphorePermit)> {
    // Never closed, so acquiring cannot fail.
    let slot = Arc::clone(slots).acquire_owned().await.ok()?;
    match listener.accept().await {
        Ok((stream, peer)) => Some((stream, peer, slot)),
        Err(error) => {
            tracing::warn!(%error, "accepting a connection");
            tokio::time::sleep(ACCEPT_RETRY).await;
            None
        }
    }
}

/// Resolves once shutdown begins (or the server is gone).
async fn stopped(stopping: &mut watch::Receiver<bool>) {
    while !*stopping.borrow_and_update() {
        if stopping.changed().await.is_err() {
            return;
        }
    }
}

/// Serves one connection until it closes, times out, or shutdown begins
/// (then it finishes the request in flight, if any). Each request carries
/// the peer's address as [`ConnectInfo`].
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    header_timeout: Duration,
    mut stopping: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .max_buf_size(READ_BUFFER_BYTES)
        .max_headers(PARSED_HEADERS);
    let service = MapRequest::new(router, move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    });
    let conn = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    tokio::pin!(conn);
    let result = tokio::select! {
        result = conn.as_mut() => result,
        () = stopped(&mut stopping) => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(error) = result {
        // Timeouts and clients that go away are routine.
        tracing::debug!(%error, "connection ended");
    }
}
