//! Bookings (One Button To Push) on the simulated clock: invites in through `Bookings Import`,
//! the Join window, auto-join, CANCEL and SEQUENCE ordering, and what survives a restart.

mod common;

use common::{device, device_in, p, run, settle, status};
use roomd::xapi::{Caller, Typing, XapiError};
use serde_json::{Map, Value as Json, json};

const T0: i64 = 1_795_600_000_000;
const START: i64 = T0 + 3_600_000;
const END: i64 = START + 1_800_000;
const UID: &str = "040000008200E00074C5B7101A82E0080000000012345678@example.com";

async fn import(bus: &roomd::xapi::Bus, body: &str) -> Result<Json, XapiError> {
    bus.command(
        &Caller::system(),
        &p("Bookings Import"),
        &Map::new(),
        Some(body.to_string()),
    )
    .await
}

/// Moves the simulated clock to `at` (ms since the epoch).
async fn advance_to(bus: &roomd::xapi::Bus, at: i64) {
    let now = bus.clock().now();
    assert!(at >= now, "the clock only moves forward");
    run(
        bus,
        "Simulation Clock Advance",
        json!({"Seconds": (at - now) / 1000}),
    )
    .await
    .unwrap();
    settle().await;
}

fn ical_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

fn zoom_invite(method: &str, sequence: u32, stamp: i64) -> String {
    let status = if method == "CANCEL" {
        "STATUS:CANCELLED\r\n"
    } else {
        ""
    };
    format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//Test//Bookings//EN\r\nVERSION:2.0\r\nMETHOD:{method}\r\n\
         BEGIN:VEVENT\r\nUID:{UID}\r\nSEQUENCE:{sequence}\r\nDTSTAMP:{}\r\n\
         DTSTART:{}\r\nDTEND:{}\r\nSUMMARY:Quarterly review\r\n{status}\
         ORGANIZER;CN=Ada Lovelace:mailto:ada@example.com\r\n\
         ATTENDEE;CUTYPE=ROOM;CN=Room 1:mailto:room1@example.com\r\n\
         LOCATION:https://us06web.zoom.us/j/81234567890?pwd=UjRzWFpQT0hMbE9FQ2t3dz09\r\n\
         DESCRIPTION:Join Zoom Meeting\\nhttps://us06web.zoom.us/j/81234567890?pwd=UjRzWFp\r\n \
         QT0hMbE9FQ2t3dz09\\n\\nMeeting ID: 812 3456 7890\\nPasscode: 735125\\n\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n",
        ical_time(stamp),
        ical_time(START),
        ical_time(END),
    )
}

/// The names of the `Bookings` events heard so far, with their fields.
fn drain(rx: &mut tokio::sync::mpsc::Receiver<roomd::xapi::Notification>) -> Vec<(String, Json)> {
    let mut out = Vec::new();
    while let Ok(n) = rx.try_recv() {
        let shown = n.render(Typing::Typed);
        if let Some(events) = shown["Event"]["Bookings"].as_object() {
            for (name, fields) in events {
                out.push((name.clone(), fields.clone()));
            }
        }
    }
    out
}

fn names(events: &[(String, Json)]) -> Vec<&str> {
    events.iter().map(|(n, _)| n.as_str()).collect()
}

fn dial_number() -> &'static str {
    "81234567890.735125@zoomcrc.com"
}

