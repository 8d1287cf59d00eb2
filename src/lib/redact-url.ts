/** The URL with its password replaced, fit for logs and error messages (database and Redis URLs carry one). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch (error) {
    if (error instanceof TypeError) return '(an unparsable URL)';
    throw error;
  }
}
