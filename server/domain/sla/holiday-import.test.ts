import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computedNationalHolidays, isoDateOf, parseHolidayCsv, parseHolidayIcs } from "./holiday-import.js";

describe("holidays from a CSV file", () => {
  it("reads Indonesian headers, both date forms, the kinds, and a semicolon-separated sheet", () => {
    const csv = "\uFEFFTanggal;Nama;Jenis\n01/01/2027;Tahun Baru 2027 Masehi;Nasional\n2027-02-08;Cuti Bersama Tahun Baru Imlek;cuti bersama\n2027-05-17;HUT Provinsi;daerah\n";
    const r = parseHolidayCsv(csv);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.holidays, [
      { date: "2027-01-01", name: "Tahun Baru 2027 Masehi", kind: "national" },
      { date: "2027-02-08", name: "Cuti Bersama Tahun Baru Imlek", kind: "cuti_bersama" },
      { date: "2027-05-17", name: "HUT Provinsi", kind: "regional" },
    ]);
  });

  it("without a kind column, a name saying cuti bersama is cuti bersama; bad rows are named and skipped", () => {
    const r = parseHolidayCsv('date,name\n2027-12-24,"Cuti Bersama Natal"\n31/02/2027,Tanggal salah\n2027-12-25,Natal\n2027-13-01,Bulan salah\n2027-08-17,\n');
    assert.deepEqual(r.holidays.map((h) => [h.date, h.kind]), [["2027-12-24", "cuti_bersama"], ["2027-12-25", "national"]]);
    assert.deepEqual(r.problems.map((p) => p.at), ["line 3", "line 5", "line 6"]);
    assert.match(r.problems[0]!.message, /not a date/);
  });

  it("refuses a file without the named columns and an unknown kind", () => {
    assert.match(parseHolidayCsv("a,b\n2027-01-01,x\n").problems[0]!.message, /tanggal \(date\), nama \(name\)/);
    assert.match(parseHolidayCsv("tanggal,nama,jenis\n2027-01-01,Tahun Baru,libur panjang\n").problems[0]!.message, /not a kind/);
  });

  it("keeps one entry per date, the national holiday winning", () => {
    const r = parseHolidayCsv("tanggal,nama,jenis\n2027-03-10,Idul Fitri,nasional\n2027-03-10,Cuti Bersama Idul Fitri,cuti bersama\n");
    assert.deepEqual(r.holidays, [{ date: "2027-03-10", name: "Idul Fitri; Cuti Bersama Idul Fitri", kind: "national" }]);
  });

  it("reads dates strictly", () => {
    assert.equal(isoDateOf("29/02/2028"), "2028-02-29");
    assert.equal(isoDateOf("29/02/2027"), null);
    assert.equal(isoDateOf("2027-1-5"), "2027-01-05");
    assert.equal(isoDateOf("besok"), null);
  });
});

describe("holidays from an iCalendar file", () => {
  const ics = [
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Pemprov//Libur//ID",
    "BEGIN:VEVENT", "UID:a@x", "DTSTART;VALUE=DATE:20270310", "DTEND;VALUE=DATE:20270312", "SUMMARY:Idul Fitri 1448 Hijriah", "END:VEVENT",
    "BEGIN:VEVENT", "UID:b@x", "DTSTART;VALUE=DATE:20270312", "SUMMARY:Cuti Bersama Idul Fitri", "END:VEVENT",
    "BEGIN:VEVENT", "UID:c@x", "DTSTART;VALUE=DATE:20270517", "CATEGORIES:DAERAH", "SUMMARY:HUT Provinsi", "END:VEVENT",
    "BEGIN:VEVENT", "UID:d@x", "DTSTART;VALUE=DATE:20270101", "RRULE:FREQ=YEARLY", "SUMMARY:Tahun Baru Masehi", "END:VEVENT",
    "END:VCALENDAR", "",
  ].join("\r\n");

  it("turns all-day events into holidays on each of their days, with the kind from the summary or category", () => {
    const r = parseHolidayIcs(ics);
    assert.deepEqual(r.holidays, [
      { date: "2027-01-01", name: "Tahun Baru Masehi", kind: "national" },
      { date: "2027-03-10", name: "Idul Fitri 1448 Hijriah", kind: "national" },
      { date: "2027-03-11", name: "Idul Fitri 1448 Hijriah", kind: "national" },
      { date: "2027-03-12", name: "Cuti Bersama Idul Fitri", kind: "cuti_bersama" },
      { date: "2027-05-17", name: "HUT Provinsi", kind: "regional" },
    ]);
    assert.deepEqual(r.problems.map((p) => p.at), ["event 4"], "a repeating event is taken once, and said so");
  });

  it("says so when the file is not iCalendar", () => {
    const r = parseHolidayIcs("tanggal,nama\n2027-01-01,x");
    assert.equal(r.holidays.length, 0);
    assert.match(r.problems[0]!.message, /not an iCalendar file/);
  });
});

describe("computed national holidays", () => {
  it("gives 2027's fixed national holidays from the date-holidays package, and no cuti bersama", () => {
    const h = computedNationalHolidays(2027);
    const dates = h.map((x) => x.date);
    for (const d of ["2027-01-01", "2027-05-01", "2027-06-01", "2027-08-17", "2027-12-25"]) assert.ok(dates.includes(d), d);
    assert.ok(h.every((x) => x.kind === "national" && x.date.startsWith("2027-")));
    assert.ok(h.length >= 12, `${h.length} holidays`);
  });
});
