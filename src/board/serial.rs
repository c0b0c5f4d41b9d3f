//! Serial ports through embedded-io's `Read` and `Write`.
//!
//! The board file lists its ports (`[[serial]]`: device path and starting baud rate). A
//! control system on the control port speaks the text API; that protocol lives elsewhere and
//! only sees a [`SerialPort`], whatever is behind it. linux-embedded-hal's `Serial` implements
//! the nb-style embedded-hal-nb traits only, so this adapter gives its tty (and anything else
//! with `std::io` reads and writes: a pseudo-terminal in tests, an in-memory buffer) the
//! blocking embedded-io traits instead. Framing is RoomOS's: 8 data bits, no parity, one stop
//! bit, no flow control.

use std::time::Duration;

use super::description::SerialPortDescription;

/// How long a read waits for the first byte before it reports `TimedOut`.
pub const READ_TIMEOUT: Duration = Duration::from_millis(100);

/// A serial port, named as in the board file.
pub struct SerialPort<T> {
    name: String,
    io: T,
}

impl<T> SerialPort<T> {
    pub fn new(name: impl Into<String>, io: T) -> SerialPort<T> {
        SerialPort {
            name: name.into(),
            io,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn into_inner(self) -> T {
        self.io
    }
}

impl<T> embedded_io::ErrorType for SerialPort<T> {
    type Error = std::io::Error;
}

impl<T: std::io::Read> embedded_io::Read for SerialPort<T> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, std::io::Error> {
        self.io.read(buf)
    }
}

impl<T: std::io::Write> embedded_io::Write for SerialPort<T> {
    fn write(&mut self, buf: &[u8]) -> Result<usize, std::io::Error> {
        self.io.write(buf)
    }

    fn flush(&mut self) -> Result<(), std::io::Error> {
        self.io.flush()
    }
}

/// The tty behind a Linux serial port.
pub type Tty = linux_embedded_hal::serialport::TTYPort;

/// Opens a port of the board at its baud rate, 8N1 without flow control.
pub fn open(port: &SerialPortDescription) -> Result<SerialPort<Tty>, String> {
    use linux_embedded_hal::serialport::{self, DataBits, FlowControl, Parity, StopBits};
    let builder = serialport::new(port.device.as_str(), port.baud)
        .data_bits(DataBits::Eight)
        .parity(Parity::None)
        .stop_bits(StopBits::One)
        .flow_control(FlowControl::None)
        .timeout(READ_TIMEOUT);
    let serial = linux_embedded_hal::Serial::open_from_builder(builder).map_err(|e| {
        format!(
            "serial port {} ({} at {} baud): {e}",
            port.name, port.device, port.baud
        )
    })?;
    Ok(SerialPort::new(port.name.clone(), serial.0))
}

#[cfg(test)]
mod tests {
    use embedded_io::Write as _;
    use linux_embedded_hal::serialport::{SerialPort as _, TTYPort};

    use super::*;

    fn read_exactly(port: &mut impl embedded_io::Read, n: usize) -> Vec<u8> {
        let mut buf = vec![0u8; n];
        port.read_exact(&mut buf).expect("read");
        buf
    }

    #[test]
    fn an_in_memory_port_reads_and_writes_through_embedded_io() {
        let mut port = SerialPort::new("control", std::io::Cursor::new(b"xStatus\r\n".to_vec()));
        assert_eq!(read_exactly(&mut port, 9), b"xStatus\r\n");
        port.write_all(b"*s Audio Volume: 50\r\n").unwrap();
        assert!(port.into_inner().into_inner().ends_with(b"Volume: 50\r\n"));
    }

    #[test]
    fn a_port_opened_from_the_board_file_talks_to_the_other_end_of_a_pty() {
        let (mut control_system, device_side) = TTYPort::pair().expect("pty pair");
        let path = device_side.name().expect("pty path");
        let description = SerialPortDescription {
            name: "control".into(),
            device: path.clone(),
            baud: 115200,
        };
        let mut port = open(&description).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(port.name(), "control");
        port.write_all(b"OK\r\n").unwrap();
        port.flush().unwrap();
        let mut heard = [0u8; 4];
        std::io::Read::read_exact(&mut control_system, &mut heard).unwrap();
        assert_eq!(&heard, b"OK\r\n");
        std::io::Write::write_all(&mut control_system, b"xCommand Standby Activate\r").unwrap();
        assert_eq!(read_exactly(&mut port, 26), b"xCommand Standby Activate\r");
        drop(device_side);
    }

    #[test]
    fn a_missing_device_is_named_in_the_error() {
        let description = SerialPortDescription {
            name: "control".into(),
            device: "/dev/ttyROOMD-none".into(),
            baud: 9600,
        };
        let err = open(&description).err().expect("no such device");
        assert!(
            err.contains("/dev/ttyROOMD-none") && err.contains("9600"),
            "{err}"
        );
    }
}
