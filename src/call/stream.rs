//! One TCP or TLS connection of the SIP driver, in its own task: opening it (TCP to the first
//! address that answers, then the TLS handshake under the policy in force), accepting one a
//! peer opened (TLS: the server side of the handshake), then reading framed messages
//! (`message::frame`) and writing what the driver queues, until either side closes it.
//! TCP and TLS share the same framing loop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::sip::message;
use super::sip::transport::{ConnectionId, Transport};
use super::tls::{self, Tls};

/// A stream that sends this much without a complete message is cut off.
const STREAM_BUFFER_MAX: usize = 2 << 20;
/// How long one address gets to accept a connection, and a TLS handshake to finish.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What a connection's task reports to the driver.
pub enum StreamEvent {
    Message {
        connection: ConnectionId,
        transport: Transport,
        from: SocketAddr,
        bytes: Vec<u8>,
    },
    /// An outgoing connection is up, to this one of the addresses it was given.
    Connected {
        connection: ConnectionId,
        peer: SocketAddr,
    },
    Closed(ConnectionId),
    /// An outgoing connection could not be set up; `unsent` was queued on it.
    Failed {
        connection: ConnectionId,
        peers: Vec<SocketAddr>,
        transport: Transport,
        reason: String,
        unsent: Vec<Vec<u8>>,
    },
}

/// A connection to open: where, how, and the host name it is for (SNI, certificate check).
pub struct Opening {
    pub id: ConnectionId,
    pub peers: Vec<SocketAddr>,
    pub transport: Transport,
    pub host: Option<String>,
}

/// Opens the connection and serves it; if it cannot be opened, hands back what was queued.
pub fn connect(
    opening: Opening,
    tls: Arc<Tls>,
    mut writes: mpsc::UnboundedReceiver<Vec<u8>>,
    report: mpsc::UnboundedSender<StreamEvent>,
) {
    let Opening {
        id,
        peers,
        transport,
        host,
    } = opening;
    tokio::spawn(async move {
        let failure = match connect_tcp(&peers).await {
            Err(reason) => reason,
            Ok((tcp, peer)) if transport == Transport::Tls => {
                match handshake(tcp, peer, host.as_deref(), tls).await {
                    Ok(stream) => {
                        let _ = report.send(StreamEvent::Connected {
                            connection: id,
                            peer,
                        });
                        return serve(id, stream, peer, transport, writes, report).await;
                    }
                    Err(reason) => reason,
                }
            }
            Ok((tcp, peer)) => {
                let _ = report.send(StreamEvent::Connected {
                    connection: id,
                    peer,
                });
                return serve(id, tcp, peer, transport, writes, report).await;
            }
        };
        // Take back what was queued; anything sent after this fails at the sender.
        writes.close();
        let mut unsent = Vec::new();
        while let Ok(bytes) = writes.try_recv() {
            unsent.push(bytes);
        }
        let _ = report.send(StreamEvent::Failed {
            connection: id,
            peers,
            transport,
            reason: failure,
            unsent,
        });
    });
}

/// Serves a connection a peer opened to us (on the TLS port: after the handshake).
pub fn accept(
    id: ConnectionId,
    tcp: TcpStream,
    peer: SocketAddr,
    transport: Transport,
    tls: &Tls,
    writes: mpsc::UnboundedReceiver<Vec<u8>>,
    report: mpsc::UnboundedSender<StreamEvent>,
) {
    let _ = tcp.set_nodelay(true);
    if transport != Transport::Tls {
        tokio::spawn(serve(id, tcp, peer, transport, writes, report));
        return;
    }
    let acceptor = tls.acceptor();
    tokio::spawn(async move {
        match tokio::time::timeout(CONNECT_TIMEOUT, acceptor.accept(tcp)).await {
            Ok(Ok(stream)) => {
                match stream
                    .get_ref()
                    .1
                    .peer_certificates()
                    .and_then(|c| c.first())
                {
                    Some(cert) => tracing::debug!(
                        "SIP TLS from {peer}: client certificate SHA-256 {}",
                        tls::fingerprint(cert)
                    ),
                    None => tracing::debug!("SIP TLS from {peer}: no client certificate"),
                }
                serve(id, stream, peer, transport, writes, report).await;
            }
            Ok(Err(e)) => {
                tracing::debug!("SIP TLS handshake from {peer} failed: {e}");
                let _ = report.send(StreamEvent::Closed(id));
            }
            Err(_) => {
                tracing::debug!("SIP TLS handshake from {peer} did not finish in time");
                let _ = report.send(StreamEvent::Closed(id));
            }
        }
    });
}