#[tokio::test]
async fn a_zoom_invite_becomes_a_booking_with_join_window_and_auto_join() {
    let (device, dir) = device();
    let bus = &device.bus;
    let (handle, mut rx) = bus.subscriber(Caller::system(), "test");
    handle.subscribe(&p("Event Bookings")).unwrap();

    // The roomd extensions are in the schema with their defaults.
    for (path, want) in [("Mode", "Off"), ("Lead", "60")] {
        let got = bus
            .get(
                &Caller::system(),
                &p(&format!("Configuration Bookings AutoJoin {path}")),
                Typing::Legacy,
            )
            .unwrap();
        assert_eq!(got, want, "Configuration Bookings AutoJoin {path}");
    }

    let result = import(bus, &zoom_invite("REQUEST", 0, T0)).await.unwrap();
    assert_eq!(result["Added"], json!(1), "{result}");
    assert_eq!(result["Updated"], json!(0));
    settle().await;
    assert_eq!(names(&drain(&mut rx)), ["Updated"]);

    let list = run(bus, "Bookings List", json!({})).await.unwrap();
    let booking = &list["Booking"][0];
    assert_eq!(booking["MeetingId"], UID);
    assert_eq!(booking["Title"], "Quarterly review");
    assert_eq!(booking["MeetingPlatform"], "Zoom");
    assert_eq!(
        booking["DialInfo"]["Calls"]["Call"][0]["Number"],
        dial_number()
    );
    assert_eq!(booking["DialInfo"]["Calls"]["Call"][0]["Protocol"], "SIP");
    assert_eq!(
        booking["Time"]["StartTime"],
        roomd::clock::iso8601(START).as_str()
    );
    assert_eq!(
        booking["Time"]["EndTime"],
        roomd::clock::iso8601(END).as_str()
    );
    assert_eq!(booking["Time"]["StartTimeBuffer"], json!(300));
    assert_eq!(booking["Organizer"]["FirstName"], "Ada");
    assert_eq!(booking["Organizer"]["LastName"], "Lovelace");
    assert_eq!(booking["Organizer"]["Email"], "ada@example.com");
    assert_eq!(list["ResultInfo"]["TotalRows"], json!(1));
    let id = booking["Id"].as_str().unwrap().to_string();
    let got = run(bus, "Bookings Get", json!({"Id": id})).await.unwrap();
    assert_eq!(got["Booking"]["MeetingId"], UID);
    assert!(
        run(bus, "Bookings Get", json!({"Id": "999"}))
            .await
            .is_err()
    );
    assert_eq!(
        status(bus, "Bookings Availability Status"),
        json!("FreeUntil")
    );
    assert_eq!(status(bus, "Bookings Current Id"), json!(""));

    // The Join window opens 300 s before the start, not earlier.
    advance_to(bus, START - 301_000).await;
    assert!(drain(&mut rx).is_empty());
    advance_to(bus, START - 299_000).await;
    let heard = drain(&mut rx);
    assert_eq!(names(&heard), ["StartTimeBuffer"]);
    assert_eq!(heard[0].1["Id"], id.as_str());
    assert_eq!(heard[0].1["MeetingId"], UID);

    // Auto-join, 60 s ahead by default: recorded once. (This device is assembled in-process
    // without SIP sockets, so the Dial itself fails; tests/bookings_join.rs dials for real.)
    bus.set_config(
        &Caller::system(),
        &p("Configuration Bookings AutoJoin Mode"),
        &json!("On"),
    )
    .unwrap();
    settle().await;
    assert_eq!(status(bus, "Bookings AutoJoin LastDial Number"), Json::Null);
    advance_to(bus, START - 59_000).await;
    assert_eq!(
        status(bus, "Bookings AutoJoin LastDial Number"),
        json!(dial_number())
    );
    assert_eq!(
        status(bus, "Bookings AutoJoin LastDial BookingId"),
        json!(UID)
    );
    let first_time = status(bus, "Bookings AutoJoin LastDial Time");
    assert_eq!(first_time, json!(roomd::clock::iso8601(START - 59_000)));
    advance_to(bus, START + 10_000).await;
    assert_eq!(
        status(bus, "Bookings AutoJoin LastDial Time"),
        first_time,
        "not dialed twice"
    );
    assert_eq!(names(&drain(&mut rx)), ["Start"]);
    assert_eq!(status(bus, "Bookings Current Id"), json!(id));
    assert_eq!(
        status(bus, "Bookings Availability Status"),
        json!("BookedUntil")
    );
    assert_eq!(
        status(bus, "Bookings Availability TimeStamp"),
        json!(roomd::clock::iso8601(END))
    );

    // A restart on the same data dir keeps the booking and does not dial again.
    drop(handle);
    drop(device);
    let device = device_in(dir.path());
    let bus = &device.bus;
    settle().await;
    let list = run(bus, "Bookings List", json!({})).await.unwrap();
    assert_eq!(list["Booking"][0]["MeetingId"], UID);
    assert_eq!(list["Booking"][0]["Id"], id.as_str());
    bus.set_config(
        &Caller::system(),
        &p("Configuration Bookings AutoJoin Mode"),
        &json!("On"),
    )
    .unwrap();
    advance_to(bus, START - 30_000).await;
    assert_eq!(status(bus, "Bookings AutoJoin LastDial Number"), Json::Null);
}

