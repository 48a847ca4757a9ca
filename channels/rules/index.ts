// The shared rules: definitions that channels/, server/ and the console all need, each defined
// once here. A leaf folder: it imports nothing outside itself (test/repository/rules.test.ts checks).
export * from "./channel-kinds.js";
export * from "./identity-link.js";
export * from "./merged-tickets.js";
export * from "./secret-fields.js";
export * from "./status-words.js";
export * from "./ticket-number.js";
export * from "./webhook-events.js";
