// An error at top level, on line 3.
const ready = true;
throw new Error('boom at start');
