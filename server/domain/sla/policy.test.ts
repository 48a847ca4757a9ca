import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_CALENDAR as WIB } from "./holidays-id.js";
import {
  applicableClocks,
  clockDeadline,
  clockDefinitionSchema,
  clockWithPauses,
  DEFAULT_POLICY,
  escalationTimes,
  slaPolicySchema,
  warningAt,
  type ClockDefinition,
} from "./policy.js";

// Calendar: WIB, Mon-Thu 07:30-12:00 + 13:00-16:00, Fri 07:30-11:30 + 13:00-16:30 (7.5 h a day),
// 2026 holidays; 18-24 March 2026 are all days off (Nyepi, Idul Fitri, cuti bersama, weekend).
const at = (s: string) => new Date(s);
const same = (actual: Date | undefined, expected: string) => assert.equal(actual?.toISOString(), new Date(expected).toISOString());
const { verify_forward, opd_followup, respond_citizen, resolve_investigation, auto_close } = DEFAULT_POLICY.clocks;
const FRIDAY_BEFORE_LEBARAN = at("2026-03-13T10:00:00+07:00");

describe("clockDeadline", () => {
  it("verify_forward: 3 working days", () => {
    // Mon 16, Tue 17, Wed 25.
    same(clockDeadline(WIB, verify_forward, FRIDAY_BEFORE_LEBARAN), "2026-03-25T10:00:00+07:00");
  });

  it("opd_followup: 5 working days from the forward", () => {
    same(clockDeadline(WIB, opd_followup, FRIDAY_BEFORE_LEBARAN), "2026-03-27T10:00:00+07:00");
  });

  it("respond_citizen: 14 calendar days, at any hour", () => {
    same(clockDeadline(WIB, respond_citizen, at("2026-03-14T21:00:00+07:00")), "2026-03-28T21:00:00+07:00");
  });

  it("resolve_investigation: 60 calendar days", () => {
    same(clockDeadline(WIB, resolve_investigation, at("2026-01-02T09:00:00+07:00")), "2026-03-03T09:00:00+07:00");
  });

  it("auto_close: 10 working days after the answer, skipping Good Friday", () => {
    // Thu 26, Fri 27, Mon 30, Tue 31, Wed 1, Thu 2, (Fri 3 Apr off), Mon 6, Tue 7, Wed 8, Thu 9.
    same(clockDeadline(WIB, auto_close, at("2026-03-25T10:00:00+07:00")), "2026-04-09T10:00:00+07:00");
  });

  it("moves by paused office minutes", () => {
    // Due Fri 27 10:00; 450 minutes: Fri 27 10:00-16:30 (300 less the break), Mon 30 07:30 + 150.
    same(clockDeadline(WIB, opd_followup, FRIDAY_BEFORE_LEBARAN, 450), "2026-03-30T10:00:00+07:00");
  });
});

describe("warningAt", () => {
  it("falls at 75% of the office time (rounded to whole minutes)", () => {
    // 2250 office minutes between start and due; 0.75 * 2250 = 1687.5 -> 1688:
    // Fri 13 300, Mon 16 450, Tue 17 450, Wed 25 450, then Thu 26 07:30 + 38.
    same(warningAt(WIB, opd_followup, FRIDAY_BEFORE_LEBARAN), "2026-03-26T08:08:00+07:00");
  });

  it("skips the lunch break and Good Friday", () => {
    // 10 days * 450 * 0.75 = 3375: Wed 25 300, Thu 26 - Thu 2 Apr 6 * 450, Mon 6 Apr 07:30-12:00 270 + 13:00 + 105.
    same(warningAt(WIB, auto_close, at("2026-03-25T10:00:00+07:00")), "2026-04-06T14:45:00+07:00");
  });

  it("counts calendar-day clocks in wall time", () => {
    // 10.5 days after Sat 14 Mar 21:00.
    same(warningAt(WIB, respond_citizen, at("2026-03-14T21:00:00+07:00")), "2026-03-25T09:00:00+07:00");
  });
});

