// A library macro: never activated, only imported by others.
export function shout(text) {
  return text.toUpperCase() + '!';
}

export default { version: 2 };
