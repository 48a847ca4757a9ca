/** The audit viewer (supervisors and admins), loaded on demand: `/audit`. */
export { default as AuditViewer } from "./AuditViewer";
