// ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), and two-byte ESC x.
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// C0 controls except tab, DEL, C1 controls, and bidirectional overrides that reorder others' text.
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * What others see of a user's text: no escape sequence or control character can drive
 * another user's terminal. Tabs become spaces. Applied once, in the core, before storing.
 */
export function sanitizeText(text: string): string {
  return text.replace(ESCAPES, '').replace(CONTROLS, '').replace(/\t/g, ' ');
}
