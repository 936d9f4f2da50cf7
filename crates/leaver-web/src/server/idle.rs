//! A connection's socket with an idle limit: once a read or a write has waited that long with no
//! byte moving either way, it fails with `TimedOut` and hyper drops the connection. This is what
//! ends a stalled upload, an answer the client never reads, or a client that went away silently.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// `io`, failing once nothing has moved for `limit`.
#[derive(Debug)]
pub(crate) struct Idle<IO> {
    io: IO,
    limit: Duration,
    /// When the last byte was read or written.
    moved_at: Instant,
    /// Fires at `moved_at + limit`; moved forward only when a wait is checked.
    deadline: Pin<Box<Sleep>>,
}

impl<IO> Idle<IO> {
    pub(crate) fn new(io: IO, limit: Duration) -> Idle<IO> {
        let now = Instant::now();
        Idle {
            io,
            limit,
            moved_at: now,
            deadline: Box::pin(tokio::time::sleep_until(now + limit)),
        }
    }

    /// Notes progress after a poll of the socket, or limits the wait when it is pending.
    fn after<T>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<T>>,
        moved: impl FnOnce(&T) -> bool,
    ) -> Poll<io::Result<T>> {
        match polled {
            Poll::Ready(result) => {
                if result.as_ref().is_ok_and(moved) {
                    self.moved_at = Instant::now();
                }
                Poll::Ready(result)
            }
            Poll::Pending => self.waiting(cx),
        }
    }

    /// `Pending` (woken at the deadline) while within the limit, `TimedOut` past it.
    fn waiting<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let due = self.moved_at + self.limit;
        if self.deadline.deadline() < due {
            self.deadline.as_mut().reset(due);
        }
        ready!(self.deadline.as_mut().poll(cx));
        Poll::Ready(Err(io::ErrorKind::TimedOut.into()))
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Idle<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.io).poll_read(cx, buf);
        let moved = buf.filled().len() > before;
        this.after(cx, polled, |()| moved)
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Idle<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.io).poll_write(cx, buf);
        this.after(cx, polled, |n| *n > 0)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.after(cx, polled, |n| *n > 0)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.io).poll_flush(cx);
        this.after(cx, polled, |()| false)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.io).poll_shutdown(cx);
        this.after(cx, polled, |()| false)
    }
}
