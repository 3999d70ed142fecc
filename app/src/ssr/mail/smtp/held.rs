//! Holding an email's last line. An SMTP server takes a message when it reads the line that
//! ends it (a lone "."), and a process killed between that moment and the row recorded as sent
//! leaves a row that is sent again. So the connection's writes go through a [`Gate`]: once
//! the message's body is written, the gate closes, the line waits while the row is recorded,
//! and the gate opens once the update's commit is on its way ([`Handover`]). A kill before
//! that leaves a message without its end, which the server discards, and a queued row, which
//! is sent once later.
//!
//! The gate sits under lettre (and under TLS, whose records buffer the held line), so the
//! SMTP dialogue itself stays lettre's.

// lettre marks its stream type deprecated as public API (private from 0.12); it is the one way
// to get lettre's own TLS (certificates, versions) over a held stream for smtps://.
#[allow(deprecated)]
use lettre::transport::smtp::client::AsyncNetworkStream;
use lettre::transport::smtp::client::AsyncTokioStream;
use std::{
    fmt, io,
    net::SocketAddr,
    pin::Pin,
    sync::{Arc, Mutex, PoisonError},
    task::{Context, Poll, Waker},
    time::Instant,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
};
use tokio_util::compat::{Compat, FuturesAsyncReadCompatExt};

/// Whether a connection's writes may go out now.
#[derive(Default, Debug)]
pub struct Gate {
    state: Mutex<GateState>,
}

#[derive(Default, Debug)]
struct GateState {
    closed: bool,
    /// Opened since it last closed (the held line may go out).
    opened: bool,
    /// Bytes went out since it opened: the server has the end of the message, unless the
    /// connection broke on the way.
    wrote_after_opening: bool,
    /// The write waiting for the gate to open.
    writer: Option<Waker>,
    /// The sender waiting for the gate to close (the body written).
    watcher: Option<Waker>,
}

impl Gate {
    fn state(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Holds every later write until [`Gate::open`].
    fn close(&self) {
        let watcher = {
            let mut state = self.state();
            state.closed = true;
            state.opened = false;
            state.wrote_after_opening = false;
            state.watcher.take()
        };
        if let Some(watcher) = watcher {
            watcher.wake();
        }
    }

    /// Lets the held write go out.
    pub fn open(&self) {
        let writer = {
            let mut state = self.state();
            state.closed = false;
            state.opened = true;
            state.writer.take()
        };
        if let Some(writer) = writer {
            writer.wake();
        }
    }

    /// Ready once the gate is closed: everything before the held line is written.
    pub async fn closed(&self) {
        std::future::poll_fn(|cx| {
            let mut state = self.state();
            if state.closed {
                Poll::Ready(())
            } else {
                state.watcher = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await
    }

    /// Whether anything was written since the gate opened: if not, the server cannot have the
    /// message's end, whatever broke the connection.
    pub fn wrote_after_opening(&self) -> bool {
        self.state().wrote_after_opening
    }

    fn written(&self, bytes: usize) {
        if bytes > 0 {
            let mut state = self.state();
            if state.opened {
                state.wrote_after_opening = true;
            }
        }
    }

    fn poll_open(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.state();
        if state.closed {
            state.writer = Some(cx.waker().clone());
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}

/// What the code recording an email's rows calls once its commit is on its way to the
/// database: the held line then goes out (the sender writes it in the same poll), so that a
/// kill lands between the two only within microseconds.
/// Not calling it keeps the line back for good (the row was not recorded).
pub struct Handover {
    gate: Option<Arc<Gate>>,
    since: Instant,
}

impl Handover {
    pub fn new(gate: Arc<Gate>) -> Self {
        Self {
            gate: Some(gate),
            since: Instant::now(),
        }
    }

    /// For a transport with no line to hold (the mail folder).
    pub fn nothing_held() -> Self {
        Self {
            gate: None,
            since: Instant::now(),
        }
    }

    pub fn hand_over(self) {
        if let Some(gate) = self.gate {
            metrics::histogram!("portico_email_held_seconds")
                .record(self.since.elapsed().as_secs_f64());
            gate.open();
        }
    }
}

/// The parts of a message for lettre's `message_iter`: the body, then (when lettre asks for
/// more, that is, once the body is written) the gate closes and there is nothing more, so the
/// line that ends the message is the next write and waits.
pub struct BodyThenHold<'a> {
    body: Option<&'a [u8]>,
    gate: &'a Gate,
}

impl<'a> BodyThenHold<'a> {
    pub fn new(body: &'a [u8], gate: &'a Gate) -> Self {
        Self {
            body: Some(body),
            gate,
        }
    }
}

impl<'a> Iterator for BodyThenHold<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let body = self.body.take();
        if body.is_none() {
            self.gate.close();
        }
        body
    }
}

/// A TCP connection whose writes wait while its gate is closed.
pub struct HeldStream {
    tcp: TcpStream,
    gate: Arc<Gate>,
}

impl HeldStream {
    pub fn new(tcp: TcpStream, gate: Arc<Gate>) -> Self {
        Self { tcp, gate }
    }
}

impl fmt::Debug for HeldStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeldStream")
            .field("tcp", &self.tcp)
            .finish()
    }
}

impl AsyncRead for HeldStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for HeldStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        std::task::ready!(self.gate.poll_open(cx));
        let written = std::task::ready!(Pin::new(&mut self.tcp).poll_write(cx, buf));
        if let Ok(bytes) = written {
            self.gate.written(bytes);
        }
        Poll::Ready(written)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for HeldStream {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.tcp.peer_addr()
    }
}

/// Implicit TLS (`smtps://`) over a [`HeldStream`], made by lettre's own TLS code, handed
/// back to lettre as the connection's stream: the gate stays under the encryption.
#[allow(deprecated)]
pub struct WrappedTls(Compat<AsyncNetworkStream>);

#[allow(deprecated)]
impl WrappedTls {
    pub fn new(tls: AsyncNetworkStream) -> Self {
        Self(tls.compat())
    }
}

impl fmt::Debug for WrappedTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WrappedTls")
    }
}

impl AsyncRead for WrappedTls {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for WrappedTls {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for WrappedTls {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().peer_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_write_after_the_body_waits_until_the_gate_opens() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let gate = Arc::new(Gate::default());
        let mut stream = HeldStream::new(TcpStream::connect(address).await.unwrap(), gate.clone());
        let (mut server, _) = listener.accept().await.unwrap();

        let mut parts = BodyThenHold::new(b"body", &gate);
        stream.write_all(parts.next().unwrap()).await.unwrap();
        assert!(parts.next().is_none());
        let mut held = Box::pin(stream.write_all(b".\r\n"));
        // The held line does not go out while the gate is closed...
        assert!(futures::poll!(held.as_mut()).is_pending());
        let mut got = [0u8; 4];
        server.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"body");
        let early = tokio::time::timeout(
            std::time::Duration::from_millis(50),
            server.read(&mut [0u8; 8]),
        )
        .await;
        assert!(early.is_err(), "the held line reached the server early");
        gate.closed().await;
        assert!(!gate.wrote_after_opening());
        // ...and does once it opens.
        gate.open();
        held.await.unwrap();
        assert!(gate.wrote_after_opening(), "the end went out");
        let mut end = [0u8; 3];
        server.read_exact(&mut end).await.unwrap();
        assert_eq!(&end, b".\r\n");
    }
}
