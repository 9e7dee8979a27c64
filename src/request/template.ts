// The template request: every key disabled with a leading `_` until the operator fills it in.
import { REQUEST_KEYS, type Request } from './schema.js';

/** The example of the spec; also shipped as requests/example.json. */
export const EXAMPLE_REQUEST: Request = {
  wave_counter_threshold: 1617753611,
  delete_old_value: 7,
  monitory_name_kept: ['Extraction_1_dev_a', 'Extraction_2_dev_a'],
  measures: 'TL_measures',
  database: 'TOR-BGO-150KingW',
  server: 'mysql.example.internal',
  sleep_time: 5,
};

/** The template's text, byte for byte what requests/request.json holds after a submit. */
export function renderTemplate(): string {
  const disabled = Object.fromEntries(REQUEST_KEYS.map((key) => [`_${key}`, EXAMPLE_REQUEST[key]]));
  return `${JSON.stringify(disabled, null, 2)}\n`;
}
