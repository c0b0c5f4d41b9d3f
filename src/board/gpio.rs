//! GPIO drivers: the connector's pins through embedded-hal's `InputPin` and `OutputPin`.
//!
//! The GPIO service (`services/gpio.rs`) speaks connector levels through [`PinSet`]; this file
//! turns them into line levels for any embedded-hal pin. The pins are open drain, as on a
//! Cisco codec: a pin is pulled to ground (`set_low`) or released (`set_high`) and reads Low if
//! anyone pulls it, roomd or the outside world. `active_low` in the board file puts an
//! inverter between connector and line.
//!
//! Two pin types plug in: [`SimLine`], a wire in memory that `Simulation GPIO Set` pulls on the
//! simulated board, and linux-embedded-hal's `CdevPin` (`/dev/gpiochipN`, requested as an
//! open-drain output) on a Linux board, built from the board file by [`open_cdev`].

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use embedded_hal::digital::{ErrorType, InputPin, OutputPin};

use super::description::BoardDescription;

/// A connector level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    High,
    Low,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::High => "High",
            Level::Low => "Low",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "High" => Some(Level::High),
            "Low" => Some(Level::Low),
            _ => None,
        }
    }

    fn inverted(self, invert: bool) -> Level {
        match (self, invert) {
            (level, false) => level,
            (Level::High, true) => Level::Low,
            (Level::Low, true) => Level::High,
        }
    }
}

/// The connector's pins, numbered 1..=[`PinSet::count`], in connector levels.
pub trait PinSet: Send + Sync {
    fn count(&self) -> u32;
    /// Drives a pin as an output (`Some(Low)` pulls it to ground, `Some(High)` releases it)
    /// or makes it an input (`None`, released).
    fn drive(&self, pin: u32, level: Option<Level>);
    /// The level measured on the pin.
    fn read(&self, pin: u32) -> Level;
}

struct Line<P> {
    pin: P,
    active_low: bool,
}

/// Connector pins over embedded-hal pins.
pub struct HalPins<P> {
    lines: Vec<Mutex<Line<P>>>,
}

impl<P: InputPin + OutputPin> HalPins<P> {
    /// Pins 1..=n, in order, each with whether it is inverted.
    pub fn new(pins: Vec<(P, bool)>) -> HalPins<P> {
        HalPins {
            lines: pins
                .into_iter()
                .map(|(pin, active_low)| Mutex::new(Line { pin, active_low }))
                .collect(),
        }
    }

    fn line(&self, pin: u32) -> Option<std::sync::MutexGuard<'_, Line<P>>> {
        let line = self.lines.get((pin as usize).checked_sub(1)?)?;
        Some(line.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl<P: InputPin + OutputPin + Send> PinSet for HalPins<P> {
    fn count(&self) -> u32 {
        self.lines.len() as u32
    }

    fn drive(&self, pin: u32, level: Option<Level>) {
        let Some(mut line) = self.line(pin) else {
            return;
        };
        let connector = level.unwrap_or(Level::High);
        let result = match connector.inverted(line.active_low) {
            Level::High => line.pin.set_high(),
            Level::Low => line.pin.set_low(),
        };
        if let Err(e) = result {
            tracing::warn!("GPIO pin {pin}: cannot drive {}: {e:?}", connector.name());
        }
    }

    fn read(&self, pin: u32) -> Level {
        let Some(mut line) = self.line(pin) else {
            return Level::High;
        };
        let active_low = line.active_low;
        match line.pin.is_high() {
            Ok(true) => Level::High.inverted(active_low),
            Ok(false) => Level::Low.inverted(active_low),
            Err(e) => {
                // A pin that cannot be read is shown released rather than inventing an edge.
                tracing::warn!("GPIO pin {pin}: cannot read: {e:?}");
                Level::High
            }
        }
    }
}

/// One simulated open-drain wire: Low if roomd or the outside world pulls it.
#[derive(Default)]
struct Wire {
    pulled_by_roomd: bool,
    pulled_outside: bool,
}

/// A simulated line: an embedded-hal pin on a wire in memory.
#[derive(Clone, Default)]
pub struct SimLine {
    wire: Arc<Mutex<Wire>>,
}

impl SimLine {
    fn wire(&self) -> std::sync::MutexGuard<'_, Wire> {
        self.wire.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The outside world pulls the line Low (`true`) or lets it go.
    pub fn pull_outside(&self, pulled: bool) {
        self.wire().pulled_outside = pulled;
    }
}

impl ErrorType for SimLine {
    type Error = Infallible;
}

impl OutputPin for SimLine {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.wire().pulled_by_roomd = true;
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), Infallible> {
        self.wire().pulled_by_roomd = false;
        Ok(())
    }
}

impl InputPin for SimLine {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        let wire = self.wire();
        Ok(!(wire.pulled_by_roomd || wire.pulled_outside))
    }

    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(!self.is_high()?)
    }
}

