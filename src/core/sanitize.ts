// ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), and two-byte ESC x.
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// C0 controls except tab and line feed, DEL, C1 controls, and bidirectional overrides that
// reorder others' text.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// A surrogate that is not half of a pair cannot be stored as UTF-8 (it would become U+FFFD
// on disk while live recipients saw the raw code unit): it is replaced before anyone sees it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const LINE_BREAKS = /\r\n?|[\u2028\u2029\u0085]/g;
// More than two blank lines in a row only push others' messages off the screen.
const BLANK_RUNS = /\n{3,}/g;

/**
 * What others see of a user's text: no escape sequence or control character can drive
 * another user's terminal. Line breaks are kept as `\n` (each door decides how to show
 * them); tabs become spaces. Applied once, in the core, before storing, so what is delivered
 * live is exactly what history returns.
 */
export function sanitizeText(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(LINE_BREAKS, '\n')
    .replace(ESCAPES, '')
    .replace(CONTROLS, '')
    .replace(/\t/g, ' ')
    .replace(BLANK_RUNS, '\n\n');
}

/** Text for places that are one line by nature (a topic, a quit reason): breaks become spaces. */
export function singleLine(text: string): string {
  return sanitizeText(text).replace(/\n+/g, ' ');
}
