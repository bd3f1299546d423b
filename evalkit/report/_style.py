"""Inline CSS and the Content-Security-Policy of the report page."""

# Defence in depth behind escaping: no script runs and nothing is fetched, whatever the page holds.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

FONTS = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", '
    '"Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", sans-serif'
)
MONO = (
    'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC", '
    '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", monospace'
)

CSS = f"""
body {{ font-family: {FONTS}; margin: 24px; color: #222; background: #fff; font-size: 14px; }}
h1 {{ font-size: 20px; margin: 0 0 8px; }}
h2 {{ font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }}
h3 {{ font-size: 15px; margin: 18px 0 6px; }}
table {{ border-collapse: collapse; margin: 8px 0; }}
th, td {{ border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }}
th {{ background: #f4f4f4; }}
td {{ font-variant-numeric: tabular-nums; }}
tr.fail td {{ background: #fdd; }}
tr.worse td {{ background: #fff1e0; }}
tr.better td {{ background: #e8f6e8; }}
ul.fail li {{ color: #b00; }}
.badge {{ display: inline-block; padding: 2px 12px; border-radius: 4px; color: #fff;
  font-weight: bold; font-size: 18px; }}
.badge.pass {{ background: #2ca02c; }}
.badge.fail {{ background: #d62728; }}
.badge.inconclusive {{ background: #b26a00; }}
.why {{ color: #b00; margin-left: 8px; }}
.warning {{ background: #fff4d6; border-left: 4px solid #d08a00; padding: 6px 10px; }}
.hint {{ color: #666; font-size: 12px; }}
.chart {{ margin: 8px 0 16px; }}
svg text {{ font-family: {FONTS}; fill: #222; }}
svg text.lbl {{ font-size: 11px; }}
svg text.tick {{ font-size: 10px; fill: #555; }}
svg text.cap {{ font-size: 12px; font-weight: bold; }}
svg text.grp {{ font-size: 12px; font-weight: bold; }}
.strip {{ border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; margin: 8px 0;
  background: #fafafa; }}
.strip p {{ margin: 4px 0; }}
ul.chips {{ list-style: none; padding: 0; margin: 6px 0 0; display: flex; flex-wrap: wrap;
  gap: 6px; }}
li.chip {{ border-radius: 12px; padding: 2px 10px; font-size: 12px; border: 1px solid #ccc; }}
li.chip.ok {{ background: #e8f6e8; border-color: #2ca02c; }}
li.chip.weak {{ background: #fff4d6; border-color: #d08a00; }}
li.chip.fail {{ background: #fdd; border-color: #d62728; }}
td.text {{ min-width: 180px; }}
pre.answer {{ font-family: {MONO}; white-space: pre-wrap; word-break: break-word; margin: 0;
  max-width: 520px; max-height: 240px; overflow: auto; font-size: 12px; }}
code {{ font-family: {MONO}; }}
"""
