//! What each video output shows, decided the way RoomOS decides it. Pure: state in, layout out.
//!
//! The rules, in order:
//! 1. Only connected outputs show anything; the rest are Blank.
//! 2. Every connected output gets a monitor role. `Configuration Video Output Connector[n]
//!    MonitorRole` names it; `Auto` outputs take the roles First, Second, Third in connector
//!    order among the connected Auto outputs (with `Video Monitors` Single, everything is
//!    First; with a `…PresentationOnly` setting, the last Auto output is PresentationOnly).
//! 3. A `Video Matrix Assign`ed output shows what was assigned (`RemoteMain` → Main; a
//!    `SourceId` that is being presented → Presentation, another → `Source n`), whatever its
//!    role.
//! 4. Otherwise, by role, while a presentation is shown (local, or received from the far end):
//!    First shows Main — or, when no connected output has the role Second or PresentationOnly,
//!    Main and Presentation composed; Second and PresentationOnly show Presentation; Third shows
//!    Main; Recorder shows Main and Presentation composed.
//! 5. With no presentation: First and Third show Main, Second shows Selfview, PresentationOnly
//!    is Blank, Recorder shows Main.
//! 6. `Video Selfview Set Mode: On FullscreenMode: On OnMonitorRole: X` puts Selfview full
//!    screen on the output with role X.

use std::collections::BTreeMap;

/// What a person in the room sees on one display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Picture {
    Main,
    Presentation,
    Selfview,
    Source(u32),
}

impl Picture {
    pub fn name(&self) -> String {
        match self {
            Picture::Main => "Main".into(),
            Picture::Presentation => "Presentation".into(),
            Picture::Selfview => "Selfview".into(),
            Picture::Source(n) => format!("Source {n}"),
        }
    }
}

/// A source assigned to an output with `Video Matrix Assign`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assigned {
    Input(u32),
    RemoteMain(u32),
}

/// Monitor roles, as in `Status Video Output Connector[n] MonitorRole`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    First,
    Second,
    Third,
    PresentationOnly,
    Recorder,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::First => "First",
            Role::Second => "Second",
            Role::Third => "Third",
            Role::PresentationOnly => "PresentationOnly",
            Role::Recorder => "Recorder",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [
            Role::First,
            Role::Second,
            Role::Third,
            Role::PresentationOnly,
            Role::Recorder,
        ]
        .into_iter()
        .find(|r| r.name() == text)
    }
}

/// Everything the layout depends on.
#[derive(Clone, Debug, Default)]
pub struct Scene {
    /// Connected outputs, by connector id.
    pub connected: Vec<u32>,
    /// `Configuration Video Output Connector[n] MonitorRole` (`Auto` or a role name).
    pub configured_roles: BTreeMap<u32, String>,
    /// `Configuration Video Monitors`.
    pub monitors: String,
    /// Inputs being presented locally (any sending mode).
    pub presented: Vec<u32>,
    /// A presentation arriving from the far end.
    pub receiving: bool,
    /// `Video Matrix Assign` per output.
    pub matrix: BTreeMap<u32, Vec<Assigned>>,
    /// Selfview full screen on this role, if set.
    pub selfview_on: Option<Role>,
}

/// The result: each connected output's role and pictures (empty = Blank).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub outputs: BTreeMap<u32, (Role, Vec<Picture>)>,
}

/// The roles of the connected outputs (rule 2).
pub fn roles(scene: &Scene) -> BTreeMap<u32, Role> {
    let mut connected = scene.connected.clone();
    connected.sort_unstable();
    let mut out = BTreeMap::new();
    let mut auto = Vec::new();
    for id in &connected {
        match scene.configured_roles.get(id).and_then(|r| Role::parse(r)) {
            Some(role) => {
                out.insert(*id, role);
            }
            None => auto.push(*id),
        }
    }
    let single = scene.monitors == "Single";
    let presentation_only = scene.monitors.ends_with("PresentationOnly");
    let order = [Role::First, Role::Second, Role::Third];
    for (i, id) in auto.iter().enumerate() {
        let role = if single {
            Role::First
        } else if presentation_only && i + 1 == auto.len() && auto.len() > 1 {
            Role::PresentationOnly
        } else {
            order.get(i).copied().unwrap_or(Role::Third)
        };
        out.insert(*id, role);
    }
    out
}