#[tokio::test]
async fn cancel_and_sequence_ordering() {
    let (device, _dir) = device();
    let bus = &device.bus;
    let (handle, mut rx) = bus.subscriber(Caller::system(), "test");
    handle.subscribe(&p("Event Bookings")).unwrap();

    import(bus, &zoom_invite("REQUEST", 2, T0)).await.unwrap();
    let updated = import(bus, &zoom_invite("REQUEST", 3, T0 + 1000))
        .await
        .unwrap();
    assert_eq!(updated["Updated"], json!(1), "{updated}");

    // An older SEQUENCE is skipped, with its reason.
    let stale = import(bus, &zoom_invite("REQUEST", 1, T0 + 5000))
        .await
        .unwrap();
    assert_eq!(stale["Added"], json!(0));
    assert_eq!(stale["Updated"], json!(0));
    assert_eq!(stale["Skipped"][0]["Uid"], UID);
    let reason = stale["Skipped"][0]["Reason"].as_str().unwrap();
    assert!(reason.contains("SEQUENCE 1"), "{reason}");
    settle().await;
    assert_eq!(names(&drain(&mut rx)), ["Updated", "Updated"]);

    // Not iCalendar: a clear error, nothing changed, no Updated.
    let err = import(bus, "hello, this is not a calendar")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no iCalendar event"), "{err}");
    let list = run(bus, "Bookings List", json!({})).await.unwrap();
    assert_eq!(list["ResultInfo"]["TotalRows"], json!(1));

    // CANCEL removes it and says so.
    let cancelled = import(bus, &zoom_invite("CANCEL", 3, T0 + 2000))
        .await
        .unwrap();
    assert_eq!(cancelled["Cancelled"], json!(1), "{cancelled}");
    settle().await;
    assert_eq!(names(&drain(&mut rx)), ["Updated"]);
    let list = run(bus, "Bookings List", json!({})).await.unwrap();
    assert_eq!(list["ResultInfo"]["TotalRows"], json!(0));
    assert!(list.get("Booking").is_none());
    assert_eq!(status(bus, "Bookings Availability Status"), json!("Free"));

    // Nothing fires for it any more.
    bus.set_config(
        &Caller::system(),
        &p("Configuration Bookings AutoJoin Mode"),
        &json!("On"),
    )
    .unwrap();
    advance_to(bus, START + 1000).await;
    assert!(drain(&mut rx).is_empty());
    assert_eq!(status(bus, "Bookings AutoJoin LastDial Number"), Json::Null);
}

#[tokio::test]
async fn recurring_bookings_list_their_next_occurrences_and_clear() {
    let (device, _dir) = device();
    let bus = &device.bus;
    let weekly = zoom_invite("REQUEST", 0, T0).replace(
        "SUMMARY:Quarterly review\r\n",
        "SUMMARY:Weekly sync\r\nRRULE:FREQ=DAILY;COUNT=10\r\n",
    );
    import(bus, &weekly).await.unwrap();
    let list = run(bus, "Bookings List", json!({"Days": 3})).await.unwrap();
    let rows = list["ResultInfo"]["TotalRows"].as_i64().unwrap();
    assert!((3..=4).contains(&rows), "{list}");
    let page = run(bus, "Bookings List", json!({"Limit": 2, "Offset": 1}))
        .await
        .unwrap();
    let booked = page["Booking"].as_array().unwrap();
    assert_eq!(booked.len(), 2);
    assert_eq!(
        booked[0]["Time"]["StartTime"],
        roomd::clock::iso8601(START + 86_400_000).as_str()
    );
    assert_ne!(booked[0]["Id"], booked[1]["Id"]);
    let id = booked[1]["Id"].as_str().unwrap();
    let got = run(bus, "Bookings Get", json!({"Id": id})).await.unwrap();
    assert_eq!(got["Booking"]["Id"], id);

    run(bus, "Bookings Clear", json!({})).await.unwrap();
    let list = run(bus, "Bookings List", json!({})).await.unwrap();
    assert_eq!(list["ResultInfo"]["TotalRows"], json!(0));
}

