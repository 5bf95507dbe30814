"""Read every data sheet of the workbook and every CSV with pandas, as an
analyst would (first row the header, no options), and print, per table,
the row counts and the dtypes pandas saw, with any column whose dtype is
not what the JSON Schema says it holds (a number, a boolean, a date)."""
import json, os, sys
import pandas as pd
from pandas.api import types as pt

xlsx, schema_path, csv_dir = sys.argv[1:4]
schema = json.load(open(schema_path, encoding="utf-8"))
tables = schema["properties"]["tables"]["properties"]
sheets = pd.read_excel(xlsx, sheet_name=None)
out = {"tables": {}, "problems": []}


def kind(prop):
    t = prop.get("type")
    t = t if isinstance(t, list) else [t]
    if "boolean" in t:
        return "boolean"
    if "integer" in t or "number" in t:
        return "number"
    if prop.get("format") == "date":
        return "date"
    return "text"


for name, prop in tables.items():
    if name == "summary":  # a sheet of its own layout, by month
        continue
    cols = prop["items"]["properties"]
    df = sheets[name]
    info = {"sheet_rows": len(df), "sheet_dtypes": {c: str(d) for c, d in df.dtypes.items()}}
    csv = os.path.join(csv_dir, name + ".csv")
    dc = None
    if os.path.exists(csv):
        dc = pd.read_csv(csv, encoding="utf-8-sig")
        info["csv_rows"] = len(dc)
        info["csv_dtypes"] = {c: str(d) for c, d in dc.dtypes.items()}
        for c in dc.columns:
            if c not in df.columns:
                out["problems"].append(f"{name}: CSV column {c} is not in the sheet")
    for c, p in cols.items():
        k = kind(p)
        frames = [("sheet", df)] + ([("csv", dc)] if dc is not None and c in dc.columns else [])
        for where, frame in frames:
            if c not in frame.columns:
                out["problems"].append(f"{name} {where}: no column {c}")
                continue
            s = frame[c]
            if k == "number" and not (pt.is_numeric_dtype(s) and not pt.is_bool_dtype(s)):
                out["problems"].append(f"{name} {where}: {c} is {s.dtype}, want a number")
            if k == "boolean" and not pt.is_bool_dtype(s):
                out["problems"].append(f"{name} {where}: {c} is {s.dtype}, want bool")
            if k == "date" and where == "sheet" and s.notna().any() and not pt.is_datetime64_any_dtype(s):
                out["problems"].append(f"{name} sheet: {c} is {s.dtype}, want a date")
    out["tables"][name] = info
json.dump(out, sys.stdout, ensure_ascii=False)
