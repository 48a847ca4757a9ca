import type { TicketAction } from "../ticket/lifecycle.js";
import type { Role } from "./roles.js";

/** Which roles may take which lifecycle action (rows are checked separately). */
export const ACTION_ROLES: Record<TicketAction, readonly Role[]> = {
  verify: ["operator", "supervisor"],
  reject: ["operator", "supervisor"],
  merge: ["operator", "supervisor"],
  forward: ["operator", "supervisor"],
  acknowledge: ["opd_head", "opd_staff"],
  answer: ["opd_head", "opd_staff"],
  return: ["opd_head", "opd_staff"],
  approve_answer: ["operator", "supervisor"],
  send_back: ["operator", "supervisor"],
  request_info: ["operator", "supervisor", "opd_head", "opd_staff"],
  citizen_replied: ["operator", "supervisor"],
  resolve: ["operator", "supervisor"],
  close: ["operator", "supervisor"],
  reopen: ["operator", "supervisor"],
};

export const mayTake = (role: Role, action: TicketAction) => ACTION_ROLES[action].includes(role);

/**
 * Who confirms or sends back an answer under field check (issue 19, item 9): a supervisor, or the
 * user the category names as its field checker. Other operators may not.
 */
export const mayCheckField = (viewer: { role: Role; id: number }, fieldCheckerUserId: number | null | undefined) =>
  viewer.role === "supervisor" || (fieldCheckerUserId != null && viewer.id === fieldCheckerUserId && ACTION_ROLES.approve_answer.includes(viewer.role));
