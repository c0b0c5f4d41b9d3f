//! The text API on the board's serial control port, as on a Codec Pro's RS-232 port.
//!
//! `Configuration SerialPort Mode` opens and closes the port, `BaudRate` sets its speed and
//! `LoginRequired` asks for a user name and password first (when Off, the port acts as the
//! admin, as RoomOS does: whoever holds the cable holds the device). Any change restarts the
//! port with the new settings.
//!
//! Serial ports and pseudo-terminals are blocking file descriptors, so two threads move the
//! bytes (one reading, one writing) and an in-memory duplex stream hands them to the async
//! session. On the simulated board the "cable" is a pseudo-terminal: roomd prints
//! `listening serial /dev/pts/N`, and a test or `screen /dev/pts/N` is the control system.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;

use super::session::{self, Peer};
use crate::board::SerialPortDescription;
use crate::users::Users;
use crate::xapi::{Bus, Caller, parse_text};

/// Bytes in flight between the port threads and the session.
const BUFFER: usize = 16 * 1024;
/// How often the reader thread looks up from a quiet line to see whether it should stop.
const POLL_MS: i32 = 200;

/// Where the control port's bytes come from.
pub enum Cable {
    /// A real port of the board (`[[serial]] name = "control"`).
    Port(SerialPortDescription),
    /// The simulated board's pseudo-terminal: the master side, kept with its slave open.
    Pty { master: OwnedFd, _slave: OwnedFd },
}

/// Opens a pseudo-terminal in raw mode; the master side and the slave's path.
pub fn open_pty() -> Result<(Cable, String), String> {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two new descriptors into the integers it is given.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    if rc != 0 {
        return Err(format!(
            "cannot open a pseudo-terminal: {}",
            std::io::Error::last_os_error()
        ));
    }
    // SAFETY: both descriptors were just opened by openpty and are owned from here on.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    // Raw: no echo, no line editing, no CR/LF translation, as a serial line.
    // SAFETY: termios is plain data, filled by tcgetattr before use.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(slave.as_raw_fd(), &mut t) == 0 {
            libc::cfmakeraw(&mut t);
            libc::tcsetattr(slave.as_raw_fd(), libc::TCSANOW, &t);
        }
    }
    let path = std::fs::read_link(format!("/proc/self/fd/{}", slave.as_raw_fd()))
        .map_err(|e| format!("cannot name the pseudo-terminal: {e}"))?;
    Ok((
        Cable::Pty {
            master,
            _slave: slave,
        },
        path.display().to_string(),
    ))
}

