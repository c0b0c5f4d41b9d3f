// Imports another macro that is not active, as RoomOS allows.
import xapi from 'xapi';
import helpers, { shout } from './Lib_Helpers';

const name = module.name.replace('./', '');
xapi.Command.Message.Send({
  Text: `${shout('hello')} v${helpers.version} from ${name} main=${_main_macro_name()}`,
});
