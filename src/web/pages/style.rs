//! The one stylesheet of every page.

/// The one stylesheet, inside the binary (nothing is fetched): readable type, tabular figures
/// right-aligned, headers that stay visible over long tables, the chart at the content's width,
/// and a print style that keeps a report's chart and table together.
pub(super) const CSS: &str = r#"
:root{--ink:#1f2328;--muted:#59636e;--rule:#d8dee4;--head:#f3f5f7;--accent:#0b5cad;--neg:#b3261e}
*{box-sizing:border-box}
body{margin:0 auto;padding:0 1.5rem 3rem;max-width:96rem;color:var(--ink);
 font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
nav{display:flex;gap:1.5rem;align-items:baseline;padding:.8rem 0;border-bottom:1px solid var(--rule);margin-bottom:1rem}
nav .brand{font-weight:700;color:var(--ink);text-decoration:none;margin-right:auto}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
h1{font-size:1.6rem;margin:.6rem 0 .2rem;line-height:1.25}
h2{font-size:1.15rem;margin:2rem 0 .5rem;padding-top:.8rem;border-top:1px solid var(--rule)}
p{margin:.4rem 0;max-width:60rem}
.muted{color:var(--muted)}.err{color:var(--neg);white-space:pre-wrap}
.review,table tbody tr td.review{background:#fff4ce}
.scroll{display:inline-block;max-width:100%;vertical-align:top;overflow:auto;max-height:80vh;margin:.6rem 0;border:1px solid var(--rule);border-radius:4px;
 scrollbar-width:auto;scrollbar-color:#8c959f #eef1f4;scrollbar-gutter:auto}
.scroll.full{max-height:none;overflow-y:visible}
.wide{margin:.2rem 0 0;font-size:.85rem;color:var(--muted)}
tr.fail td{background:#fde7e6 !important;color:#8a1c14}tr.fail td:first-child{border-left:4px solid var(--neg)}
tr.residual td{background:#fff3d6 !important;color:#6b4a00}tr.residual td:first-child{border-left:4px solid #d48806}
.status-fail{font-weight:700;color:var(--neg)}.status-residual{font-weight:700;color:#9a6700}
.picker{margin:.4rem 0 .8rem}td.unit,td.short{white-space:nowrap}.picker label{margin-right:.4rem}
table{border-collapse:separate;border-spacing:0;font-size:.9rem;min-width:20rem}
th,td{padding:.3rem .65rem;border-bottom:1px solid var(--rule);vertical-align:top;text-align:left}
thead th{position:sticky;top:0;background:var(--head);font-weight:600;z-index:1;vertical-align:bottom}
tbody tr:nth-child(even) td{background:#fafbfc}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums lining-nums}td.num{white-space:nowrap}
td.neg,td.neg a{color:var(--neg)}
table.card{border:1px solid var(--rule);border-radius:4px;margin:.5rem 0}
table.card th{background:var(--head);width:9rem}
ul.reports{list-style:none;padding:0;margin:.5rem 0}
ul.reports li{padding:.55rem 0;border-bottom:1px solid var(--rule)}
ul.reports .title{font-weight:600}ul.reports code{color:var(--muted);font-size:.85rem;margin-left:.5rem}
ul.reports .desc{margin:.15rem 0 0;color:var(--muted);font-size:.9rem}
.chart{margin:1rem 0}.chart svg{display:block;width:100%;height:auto;max-width:60rem}
form{margin:.8rem 0;display:flex;flex-wrap:wrap;gap:.4rem .9rem;align-items:center}
select,input,button,textarea{font:inherit}
textarea{width:100%;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9rem}
button{padding:.25rem .9rem;border:1px solid var(--accent);background:var(--accent);color:#fff;border-radius:4px;cursor:pointer}
pre.src{background:#f6f8fa;border:1px solid var(--rule);padding:.6rem;overflow-x:auto;font-size:.85rem}
mark{background:#ffe066}.label{text-decoration:underline dotted var(--muted)}
.sep{color:var(--muted)}.run{color:var(--muted)}
.links{margin:.6rem 0}
@media print{
 @page{margin:12mm}
 body{max-width:none;padding:0;font-size:10pt}
 nav,form,details,.links,.noprint{display:none}
 h1{font-size:15pt}h2{break-after:avoid}
 .scroll{max-height:none;overflow:visible;border:0}
 thead th{position:static}
 .chart{break-inside:avoid}.chart svg{max-height:48vh;width:auto;max-width:100%}
 table{font-size:8.5pt}tr{break-inside:avoid}
 a{color:inherit}
}
"#;