/// The simulated board's pins, and the outside world's hand on them.
pub struct SimPins {
    pins: HalPins<SimLine>,
    /// The same wires, and whether each is inverted, for [`SimPins::set_external`].
    outside: Vec<(SimLine, bool)>,
}

impl SimPins {
    /// `count` pins, none inverted.
    pub fn new(count: u32) -> SimPins {
        Self::with_polarity(&vec![false; count as usize])
    }

    fn with_polarity(active_low: &[bool]) -> SimPins {
        let outside: Vec<(SimLine, bool)> = active_low
            .iter()
            .map(|inverted| (SimLine::default(), *inverted))
            .collect();
        SimPins {
            pins: HalPins::new(outside.clone()),
            outside,
        }
    }

    /// The pins a board file describes, simulated.
    pub fn for_board(board: &BoardDescription) -> SimPins {
        let polarity: Vec<bool> = board.gpio.iter().map(|p| p.active_low).collect();
        Self::with_polarity(&polarity)
    }

    /// The outside world pulls the connector pin Low, or lets it go High.
    pub fn set_external(&self, pin: u32, level: Level) {
        let Some((line, active_low)) = (pin as usize)
            .checked_sub(1)
            .and_then(|i| self.outside.get(i))
        else {
            return;
        };
        line.pull_outside(level.inverted(*active_low) == Level::Low);
    }
}

impl PinSet for SimPins {
    fn count(&self) -> u32 {
        self.pins.count()
    }

    fn drive(&self, pin: u32, level: Option<Level>) {
        self.pins.drive(pin, level);
    }

    fn read(&self, pin: u32) -> Level {
        self.pins.read(pin)
    }
}

/// The board's pins on Linux GPIO character devices, in pin order, each line requested as
/// an open-drain output that starts released.
pub fn open_cdev(board: &BoardDescription) -> Result<HalPins<linux_embedded_hal::CdevPin>, String> {
    use linux_embedded_hal::gpio_cdev::{Chip, LineRequestFlags};
    let mut pins = board.gpio.clone();
    pins.sort_by_key(|p| p.pin);
    let mut lines = Vec::new();
    for p in pins {
        let what = format!("GPIO pin {} ({} line {})", p.pin, p.chip, p.line);
        let mut chip = Chip::new(&p.chip).map_err(|e| format!("{what}: cannot open: {e}"))?;
        if p.line >= chip.num_lines() {
            return Err(format!(
                "{what}: the chip has only {} lines; board {} is wrong for this hardware",
                chip.num_lines(),
                board.name
            ));
        }
        // Released: the line at the level that leaves the connector High.
        let released = u8::from(!p.active_low);
        let handle = chip
            .get_line(p.line)
            .and_then(|line| {
                line.request(
                    LineRequestFlags::OUTPUT | LineRequestFlags::OPEN_DRAIN,
                    released,
                    "roomd",
                )
            })
            .map_err(|e| format!("{what}: cannot request the line: {e}"))?;
        let pin = linux_embedded_hal::CdevPin::new(handle)
            .map_err(|e| format!("{what}: cannot use the line: {e}"))?;
        lines.push((pin, p.active_low));
    }
    Ok(HalPins::new(lines))
}

