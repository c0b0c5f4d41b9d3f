// Allocates without bound: must be stopped at the memory cap.
const hoard = [];
while (true) {
  hoard.push('x'.repeat(1 << 20) + hoard.length);
}