describe("escalationTimes", () => {
  it("gives warning, breach (level 1) and levels 2 and 3 one and two working days later", () => {
    const s = escalationTimes(WIB, opd_followup, FRIDAY_BEFORE_LEBARAN);
    same(s.warningAt, "2026-03-26T08:08:00+07:00");
    same(s.dueAt, "2026-03-27T10:00:00+07:00");
    assert.deepEqual(
      s.escalations.map((e) => ({ level: e.level, at: e.at.toISOString(), notify: e.notify })),
      [
        { level: 1, at: "2026-03-27T03:00:00.000Z", notify: ["assignee", "opd_head"] },
        { level: 2, at: "2026-03-30T03:00:00.000Z", notify: ["supervisor"] }, // Mon 30 10:00 WIB
        { level: 3, at: "2026-03-31T03:00:00.000Z", notify: ["kominfo_head"] }, // Tue 31 10:00 WIB
      ],
    );
  });

  it("runs the ladder from the next opening when the breach is at closing time", () => {
    const hourly: ClockDefinition = { ...opd_followup, target: { amount: 3, unit: "working_hours" } };
    const s = escalationTimes(WIB, hourly, at("2026-03-17T13:00:00+07:00"));
    same(s.warningAt, "2026-03-17T15:15:00+07:00");
    same(s.dueAt, "2026-03-17T16:00:00+07:00");
    same(s.escalations[0].at, "2026-03-17T16:00:00+07:00");
    // 16:00 is closed: the day count starts Wed 25 07:30 (after the holidays).
    same(s.escalations[1].at, "2026-03-26T07:30:00+07:00");
    same(s.escalations[2].at, "2026-03-27T07:30:00+07:00");
  });

  it("has no ladder for auto_close, whose due instant closes the ticket", () => {
    assert.deepEqual(escalationTimes(WIB, auto_close, at("2026-03-25T10:00:00+07:00")).escalations, []);
  });
});

describe("clockWithPauses", () => {
  const running = (state: ReturnType<typeof clockWithPauses>) => {
    assert.equal(state.state, "running");
    return state as Extract<typeof state, { state: "running" }>;
  };

  it("does not count office time spent waiting on the citizen", () => {
    // Paused Mon 16 10:00 - Tue 17 09:00: 300 + 90 office minutes. Due Fri 27 10:00 + 390 -> Mon 30 09:00;
    // the warning (Thu 26 08:08) moves by the same 390 to Thu 26 15:38.
    const s = running(clockWithPauses(WIB, opd_followup, FRIDAY_BEFORE_LEBARAN, [{ from: at("2026-03-16T10:00:00+07:00"), to: at("2026-03-17T09:00:00+07:00") }]));
    assert.equal(s.pausedMinutes, 390);
    same(s.schedule.dueAt, "2026-03-30T09:00:00+07:00");
    same(s.schedule.warningAt, "2026-03-26T15:38:00+07:00");
    same(s.schedule.escalations[1].at, "2026-03-31T09:00:00+07:00");
    // Same answer as the running total the ticket row keeps.
    assert.deepEqual(escalationTimes(WIB, opd_followup, FRIDAY_BEFORE_LEBARAN, 390), s.schedule);
  });

  it("moves the breach but not the warning for a pause after the warning", () => {
    // Paused Thu 26 13:00 - Fri 27 08:30: 180 + 60. Due Fri 27 10:00 + 240 -> 15:30 (Friday break 11:30-13:00).
    const s = running(clockWithPauses(WIB, opd_followup, FRIDAY_BEFORE_LEBARAN, [{ from: at("2026-03-26T13:00:00+07:00"), to: at("2026-03-27T08:30:00+07:00") }]));
    same(s.schedule.warningAt, "2026-03-26T08:08:00+07:00");
    same(s.schedule.dueAt, "2026-03-27T15:30:00+07:00");
  });

  it("merges overlapping pauses and clips them to the start", () => {
    const merged = running(
      clockWithPauses(WIB, opd_followup, FRIDAY_BEFORE_LEBARAN, [
        { from: at("2026-03-16T13:00:00+07:00"), to: at("2026-03-17T09:00:00+07:00") },
        { from: at("2026-03-16T10:00:00+07:00"), to: at("2026-03-16T14:00:00+07:00") },
      ]),
    );
    same(merged.schedule.dueAt, "2026-03-30T09:00:00+07:00");
    const clipped = running(clockWithPauses(WIB, opd_followup, FRIDAY_BEFORE_LEBARAN, [{ from: at("2026-03-12T10:00:00+07:00"), to: at("2026-03-13T11:00:00+07:00") }]));
    assert.equal(clipped.pausedMinutes, 60);
    same(clipped.schedule.dueAt, "2026-03-27T11:00:00+07:00");
  });

  it("reports a paused clock with the office time it had left", () => {
    // Left at Tue 17 09:00: Tue 17 360, Wed 25 450, Thu 26 450, Fri 27 until 10:00 150.
    const s = clockWithPauses(WIB, opd_followup, FRIDAY_BEFORE_LEBARAN, [{ from: at("2026-03-17T09:00:00+07:00"), to: null }]);
    assert.deepEqual(s, { state: "paused", since: at("2026-03-17T09:00:00+07:00"), remainingMinutes: 1410, pausedMinutes: 0 });
  });

  it("keeps a breach that happened before the pause", () => {
    const s = running(clockWithPauses(WIB, opd_followup, FRIDAY_BEFORE_LEBARAN, [{ from: at("2026-03-30T08:00:00+07:00"), to: null }]));
    same(s.schedule.dueAt, "2026-03-27T10:00:00+07:00");
    assert.equal(s.pausedMinutes, 0);
  });

  it("pauses calendar-day clocks by wall time", () => {
    // 51 hours paused: Sat 28 Mar 21:00 + 51 h = Tue 31 Mar 00:00.
    const s = running(clockWithPauses(WIB, respond_citizen, at("2026-03-14T21:00:00+07:00"), [{ from: at("2026-03-16T09:00:00+07:00"), to: at("2026-03-18T12:00:00+07:00") }]));
    assert.equal(s.pausedMinutes, 51 * 60);
    same(s.schedule.dueAt, "2026-03-31T00:00:00+07:00");
  });

  it("ignores pauses for auto_close, which is the wait on the citizen itself", () => {
    const s = running(clockWithPauses(WIB, auto_close, at("2026-03-25T10:00:00+07:00"), [{ from: at("2026-03-26T10:00:00+07:00"), to: null }]));
    same(s.schedule.dueAt, "2026-04-09T10:00:00+07:00");
  });
});

