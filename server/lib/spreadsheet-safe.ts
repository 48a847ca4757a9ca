/**
 * A CSV cell as a spreadsheet will not run it (OWASP "CSV injection"): text beginning with
 * `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a single quote, which
 * spreadsheets show as text; the rest of the text is kept. Numbers are not strings here and
 * stay numbers. Applied to every text cell of every CSV we write.
 */
export const spreadsheetSafe = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
