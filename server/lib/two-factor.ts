import { randomInt } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { hmacHex } from "./crypto.js";

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30 s. */
const TOTP_PARAMS = { algorithm: "SHA1", digits: 6, period: 30 } as const;

export const newTotpSecret = () => new Secret({ size: 20 }).base32;

export function totpUri(secretBase32: string, account: string, issuer: string): string {
  return new TOTP({ ...TOTP_PARAMS, issuer, label: account, secret: Secret.fromBase32(secretBase32) }).toString();
}

let checks = 0;
/** How many second-factor codes this process has checked (the throttle is judged by it). */
export const secondFactorCheckCount = () => checks;

/**
 * The time step of the code if it is valid at `at` (one step of clock drift either way), else
 * null. The caller refuses steps not after the last one accepted, so a code works only once.
 */
export function totpStep(secretBase32: string, token: string, at: Date): number | null {
  checks++;
  if (!/^\d{6}$/.test(token)) return null;
  const timestamp = at.getTime();
  const delta = TOTP.validate({ ...TOTP_PARAMS, token, secret: Secret.fromBase32(secretBase32), timestamp, window: 1 });
  return delta === null ? null : TOTP.counter({ period: TOTP_PARAMS.period, timestamp }) + delta;
}

/** The code an authenticator shows at `at` (tests and the enrolment check use the same maths). */
export const totpCode = (secretBase32: string, at: Date) => TOTP.generate({ ...TOTP_PARAMS, secret: Secret.fromBase32(secretBase32), timestamp: at.getTime() });

/** Letters and digits that cannot be misread for one another (no 0/o, 1/l/i). */
const ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
export const RECOVERY_CODE_COUNT = 10;

/** Ten codes like "k7m2p-x9d4e" (50 bits each). */
export function newRecoveryCodes(): string[] {
  const one = () => Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const c = one();
    return `${c.slice(0, 5)}-${c.slice(5)}`;
  });
}

/** Case, spaces and dashes do not matter when a recovery code is typed. */
export const normalizeRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]+/g, "");

export const recoveryCodeHash = (key: string, code: string) => hmacHex(key, `recovery-code:${normalizeRecoveryCode(code)}`);

/** The otpauth URI as an SVG QR code, rendered here so the console downloads nothing for it. */
export const qrSvg = (uri: string) => QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