describe("applicableClocks", () => {
  it("runs resolve_investigation only for classes that need an investigation", () => {
    const kinds = (needsInvestigation: boolean) => applicableClocks(DEFAULT_POLICY, { needsInvestigation }).map((d) => d.kind);
    assert.deepEqual(kinds(false), ["verify_forward", "opd_followup", "respond_citizen", "auto_close", "review_answer"]);
    assert.deepEqual(kinds(true), ["verify_forward", "opd_followup", "respond_citizen", "resolve_investigation", "auto_close", "review_answer"]);
  });
});

describe("slaPolicySchema", () => {
  const policy = () => structuredClone(DEFAULT_POLICY);
  const issues = (input: unknown) => {
    const r = slaPolicySchema.safeParse(input);
    assert.equal(r.success, false);
    return r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("accepts the default policy, with a legal basis on every clock", () => {
    assert.deepEqual(slaPolicySchema.parse(policy()), policy());
    for (const def of Object.values(DEFAULT_POLICY.clocks)) assert.ok(def.basis.id.length > 20 && def.basis.en.length > 20);
  });

  it("fills in defaults: warning at 75%, pausing, no ladder", () => {
    const { warningFraction: _w, onlyForInvestigation: _o, pausesWhileWaitingOnCitizen: _p, escalation: _e, ...minimal } = opd_followup;
    const def = clockDefinitionSchema.parse(minimal);
    assert.equal(def.warningFraction, 0.75);
    assert.equal(def.pausesWhileWaitingOnCitizen, true);
    assert.equal(def.onlyForInvestigation, false);
    assert.deepEqual(def.escalation, []);
  });

  it("rejects zero targets, fractional days, bad fractions, units and recipients", () => {
    const p = policy();
    p.clocks.verify_forward.target = { amount: 0, unit: "working_days" };
    p.clocks.opd_followup.target = { amount: 1.5, unit: "working_days" };
    p.clocks.respond_citizen.warningFraction = 1;
    (p.clocks.resolve_investigation.target as { unit: string }).unit = "weeks";
    (p.clocks.auto_close.escalation as unknown[]) = [{ level: 1, after: { amount: 0, unit: "working_days" }, notify: ["mayor"] }];
    const m = issues(p);
    assert.ok(m.includes("clocks.verify_forward.target.amount: target must be more than zero"), m.join("\n"));
    assert.ok(m.includes("clocks.opd_followup.target.amount: days must be whole numbers"), m.join("\n"));
    assert.ok(m.some((x) => x.startsWith("clocks.respond_citizen.warningFraction:")), m.join("\n"));
    assert.ok(m.some((x) => x.startsWith("clocks.resolve_investigation.target.unit:")), m.join("\n"));
    assert.ok(m.some((x) => x.startsWith("clocks.auto_close.escalation.0.notify.0:")), m.join("\n"));
    assert.equal(m.length, 5, m.join("\n"));
  });

  it("rejects a ladder out of order and a clock filed under another kind", () => {
    const p = policy();
    p.clocks.opd_followup.escalation = [
      { level: 2, after: { amount: 2, unit: "working_days" }, notify: ["supervisor"] },
      { level: 1, after: { amount: 1, unit: "working_days" }, notify: ["assignee"] },
    ];
    p.clocks.respond_citizen = { ...p.clocks.respond_citizen, kind: "auto_close" };
    assert.deepEqual(issues(p), [
      "clocks.opd_followup.escalation.1.level: levels must be in ascending order",
      "clocks.opd_followup.escalation.1.after: a higher level cannot come before a lower one",
      'clocks.respond_citizen.kind: must be "respond_citizen"',
    ]);
  });
});

describe("review clock", () => {
  it("a policy saved before the review existed gets the default review clock", () => {
    const { review_answer: _, ...old } = DEFAULT_POLICY.clocks;
    const parsed = slaPolicySchema.parse({ clocks: old });
    assert.equal(parsed.clocks.review_answer.kind, "review_answer");
    assert.deepEqual(parsed.clocks.review_answer.target, { amount: 1, unit: "working_days" });
    assert.ok(parsed.clocks.review_answer.escalation.some((l) => l.notify.includes("supervisor")), "a stalled review reaches the supervisor");
  });
});
