//! The sessions of `incidentio mcp --http`: rmcp's in-memory session
//! manager, with its state bounded.
//!
//! rmcp keeps a session (a worker task, the server's task, their channels)
//! until the client sends DELETE or the session has been silent for rmcp's
//! idle timeout, and keeps any number of them. Clients that crash, sleep or lose
//! their network never send DELETE, so a server shared by several agents,
//! or used by a host that reconnects often, holds whatever they left. Here:
//!
//! - a session with no request in flight for `timeout` expires: it is
//!   closed, and its id is answered 404 (the protocol's "start a new
//!   session"); a call that outlasts the timeout is not cut, since a
//!   session counts as idle only while nothing is in flight (rmcp's own
//!   idle timer, which would cut it, is off);
//! - at most `max` sessions are open: a new one takes the place of the one
//!   idle the longest, and when every one has a request in flight the new
//!   one is refused ([`AtCapacity`]), which `http.rs` answers 503
//!   ([`noting_refusal`]).
//!
//! Expired sessions are closed by a sweep every fraction of the timeout,
//! and also found on the spot when a request names one, so the answer
//! does not depend on when the sweep last ran.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{Stream, StreamExt};
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::WorkerTransport;
use rmcp::transport::streamable_http_server::SessionManager;
use rmcp::transport::streamable_http_server::session::local::{
    LocalSessionManager, LocalSessionManagerError, LocalSessionWorker, SessionConfig,
};
use rmcp::transport::streamable_http_server::session::{ServerSseMessage, SessionId};

/// How long a finished request's events are kept for a client that lost
/// the stream and comes back with `Last-Event-ID`: several times the
/// retry hint (rmcp's default) that the streams carry, and less than
/// rmcp's own default.
const RESUME_WINDOW: Duration = Duration::from_secs(30);

/// Every session has a request in flight and none can make room.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error(
    "the server holds its maximum of {max} sessions (--http-max-sessions) and each has a request in flight; retry shortly"
)]
pub struct AtCapacity {
    /// The bound.
    pub max: usize,
}

tokio::task_local! {
    /// Where `create_session` notes that it refused a session, for the
    /// HTTP handler whose request it was (rmcp would answer 500).
    static REFUSED: Cell<Option<AtCapacity>>;
}

/// Runs `handling` (rmcp handling one request) and says whether it was
/// refused a new session for want of room. `create_session` is awaited
/// inside `handling`, in the same task, so the note reaches this request
/// and no other; and it is only reached once rmcp has checked the request
/// (`Host`, `Origin`, headers), so a request it refuses cannot make room
/// either.
pub async fn noting_refusal<T>(handling: impl Future<Output = T>) -> (T, Option<AtCapacity>) {
    REFUSED
        .scope(Cell::new(None), async {
            let output = handling.await;
            (output, REFUSED.with(Cell::take))
        })
        .await
}

