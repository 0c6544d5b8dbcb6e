/**
 * The one stylesheet, served from /assets/app.css (offices may have no internet: no web fonts,
 * no CDN). Phone-first; tables turn into labelled cards below 720px; the receipt prints on one
 * A4 page.
 */
export const STYLES = `
:root{--ink:#1f2933;--muted:#52606d;--line:#cbd2d9;--bg:#f5f7fa;--card:#fff;--brand:#0b4f8a;--brand-ink:#fff;
--amber:#8a4b00;--amber-bg:#fff4d6;--red:#a61b1b;--red-bg:#fde2e2;--green:#1e6b34;--green-bg:#e3f5e8;--focus:#f0b400}
*{box-sizing:border-box}
html{font-size:16px}
body{margin:0;font-family:"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg);line-height:1.45}
a{color:var(--brand)}
a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid var(--focus);outline-offset:1px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:9}
header.top{background:var(--brand);color:var(--brand-ink)}
header.top .bar{max-width:1280px;margin:0 auto;padding:8px 16px;display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px}
header.top .brand{font-weight:700;font-size:1.1rem;color:#fff;text-decoration:none;margin-right:auto}
header.top nav{display:flex;flex-wrap:wrap;gap:4px 14px}
header.top nav a{color:#fff;text-decoration:none;padding:4px 2px;border-bottom:2px solid transparent}
header.top nav a[aria-current=page]{border-bottom-color:#fff;font-weight:600}
header.top .who{font-size:.85rem;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
header.top .who form{margin:0}
header.top .who button{background:transparent;color:#fff;border:1px solid #fff;padding:2px 8px;border-radius:4px;cursor:pointer;font:inherit}
main{max-width:1280px;margin:0 auto;padding:16px}
main.narrow{max-width:560px}
h1{font-size:1.45rem;margin:.2em 0 .6em}
h2{font-size:1.15rem;margin:1.2em 0 .5em}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:14px 16px;margin:0 0 14px}
.grid2{display:grid;grid-template-columns:1fr;gap:0 18px}
@media(min-width:720px){.grid2{grid-template-columns:1fr 1fr}}
.grid2>fieldset,.grid2>.wide{grid-column:1/-1}
.field{margin:0 0 12px}
.field label,.field .label{display:block;font-weight:600;margin-bottom:3px}
.field .hint{display:block;color:var(--muted);font-size:.85rem}
.field.check label{display:flex;gap:8px;align-items:flex-start;font-weight:400}
input[type=text],input[type=password],input[type=email],input[type=number],input[type=date],input[type=search],input[type=tel],select,textarea{
width:100%;font:inherit;padding:7px 9px;border:1px solid #9aa5b1;border-radius:4px;background:#fff;color:var(--ink);min-height:38px}
textarea{min-height:90px}
textarea.code{font-family:ui-monospace,Consolas,"DejaVu Sans Mono",monospace;font-size:.85rem;min-height:340px}
textarea.code.short{min-height:120px}
input[type=checkbox],input[type=radio]{width:20px;height:20px;margin:2px 0 0;flex:none}
.field.invalid input,.field.invalid select,.field.invalid textarea{border-color:var(--red);background:#fffafa}
.error-text{color:var(--red);font-size:.9rem;margin-top:3px;display:block}
.req{color:var(--red)}
fieldset{border:1px solid var(--line);border-radius:6px;padding:10px 12px;margin:0 0 14px}
legend{font-weight:700;padding:0 4px}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:8px 14px;border-radius:4px;border:1px solid var(--brand);background:var(--brand);color:#fff;cursor:pointer;text-decoration:none;min-height:40px}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}
button.danger{background:var(--red);border-color:var(--red)}
.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:10px 0}
.alert{padding:10px 14px;border-radius:6px;margin:0 0 14px;border:1px solid}
.alert.error{background:var(--red-bg);border-color:#f5a3a3;color:var(--red)}
.alert.ok{background:var(--green-bg);border-color:#9fd8ae;color:var(--green)}
.alert.info{background:#e8f1fb;border-color:#a9c6e8;color:#0b3d6b}
.muted{color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.8rem;font-weight:600;border:1px solid var(--line);background:#eef2f6;white-space:nowrap}
.badge.amber{background:var(--amber-bg);color:var(--amber);border-color:#f2c46d}
.badge.red{background:var(--red-bg);color:var(--red);border-color:#f5a3a3}
.badge.green{background:var(--green-bg);color:var(--green);border-color:#9fd8ae}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:7px 9px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eef2f6;font-size:.85rem}
tr.amber td{background:#fffaf0}
tr.red td{background:#fff5f5}
tr.amber td:first-child{box-shadow:inset 4px 0 0 #e0a100}
tr.red td:first-child{box-shadow:inset 4px 0 0 var(--red)}
td.num,th.num{text-align:right}
.table-wrap{overflow-x:auto}
@media(max-width:719px){
 table.cards thead{display:none}
 table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
 table.cards tr{border:1px solid var(--line);border-radius:6px;margin:0 0 10px;background:#fff}
 table.cards td{border-bottom:1px solid #eef2f6;display:flex;gap:10px}
 table.cards td::before{content:attr(data-label);flex:0 0 38%;color:var(--muted);font-size:.85rem}
 header.top nav{width:100%}
}
.filters{display:grid;grid-template-columns:1fr;gap:8px 12px;align-items:end}
@media(min-width:720px){.filters{grid-template-columns:2fr 1.4fr 1.2fr 1fr auto}}
.filters .field{margin:0}
.pager{display:flex;gap:10px;justify-content:space-between;margin:12px 0}
dl.facts{display:grid;grid-template-columns:minmax(120px,38%) 1fr;gap:4px 12px;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;word-break:break-word}
ol.timeline{list-style:none;margin:0;padding:0}
ol.timeline li{border-left:3px solid var(--line);padding:4px 0 10px 12px;margin-left:6px;position:relative}
ol.timeline li::before{content:"";position:absolute;left:-8px;top:8px;width:13px;height:13px;border-radius:50%;background:var(--brand)}
details.action{border:1px solid var(--line);border-radius:6px;margin:0 0 8px;background:#fff}
details.action summary{cursor:pointer;padding:8px 12px;font-weight:600;color:var(--brand)}
details.action form{padding:4px 12px 10px}
.diagram{overflow-x:auto;background:#fff;border:1px solid var(--line);border-radius:6px;padding:6px}
.diagram svg{display:block;max-width:none}
.chart svg{display:block;width:100%;max-width:720px;height:auto}
.findings li{font-family:ui-monospace,Consolas,monospace;font-size:.85rem;margin:2px 0}
.findings .error{color:var(--red)}.findings .warning{color:var(--amber)}
.stars{display:flex;flex-direction:column;gap:8px}
.stars label{display:flex;gap:10px;align-items:center;border:1px solid var(--line);border-radius:6px;padding:10px;background:#fff;font-weight:600}
.big-status{font-size:1.2rem;font-weight:700}
pre.note{white-space:pre-wrap;background:#fff;border:1px solid var(--line);padding:8px;font-size:.8rem;overflow-x:auto}
/* The receipt: one A4 page. */
.receipt{background:#fff;max-width:210mm;margin:0 auto;padding:14mm 16mm;border:1px solid var(--line);font-family:"Times New Roman","Liberation Serif","DejaVu Serif",serif;font-size:13pt;line-height:1.35}
.receipt .head{display:grid;grid-template-columns:1fr 1fr;gap:10px;text-align:center;font-size:11.5pt}
.receipt .head strong{display:block}
.receipt h1{text-align:center;font-size:15pt;margin:10mm 0 2mm;text-transform:uppercase}
.receipt .sub{text-align:center;font-style:italic;margin-bottom:6mm}
.receipt table{border:none;background:none}
.receipt td{border:none;padding:1.2mm 0}
.receipt td:first-child{width:45%;color:#333}
.receipt .pinbox{display:flex;gap:8mm;align-items:center;border:1px dashed #555;padding:4mm;margin:6mm 0}
.receipt .pinbox img{width:34mm;height:34mm}
.receipt .pin{font-family:ui-monospace,Consolas,monospace;font-size:18pt;letter-spacing:3px;font-weight:700}
.receipt .sign{display:grid;grid-template-columns:1fr 1fr;text-align:center;margin-top:10mm;font-size:12pt}
.receipt .sign .space{height:22mm}
@page{size:A4;margin:0}
@media print{
 body{background:#fff}
 header.top,.no-print,.skip,.alert{display:none!important}
 main{padding:0;max-width:none}
 .receipt{border:none;margin:0;max-width:none;width:210mm;height:296mm;overflow:hidden}
 a{color:inherit;text-decoration:none}
}
`;
