/**
 * Colours as plain ANSI SGR codes. When colour is off every function returns its input
 * unchanged, so render output is plain text in tests, pipes and under NO_COLOR.
 */
export interface Style {
  readonly enabled: boolean;
  dim(text: string): string;
  bold(text: string): string;
  error(text: string): string;
  /** Private messages. */
  private(text: string): string;
  /** Operator broadcasts. */
  server(text: string): string;
  /** An author name, in a colour that is the same for the same name every time. */
  name(name: string): string;
}

/** No red (kept for errors) and no magenta (kept for private messages), so names never look like either. */
const NAME_COLOURS = [32, 33, 34, 36, 92, 93, 94, 96] as const;

const sgr = (code: number | string, text: string): string => `\x1b[${code}m${text}\x1b[0m`;

export function createStyle(enabled: boolean): Style {
  if (!enabled) {
    const same = (text: string): string => text;
    return { enabled, dim: same, bold: same, error: same, private: same, server: same, name: same };
  }
  return {
    enabled,
    dim: (text) => sgr(2, text),
    bold: (text) => sgr(1, text),
    error: (text) => sgr(31, text),
    private: (text) => sgr(35, text),
    server: (text) => sgr('1;33', text),
    name: (name) => sgr(nameColour(name), name),
  };
}

/** FNV-1a over the lower-cased name: stable across runs and machines, spreads short names well. */
export function nameColour(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of name.toLowerCase()) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return NAME_COLOURS[hash % NAME_COLOURS.length] ?? 32;
}

/**
 * Colour only when asked (not `--no-color`), when the output is a terminal and when NO_COLOR
 * is unset or empty (https://no-color.org: "present and not an empty string" disables).
 */
export function colourWanted(color: boolean | undefined, output: NodeJS.WritableStream, env: NodeJS.ProcessEnv): boolean {
  if (color === false) return false;
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return (output as { isTTY?: boolean }).isTTY === true;
}