/// What every connected output shows.
pub fn layout(scene: &Scene) -> Layout {
    let roles = roles(scene);
    let presenting = !scene.presented.is_empty() || scene.receiving;
    let has_presentation_output = roles
        .values()
        .any(|r| matches!(r, Role::Second | Role::PresentationOnly));
    let mut outputs = BTreeMap::new();
    for (id, role) in roles {
        let pictures = if let Some(assigned) = scene.matrix.get(&id).filter(|a| !a.is_empty()) {
            assigned
                .iter()
                .map(|a| match a {
                    Assigned::RemoteMain(_) => Picture::Main,
                    Assigned::Input(n) if scene.presented.contains(n) => Picture::Presentation,
                    Assigned::Input(n) => Picture::Source(*n),
                })
                .collect()
        } else if scene.selfview_on == Some(role) {
            vec![Picture::Selfview]
        } else {
            match (role, presenting) {
                (Role::First, true) if !has_presentation_output => {
                    vec![Picture::Main, Picture::Presentation]
                }
                (Role::First | Role::Third, _) => vec![Picture::Main],
                (Role::Second | Role::PresentationOnly, true) => vec![Picture::Presentation],
                (Role::Second, false) => vec![Picture::Selfview],
                (Role::PresentationOnly, false) => vec![],
                (Role::Recorder, true) => vec![Picture::Main, Picture::Presentation],
                (Role::Recorder, false) => vec![Picture::Main],
            }
        };
        outputs.insert(id, (role, pictures));
    }
    Layout { outputs }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(connected: &[u32]) -> Scene {
        Scene {
            connected: connected.to_vec(),
            monitors: "Auto".into(),
            ..Scene::default()
        }
    }

    fn shows(layout: &Layout, id: u32) -> Vec<Picture> {
        layout.outputs[&id].1.clone()
    }

    #[test]
    fn auto_roles_follow_connector_order() {
        let s = scene(&[3, 1]);
        let r = roles(&s);
        assert_eq!(r[&1], Role::First);
        assert_eq!(r[&3], Role::Second);
    }

    #[test]
    fn a_presentation_goes_to_the_second_role() {
        let mut s = scene(&[1, 2]);
        assert_eq!(shows(&layout(&s), 1), vec![Picture::Main]);
        assert_eq!(shows(&layout(&s), 2), vec![Picture::Selfview]);
        s.presented = vec![2];
        assert_eq!(shows(&layout(&s), 1), vec![Picture::Main]);
        assert_eq!(shows(&layout(&s), 2), vec![Picture::Presentation]);
        // Swapping the configured roles swaps the pictures.
        s.configured_roles.insert(1, "Second".into());
        s.configured_roles.insert(2, "First".into());
        assert_eq!(shows(&layout(&s), 1), vec![Picture::Presentation]);
        assert_eq!(shows(&layout(&s), 2), vec![Picture::Main]);
    }

    #[test]
    fn one_display_composes_main_and_presentation() {
        let mut s = scene(&[1]);
        s.receiving = true;
        assert_eq!(
            shows(&layout(&s), 1),
            vec![Picture::Main, Picture::Presentation]
        );
    }

    #[test]
    fn matrix_assignments_win_over_roles() {
        let mut s = scene(&[1, 2]);
        s.presented = vec![3];
        s.matrix.insert(1, vec![Assigned::Input(3)]);
        s.matrix.insert(2, vec![Assigned::RemoteMain(1)]);
        assert_eq!(shows(&layout(&s), 1), vec![Picture::Presentation]);
        assert_eq!(shows(&layout(&s), 2), vec![Picture::Main]);
    }

    #[test]
    fn presentation_only_is_blank_without_a_presentation() {
        let mut s = scene(&[1, 2]);
        s.monitors = "DualPresentationOnly".into();
        assert_eq!(layout(&s).outputs[&2], (Role::PresentationOnly, vec![]));
    }
}
