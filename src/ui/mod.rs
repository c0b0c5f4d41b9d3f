//! The device's own user interface, as the xAPI sees it.
//!
//! [`extensions`] is the `UserInterface Extensions` service: the custom panels that macros and
//! integrators upload (buttons, sliders, toggles on the touch controller and the OSD), the
//! actions users take on them, and the values macros show on them. [`panel_xml`] reads,
//! checks and writes the Extensions XML those panels are described in.

pub mod extensions;
pub mod panel_xml;
