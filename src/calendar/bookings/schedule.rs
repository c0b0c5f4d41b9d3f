//! The booking clock: `StartTimeBuffer` (the Join button), `Start`, `TimeRemaining` and `End`
//! events, `Status Bookings Current`/`Availability`, and auto-join, all on the injected
//! clock so that `Simulation Clock Advance` drives them in tests.

use std::sync::Arc;

use serde_json::json;

use super::{
    Bookings, FUTURE_WINDOW_MS, Occurrence, PAST_WINDOW_MS, START_TIME_BUFFER_S, lock_state,
    super_log,
};
use crate::clock::{Millis, iso8601};
use crate::xapi::{Caller, parse_text};

/// The countdown to the end starts this many minutes before it.
const TIME_REMAINING_MINUTES: Millis = 5;

impl Bookings {
    fn auto_join(&self) -> Option<Millis> {
        let on = self
            .bus
            .config("Bookings AutoJoin Mode")
            .is_some_and(|v| v.to_string() == "On");
        on.then(|| {
            self.bus
                .config("Bookings AutoJoin Lead")
                .and_then(|v| v.as_int())
                .unwrap_or(60)
                * 1000
        })
    }

    /// Fires what is due, updates the status, and returns when to look again.
    async fn tick(&self) -> Millis {
        let now = self.now();
        let lead = self.auto_join();
        let (occurrences, mut due, dials) = {
            let mut state = lock_state(&self.state);
            let occurrences = state.occurrences(now - PAST_WINDOW_MS, now + FUTURE_WINDOW_MS);
            let mut due: Vec<(Millis, &'static str, Occurrence)> = Vec::new();
            let mut dials = Vec::new();
            for o in &occurrences {
                let key = |kind: &str| format!("{kind}|{}|{}", o.uid, o.start);
                if now < o.end {
                    let buffer = o.start - START_TIME_BUFFER_S * 1000;
                    for (at, kind) in [(buffer, "StartTimeBuffer"), (o.start, "Start")] {
                        if at <= now && state.fired.insert(key(kind)) {
                            due.push((at, kind, o.clone()));
                        }
                    }
                    // Of the countdown moments passed since the last look, only the latest
                    // is worth telling: a clock that jumped does not need five at once.
                    let passed = time_remaining_moments(o)
                        .filter(|&at| at <= now && state.fired.insert(key(&format!("T{at}"))))
                        .last();
                    if let Some(at) = passed {
                        due.push((at, "TimeRemaining", o.clone()));
                    }
                } else if state.fired.contains(&key("Start")) && state.fired.insert(key("End")) {
                    due.push((o.end, "End", o.clone()));
                }
                if let Some(lead) = lead
                    && o.start - lead <= now
                    && now < o.end
                    && !o.dial.is_empty()
                {
                    let dial_key = format!("{}@{}", o.uid, o.start);
                    if state.stored.dialed.insert(dial_key) {
                        dials.push(o.clone());
                    }
                }
            }
            if !dials.is_empty()
                && let Err(e) = self.save(&state)
            {
                tracing::error!("bookings: could not record the auto-join: {e}");
            }
            (occurrences, due, dials)
        };
        due.sort_by_key(|(at, _, _)| *at);
        for (_, kind, o) in &due {
            let mut fields = json!({"Id": o.id, "MeetingId": o.uid});
            if *kind == "TimeRemaining" {
                fields["Seconds"] = json!((o.end - now).max(0) / 1000);
            }
            if *kind == "End" {
                fields["StartTime"] = json!(iso8601(o.start));
                fields["EndTime"] = json!(iso8601(o.end));
                fields["ScheduledDuration"] = json!((o.end - o.start) / 60_000);
            }
            super_log(self.bus.emit(&format!("Bookings {kind}"), fields));
        }
        self.update_status(now, &occurrences);
        for o in dials {
            self.dial(&o).await;
        }
        // The next moment anything happens.
        let mut next = now + PAST_WINDOW_MS;
        for o in &occurrences {
            let mut moments = vec![o.start - START_TIME_BUFFER_S * 1000, o.start, o.end];
            if let Some(lead) = lead {
                moments.push(o.start - lead);
            }
            moments.extend(time_remaining_moments(o));
            for m in moments {
                if m > now {
                    next = next.min(m);
                }
            }
        }
        next
    }

    pub(super) fn update_status(&self, now: Millis, occurrences: &[Occurrence]) {
        let current = occurrences.iter().find(|o| o.start <= now && now < o.end);
        let (availability, stamp) = match current {
            Some(c) => {
                // Back-to-back meetings keep the room booked.
                let mut until = c.end;
                for o in occurrences {
                    if o.start <= until && o.end > until {
                        until = o.end;
                    }
                }
                ("BookedUntil", iso8601(until))
            }
            None => match occurrences.iter().find(|o| o.start > now) {
                Some(n) => ("FreeUntil", iso8601(n.start)),
                None => ("Free", String::new()),
            },
        };
        let id = current.map(|c| c.id.clone()).unwrap_or_default();
        super_log(self.status.update(|b| {
            b.set("Bookings Current Id", id)?;
            b.set("Bookings Availability Status", availability)?;
            b.set("Bookings Availability TimeStamp", stamp)
        }));
    }

    async fn dial(&self, o: &Occurrence) {
        let number = o.dial[0].number.clone();
        tracing::info!(
            "bookings: auto-joining {} ({}) by dialing {number}",
            o.id,
            o.uid
        );
        super_log(self.status.update(|b| {
            b.set("Bookings AutoJoin LastDial Number", number.as_str())?;
            b.set("Bookings AutoJoin LastDial BookingId", o.uid.as_str())?;
            b.set("Bookings AutoJoin LastDial Time", iso8601(self.now()))
        }));
        let title = o.event.summary.clone().unwrap_or_default();
        let params = json!({
            "Number": number,
            "BookingId": o.uid,
            "TrackingData": o.id,
            "DisplayName": title.chars().take(255).collect::<String>(),
        });
        if let Err(e) = self.bus.command_as_system("Dial", params).await {
            tracing::warn!("bookings: auto-join Dial {number} failed: {e}");
        }
    }

    pub(super) async fn run(self: Arc<Self>) {
        let (_handle, mut config) = {
            let (handle, rx) = self.bus.subscriber(Caller::system(), "bookings timer");
            match parse_text("Configuration Bookings AutoJoin") {
                Ok(segs) => {
                    if let Err(e) = handle.subscribe(&segs) {
                        tracing::error!("bookings cannot follow its configuration: {e}");
                    }
                }
                Err(e) => tracing::error!("bookings: {e}"),
            }
            (handle, rx)
        };
        let clock = self.bus.clock().clone();
        loop {
            let next = self.tick().await;
            tokio::select! {
                _ = clock.sleep_until(next) => {}
                _ = self.changed.notified() => {}
                Some(_) = config.recv() => {}
            }
        }
    }
}

/// When `Bookings TimeRemaining` fires: 5, 4, 3, 2 and 1 minutes before the end, as the
/// RoomOS cloud sends it, for the moments after the start.
fn time_remaining_moments(o: &Occurrence) -> impl Iterator<Item = Millis> + '_ {
    (1..=TIME_REMAINING_MINUTES)
        .rev()
        .map(move |minutes| o.end - minutes * 60_000)
        .filter(move |&at| at > o.start)
}
