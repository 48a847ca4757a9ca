/** The UU PDP screens: data subject requests (command center) and the retention policy (admins edit, all staff of the center read). */
export { default as DataSubjects } from "./DataSubjects";
export { default as Retention } from "./Retention";
