/** Mức độ hài lòng (ratings by unit, procedure or officer, with a chart) and the tracking book (sổ theo dõi hồ sơ, with CSV). */
import type { Hono } from 'hono';
import { raw } from 'hono/html';
import { CSV_BOM } from '../../reports/index.js';
import type { SatisfactionRow } from '../../service/report-satisfaction.js';
import { stackedBarSvg } from '../charts.js';
import type { WebDeps, WebEnv } from '../deps.js';
import { dateTimeVn, dateVn, numberVn, percentVn } from '../format.js';
import { requireSession } from '../guard.js';
import { RATING_LABELS_VN } from '../labels.js';
import { ReportFrame, reportFilters, reportsOr } from './reports.js';

const GROUPINGS = { unit: 'Theo đơn vị', procedure: 'Theo thủ tục', officer: 'Theo cán bộ tiếp nhận' } as const;
type Grouping = keyof typeof GROUPINGS;

const LEGEND = [
  { name: RATING_LABELS_VN['rat_hai_long']!, color: '#1e6b34' },
  { name: RATING_LABELS_VN['hai_long']!, color: '#5aa469' },
  { name: RATING_LABELS_VN['khong_hai_long']!, color: '#a61b1b' },
];

const SatisfactionTable = (p: { rows: SatisfactionRow[]; total: SatisfactionRow }) => (
  <div class="table-wrap">
    <table class="cards" aria-label="Mức độ hài lòng">
      <thead>
        <tr>
          <th scope="col"> </th>
          <th scope="col" class="num">
            Hồ sơ đã xong
          </th>
          <th scope="col" class="num">
            Đã đánh giá
          </th>
          <th scope="col" class="num">
            Rất hài lòng
          </th>
          <th scope="col" class="num">
            Hài lòng
          </th>
          <th scope="col" class="num">
            Không hài lòng
          </th>
          <th scope="col" class="num">
            Tỷ lệ hài lòng
          </th>
        </tr>
      </thead>
      <tbody>
        {[...p.rows, p.total].map((r) => (
          <tr>
            <td data-label="Nhóm">{r === p.total ? <strong>Tổng cộng</strong> : r.label}</td>
            <td data-label="Hồ sơ đã xong" class="num">
              {numberVn(r.closed)}
            </td>
            <td data-label="Đã đánh giá" class="num">
              {numberVn(r.rated)} ({percentVn(r.participation)})
            </td>
            <td data-label="Rất hài lòng" class="num">
              {numberVn(r.rat_hai_long)}
            </td>
            <td data-label="Hài lòng" class="num">
              {numberVn(r.hai_long)}
            </td>
            <td data-label="Không hài lòng" class="num">
              {numberVn(r.khong_hai_long)}
            </td>
            <td data-label="Tỷ lệ hài lòng" class="num">
              {percentVn(r.satisfied_rate)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

export function registerMoreReportRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  web.get('/bao-cao/hai-long', async (c) => {
    const reports = reportsOr(c, deps, '/bao-cao/hai-long');
    if (!('satisfaction' in reports)) return reports;
    const session = requireSession(c);
    const f = reportFilters(c, deps);
    const asked = c.req.query('by') ?? '';
    const by: Grouping = asked in GROUPINGS ? (asked as Grouping) : 'unit';
    const report = await reports.satisfaction(session.actor, { unit: f.unit, from: f.from, to: f.to, by });
    const select = (
      <div class="field">
        <label for="by">Nhóm theo</label>
        <select id="by" name="by">
          {Object.entries(GROUPINGS).map(([k, label]) => (
            <option value={k} selected={k === by}>
              {label}
            </option>
          ))}
        </select>
      </div>
    );
    return c.html(
      <ReportFrame c={c} deps={deps} title="Mức độ hài lòng của người dân" tab="/bao-cao/hai-long" f={f} extra={select}>
        <p class="muted">
          Hồ sơ đã xong trong kỳ {dateVn(f.from)}–{dateVn(f.to)} và đánh giá của người dân.
        </p>
        <SatisfactionTable rows={report.items} total={report.total} />
        {report.items.length > 0 ? (
          <section class="card chart" aria-labelledby="h-sat-chart">
            <h2 id="h-sat-chart">Biểu đồ đánh giá</h2>
            {raw(
              stackedBarSvg(
                'Số đánh giá theo mức độ',
                LEGEND,
                report.items.map((r) => ({ label: r.label, parts: [r.rat_hai_long, r.hai_long, r.khong_hai_long] })),
              ),
            )}
          </section>
        ) : null}
      </ReportFrame>,
    );
  });

  web.get('/bao-cao/so-theo-doi', async (c) => {
    const reports = reportsOr(c, deps, '/bao-cao/so-theo-doi');
    if (!('trackingBook' in reports)) return reports;
    const session = requireSession(c);
    const f = reportFilters(c, deps);
    const page = await reports.trackingBook(session.actor, { unit: f.unit, from: f.from, to: f.to, limit: 50, cursor: c.req.query('cursor') || undefined });
    const params = new URLSearchParams({ unit: f.unit, from: f.from, to: f.to });
    const next = new URLSearchParams(params);
    if (page.next_cursor) next.set('cursor', page.next_cursor);
    return c.html(
      <ReportFrame c={c} deps={deps} title="Sổ theo dõi hồ sơ" tab="/bao-cao/so-theo-doi" f={f}>
        <p>
          <a href={`/bao-cao/so-theo-doi.csv?${params.toString()}`}>Tải sổ theo dõi (CSV)</a>
        </p>
        {page.items.length === 0 ? <p class="card">Không có hồ sơ nào được tiếp nhận trong kỳ này.</p> : null}
        {page.items.length > 0 ? (
          <div class="table-wrap">
            <table class="cards" aria-label="Sổ theo dõi hồ sơ">
              <thead>
                <tr>
                  <th scope="col">Mã hồ sơ</th>
                  <th scope="col">Người nộp</th>
                  <th scope="col">Thủ tục</th>
                  <th scope="col">Ngày nhận</th>
                  <th scope="col">Hẹn trả</th>
                  <th scope="col">Ngày trả</th>
                  <th scope="col">Tình trạng</th>
                  <th scope="col">Đúng hạn</th>
                  <th scope="col">Cán bộ tiếp nhận</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((l) => (
                  <tr>
                    <td data-label="Mã hồ sơ">{l.code}</td>
                    <td data-label="Người nộp">{l.applicant}</td>
                    <td data-label="Thủ tục">{l.procedure.title}</td>
                    <td data-label="Ngày nhận">{dateTimeVn(l.received_at)}</td>
                    <td data-label="Hẹn trả">{dateTimeVn(l.due_at)}</td>
                    <td data-label="Ngày trả">{dateTimeVn(l.delivered_at)}</td>
                    <td data-label="Tình trạng">{l.status_label ?? ''}</td>
                    <td data-label="Đúng hạn">{l.timeliness === 'on_time' ? <span class="badge green">Đúng hạn</span> : l.timeliness === 'late' ? <span class="badge red">Trễ hạn</span> : ''}</td>
                    <td data-label="Cán bộ">{l.officer.name}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <nav class="pager" aria-label="Trang">
          <span />
          {page.next_cursor ? <a href={`/bao-cao/so-theo-doi?${next.toString()}`}>Trang sau »</a> : null}
        </nav>
      </ReportFrame>,
    );
  });

  web.get('/bao-cao/so-theo-doi.csv', async (c) => {
    const reports = reportsOr(c, deps, '/bao-cao/so-theo-doi');
    if (!('trackingBookCsv' in reports)) return reports;
    const f = reportFilters(c, deps);
    const chunks = await reports.trackingBookCsv(requireSession(c).actor, { unit: f.unit, from: f.from, to: f.to });
    const iterator = chunks[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    let first = true;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) return controller.close();
        controller.enqueue(encoder.encode(first ? CSV_BOM + next.value : next.value));
        first = false;
      },
      async cancel() {
        await iterator.return?.();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="so-theo-doi-${f.from}-${f.to}.csv"`, 'cache-control': 'no-store' } });
  });
}
