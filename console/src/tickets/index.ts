import InboxIcon from "@mui/icons-material/Inbox";
import { TicketList } from "./TicketList";
import { TicketShow } from "./show";
import { PhoneCallCreate } from "./PhoneCallCreate";

export default { list: TicketList, show: TicketShow, create: PhoneCallCreate, icon: InboxIcon };
