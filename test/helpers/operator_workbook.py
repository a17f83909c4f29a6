#!/usr/bin/python3
"""Builds an operator-style inventory workbook with openpyxl (a writer other
than exceljs): a chart, cell comments, an image, data validations,
conditional formatting, defined names, a hyperlink, formulas and a hidden
sheet. Usage: operator_workbook.py OUT.xlsx [ROWS]"""
import sys
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
import datetime, io, struct, zlib

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 6

wb = Workbook()
ws = wb.active
ws.title = "Devices"
header = ["Hostname", "Host", "Platform", "Target Version", "Image", "Site", "Owner", "Window Start", "Window End", "Notes", "Cost"]
ws.append(header)
for i in range(rows):
    ws.append([
        f"sw-{i:04d}", f"10.0.{i // 250}.{i % 250 + 1}", "iosxe", "17.9.5", "cat9k_iosxe.17.09.05.SPA.bin",
        ["lon", "par", "nyc"][i % 3], f"team-{i % 4}",
        datetime.datetime(2026, 12, 5, 1, 0), datetime.datetime(2026, 12, 5, 5, 0),
        f"note {i}", 100 + i,
    ])
for c in ws[1]:
    c.font = Font(bold=True, color="FFFFFF")
    c.fill = PatternFill("solid", fgColor="305496")
ws.freeze_panes = "A2"
ws.column_dimensions["A"].width = 22
ws.column_dimensions["E"].width = 38
ws.column_dimensions["J"].width = 30
ws["A2"].comment = Comment("core switch, call NOC before reload", "operator")
ws["J3"].comment = Comment("second comment", "operator")
ws["F2"].hyperlink = "https://wiki.example.net/sites/lon"
ws["G2"].hyperlink = "#'Lookups'!A1"
dv = DataValidation(type="list", formula1='"iosxe,panos,panorama,jumphost"', allow_blank=False)
dv.add(f"C2:C{rows + 200}")
ws.add_data_validation(dv)
ws.conditional_formatting.add(f"K2:K{rows + 1}", CellIsRule(operator="greaterThan", formula=["102"], fill=PatternFill("solid", fgColor="FFC7CE")))
ws[f"K{rows + 2}"] = f"=SUM(K2:K{rows + 1})"

lookups = wb.create_sheet("Lookups")
lookups.append(["platform"])
for p in ["iosxe", "panos", "panorama", "jumphost"]:
    lookups.append([p])
chart_data = wb.create_sheet("Chart")
chart_data.append(["site", "devices"])
for s, n in [("lon", 10), ("par", 6), ("nyc", 4)]:
    chart_data.append([s, n])
chart = BarChart()
chart.title = "Devices per site"
chart.add_data(Reference(chart_data, min_col=2, min_row=1, max_row=4), titles_from_data=True)
chart.set_categories(Reference(chart_data, min_col=1, min_row=2, max_row=4))
chart_data.add_chart(chart, "D2")

# A 2x2 PNG, built by hand so no imaging library is needed.
def png():
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
try:
    img = Image(io.BytesIO(png()))
    chart_data.add_image(img, "A8")
except Exception as e:  # PIL missing: openpyxl needs it for images
    print("image skipped:", e, file=sys.stderr)

hidden = wb.create_sheet("Secret Notes")
hidden["A1"] = "operator-only sheet"
hidden.sheet_state = "hidden"

images = wb.create_sheet("Images")
images.append(["platform", "version", "file", "md5", "size"])
images.append(["iosxe", "17.9.5", "cat9k_iosxe.17.09.05.SPA.bin", "0" * 31 + "1", 1254312329])

settings = wb.create_sheet("Settings")
settings.append(["key", "value"])
settings.append(["concurrency", 5])
settings.append(["max_failure_percent", 0.25])
settings["B3"].number_format = "0%"
settings.append(["reload_timeout", "20 min"])

wb.defined_names.append(DefinedName("Platforms", attr_text="Lookups!$A$2:$A$5"))
wb.save(out)
