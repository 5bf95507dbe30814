"""Read the workbook back with openpyxl, in normal and read-only modes,
and print a JSON report the Go test compares with the CSV downloads:
each data sheet's header, rows, table, freeze, print setup and cell
types, and every cell, in both modes, that holds anything but a value
(program debris such as "{8  …}", "%!d(…)", "<nil>", an unfilled
{param})."""
import datetime, json, re, sys
import openpyxl

DATA = ["providers", "commitments", "notices", "violations", "services"]
DEBRIS = re.compile(r"^\{|%!|<nil>|&\{|map\[|\{[a-z_]+\}")

path = sys.argv[1]
out = {"tables": {}, "debris": [], "text": {}}
wb = openpyxl.load_workbook(path)
ro = openpyxl.load_workbook(path, read_only=True)
out["sheets"] = wb.sheetnames


def check(mode, ws):
    texts = []
    for row in ws.iter_rows():
        for c in row:
            v = c.value
            if isinstance(v, str):
                texts.append(v)
                if DEBRIS.search(v):
                    out["debris"].append(f"{mode} {ws.title}!{c.coordinate}: {v[:80]}")
    return texts


for ws in wb.worksheets:
    out["text"][ws.title] = "\n".join(check("normal", ws))
for ws in ro.worksheets:
    check("read-only", ws)

for name in DATA:
    ws = wb[name]
    header = [c.value for c in ws[1]]
    tables = list(ws.tables.values())
    info = {
        "header": header,
        "rows": ws.max_row,
        "read_only_rows": sum(1 for _ in ro[name].iter_rows()),
        "declared": ro[name].calculate_dimension(),
        "used": ws.calculate_dimension(),
        "freeze": ws.freeze_panes,
        "autofilter": ws.auto_filter.ref,
        "tables": [{"name": t.displayName, "ref": t.ref, "columns": [c.name for c in t.tableColumns]} for t in tables],
        "print_titles": ws.print_title_rows,
        "orientation": ws.page_setup.orientation,
        "fit_width": ws.page_setup.fitToWidth,
        "fit_height": ws.page_setup.fitToHeight,
        "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        "types": {},
        "formats": {},
    }
    for i, h in enumerate(header):
        for r in range(2, ws.max_row + 1):
            c = ws.cell(row=r, column=i + 1)
            if c.value is not None:
                v = c.value
                info["types"][h] = "date" if isinstance(v, datetime.datetime) else type(v).__name__
                info["formats"][h] = c.number_format
                break
    out["tables"][name] = info
out["charts"] = len(wb["summary"]._charts)
out["dictionary_rows"] = wb["dictionary"].max_row
out["dimensions"] = {ws.title: [ro[ws.title].calculate_dimension(), ws.calculate_dimension()] for ws in wb.worksheets}
out["print"] = {ws.title: [ws.page_setup.orientation, ws.page_setup.fitToWidth] for ws in wb.worksheets}
json.dump(out, sys.stdout, ensure_ascii=False)
