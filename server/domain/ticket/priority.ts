/**
 * A ticket's criticality, set by the operator. Pergub Sumut 12/2022 Pasal 51 asks for SLAs "by
 * criticality": the priority selects the SLA policy (server/clocks/sla-settings.ts).
 */
export const TICKET_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
