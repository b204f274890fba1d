/**
 * The SQL expression of `TimeSeriesData.objectJson`: the row as one object of get_data's answer,
 * exactly as `JSON.stringify({ dateTime, value })` writes it, so that a read only has to join the
 * stored texts. It is the same text on SQLite and PostgreSQL (TypeORM keeps one expression per
 * generated column), so it uses only `CASE`, `||`, `coalesce` and two-argument `ltrim`, which both
 * have: a date or value with a character JSON would escape (`"`, `\`, a control character, or
 * anything beyond ASCII) makes it NULL, and readers render those rows themselves.
 *
 * Changing this text changes the schema: it needs a migration of its own.
 */
const PLAIN_JSON_CHARACTERS = Array.from({ length: 0x7f - 0x20 }, (_, offset) => String.fromCharCode(0x20 + offset))
  .filter((character) => character !== '"' && character !== '\\')
  .join('');

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

export const DAY_OBJECT_JSON_SQL =
  `CASE WHEN ltrim("date", '0123456789-') = '' AND ltrim(coalesce("value", ''), ${sqlString(PLAIN_JSON_CHARACTERS)}) = '' ` +
  `THEN '{"dateTime":"' || "date" || '","value":' || coalesce('"' || "value" || '"', 'null') || '}' END`;
