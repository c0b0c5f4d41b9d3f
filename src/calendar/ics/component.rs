//! Components: the `BEGIN:`/`END:` tree (VCALENDAR, VEVENT, VTIMEZONE, VALARM, X-...).
//!
//! Any component name is accepted and kept, known or not. Repairs, each with a warning:
//! - an `END:` that closes an outer component also closes the inner ones left open, which
//!   are kept (their properties were all read);
//! - an `END:` that matches nothing open is ignored;
//! - at the end of the input, a component still open is dropped (it may be cut short), except
//!   a VCALENDAR, which keeps the children it completed;
//! - a line outside any component, or one that is not a property, is skipped.
//!
//! Nesting deeper than [`MAX_DEPTH`] is skipped as a whole, so recursion over the tree is
//! bounded however the input nests.

use super::lines::Line;
use super::property::{Property, parse_line};
use super::warning::Warnings;

/// The deepest nesting kept (VCALENDAR > VEVENT > VALARM is 3).
pub const MAX_DEPTH: usize = 8;

/// A component and everything inside it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Component {
    /// Upper case, e.g. `VEVENT`.
    pub name: String,
    pub properties: Vec<Property>,
    pub children: Vec<Component>,
    /// The line of its `BEGIN:`.
    pub line: usize,
}

impl Component {
    /// The first property called `name` (upper case).
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }

    /// Every property called `name` (upper case).
    pub fn properties_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Property> + 'a {
        self.properties.iter().filter(move |p| p.name == name)
    }

    /// The children called `name` (upper case).
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Component> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// Builds the component tree from logical lines, one at a time.
#[derive(Default)]
pub struct TreeBuilder {
    open: Vec<Component>,
    roots: Vec<Component>,
    /// While skipping a too-deep component: how many BEGINs are still unmatched.
    skipping: usize,
    skip_line: usize,
}

impl TreeBuilder {
    /// Takes the next logical line.
    pub fn line(&mut self, line: &Line<'_>, warnings: &mut Warnings) {
        let text = line.text.as_ref();
        let (verb, rest) = match text.split_once(':') {
            Some((verb, rest)) if verb.eq_ignore_ascii_case("BEGIN") => (Verb::Begin, rest),
            Some((verb, rest)) if verb.eq_ignore_ascii_case("END") => (Verb::End, rest),
            _ => (Verb::Property, ""),
        };
        if self.skipping > 0 {
            match verb {
                Verb::Begin => self.skipping += 1,
                Verb::End => self.skipping -= 1,
                Verb::Property => {}
            }
            if self.skipping == 0 {
                warnings.push(
                    self.skip_line,
                    format!("component nested deeper than {MAX_DEPTH} levels skipped"),
                );
            }
            return;
        }
        match verb {
            Verb::Begin => self.begin(rest.trim(), line.number),
            Verb::End => self.end(rest.trim(), line.number, warnings),
            Verb::Property => self.property(text, line.number, warnings),
        }
    }

    fn begin(&mut self, name: &str, number: usize) {
        if self.open.len() >= MAX_DEPTH {
            self.skipping = 1;
            self.skip_line = number;
            return;
        }
        self.open.push(Component {
            name: name.to_ascii_uppercase(),
            line: number,
            ..Component::default()
        });
    }

    fn end(&mut self, name: &str, number: usize, warnings: &mut Warnings) {
        let Some(depth) = self
            .open
            .iter()
            .rposition(|c| c.name.eq_ignore_ascii_case(name))
        else {
            warnings.push(number, format!("END:{name} without BEGIN ignored"));
            return;
        };
        while self.open.len() > depth + 1 {
            let inner = self.open.pop().unwrap_or_default();
            warnings.push(
                inner.line,
                format!(
                    "BEGIN:{} has no END; closed by END:{name} at line {number}",
                    inner.name
                ),
            );
            self.attach(inner);
        }
        if let Some(done) = self.open.pop() {
            self.attach(done);
        }
    }

    fn attach(&mut self, done: Component) {
        match self.open.last_mut() {
            Some(parent) => parent.children.push(done),
            None => self.roots.push(done),
        }
    }

    fn property(&mut self, text: &str, number: usize, warnings: &mut Warnings) {
        let Some(current) = self.open.last_mut() else {
            warnings.push(number, "line outside any component skipped".into());
            return;
        };
        match parse_line(text, number) {
            Ok(property) => current.properties.push(property),
            Err(why) => warnings.push(number, format!("line skipped: {why}")),
        }
    }

    /// Ends the input: closes or drops what is still open and returns the top components.
    pub fn finish(mut self, warnings: &mut Warnings) -> Vec<Component> {
        if self.skipping > 0 {
            warnings.push(self.skip_line, "component nested too deep skipped".into());
        }
        while let Some(open) = self.open.pop() {
            if open.name != "VCALENDAR" {
                warnings.push(
                    open.line,
                    format!("BEGIN:{} never ended; its component is dropped", open.name),
                );
            } else {
                warnings.push(
                    open.line,
                    format!(
                        "BEGIN:{} never ended; the components it completed are kept",
                        open.name
                    ),
                );
                self.attach(open);
            }
        }
        self.roots
    }
}

enum Verb {
    Begin,
    End,
    Property,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::ics::lines::unfold;

    fn tree(text: &str) -> (Vec<Component>, Vec<String>) {
        let mut warnings = Warnings::default();
        let mut builder = TreeBuilder::default();
        let mut lines = Vec::new();
        unfold(text.as_bytes(), &mut warnings, |l| lines.push(l));
        for line in &lines {
            builder.line(line, &mut warnings);
        }
        let roots = builder.finish(&mut warnings);
        let messages = warnings
            .into_vec()
            .into_iter()
            .map(|w| w.to_string())
            .collect();
        (roots, messages)
    }

    #[test]
    fn nested_and_lowercase() {
        let (roots, warnings) = tree(
            "begin:vcalendar\nBEGIN:VEVENT\nUID:1\nBEGIN:VALARM\nACTION:DISPLAY\nEND:VALARM\nEND:VEVENT\nend:vcalendar\n",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(roots[0].name, "VCALENDAR");
        assert_eq!(roots[0].children[0].children[0].name, "VALARM");
    }

    #[test]
    fn a_truncated_file_keeps_the_complete_events() {
        let (roots, warnings) = tree(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nEND:VEVENT\nBEGIN:VEVENT\nUID:2\nSUMMARY:cut",
        );
        assert_eq!(roots[0].children.len(), 1);
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].starts_with("line 5: BEGIN:VEVENT never ended"));
    }

    #[test]
    fn a_missing_end_is_closed_by_the_outer_end() {
        let (roots, warnings) =
            tree("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nEND:VTODO\nEND:VCALENDAR\n");
        assert_eq!(roots[0].children.len(), 1);
        assert_eq!(warnings.len(), 2);
    }

    #[test]
    fn deep_nesting_is_skipped() {
        let text = format!("{}{}", "BEGIN:X\n".repeat(20), "END:X\n".repeat(20));
        let (roots, warnings) = tree(&text);
        assert_eq!(roots.len(), 1);
        assert_eq!(warnings.len(), 1);
    }
}
