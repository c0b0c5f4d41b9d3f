"""Reads an iMIP mail (RFC 6047) with Python's email package and the icalendar library, and
prints what the organizer's calendar would see, as JSON: the METHOD, the calendar part's
method parameter, and each VEVENT's UID, SEQUENCE and attendees with their PARTSTAT.

Usage: read_reply.py FILE.eml
"""
import email
import email.policy
import json
import sys

import icalendar


def main():
    with open(sys.argv[1], "rb") as f:
        mail = email.message_from_binary_file(f, policy=email.policy.default)
    parts = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    if not parts:
        raise SystemExit("no text/calendar part in the mail")
    part = parts[0]
    calendar = icalendar.Calendar.from_ical(part.get_content())
    events = []
    for event in calendar.walk("VEVENT"):
        attendees = event.get("ATTENDEE")
        if not isinstance(attendees, list):
            attendees = [attendees] if attendees is not None else []
        events.append({
            "uid": str(event.get("UID")),
            "sequence": int(event.get("SEQUENCE", 0)),
            "organizer": str(event.get("ORGANIZER")),
            "attendees": [
                {"address": str(a), "partstat": a.params.get("PARTSTAT")} for a in attendees
            ],
        })
    print(json.dumps({
        "from": str(mail["From"]),
        "to": str(mail["To"]),
        "subject": str(mail["Subject"]),
        "partMethod": part.get_param("method"),
        "method": str(calendar.get("METHOD")),
        "events": events,
    }))


if __name__ == "__main__":
    main()