/// Why a session operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionsError {
    /// No room for a new session.
    #[error(transparent)]
    AtCapacity(#[from] AtCapacity),
    /// rmcp's own error.
    #[error(transparent)]
    Local(#[from] LocalSessionManagerError),
}

/// What is known of one session.
#[derive(Debug)]
struct Entry {
    /// When a request last started or ended.
    last_active: Instant,
    /// Requests whose response stream is still open.
    in_flight: usize,
}

impl Entry {
    fn expired(&self, now: Instant, timeout: Duration) -> bool {
        self.in_flight == 0 && now.saturating_duration_since(self.last_active) >= timeout
    }
}

#[derive(Debug, Default)]
struct State {
    sessions: HashMap<SessionId, Entry>,
    /// Sessions being created: counted against the bound before their id
    /// is known, so that concurrent `initialize`s cannot overshoot it.
    reserved: usize,
}

/// rmcp's `LocalSessionManager` with an idle timeout and a bound on the
/// number of sessions.
#[derive(Debug)]
pub struct Sessions {
    inner: LocalSessionManager,
    state: Arc<Mutex<State>>,
    timeout: Duration,
    max: usize,
}

impl Sessions {
    /// Sessions that expire after `timeout` without a request in flight,
    /// at most `max` of them (at least one).
    pub fn new(timeout: Duration, max: usize) -> Self {
        let mut inner = LocalSessionManager::default();
        let mut config = SessionConfig::default();
        // Expiry is ours (an idle session is one with nothing in flight);
        // rmcp's timer would also end a session in the middle of a call
        // longer than the timeout.
        config.keep_alive = None;
        config.completed_cache_ttl = RESUME_WINDOW.min(timeout);
        inner.session_config = config;
        Sessions {
            inner,
            state: Arc::default(),
            timeout,
            max: max.max(1),
        }
    }

    /// How often the sweep runs: often enough that an expired session is
    /// gone soon after its timeout, seldom enough to cost nothing.
    pub fn sweep_period(&self) -> Duration {
        (self.timeout / 4).clamp(Duration::from_millis(250), Duration::from_secs(60))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Closes every expired session.
    pub async fn sweep(&self) {
        let expired: Vec<SessionId> = {
            let mut state = self.lock();
            let now = Instant::now();
            let ids: Vec<SessionId> = state
                .sessions
                .iter()
                .filter(|(_, entry)| entry.expired(now, self.timeout))
                .map(|(id, _)| id.clone())
                .collect();
            for id in &ids {
                state.sessions.remove(id);
            }
            ids
        };
        self.close_all(expired).await;
    }

    /// Makes room for one more session and reserves it: closes expired
    /// sessions, then, at the bound, the one idle the longest. `AtCapacity` when
    /// every session has a request in flight.
    async fn reserve(&self) -> Result<Reservation, AtCapacity> {
        let (closing, reservation) = {
            let mut state = self.lock();
            let now = Instant::now();
            let mut closing: Vec<SessionId> = state
                .sessions
                .iter()
                .filter(|(_, entry)| entry.expired(now, self.timeout))
                .map(|(id, _)| id.clone())
                .collect();
            for id in &closing {
                state.sessions.remove(id);
            }
            while state.sessions.len() + state.reserved >= self.max {
                let oldest = state
                    .sessions
                    .iter()
                    .filter(|(_, entry)| entry.in_flight == 0)
                    .min_by_key(|(_, entry)| entry.last_active)
                    .map(|(id, _)| id.clone());
                let Some(id) = oldest else { break };
                state.sessions.remove(&id);
                closing.push(id);
            }
            let reservation = (state.sessions.len() + state.reserved < self.max).then(|| {
                state.reserved += 1;
                Reservation {
                    state: self.state.clone(),
                    held: true,
                }
            });
            (closing, reservation)
        };
        // Held across the await: dropped (released) if this is cancelled.
        let reservation = reservation.ok_or(AtCapacity { max: self.max });
        self.close_all(closing).await;
        reservation
    }

    async fn close_all(&self, ids: Vec<SessionId>) {
        for id in ids {
            if let Err(e) = self.inner.close_session(&id).await {
                tracing::debug!("mcp --http: closing session {id}: {e}");
            }
        }
    }

    /// Marks `id` active now; false when it is not (or no longer) open.
    /// A session found expired here is closed at once.
    async fn touch(&self, id: &SessionId) -> bool {
        let expired = {
            let mut state = self.lock();
            let now = Instant::now();
            match state.sessions.get_mut(id) {
                None => return false,
                Some(entry) if entry.expired(now, self.timeout) => {
                    state.sessions.remove(id);
                    true
                }
                Some(entry) => {
                    entry.last_active = now;
                    false
                }
            }
        };
        if expired {
            self.close_all(vec![id.clone()]).await;
            return false;
        }
        true
    }

    /// Counts a request in flight on `id` until the returned guard drops.
    fn begin(&self, id: &SessionId) -> InFlight {
        if let Some(entry) = self.lock().sessions.get_mut(id) {
            entry.in_flight += 1;
            entry.last_active = Instant::now();
        }
        InFlight {
            state: self.state.clone(),
            id: id.clone(),
        }
    }

    fn not_found(id: &SessionId) -> SessionsError {
        SessionsError::Local(LocalSessionManagerError::SessionNotFound(id.clone()))
    }

    /// [`touch`](Self::touch) as the protocol's answer: a session that is
    /// gone (never made, closed or expired) is not found.
    async fn live(&self, id: &SessionId) -> Result<(), SessionsError> {
        if self.touch(id).await {
            Ok(())
        } else {
            Err(Self::not_found(id))
        }
    }
}

/// Room held for a session being created; released when dropped, unless
/// the session took it ([`Reservation::fill`]).
#[derive(Debug)]
struct Reservation {
    state: Arc<Mutex<State>>,
    held: bool,
}

impl Reservation {
    /// Puts session `id` in the room held, under the lock already taken.
    fn fill(mut self, state: &mut State, id: SessionId) {
        state.reserved -= 1;
        self.held = false;
        state.sessions.insert(
            id,
            Entry {
                last_active: Instant::now(),
                in_flight: 0,
            },
        );
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if self.held {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.reserved -= 1;
        }
    }
}

/// A request in flight on a session; ends (and marks the session active)
/// when dropped, that is when its response stream is done or abandoned.
#[derive(Debug)]
struct InFlight {
    state: Arc<Mutex<State>>,
    id: SessionId,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = state.sessions.get_mut(&self.id) {
            entry.in_flight = entry.in_flight.saturating_sub(1);
            entry.last_active = Instant::now();
        }
    }
}

/// `stream`, counted as a request in flight until it is dropped.
fn counted<S>(stream: S, guard: InFlight) -> impl Stream<Item = ServerSseMessage> + Send + Sync
where
    S: Stream<Item = ServerSseMessage> + Send + Sync,
{
    stream.map(move |message| {
        let _ = &guard;
        message
    })
}

impl SessionManager for Sessions {
    type Error = SessionsError;
    type Transport = WorkerTransport<LocalSessionWorker>;

    async fn create_session(&self) -> Result<(SessionId, Self::Transport), Self::Error> {
        let reservation = self.reserve().await.inspect_err(|refused| {
            let _ = REFUSED.try_with(|note| note.set(Some(*refused)));
        })?;
        let (id, transport) = self.inner.create_session().await?;
        reservation.fill(&mut self.lock(), id.clone());
        Ok((id, transport))
    }

    async fn initialize_session(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<ServerJsonRpcMessage, Self::Error> {
        let _in_flight = self.begin(id);
        Ok(self.inner.initialize_session(id, message).await?)
    }

    async fn has_session(&self, id: &SessionId) -> Result<bool, Self::Error> {
        Ok(self.touch(id).await && self.inner.has_session(id).await?)
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Self::Error> {
        self.lock().sessions.remove(id);
        Ok(self.inner.close_session(id).await?)
    }

    async fn create_stream(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.live(id).await?;
        let guard = self.begin(id);
        let stream = self.inner.create_stream(id, message).await?;
        Ok(counted(stream, guard))
    }

    async fn accept_message(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<(), Self::Error> {
        self.live(id).await?;
        Ok(self.inner.accept_message(id, message).await?)
    }

    async fn create_standalone_stream(
        &self,
        id: &SessionId,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        // A standalone stream (GET) is open for as long as the client
        // listens: it does not keep the session from expiring, which ends
        // it.
        self.live(id).await?;
        Ok(self.inner.create_standalone_stream(id).await?)
    }

    async fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.live(id).await?;
        Ok(self.inner.resume(id, last_event_id).await?)
    }
}