/// The pins of a board, and on the simulated board the hand that pulls them from outside.
/// A Linux board whose lines cannot be opened (`--board codec-pro` on a PC, a missing driver)
/// keeps its pins in memory and says why in the log, so the rest of the device still runs.
pub fn for_board(board: &BoardDescription) -> (Arc<dyn PinSet>, Option<Arc<SimPins>>) {
    if board.simulated {
        let sim = Arc::new(SimPins::for_board(board));
        return (sim.clone(), Some(sim));
    }
    if board.gpio.is_empty() {
        return (Arc::new(SimPins::new(0)), None);
    }
    match open_cdev(board) {
        Ok(pins) => (Arc::new(pins), None),
        Err(e) => {
            tracing::error!("{e}; GPIO pins of board {} are held in memory", board.name);
            (Arc::new(SimPins::for_board(board)), None)
        }
    }
}

#[cfg(test)]
mod tests {
    use embedded_hal_mock::eh1::digital::{Mock, State, Transaction};

    use super::*;

    #[test]
    fn a_pin_is_driven_and_read_through_the_embedded_hal_traits() {
        let expectations = [
            Transaction::set(State::Low),
            Transaction::get(State::Low),
            Transaction::set(State::High),
            Transaction::get(State::High),
            // Released, but something outside holds the line down.
            Transaction::set(State::High),
            Transaction::get(State::Low),
        ];
        let mock = Mock::new(&expectations);
        let pins = HalPins::new(vec![(mock.clone(), false)]);
        pins.drive(1, Some(Level::Low));
        assert_eq!(pins.read(1), Level::Low);
        pins.drive(1, Some(Level::High));
        assert_eq!(pins.read(1), Level::High);
        pins.drive(1, None);
        assert_eq!(pins.read(1), Level::Low);
        mock.clone().done();
    }

    #[test]
    fn an_active_low_line_is_inverted_both_ways() {
        let expectations = [
            Transaction::set(State::High),
            Transaction::get(State::High),
            Transaction::set(State::Low),
            Transaction::get(State::Low),
        ];
        let mock = Mock::new(&expectations);
        let pins = HalPins::new(vec![(mock.clone(), true)]);
        pins.drive(1, Some(Level::Low));
        assert_eq!(pins.read(1), Level::Low);
        pins.drive(1, None);
        assert_eq!(pins.read(1), Level::High);
        mock.clone().done();
    }

    #[test]
    fn pins_outside_the_set_are_ignored() {
        let pins = SimPins::new(2);
        pins.drive(0, Some(Level::Low));
        pins.drive(3, Some(Level::Low));
        assert_eq!(pins.read(3), Level::High);
        assert_eq!(pins.count(), 2);
    }

    #[test]
    fn a_simulated_wire_is_low_if_either_side_pulls_it() {
        let pins = SimPins::new(1);
        assert_eq!(pins.read(1), Level::High);
        pins.set_external(1, Level::Low);
        assert_eq!(pins.read(1), Level::Low);
        pins.set_external(1, Level::High);
        pins.drive(1, Some(Level::Low));
        assert_eq!(pins.read(1), Level::Low);
        pins.drive(1, Some(Level::High));
        pins.set_external(1, Level::Low);
        assert_eq!(pins.read(1), Level::Low, "an output left High reads Low");
    }

    #[test]
    fn opening_a_missing_chip_names_the_pin_and_the_chip() {
        let mut board = BoardDescription::builtin("qemu-virt-aarch64").unwrap();
        board.gpio[0].chip = "/dev/gpiochip-roomd-test-none".into();
        let err = open_cdev(&board).err().expect("no such chip");
        assert!(
            err.contains("GPIO pin 1") && err.contains("gpiochip-roomd-test-none"),
            "{err}"
        );
    }
}
