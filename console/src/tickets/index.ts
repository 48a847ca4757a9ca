import InboxIcon from "@mui/icons-material/Inbox";
import { lazyComponent, loadOnce } from "../lazy";

/**
 * The ticket page with everything only it uses (dialogs, case facts, routing suggestions,
 * clusters, publication preview, contact links): not part of the first screen. The queue
 * prefetches it when the browser is idle (see prefetchTicketShow), so opening a ticket stays fast.
 */
export const loadTicketShow = loadOnce(() => import("./show"));
/** The queue (and the OPD inbox): its own chunk, so that the login page does not carry it. */
export const loadTicketList = loadOnce(() => import("./TicketList"));
const TicketList = lazyComponent(loadTicketList, (m) => m.TicketList);
const PhoneCallCreate = lazyComponent(() => import("./PhoneCallCreate"), (m) => m.PhoneCallCreate);
const TicketShow = lazyComponent(loadTicketShow, (m) => m.TicketShow);
// Opened at a ticket's address (a link, a reload): load the page alongside the app, not after it.
if (/^#\/tickets\/[^/?]+\/show/.test(location.hash)) void loadTicketShow().catch(() => undefined);

export default { list: TicketList, show: TicketShow, create: PhoneCallCreate, icon: InboxIcon };