/// A TCP connection to the first of `peers` that accepts one.
async fn connect_tcp(peers: &[SocketAddr]) -> Result<(TcpStream, SocketAddr), String> {
    let mut why = Vec::new();
    for &peer in peers {
        match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(peer)).await {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                return Ok((stream, peer));
            }
            Ok(Err(e)) => why.push(format!("cannot connect to {peer}: {e}")),
            Err(_) => why.push(format!(
                "no answer from {peer} within {} s",
                CONNECT_TIMEOUT.as_secs()
            )),
        }
    }
    Err(why.join("; "))
}

/// The client side of a TLS handshake, under the TLS policy in force now.
async fn handshake(
    stream: TcpStream,
    peer: SocketAddr,
    host: Option<&str>,
    tls: Arc<Tls>,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, String> {
    // Building the client reads the admin's CA folder: keep file IO off the runtime.
    let connector = tokio::task::spawn_blocking(move || tls.connector())
        .await
        .map_err(|e| format!("the TLS setup for {peer} failed: {e}"))??;
    let name = tls::server_name(host, peer.ip())?;
    let shown = host
        .map(|h| format!("{h} ({peer})"))
        .unwrap_or_else(|| peer.to_string());
    match tokio::time::timeout(CONNECT_TIMEOUT, connector.connect(name, stream)).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(e)) => Err(format!(
            "TLS handshake with {shown} failed: {}",
            tls::explain(&e)
        )),
        Err(_) => Err(format!(
            "TLS handshake with {shown} did not finish within {} s",
            CONNECT_TIMEOUT.as_secs()
        )),
    }
}

/// Reads framed messages from a stream (TCP or TLS) and writes what the driver queues for
/// it, until either side closes it or the driver lets go of it (drops its sender).
async fn serve<S>(
    id: ConnectionId,
    stream: S,
    peer: SocketAddr,
    transport: Transport,
    mut writes: mpsc::UnboundedReceiver<Vec<u8>>,
    report: mpsc::UnboundedSender<StreamEvent>,
) where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (mut reader, mut writer) = tokio::io::split(stream);
    let mut writing = tokio::spawn(async move {
        while let Some(bytes) = writes.recv().await {
            // TLS holds records back until flushed.
            if writer.write_all(&bytes).await.is_err() || writer.flush().await.is_err() {
                return;
            }
        }
        // The driver dropped the connection: close it cleanly (TLS close_notify, then FIN).
        let _ = writer.shutdown().await;
    });
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = vec![0u8; 16 * 1024];
    'read: loop {
        let n = tokio::select! {
            read = reader.read(&mut chunk) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            },
            // Writing ended: a write failed or the driver let go.
            _ = &mut writing => break,
        };
        buf.extend_from_slice(&chunk[..n]);
        loop {
            match message::frame(&buf) {
                Ok(Some(framed)) => {
                    let end = framed.skip + framed.len;
                    let bytes = buf[framed.skip..end].to_vec();
                    buf.drain(..end);
                    if framed.len > 0 {
                        let _ = report.send(StreamEvent::Message {
                            connection: id,
                            transport,
                            from: peer,
                            bytes,
                        });
                    }
                }
                Ok(None) if buf.len() > STREAM_BUFFER_MAX => break 'read,
                Ok(None) => break,
                Err(e) => {
                    tracing::debug!("SIP stream from {peer} broken ({}); closing", e.reason);
                    break 'read;
                }
            }
        }
    }
    writing.abort();
    let _ = report.send(StreamEvent::Closed(id));
}
