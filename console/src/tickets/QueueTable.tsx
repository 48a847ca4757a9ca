// The queue's table: a plain HTML table styled by one stylesheet, instead of react-admin's Datagrid.
// The queue is the screen an operator opens first and most often; the Datagrid draws every header
// and body cell as an MUI TableCell, a styled component whose styles Emotion serializes on each
// render (about 200 cells on a page of 25). Here the cells are <td> elements with class names, the
// rules are written once, and the body renders again only when the page of data changes.
// Kept from the Datagrid: the table's name, `column-<source>` classes, sortable headers with
// aria-sort, a click on a row opens the ticket (the number is a real link for keyboards), and the
// empty state.
import { memo, useMemo, type ReactNode } from "react";
import { useCreatePath, useListContext, useTranslate, type RaRecord } from "react-admin";
import { useNavigate } from "react-router-dom";

export interface QueueColumn {
  /** The field it shows: the cell's class (`column-<key>`) and, unless `label` is given, its header. */
  key: string;
  /** A translation key for the header (default `resources.tickets.fields.<key>`). */
  label?: string;
  /** The sort field when the header sorts (absent: not sortable). */
  sortBy?: string;
  render(record: RaRecord): ReactNode;
}

// MUI's small table (the Datagrid's look): rules once, in one <style> element, not per cell.
const CSS = `
.aduan-queue{width:100%;border-collapse:collapse;font-size:.875rem;line-height:1.43;color:rgba(0,0,0,.87)}
.aduan-queue th,.aduan-queue td{padding:6px 16px;border-bottom:1px solid rgba(224,224,224,1);text-align:left;vertical-align:middle}
.aduan-queue th{font-weight:500;line-height:1.5rem;white-space:nowrap}
.aduan-queue tbody tr{cursor:pointer}
.aduan-queue tbody tr:hover{background:rgba(0,0,0,.04)}
.aduan-queue th button{all:unset;cursor:pointer;display:inline-flex;align-items:center;gap:2px}
.aduan-queue th button:focus-visible{outline:2px solid #0d47a1;outline-offset:2px}
.aduan-queue th button:hover{color:rgba(0,0,0,.6)}
.aduan-queue .sort-arrow{font-size:.8em;opacity:.55}
.aduan-queue a{color:#0d47a1}
`;

let styled = false;
function ensureStyles() {
  if (styled || typeof document === "undefined") return;
  styled = true;
  const el = document.createElement("style");
  el.dataset.aduan = "queue";
  el.textContent = CSS;
  document.head.append(el);
}

export function QueueTable({ columns, label, empty }: { columns: QueueColumn[]; label: string; empty: ReactNode }) {
  ensureStyles();
  const { data, isPending, sort, setSort } = useListContext();
  const translate = useTranslate();
  const header = (
    <thead>
      <tr>
        {columns.map((c) => {
          const text = translate(c.label ?? `resources.tickets.fields.${c.key}`);
          if (!c.sortBy) return <th key={c.key} scope="col" className={`column-${c.key}`}>{text}</th>;
          const active = sort.field === c.sortBy;
          const next = active && sort.order === "ASC" ? "DESC" : "ASC";
          return (
            <th key={c.key} scope="col" className={`column-${c.key}`} aria-sort={active ? (sort.order === "ASC" ? "ascending" : "descending") : "none"}>
              <button type="button" title={translate("ra.sort.sort_by", { field: text, field_lower_first: text.charAt(0).toLowerCase() + text.slice(1), order: translate(`ra.sort.${next}`) })} onClick={() => setSort({ field: c.sortBy!, order: active ? next : "ASC" })}>
                {text}
                {active ? <span className="sort-arrow" aria-hidden>{sort.order === "ASC" ? "▲" : "▼"}</span> : null}
              </button>
            </th>
          );
        })}
      </tr>
    </thead>
  );
  if (isPending) return null;
  if (!data?.length) return <>{empty}</>;
  return (
    <table className="aduan-queue" aria-label={label}>
      {header}
      <QueueBody data={data} columns={columns} />
    </table>
  );
}

/** The rows: rendered again only for a new page of data or other columns (a language switch). */
const QueueBody = memo(function QueueBody({ data, columns }: { data: RaRecord[]; columns: QueueColumn[] }) {
  const navigate = useNavigate();
  const createPath = useCreatePath();
  const rows = useMemo(
    () =>
      data.map((r) => (
        <tr key={r.id} onClick={() => navigate(createPath({ resource: "tickets", id: r.id, type: "show" }))}>
          {columns.map((c) => (
            <td key={c.key} className={`column-${c.key}`}>{c.render(r)}</td>
          ))}
        </tr>
      )),
    [data, columns, navigate, createPath],
  );
  return <tbody>{rows}</tbody>;
});
