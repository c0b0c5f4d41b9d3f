"""An SMTP receiver for the tests: every message it accepts is written to DIR as N.eml.

Usage: smtp_sink.py PORT DIR. Prints "listening PORT" once it accepts connections.
"""
import asyncio
import pathlib
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.directory = pathlib.Path(directory)
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = self.directory / f"{self.count}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        (self.directory / f"{self.count}.rcpt").write_text("\n".join(envelope.rcpt_tos))
        return "250 OK"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"listening {port}", flush=True)
    try:
        asyncio.new_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
