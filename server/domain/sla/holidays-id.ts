/**
 * Indonesian national holidays (hari libur nasional) and collective leave (cuti bersama) as
 * default calendar data, plus the default calendar of the demo province.
 *
 * 2026: SKB Menteri Agama, Menteri Ketenagakerjaan dan Menteri PANRB Nomor 1497 Tahun 2025,
 * Nomor 2 Tahun 2025, Nomor 5 Tahun 2025 (announced by the Menko PMK on 19 September 2025):
 * 17 national holidays and 8 days of cuti bersama. For ASN (civil servants, i.e. every OPD)
 * the cuti bersama are set by Keputusan Presiden Nomor 42 Tahun 2025 tentang Cuti Bersama
 * Pegawai ASN Tahun 2026 (31 December 2025), with the same 8 dates.
 * Checked against (secondary, public) sources: the full lists with weekdays in
 * soearatimoer.net (national holidays, 2025-09) and pembelajaranbermaknaid.blogspot.com
 * (both lists, with the SKB numbers); counts 17 + 8 and Idul Fitri 21-22 March on
 * disdiksmg.semarangkota.go.id; cuti bersama on palu.tribunnews.com and, for Keppres 42/2025,
 * economy.okezone.com and jakarta365.net (2026-02); the community data set
 * guangrei/APIHariLibur_V2 (same 25 dates). Idul Fitri 1447 H on Saturday 21 March 2026 was
 * confirmed by the Menteri Agama after the sidang isbat of 19 March 2026 (ntvnews.id).
 * Islamic holidays other than Idul Fitri (Idul Adha, 1 Muharam, Maulid) follow the SKB;
 * the government may still move them after its own isbat, so admins can edit the list.
 *
 * Regional holidays (e.g. a province's anniversary) are added by admins with kind "regional".
 */
import type { BusinessCalendar, Holiday, IsoWeekday, WorkingSpan } from "./calendar.js";

export const HOLIDAYS_ID_2026: readonly Holiday[] = deepFreeze([
  { date: "2026-01-01", kind: "national", name: "Tahun Baru 2026 Masehi" },
  { date: "2026-01-16", kind: "national", name: "Isra Mikraj Nabi Muhammad SAW" },
  { date: "2026-02-16", kind: "cuti_bersama", name: "Cuti Bersama Tahun Baru Imlek 2577 Kongzili" },
  { date: "2026-02-17", kind: "national", name: "Tahun Baru Imlek 2577 Kongzili" },
  { date: "2026-03-18", kind: "cuti_bersama", name: "Cuti Bersama Hari Suci Nyepi (Tahun Baru Saka 1948)" },
  { date: "2026-03-19", kind: "national", name: "Hari Suci Nyepi (Tahun Baru Saka 1948)" },
  { date: "2026-03-20", kind: "cuti_bersama", name: "Cuti Bersama Idul Fitri 1447 Hijriah" },
  { date: "2026-03-21", kind: "national", name: "Idul Fitri 1447 Hijriah" },
  { date: "2026-03-22", kind: "national", name: "Idul Fitri 1447 Hijriah" },
  { date: "2026-03-23", kind: "cuti_bersama", name: "Cuti Bersama Idul Fitri 1447 Hijriah" },
  { date: "2026-03-24", kind: "cuti_bersama", name: "Cuti Bersama Idul Fitri 1447 Hijriah" },
  { date: "2026-04-03", kind: "national", name: "Wafat Yesus Kristus" },
  { date: "2026-04-05", kind: "national", name: "Kebangkitan Yesus Kristus (Paskah)" },
  { date: "2026-05-01", kind: "national", name: "Hari Buruh Internasional" },
  { date: "2026-05-14", kind: "national", name: "Kenaikan Yesus Kristus" },
  { date: "2026-05-15", kind: "cuti_bersama", name: "Cuti Bersama Kenaikan Yesus Kristus" },
  { date: "2026-05-27", kind: "national", name: "Idul Adha 1447 Hijriah" },
  { date: "2026-05-28", kind: "cuti_bersama", name: "Cuti Bersama Idul Adha 1447 Hijriah" },
  { date: "2026-05-31", kind: "national", name: "Hari Raya Waisak 2570 BE" },
  { date: "2026-06-01", kind: "national", name: "Hari Lahir Pancasila" },
  { date: "2026-06-16", kind: "national", name: "1 Muharam Tahun Baru Islam 1448 Hijriah" },
  { date: "2026-08-17", kind: "national", name: "Hari Proklamasi Kemerdekaan Republik Indonesia" },
  { date: "2026-08-25", kind: "national", name: "Maulid Nabi Muhammad SAW" },
  { date: "2026-12-24", kind: "cuti_bersama", name: "Cuti Bersama Kelahiran Yesus Kristus" },
  { date: "2026-12-25", kind: "national", name: "Kelahiran Yesus Kristus" },
]);

/**
 * Ordinary office hours of a provincial government (Perpres 21/2023 tentang Hari Kerja dan Jam
 * Kerja Instansi Pemerintah dan Pegawai ASN): Monday to Friday, 37.5 hours a week without
 * breaks, starting 07.30 local time; breaks of 60 minutes (Friday 90, for Friday prayers).
 * Hence Mon-Thu 07:30-12:00 + 13:00-16:00 (7.5 h) and Fri 07:30-11:30 + 13:00-16:30 (7.5 h).
 * The exact break times are the governor's choice (the Perpres leaves them to the head of the
 * agency); admins adjust them. Ramadan hours (32.5 h, from 08.00) are not modelled: a
 * calendar has one weekly schedule, and the difference only shifts hour-based clocks.
 */
const MON_THU: WorkingSpan[] = [
  { start: "07:30", end: "12:00" },
  { start: "13:00", end: "16:00" },
];
const FRI: WorkingSpan[] = [
  { start: "07:30", end: "11:30" },
  { start: "13:00", end: "16:30" },
];

export const DEFAULT_WORKING_HOURS: Readonly<Record<IsoWeekday, WorkingSpan[]>> = {
  1: MON_THU,
  2: MON_THU,
  3: MON_THU,
  4: MON_THU,
  5: FRI,
  6: [],
  7: [],
};

/**
 * Demo province in WIB. Calendars are cached per object (see calendar.ts), so this one is
 * frozen: derive a province's calendar with `{ ...DEFAULT_CALENDAR, timeZone: "Asia/Makassar" }`.
 */
export const DEFAULT_CALENDAR: BusinessCalendar = deepFreeze({
  timeZone: "Asia/Jakarta",
  workingHours: { ...DEFAULT_WORKING_HOURS },
  holidays: [...HOLIDAYS_ID_2026],
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
