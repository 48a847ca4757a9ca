/**
 * publik: report visible publicly (reporter name still hidden there);
 * anonim: report visible, reporter identity hidden even from the OPD;
 * rahasia: nothing public; the OPD sees only what it needs (no reporter identity).
 */
export const PRIVACY_LEVELS = ["publik", "anonim", "rahasia"] as const;
export type Privacy = (typeof PRIVACY_LEVELS)[number];

/**
 * What an OPD user may know of the reporter. Contact details (phone, e-mail, channel
 * addresses) are for the command center only (DOMAIN.md); the name only on publik tickets.
 */
export const opdMaySeeReporterName = (p: Privacy) => p === "publik";