/// Serves the control port for as long as roomd runs, following its configuration.
pub async fn serve(cable: Cable, bus: Arc<Bus>, users: Arc<Users>) {
    let (handle, mut changes) = bus.subscriber(Caller::system(), "serial port".to_string());
    match parse_text("Configuration SerialPort") {
        Ok(segs) => {
            if let Err(e) = handle.subscribe(&segs) {
                tracing::error!("serial port cannot follow its configuration: {e}");
            }
        }
        Err(e) => tracing::error!("serial port: {e}"),
    }
    let cable = Arc::new(cable);
    loop {
        let text = |name: &str| {
            bus.config(&format!("SerialPort {name}"))
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        let session = (text("Mode") != "Off").then(|| {
            let baud = text("BaudRate").parse().unwrap_or(115_200);
            let login = text("LoginRequired") != "Off";
            tokio::spawn(run_once(
                cable.clone(),
                baud,
                login,
                bus.clone(),
                users.clone(),
            ))
        });
        // Wait for a change of the port's configuration, then start again with it.
        let changed = changes.recv().await;
        if let Some(s) = session {
            s.abort();
        }
        if changed.is_none() {
            return;
        }
    }
}

/// One run of the port with one setting: sessions one after the other (a `bye` or a failed
/// login starts a fresh one), until the task is stopped.
async fn run_once(cable: Arc<Cable>, baud: u32, login: bool, bus: Arc<Bus>, users: Arc<Users>) {
    // Without a login the port acts as the admin account.
    let admin = users.get("admin").map(|a| Caller {
        name: "serial".into(),
        roles: a.role_set(),
    });
    loop {
        let (reader, writer) = match open(&cable, baud) {
            Ok(pair) => pair,
            Err(e) => {
                tracing::error!("serial port: {e}");
                return;
            }
        };
        let (ours, theirs) = tokio::io::duplex(BUFFER);
        // Stops the port's threads when this session ends or the task is aborted.
        let _stop = bridge(reader, writer, ours);
        let peer = Peer {
            label: "serial".into(),
            login: login || admin.is_none(),
            as_user: admin.clone(),
        };
        session::run(theirs, bus.clone(), users.clone(), peer).await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// A readable end of the cable that can be polled.
trait Line: Read + AsRawFd + Send {}
impl<T: Read + AsRawFd + Send> Line for T {}

/// The cable's two ends: reading and writing.
type Ends = (Box<dyn Line>, Box<dyn Write + Send>);

/// Separate read and write handles on the cable.
fn open(cable: &Cable, baud: u32) -> Result<Ends, String> {
    match cable {
        Cable::Pty { master, .. } => {
            let reader = master.try_clone().map_err(|e| e.to_string())?;
            let writer = master.try_clone().map_err(|e| e.to_string())?;
            Ok((
                Box::new(std::fs::File::from(reader)),
                Box::new(std::fs::File::from(writer)),
            ))
        }
        Cable::Port(description) => {
            let mut at_speed = description.clone();
            at_speed.baud = baud;
            let port = crate::board::serial::open(&at_speed)?.into_inner();
            let reader = port.try_clone_native().map_err(|e| e.to_string())?;
            Ok((Box::new(reader), Box::new(port)))
        }
    }
}

/// Sets its flag when dropped: the port's reader thread then stops within a poll period.
struct Stop(Arc<AtomicBool>);

impl Drop for Stop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Whether `fd` has bytes to read within `POLL_MS`.
fn readable(fd: i32) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd for the duration of the call.
    unsafe { libc::poll(&mut pfd, 1, POLL_MS) > 0 }
}

/// Moves bytes between the blocking port handles and the async duplex stream; the bridge
/// lasts until the returned [`Stop`] is dropped or the session side closes.
fn bridge(
    mut reader: Box<dyn Line>,
    mut writer: Box<dyn Write + Send>,
    duplex: DuplexStream,
) -> Stop {
    let stop = Arc::new(AtomicBool::new(false));
    let (mut from_session, mut to_session) = tokio::io::split(duplex);
    let (in_tx, mut in_rx) = mpsc::channel::<Vec<u8>>(64);
    let (out_tx, out_rx) = std::sync::mpsc::channel::<Vec<u8>>();
    let stopped = stop.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        loop {
            // Poll first, so a stopped session's thread never eats the next one's bytes.
            if stopped.load(Ordering::Relaxed) || in_tx.is_closed() {
                return;
            }
            if !readable(reader.as_raw_fd()) || stopped.load(Ordering::Relaxed) {
                continue;
            }
            match reader.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => {
                    if in_tx.blocking_send(buf[..n].to_vec()).is_err() {
                        return;
                    }
                }
                // A serial port's read times out when the line is quiet: keep reading.
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => return,
            }
        }
    });
    std::thread::spawn(move || {
        for chunk in out_rx {
            if writer
                .write_all(&chunk)
                .and_then(|()| writer.flush())
                .is_err()
            {
                return;
            }
        }
    });
    tokio::spawn(async move {
        while let Some(chunk) = in_rx.recv().await {
            if to_session.write_all(&chunk).await.is_err() {
                return;
            }
        }
    });
    tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        loop {
            match from_session.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if out_tx.send(buf[..n].to_vec()).is_err() {
                        return;
                    }
                }
            }
        }
    });
    Stop(stop)
}
