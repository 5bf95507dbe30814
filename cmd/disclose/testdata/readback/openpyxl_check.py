"""Read the workbook back with openpyxl (normal and read-only modes) and
print a JSON report the Go test compares with the CSV downloads."""
import datetime, json, sys
import openpyxl

path = sys.argv[1]
out = {"sheets": [], "tables": {}}
wb = openpyxl.load_workbook(path)
out["sheets"] = wb.sheetnames
for name in ["providers", "commitments", "notices", "violations"]:
    ws = wb[name]
    header = [c.value for c in ws[2]]
    info = {
        "freeze": ws.freeze_panes,
        "autofilter": ws.auto_filter.ref,
        "rows": ws.max_row,
        "header": header,
        "types": {},
        "formats": {},
    }
    if ws.max_row >= 3:
        for i, h in enumerate(header):
            for r in range(3, ws.max_row + 1):
                c = ws.cell(row=r, column=i + 1)
                if c.value is not None:
                    v = c.value
                    info["types"][h] = "date" if isinstance(v, datetime.datetime) else type(v).__name__
                    info["formats"][h] = c.number_format
                    break
    out["tables"][name] = info
out["charts"] = len(wb["summary"]._charts)
ro = openpyxl.load_workbook(path, read_only=True)
out["read_only_rows"] = {n: sum(1 for _ in ro[n].iter_rows()) for n in ["providers", "commitments", "notices", "violations", "dictionary"]}
out["dictionary_rows"] = wb["dictionary"].max_row
json.dump(out, sys.stdout)