#[tokio::test]
async fn a_declined_meeting_leaves_the_room_and_the_end_counts_down() {
    let (device, _dir) = device();
    let bus = &device.bus;
    let (handle, mut rx) = bus.subscriber(Caller::system(), "test");
    handle.subscribe(&p("Event Bookings")).unwrap();
    import(bus, &zoom_invite("REQUEST", 0, T0)).await.unwrap();
    let listed = || async { run(bus, "Bookings List", json!({})).await.unwrap() };
    let decline = json!({"MeetingId": UID, "Type": "Decline", "Comment": "Room closed"});

    // Without the room's own address there is nobody to answer as: an error, nothing changes.
    let err = run(bus, "Bookings Respond", decline.clone())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("calendar address"), "{err}");
    assert_eq!(listed().await["Booking"][0]["MeetingId"], UID);
    let err = run(
        bus,
        "Bookings Respond",
        json!({"MeetingId": "nobody", "Type": "Accept"}),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("No booking"), "{err}");

    // With it, the REPLY comes back (no mail server or CalDAV set up to carry it) and the
    // declined meeting leaves the list: no Join button, the room is free.
    bus.set_config(
        &Caller::system(),
        &p("Configuration NetworkServices SMTP From"),
        &json!("Room1@example.com"),
    )
    .unwrap();
    let answer = run(bus, "Bookings Respond", decline).await.unwrap();
    assert_eq!(answer["Response"], "Declined");
    assert_eq!(answer["Delivery"]["Mail"], "Off");
    assert_eq!(answer["Delivery"]["CalDAV"], "NotFromCalDAV");
    let reply = roomd::calendar::ics::parse(answer["Reply"].as_str().unwrap());
    let calendar = &reply.calendars[0];
    assert_eq!(calendar.method, Some(roomd::calendar::ics::Method::Reply));
    let event = &calendar.events[0];
    assert_eq!(event.uid, UID);
    assert_eq!(event.attendees.len(), 1);
    assert_eq!(event.attendees[0].email(), "room1@example.com");
    assert_eq!(event.attendees[0].partstat.as_deref(), Some("DECLINED"));
    assert_eq!(
        event.component.property("COMMENT").unwrap().text(),
        "Room closed"
    );
    assert_eq!(event.organizer.as_ref().unwrap().email(), "ada@example.com");
    assert_eq!(listed().await["Booking"], Json::Null);
    settle().await;
    assert_eq!(status(bus, "Bookings Availability Status"), json!("Free"));

    // The organizer moves the meeting (a newer SEQUENCE): it asks again, and is listed again.
    import(bus, &zoom_invite("REQUEST", 1, T0 + 1000))
        .await
        .unwrap();
    assert_eq!(listed().await["Booking"][0]["MeetingId"], UID);

    // Five minutes before the end the countdown starts; a clock that jumps hears only the
    // latest moment, not every minute it skipped.
    advance_to(bus, START + 10_000).await;
    drain(&mut rx);
    advance_to(bus, END - 300_000).await;
    let heard = drain(&mut rx);
    assert_eq!(names(&heard), ["TimeRemaining"]);
    assert_eq!(heard[0].1["Seconds"], json!(300));
    assert_eq!(heard[0].1["MeetingId"], UID);
    advance_to(bus, END - 60_000).await;
    let heard = drain(&mut rx);
    assert_eq!(names(&heard), ["TimeRemaining"]);
    assert_eq!(heard[0].1["Seconds"], json!(60));
    advance_to(bus, END + 1_000).await;
    assert_eq!(names(&drain(&mut rx)), ["End"]);
}

#[tokio::test]
async fn the_room_can_be_booked_from_the_device() {
    let (device, _dir) = device();
    let bus = &device.bus;
    let now = bus.clock().now();

    let booked = run(
        bus,
        "Bookings Book",
        json!({"Title": "Stand-up", "Duration": 15, "Number": "standup@video.example.com",
               "Protocol": "SIP", "OrganizerName": "Ada Lovelace",
               "OrganizerEmail": "ada@example.com"}),
    )
    .await
    .unwrap();
    let booking = &booked["Booking"];
    assert_eq!(booking["Title"], "Stand-up");
    assert_eq!(
        booking["Time"]["StartTime"],
        roomd::clock::iso8601(now).as_str()
    );
    assert_eq!(
        booking["Time"]["EndTime"],
        roomd::clock::iso8601(now + 15 * 60_000).as_str()
    );
    assert_eq!(booking["Organizer"]["Email"], "ada@example.com");
    let call = &booking["DialInfo"]["Calls"]["Call"][0];
    assert_eq!(call["Number"], "standup@video.example.com");
    assert_eq!(call["Protocol"], "SIP");
    settle().await;
    assert_eq!(
        status(bus, "Bookings Availability Status"),
        json!("BookedUntil")
    );
    let listed = run(bus, "Bookings List", json!({})).await.unwrap();
    assert_eq!(listed["Booking"][0]["MeetingId"], booking["MeetingId"]);

    // An overlapping slot is refused, naming the booking in the way; nothing is added.
    let later = roomd::clock::iso8601(now + 10 * 60_000);
    let err = run(bus, "Bookings Book", json!({"StartTime": later}))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already booked"), "{err}");
    assert!(err.to_string().contains("Stand-up"), "{err}");
    // Bad times are clear errors.
    let err = run(
        bus,
        "Bookings Book",
        json!({"StartTime": "tomorrow at ten"}),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("is not a time"), "{err}");
    let past = roomd::clock::iso8601(now - 3_600_000);
    let err = run(
        bus,
        "Bookings Book",
        json!({"StartTime": past, "Duration": 30}),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("has passed"), "{err}");
    let listed = run(bus, "Bookings List", json!({})).await.unwrap();
    assert_eq!(listed["ResultInfo"]["TotalRows"], json!(1));

    // Right after it, the room is free to book again.
    let after = roomd::clock::iso8601(now + 15 * 60_000);
    run(
        bus,
        "Bookings Book",
        json!({"StartTime": after, "Title": "Next"}),
    )
    .await
    .unwrap();
    let listed = run(bus, "Bookings List", json!({})).await.unwrap();
    assert_eq!(listed["ResultInfo"]["TotalRows"], json!(2));
}
