// Timers, promises and async/await, the way scheduling macros use them.
import xapi from 'xapi';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const steps = [];
  await sleep(20);
  steps.push('slept');
  let ticks = 0;
  await new Promise((resolve) => {
    const id = setInterval(() => {
      ticks += 1;
      if (ticks === 3) {
        clearInterval(id);
        resolve();
      }
    }, 15);
  });
  steps.push(`ticked ${ticks}`);
  const cancelled = setTimeout(() => steps.push('must not run'), 10);
  clearTimeout(cancelled);
  const [volume, standby] = await Promise.all([
    xapi.Status.Audio.Volume.get(),
    xapi.status.get('Standby State'),
  ]);
  steps.push(`volume ${volume} standby ${standby}`);
  try {
    await xapi.Config.Audio.DefaultVolume.set(1000);
  } catch (e) {
    steps.push(`error code ${e.code}`);
  }
  await sleep(30);
  steps.push(btoa('roomd') + ' ' + atob('cm9vbWQ='));
  xapi.Command.Message.Send({ Text: 'timers: ' + steps.join(', ') });
}

main();
